// Work sharing over the process-wide thread pool (src/parallel.cpp).
//
// A plain function pointer and context instead of a template or std::function: kernel units
// compiled per ISA call this, and must not instantiate shared inline code (Note [One symbol per
// ISA] in kernels/binary.hpp).
#pragma once

#include <cstdint>

namespace mg {

// Threads kernels may use, >= 1. Defaults to the number of cores this process may run on (its
// affinity mask on Linux).
int num_threads() noexcept;

// Throws std::invalid_argument unless n >= 1.
void set_num_threads(int n);

using TaskFn = void (*)(void* context, std::int64_t task);

// Calls fn(context, i) for every i in [0, tasks), spread over up to num_threads() threads (the
// caller is one of them), and returns when all calls have returned. fn must not throw. A call
// from inside a task runs its tasks serially on the calling thread. Safe to call from several
// threads at once: a caller that finds the pool busy runs its own tasks on its own thread.
// Details: Note [The thread pool] in src/parallel.cpp.
void parallel_for(std::int64_t tasks, TaskFn fn, void* context) noexcept;

}  // namespace mg

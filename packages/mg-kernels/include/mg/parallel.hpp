// Work sharing over the process-wide thread pool (src/parallel.cpp).
//
// A plain function pointer and context instead of a template or std::function: kernel units
// compiled per ISA call this, and must not instantiate shared inline code (Note [One symbol per
// ISA] in kernels/binary.hpp).
#pragma once

#include <cstdint>

namespace mg {

// Threads kernels may use, >= 1. Defaults to the number of cores.
int num_threads() noexcept;

// Throws std::invalid_argument unless n >= 1.
void set_num_threads(int n);

using TaskFn = void (*)(void* context, std::int64_t task);

// Calls fn(context, i) for every i in [0, tasks), spread over up to num_threads() threads (the
// caller is one of them), and returns when all calls have returned. fn must not throw. A call
// from inside a task runs its tasks serially on the calling thread.
void parallel_for(std::int64_t tasks, TaskFn fn, void* context) noexcept;

}  // namespace mg

// Serial placeholder for the thread pool: same contract as mg/parallel.hpp, one thread.
#include "mg/parallel.hpp"

#include <stdexcept>
#include <string>

namespace mg {

int num_threads() noexcept { return 1; }

void set_num_threads(int n) {
  if (n < 1)
    throw std::invalid_argument("set_num_threads: n must be >= 1, got " + std::to_string(n));
}

void parallel_for(std::int64_t tasks, TaskFn fn, void* context) noexcept {
  for (std::int64_t i = 0; i < tasks; ++i) fn(context, i);
}

}  // namespace mg

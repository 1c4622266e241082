// The process-wide thread pool behind mg/parallel.hpp.
//
// Note [The thread pool]
// ~~~~~~~~~~~~~~~~~~~~~~
// - Persistent workers (num_threads() - 1 of them, started on first use) sleep on a condition
//   variable; a call publishes one job (fn, context, task count) and hands out task indices with
//   an atomic counter. The caller takes tasks too, then waits until every task has finished and
//   every worker that joined the job has let go of it, so `context` may live on its stack.
// - One job at a time. A caller that finds the pool busy (another Python thread, GIL released)
//   does not queue: it runs its own tasks on its own thread, which is as fast as waiting and
//   cannot deadlock. A call from inside a task (thread_local flag) runs serially too.
// - The pool is never destroyed: its workers sleep inside it until the process ends, so neither
//   interpreter exit nor static destruction ever waits for (or destroys) a sleeping thread.
// - fork(): the child has the memory of the pool but none of its threads, and possibly a mutex
//   held by a thread that no longer exists. pthread_atfork makes the child drop (leak) the old
//   pool and start afresh on first use; the thread count setting is kept.
//
// Note [Spin before sleeping]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Waking a thread that sleeps on a condition variable costs tens of microseconds (a futex call
// and a trip through the scheduler), as long as a whole 1M-element add on one core. So a worker
// that has finished a job polls for the next one for up to kSpin before it sleeps, and the
// caller polls for the job's end before it sleeps. Polling reads two atomics that mirror state
// kept under the mutex (`published_` changes whenever a job is published or the pool stops;
// `complete_` is set when the last task of a job has finished), and then takes the mutex and
// checks the real condition, so the atomics are only hints and the protocol stays the one above.
#include "mg/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace mg {
namespace {

int default_threads() noexcept {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n >= 1 ? static_cast<int>(n) : 1;
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> n{default_threads()};
  return n;
}

// True on pool workers always, and on a caller while it runs tasks: nested calls run serially.
thread_local bool t_in_task = false;

constexpr auto kSpin = std::chrono::microseconds(50);  // Note [Spin before sleeping]

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls `ready` for up to kSpin; true if it became true.
template <class Ready>
bool spin_until(Ready ready) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
}

class Pool {
 public:
  // Runs the job if the pool is free; returns false (having run nothing) if another caller holds
  // it.
  bool try_run(std::int64_t tasks, TaskFn fn, void* context, int threads) noexcept {
    std::unique_lock<std::mutex> submit(submit_, std::try_to_lock);
    if (!submit.owns_lock()) return false;
    resize(threads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = fn;
      context_ = context;
      tasks_ = tasks;
      next_.store(0, std::memory_order_relaxed);
      done_ = 0;
      open_ = true;
      ++generation_;
      complete_.store(false, std::memory_order_relaxed);
      published_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    const std::int64_t mine = work();
    std::unique_lock<std::mutex> lock(mutex_);
    done_ += mine;
    const auto all_done = [&] { return done_ == tasks_ && joined_ == 0; };
    if (!all_done()) {
      lock.unlock();
      spin_until([&] { return complete_.load(std::memory_order_acquire); });
      lock.lock();
    }
    finished_.wait(lock, all_done);
    open_ = false;  // a worker waking late must not touch this job
    return true;
  }

 private:
  // Takes tasks until none is left; returns how many it ran.
  std::int64_t work() noexcept {
    std::int64_t count = 0;
    for (;;) {
      const std::int64_t i = next_.fetch_add(1, std::memory_order_relaxed);
      if (i >= tasks_) return count;
      fn_(context_, i);
      ++count;
    }
  }

  void worker() noexcept {
    t_in_task = true;
    std::uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    const auto news = [&] { return stop_ || generation_ != seen; };
    for (;;) {
      if (!news()) {
        const std::uint64_t hint = published_.load(std::memory_order_relaxed);
        lock.unlock();
        spin_until([&] { return published_.load(std::memory_order_acquire) != hint; });
        lock.lock();
      }
      wake_.wait(lock, news);
      if (stop_) return;
      seen = generation_;
      if (!open_) continue;
      ++joined_;
      lock.unlock();
      const std::int64_t mine = work();
      lock.lock();
      done_ += mine;
      --joined_;
      if (done_ == tasks_ && joined_ == 0) {
        complete_.store(true, std::memory_order_release);
        finished_.notify_one();
      }
    }
  }

  // Called with submit_ held, so no job is running.
  void resize(int workers) noexcept {
    if (static_cast<int>(threads_.size()) == workers) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      published_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    try {
      for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { worker(); });
    } catch (...) {
      // Could not start a thread (resource limits): run with the workers we have.
    }
  }

  std::mutex submit_;  // held by the one caller whose job the pool runs
  std::mutex mutex_;   // guards everything below but next_
  std::condition_variable wake_;
  std::condition_variable finished_;
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  bool open_ = false;
  int joined_ = 0;
  TaskFn fn_ = nullptr;
  void* context_ = nullptr;
  std::int64_t tasks_ = 0;
  std::int64_t done_ = 0;
  std::atomic<std::int64_t> next_{0};
  std::atomic<std::uint64_t> published_{0};  // hints for spinning (Note [Spin before sleeping])
  std::atomic<bool> complete_{false};
};

std::atomic<Pool*> g_pool{nullptr};

#if defined(__unix__) || defined(__APPLE__)
void forget_pool_in_child() { g_pool.store(nullptr); }  // leaked on purpose (Note above)
#endif

Pool& pool() {
  Pool* p = g_pool.load(std::memory_order_acquire);
  if (p != nullptr) return *p;
  static std::once_flag atfork;
  std::call_once(atfork, [] {
#if defined(__unix__) || defined(__APPLE__)
    pthread_atfork(nullptr, nullptr, &forget_pool_in_child);
#endif
  });
  auto* fresh = new Pool();  // never deleted (Note [The thread pool])
  if (g_pool.compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;
  return *p;
}

void run_serial(std::int64_t tasks, TaskFn fn, void* context) noexcept {
  const bool outer = t_in_task;
  t_in_task = true;
  for (std::int64_t i = 0; i < tasks; ++i) fn(context, i);
  t_in_task = outer;
}

}  // namespace

int num_threads() noexcept { return thread_setting().load(std::memory_order_relaxed); }

void set_num_threads(int n) {
  if (n < 1) {
    throw std::invalid_argument("set_num_threads: n must be >= 1, got " + std::to_string(n));
  }
  thread_setting().store(n, std::memory_order_relaxed);
}

void parallel_for(std::int64_t tasks, TaskFn fn, void* context) noexcept {
  if (tasks <= 0) return;
  const int threads = static_cast<int>(std::min<std::int64_t>(num_threads(), tasks));
  if (threads <= 1 || t_in_task) return run_serial(tasks, fn, context);
  t_in_task = true;
  Pool* p = nullptr;
  try {
    p = &pool();
  } catch (...) {  // out of memory for the pool itself
  }
  const bool ran = p != nullptr && p->try_run(tasks, fn, context, num_threads());
  t_in_task = false;
  if (!ran) run_serial(tasks, fn, context);
}

}  // namespace mg

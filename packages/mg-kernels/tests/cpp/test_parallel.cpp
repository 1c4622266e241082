// The thread pool (parallel_for: every task once, nested and concurrent callers) and split plans
// (which dimension is cut, and the same bytes for any thread count through every ISA).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mg/parallel.hpp"
#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

// Sets the thread count for one scope and restores the previous one.
class ThreadCount {
 public:
  explicit ThreadCount(int n) : previous_(num_threads()) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(previous_); }
  ThreadCount(const ThreadCount&) = delete;
  ThreadCount& operator=(const ThreadCount&) = delete;

 private:
  int previous_;
};

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(std::int64_t n) : hits(static_cast<std::size_t>(n)) {}
};

void count_task(void* context, std::int64_t task) {
  static_cast<Counts*>(context)->hits[static_cast<std::size_t>(task)]++;
}

void expect_each_once(const Counts& c, const std::string& what) {
  for (std::size_t i = 0; i < c.hits.size(); ++i) {
    ASSERT_EQ(c.hits[i].load(), 1) << what << ": task " << i;
  }
}

TEST(ParallelFor, EveryTaskRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    const ThreadCount scope(threads);
    for (std::int64_t tasks : {0, 1, 2, 3, 7, 64, 1000}) {
      Counts c(tasks);
      parallel_for(tasks, &count_task, &c);
      expect_each_once(c, std::to_string(threads) + " threads, " + std::to_string(tasks));
    }
  }
}

TEST(ParallelFor, UsesMoreThanOneThreadWhenAsked) {
  const ThreadCount scope(2);
  struct Seen {
    std::mutex mutex;
    std::set<std::thread::id> ids;
  } seen;
  // Each task waits a little so one thread cannot take them all before the worker wakes.
  auto task = [](void* context, std::int64_t) {
    auto& s = *static_cast<Seen*>(context);
    {
      const std::lock_guard<std::mutex> lock(s.mutex);
      s.ids.insert(std::this_thread::get_id());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  parallel_for(20, task, &seen);
  EXPECT_EQ(seen.ids.size(), 2u);
}

TEST(ParallelFor, NestedCallsRunSeriallyAndComplete) {
  const ThreadCount scope(4);
  struct Nest {
    Counts inner{16 * 16};
  } nest;
  auto outer_task = [](void* context, std::int64_t i) {
    struct Row {
      Nest* nest;
      std::int64_t i;
    } row{static_cast<Nest*>(context), i};
    parallel_for(
        16,
        [](void* ctx, std::int64_t j) {
          auto& r = *static_cast<Row*>(ctx);
          r.nest->inner.hits[static_cast<std::size_t>(r.i * 16 + j)]++;
        },
        &row);
  };
  parallel_for(16, outer_task, &nest);
  expect_each_once(nest.inner, "nested");
}

TEST(ParallelFor, ConcurrentCallersEachGetAllTheirTasks) {
  const ThreadCount scope(3);
  constexpr int kCallers = 4;
  constexpr int kRounds = 300;
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&failures, t] {
      for (int round = 0; round < kRounds; ++round) {
        const std::int64_t tasks = 1 + (round * 7 + t) % 50;
        Counts c(tasks);
        parallel_for(tasks, &count_task, &c);
        for (auto& h : c.hits) failures += h.load() != 1;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ParallelFor, ThreadCountMustBePositive) {
  EXPECT_THROW(set_num_threads(0), std::invalid_argument);
  EXPECT_THROW(set_num_threads(-3), std::invalid_argument);
  EXPECT_GE(num_threads(), 1);
  const ThreadCount scope(5);
  EXPECT_EQ(num_threads(), 5);
}

// A kernel that records the sub-loops it is called with (one global recorder: tests run one at
// a time).
struct Call {
  std::int64_t shape[4];
  std::size_t ndim;
  std::intptr_t out;
};
std::mutex g_calls_mutex;
std::vector<Call> g_calls;

void record_kernel(const StridedLoop<2>& loop, void* const* base) {
  Call c{{0, 0, 0, 0}, loop.ndim, reinterpret_cast<std::intptr_t>(base[0])};
  for (std::size_t d = 0; d < loop.ndim && d < 4; ++d) c.shape[d] = loop.shape[d];
  const std::lock_guard<std::mutex> lock(g_calls_mutex);
  g_calls.push_back(c);
}

std::vector<Call> record(const Shape& shape, const Shape& out_strides, Split split, int threads) {
  const ThreadCount scope(threads);
  g_calls.clear();
  Storage out(DType::kFloat32, 1 << 21);
  Storage src(DType::kFloat32, 1 << 21);
  Shape src_strides(shape.size());
  std::int64_t stride = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    src_strides[d] = stride;
    stride *= shape[d];
  }
  const Operand o{out, 0, out_strides};
  const Operand s{src, 0, src_strides};
  make_plan<2>(&record_kernel, shape, {&o, &s}, {"out", "src"}, split).run();
  return g_calls;
}

TEST(SplitPlan, SmallPlansRunWholeOnTheCaller) {
  const auto calls = record({16}, {1}, Split::kAnyDim, 8);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].shape[0], 16);
}

TEST(SplitPlan, LargePlansCutTheOuterDimensionIntoOneChunkPerThread) {
  // (2, 1000, 500) does not coalesce (out has a gap), so dimension 0 is too short to balance and
  // dimension 1 (the next, long enough) is cut.
  const auto calls = record({2, 1000, 500}, {1 << 20, 512, 1}, Split::kAnyDim, 2);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].shape[0] + calls[1].shape[0], 4);
  EXPECT_EQ(calls[0].shape[1] + calls[1].shape[1], 1000);
  EXPECT_EQ(calls[0].shape[2], 500);
}

TEST(SplitPlan, InnerDimensionChunksAreWholeVectors) {
  const auto calls = record({1 << 20}, {1}, Split::kAnyDim, 3);
  ASSERT_EQ(calls.size(), 3u);
  std::int64_t total = 0;
  std::intptr_t first = calls[0].out;
  for (const Call& c : calls) first = c.out < first ? c.out : first;
  for (const Call& c : calls) {
    total += c.shape[0];
    EXPECT_EQ((c.out - first) / 4 % 64, 0);
  }
  EXPECT_EQ(total, 1 << 20);
}

TEST(SplitPlan, ReducedDimensionsAreNeverCut) {
  // out has stride 0 along dimension 0 (a sum over it): only dimension 1 may be cut.
  const auto calls = record({1000, 300}, {0, 1}, Split::kAnyDim, 2);
  ASSERT_EQ(calls.size(), 2u);
  for (const Call& c : calls) EXPECT_EQ(c.shape[0], 1000);
  // Summing everything: nothing may be cut.
  EXPECT_EQ(record({1000, 300}, {0, 0}, Split::kAnyDim, 2).size(), 1u);
}

TEST(SplitPlan, OuterDimsKeepRowsWholeAndNoneKeepsEverything) {
  const auto outer = record({3, 100000}, {200000, 1}, Split::kOuterDims, 2);
  ASSERT_EQ(outer.size(), 2u);
  for (const Call& c : outer) EXPECT_EQ(c.shape[1], 100000);
  EXPECT_EQ(record({1 << 20}, {1}, Split::kOuterDims, 2).size(), 1u);
  EXPECT_EQ(record({3, 100000}, {200000, 1}, Split::kNone, 2).size(), 1u);
}

// Real kernels through every ISA: the same bytes with 1, 2 and 3 threads over odd shapes and
// layouts big enough to be split.
struct Case {
  Shape shape;
  View out;
  View a;
  View b;
};

class SplitIsa : public testing::TestWithParam<Isa> {};

template <class F>
void for_thread_counts(F&& f) {
  for (int threads : {1, 2, 3}) {
    const ThreadCount scope(threads);
    f(threads);
  }
}

TEST_P(SplitIsa, BinaryGivesTheSameBytesForAnyThreadCount) {
  const std::vector<Case> cases = {
      {{70001}, {0, {1}}, {0, {1}}, {0, {1}}},                  // 1-d, odd length
      {{70001}, {70000, {-1}}, {3, {1}}, {5, {0}}},             // reversed, scalar
      {{257, 263}, {0, {263, 1}}, {0, {1, 257}}, {0, {0, 1}}},  // transposed a
      {{3, 7, 4099}, {0, {7 * 4099, 4099, 1}}, {0, {0, 4099, 1}}, {1, {7 * 4099, 4099, 0}}},
      {{301, 229}, {0, {458, 2}}, {68929, {-229, -1}}, {0, {229, 1}}},  // strided out
  };
  for_each_of<float, std::int32_t, Half, double, std::uint8_t>([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (const Case& c : cases) {
      const Storage a = random_storage<T>(200000, 1);
      const Storage b = random_storage<T>(200000, 2);
      for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kMul}) {
        Storage reference(kDTypeOf<T>, 200000);
        for_thread_counts([&](int threads) {
          Storage out(kDTypeOf<T>, 200000);
          Storage sa = clone(a);
          Storage sb = clone(b);
          plan_binary(op, {out, c.out.offset, c.out.strides}, {sa, c.a.offset, c.a.strides},
                      {sb, c.b.offset, c.b.strides}, c.shape, table(GetParam()))
              .run();
          if (threads == 1) {
            reference = clone(out);
          } else {
            EXPECT_TRUE(same_bytes(out, reference))
                << dtype_name(kDTypeOf<T>) << " " << threads << " threads, shape " << text(c.shape);
          }
        });
      }
    }
  });
}

TEST_P(SplitIsa, ReduceSumGivesTheSameBytesForAnyThreadCount) {
  const Shape shape = {301, 467};
  const std::vector<std::pair<View, View>> layouts = {
      {{0, {0, 1}}, {0, {467, 1}}},     // sum over rows
      {{0, {1, 0}}, {0, {467, 1}}},     // sum over columns
      {{0, {0, 0}}, {0, {467, 1}}},     // everything
      {{0, {0, 1}}, {0, {1, 301}}},     // sum over rows of a transposed src
      {{466, {0, -1}}, {0, {467, 1}}},  // reversed out
  };
  for_each_of<float, double, std::int64_t, Half>([&](auto tag) {
    using T = typename decltype(tag)::type;
    const Storage src = random_storage<T>(301 * 467, 7);
    for (const auto& [vo, vs] : layouts) {
      Storage reference(kDTypeOf<T>, 467);
      for_thread_counts([&](int threads) {
        Storage out(kDTypeOf<T>, 467);
        Storage s = clone(src);
        plan_reduce_sum({out, vo.offset, vo.strides}, {s, vs.offset, vs.strides}, shape,
                        table(GetParam()))
            .run();
        if (threads == 1) {
          reference = clone(out);
        } else {
          EXPECT_TRUE(same_bytes(out, reference))
              << dtype_name(kDTypeOf<T>) << " " << threads << " threads, out " << text(vo);
        }
      });
    }
  });
}

TEST_P(SplitIsa, CopyGivesTheSameBytesForAnyThreadCount) {
  const std::vector<std::pair<Shape, std::pair<View, View>>> cases = {
      {{301, 467}, {{0, {467, 1}}, {0, {1, 301}}}},          // transpose (tiled)
      {{301, 467}, {{0, {1, 301}}, {0, {467, 1}}}},          // transpose into column-major
      {{100, 1000}, {{0, {1000, 1}}, {99000, {-1000, 1}}}},  // flipped rows
      {{140001}, {{0, {1}}, {140000, {-1}}}},                // reversed
  };
  for (DType to : {DType::kFloat32, DType::kFloat16, DType::kInt8, DType::kFloat64}) {
    for_each_of<float, std::int16_t, double>([&](auto tag) {
      using S = typename decltype(tag)::type;
      const Storage src = random_storage<S>(301 * 467, 9);
      for (const auto& [shape, views] : cases) {
        const auto& [vo, vs] = views;
        Storage reference(to, 301 * 467);
        for_thread_counts([&](int threads) {
          Storage out(to, 301 * 467);
          Storage s = clone(src);
          plan_copy({out, vo.offset, vo.strides}, {s, vs.offset, vs.strides}, shape,
                    table(GetParam()))
              .run();
          if (threads == 1) {
            reference = clone(out);
          } else {
            EXPECT_TRUE(same_bytes(out, reference))
                << dtype_name(kDTypeOf<S>) << " -> " << dtype_name(to) << " " << threads
                << " threads, shape " << text(shape);
          }
        });
      }
    });
  }
}

// Rows of kernels::kStreamMinBytes and more use streaming stores where the family has them
// (kernels/store.hpp): the same bytes as the scalar table, misaligned starts, scalar operands and
// in place included, whole and split over threads.
TEST_P(SplitIsa, HugeRowsStreamToTheSameBytes) {
  for_each_of<float, std::int32_t, double, std::uint8_t>([&](auto tag) {
    using T = typename decltype(tag)::type;
    const std::int64_t n = (std::int64_t{17} << 20) / static_cast<std::int64_t>(sizeof(T)) + 37;
    const auto size = static_cast<std::size_t>(n + 8);
    const Storage a = random_storage<T>(size, 3);
    const Storage b = random_storage<T>(size, 4);
    const Shape unit = {1};
    const Shape shape = {n};
    for (const auto& [vo, vb] :
         {std::pair<View, View>{{3, {1}}, {1, {1}}}, std::pair<View, View>{{0, {1}}, {5, {0}}}}) {
      Storage want = random_storage<T>(size, 5);
      Storage sa = clone(a);
      Storage sb = clone(b);
      plan_binary(BinaryOp::kAdd, {want, vo.offset, vo.strides}, {sa, 7, unit},
                  {sb, vb.offset, vb.strides}, shape, scalar_table())
          .run();
      for_thread_counts([&](int threads) {
        Storage out = random_storage<T>(size, 5);
        plan_binary(BinaryOp::kAdd, {out, vo.offset, vo.strides}, {sa, 7, unit},
                    {sb, vb.offset, vb.strides}, shape, table(GetParam()))
            .run();
        EXPECT_TRUE(same_bytes(out, want))
            << dtype_name(kDTypeOf<T>) << " " << threads << " threads, out " << text(vo);
        // In place: out is a.
        Storage in_place = clone(a);
        plan_binary(BinaryOp::kAdd, {in_place, 7, unit}, {in_place, 7, unit},
                    {sb, vb.offset, vb.strides}, shape, table(GetParam()))
            .run();
        Storage want_in_place = clone(a);
        plan_binary(BinaryOp::kAdd, {want_in_place, 7, unit}, {sa, 7, unit},
                    {sb, vb.offset, vb.strides}, shape, scalar_table())
            .run();
        EXPECT_TRUE(same_bytes(in_place, want_in_place))
            << dtype_name(kDTypeOf<T>) << " in place, " << threads << " threads";
      });
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Isas, SplitIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test

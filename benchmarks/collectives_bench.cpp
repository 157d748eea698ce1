// What a distributed run sends between ranks: every call through the reducer seam
// (sim/core/reducer.hpp) of one replicate of a scenario, counted by kind, with the bytes each call
// carries. Every rank makes the same calls whatever the rank count (the reductions are fixed by the
// scenario, not by the split), so these are the collectives and bytes per month per rank of an MPI
// run; docs/hpc.md projects its cost on a network from them.
//
//   build/benchmarks/povsim_bench_collectives [HOUSEHOLDS=20000] [SCENARIO=combined_recommendations]
#include <tbb/task_arena.h>

#include <cstdio>
#include <string>

#include "sim/core/registry.hpp"
#include "sim/core/run.hpp"
#include "sim/core/scenario.hpp"

namespace {

using namespace povsim;

// The single-process reducer (sums are already totals), counting what an MPI reducer would send.
class CountingReducer final : public Reducer {
 public:
  mutable long sums64 = 0, sums128 = 0, maxima = 0, barriers = 0, elements64 = 0, elements128 = 0;
  void sum(std::span<std::int64_t> values) const override { ++sums64, elements64 += static_cast<long>(values.size()); }
  void sum(std::span<Int128> values) const override { ++sums128, elements128 += static_cast<long>(values.size()); }
  using Reducer::sum;
  std::int64_t max(std::int64_t value) const override {
    ++maxima;
    return value;
  }
  int part() const override { return 0; }
  int parts() const override { return 1; }
  void barrier() const override { ++barriers; }
  void broadcast(std::string&) const override {}
  long calls() const { return sums64 + sums128 + maxima + barriers; }
  long bytes() const { return 8 * (elements64 + maxima) + 16 * elements128; }
};

}  // namespace

int main(int argc, char** argv) {
  const std::string households = argc > 1 ? argv[1] : "20000";
  const std::string path =
      argc > 2 ? argv[2] : std::string(POVSIM_SOURCE_DIR) + "/scenarios/combined_recommendations.yaml";
  try {
    const Scenario scenario = load_scenario(path, {"population.households=" + households}, make_default_registry());
    const CountingReducer counter;
    tbb::task_arena arena(1);
    Run run(scenario, 0, Run::kDefaultBlock, counter);
    run.start(arena);
    const long start_calls = counter.calls(), start_bytes = counter.bytes();
    while (!run.done()) run.advance(arena);
    // simulate() adds one maximum per month (do all ranks stop?) to what Run::advance reduces.
    const int months = run.months_done();
    const long calls = counter.calls() - start_calls + months, bytes = counter.bytes() - start_bytes + 8L * months;
    std::printf("scenario             %s (%s households, %d months)\n", path.c_str(), households.c_str(), months);
    std::printf("set-up collectives   %ld (%ld bytes)\n", start_calls, start_bytes);
    std::printf("per month, per rank  %.2f collectives, %.0f bytes (all MPI_Allreduce)\n", double(calls) / months,
                double(bytes) / months);
    std::printf("  64-bit sums        %ld calls, %ld elements\n", counter.sums64, counter.elements64);
    std::printf("  128-bit sums       %ld calls, %ld elements\n", counter.sums128, counter.elements128);
    std::printf("  stop agreement     %d calls (one a month)\n", months);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "povsim_bench_collectives: %s\n", e.what());
    return 2;
  }
}

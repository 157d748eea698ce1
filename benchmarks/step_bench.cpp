// One simulated month, every model, over a synthetic population. Reports household-months per
// second (items_per_second). Run: build/benchmarks/povsim_bench_step [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>

#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace {

void BM_MonthlyStep(benchmark::State& state) {
  using namespace povsim;
  const std::string households = std::to_string(state.range(0));
  const std::string path = std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  // A one-year run; the benchmark reports per simulated month.
  const Scenario scenario =
      load_scenario(path, {"population.households=" + households, "horizon.end=2021-12"}, make_default_registry());
  RunOptions options;
  options.threads = static_cast<int>(state.range(1));
  double seconds = 0;
  for (auto _ : state) {
    const RunResults r = simulate(scenario, options);
    seconds += r.seconds;
    benchmark::DoNotOptimize(r.tallies.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 12);
  state.counters["households"] = static_cast<double>(state.range(0));
}

}  // namespace

BENCHMARK(BM_MonthlyStep)->Args({200000, 1})->Args({200000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

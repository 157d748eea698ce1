// End-to-end benchmark: generates the population and runs the baseline scenario, then prints
// household-steps per second and peak resident memory. The target: 10 M households x 120
// months in under 30 s wall on 2 cores, peak memory under 3 GB.
//
//   build/benchmarks/povsim_bench_run [HOUSEHOLDS=10000000] [THREADS=0 (all)] [SCENARIO]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/core/memory.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

int main(int argc, char** argv) {
  using namespace povsim;
  const std::string households = argc > 1 ? argv[1] : "10000000";
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  const std::string path = argc > 3 ? argv[3] : std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const Scenario scenario = load_scenario(path, {"population.households=" + households}, make_default_registry());
    RunOptions options;
    options.threads = threads;
    const RunResults r = simulate(scenario, options);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double steps = double(r.households) * scenario.run.months() * scenario.run.replicates;
    std::printf("households        %llu\n", static_cast<unsigned long long>(r.households));
    std::printf("months            %d\n", scenario.run.months());
    std::printf("threads           %s\n", threads > 0 ? std::to_string(threads).c_str() : "all");
    std::printf("wall (s)          %.2f  (generation + simulation + assessment)\n", wall);
    std::printf("household-steps/s %.3g\n", steps / wall);
    std::printf("peak RSS (MiB)    %.0f\n", double(peak_rss_bytes()) / (1 << 20));
    std::printf("state (MiB)       %.0f  (%.0f bytes/household incl. members)\n",
                double(estimate_run_bytes(r.households, scenario.population->persons_per_household(),
                                          scenario.layout.columns)) / (1 << 20),
                double(estimate_run_bytes(r.households, scenario.population->persons_per_household(),
                                          scenario.layout.columns)) /
                    double(r.households));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "povsim_bench_run: error: %s\n", e.what());
    return 1;
  }
}

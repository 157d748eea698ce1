// End-to-end benchmark: the probe kernel (benchmarks/probe_kernel.hpp, the floor a household-month
// can cost here), then a whole run of the scenario (population generation included); prints both
// times, their ratio, household-steps per second and peak resident memory. Issue 15's targets:
// combined_recommendations at 10 M households within 2.5 x the probe's time; 30 M x 120 months
// under 60 s on 2 cores and 6 GB.
//
//   build/benchmarks/povsim_bench_run [HOUSEHOLDS=10000000] [THREADS=0 (all)] [SCENARIO] [--no-probe]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <cstring>
#include <thread>

#include "benchmarks/probe_kernel.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

int main(int argc, char** argv) {
  using namespace povsim;
  const std::string households = argc > 1 ? argv[1] : "10000000";
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  const std::string path = argc > 3 ? argv[3] : std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  const bool probe = !(argc > 4 && std::strcmp(argv[4], "--no-probe") == 0);
  try {
    double probe_seconds = 0;
    if (probe) {
      // Before the run, so its peak memory (about 19 bytes a household) stays below the run's.
      bench::ProbeState state(static_cast<std::uint32_t>(std::stoul(households)), 2000);
      const int probe_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
      const bench::ProbeResult p = bench::run_probe(state, 120, probe_threads);
      probe_seconds = p.seconds;
      std::printf("probe kernel (s)  %.2f  (%s households x 120 months; %.2f ns per household-month per thread; "
                  "%llu poor household-months)\n",
                  p.seconds, households.c_str(), 1e9 * p.seconds * probe_threads / (std::stod(households) * 120),
                  static_cast<unsigned long long>(p.returns));
    }
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
    if (probe) std::printf("run / probe       %.2f  (issue 15: at most 2.5 at 10 M households)\n", wall / probe_seconds);
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

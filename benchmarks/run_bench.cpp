// End-to-end benchmark: the probe kernel (benchmarks/probe_kernel.hpp, the floor a household-month
// can cost here), then a whole run of the scenario (population generation included); prints both
// times, their ratio, household-steps per second, peak resident memory and the time of each model
// per household-month (so that a slowdown of one model shows at once). Issue 15's targets:
// combined_recommendations at 10 M households within 2.5 x the probe's time; 30 M x 120 months
// under 60 s on 2 cores and 6 GB. What each line means and past figures: benchmarks/README.md.
//
//   build/benchmarks/povsim_bench_run [HOUSEHOLDS=10000000] [THREADS=0 (all)] [SCENARIO] [--no-probe] [--scaling]
//
// --scaling runs the scenario a second time on one thread and prints the cost of a household-month
// on one thread and the speed-up from one thread to THREADS.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/probe_kernel.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/model_timing.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace {

using namespace povsim;

struct Args {
  std::string households = "10000000";
  int threads = 0;  // 0: all
  std::string scenario = std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
  bool probe = true;
  bool scaling = false;
};

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int k = 1; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--no-probe") {
      a.probe = false;
    } else if (arg == "--scaling") {
      a.scaling = true;
    } else if (arg.starts_with("--")) {
      throw std::runtime_error("unknown option " + arg + " (known: --no-probe, --scaling)");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() > 3) throw std::runtime_error("at most HOUSEHOLDS THREADS SCENARIO, got more arguments");
  if (positional.size() > 0) a.households = positional[0];
  if (positional.size() > 1) a.threads = std::atoi(positional[1].c_str());
  if (positional.size() > 2) a.scenario = positional[2];
  return a;
}

struct Timed {
  double wall = 0;  // seconds, simulate() alone (generation + simulation + assessment)
  RunResults results;
};

Timed run(const Scenario& scenario, int threads, ModelTiming* timing) {
  RunOptions options;
  options.threads = threads;
  options.model_timing = timing;
  const auto t0 = std::chrono::steady_clock::now();
  Timed t{0, simulate(scenario, options)};
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return t;
}

// Each model's step and prepare in ns per household-month, in step order, and its share of the
// time spent in models.
void print_model_table(const Scenario& scenario, const ModelTiming& timing, double wall_ns_times_threads) {
  const double hm = static_cast<double>(timing.household_months);
  double total_ns = 0;
  for (std::size_t m = 0; m < timing.step_ns.size(); ++m)
    total_ns += static_cast<double>(timing.step_ns[m] + timing.prepare_ns[m]);
  std::printf("per model, ns per household-month (step: thread time summed over blocks; prepare: wall time)\n");
  std::printf("  %-44s %8s %8s %7s\n", "model", "step", "prepare", "share");
  for (std::size_t m = 0; m < timing.step_ns.size(); ++m) {
    const double step = static_cast<double>(timing.step_ns[m]), prepare = static_cast<double>(timing.prepare_ns[m]);
    std::printf("  %-44s %8.2f %8.2f %6.1f%%\n", scenario.model_paths[m].c_str(), step / hm, prepare / hm,
                total_ns > 0 ? 100.0 * (step + prepare) / total_ns : 0.0);
  }
  std::printf("  %-44s %17.2f %6.1f%%\n", "all models", total_ns / hm, 100.0);
  // Wall time times threads, less the models: generation, assessment, tallies and idle threads.
  std::printf("  %-44s %17.2f\n", "rest of the run (x threads)", (wall_ns_times_threads - total_ns) / hm);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse(argc, argv);
    const int threads = args.threads > 0 ? args.threads : static_cast<int>(std::thread::hardware_concurrency());
    double probe_seconds = 0;
    if (args.probe) {
      // Before the run, so its peak memory (about 19 bytes a household) stays below the run's.
      bench::ProbeState state(static_cast<std::uint32_t>(std::stoul(args.households)), 2000);
      const bench::ProbeResult p = bench::run_probe(state, 120, threads);
      probe_seconds = p.seconds;
      std::printf("probe kernel (s)  %.2f  (%s households x 120 months; %.2f ns per household-month per thread; "
                  "%llu poor household-months)\n",
                  p.seconds, args.households.c_str(), 1e9 * p.seconds * threads / (std::stod(args.households) * 120),
                  static_cast<unsigned long long>(p.returns));
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Scenario scenario =
        load_scenario(args.scenario, {"population.households=" + args.households}, make_default_registry());
    ModelTiming timing;  // two clock reads per model and 4096-household block: about 0.2 % of the run
    const Timed main_run = run(scenario, args.threads, &timing);
    const RunResults& r = main_run.results;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double steps = double(r.households) * scenario.run.months() * scenario.run.replicates;
    std::printf("households        %llu\n", static_cast<unsigned long long>(r.households));
    std::printf("months            %d\n", scenario.run.months());
    std::printf("threads           %s\n", args.threads > 0 ? std::to_string(args.threads).c_str() : "all");
    std::printf("wall (s)          %.2f  (generation + simulation + assessment)\n", wall);
    std::printf("household-steps/s %.3g\n", steps / wall);
    if (args.probe)
      std::printf("run / probe       %.2f  (issue 15: at most 2.5 at 10 M households)\n", wall / probe_seconds);
    std::printf("peak RSS (MiB)    %.0f\n", double(peak_rss_bytes()) / (1 << 20));
    const double state_bytes = double(estimate_run_bytes(r.households, scenario.population->persons_per_household(),
                                                         scenario.layout.columns));
    std::printf("state (MiB)       %.0f  (%.0f bytes/household incl. members)\n", state_bytes / (1 << 20),
                state_bytes / double(r.households));
    print_model_table(scenario, timing, main_run.wall * 1e9 * threads);
    if (args.scaling) {
      if (threads == 1) {
        std::printf("scaling           skipped: the run above was on one thread\n");
      } else {
        ModelTiming single_timing;  // timed too, so both runs carry the same overhead
        const Timed single = run(scenario, 1, &single_timing);
        std::printf("1 thread (s)      %.2f  (%.1f ns per household-month)\n", single.wall, 1e9 * single.wall / steps);
        std::printf("%d threads (s)     %.2f  (%.1f ns per household-month per thread)\n", threads, main_run.wall,
                    1e9 * main_run.wall * threads / steps);
        std::printf("speed-up 1->%d     %.2f  (%.0f %% of linear)\n", threads, single.wall / main_run.wall,
                    100.0 * single.wall / main_run.wall / threads);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "povsim_bench_run: error: %s\n", e.what());
    return 1;
  }
}

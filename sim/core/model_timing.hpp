// Time spent in each model over a run, for the run benchmark (benchmarks/run_bench.cpp): off in
// normal runs, on when RunOptions::model_timing points at one of these. Timing reads the clock and
// nothing else, so a timed run's results are bit for bit those of an untimed one.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace povsim {

struct ModelTiming {
  using Clock = std::chrono::steady_clock;

  // Per model slot (Scenario::models order), in nanoseconds summed over every month advanced.
  // step_ns: time inside the model's step over each block, added over blocks, so over threads too
  // (thread time: on T busy threads it grows T times as fast as the wall clock). prepare_ns: wall
  // time of the model's prepare, which runs once a month (and may use every thread itself).
  std::vector<std::int64_t> step_ns;
  std::vector<std::int64_t> prepare_ns;
  // Households times months advanced: what the times above are per.
  std::uint64_t household_months = 0;

  // Sized for `models` model slots, kept when already so (timings add up across replicates).
  void resize(std::size_t models) {
    step_ns.resize(models, 0);
    prepare_ns.resize(models, 0);
  }
  static std::int64_t since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  }
};

}  // namespace povsim

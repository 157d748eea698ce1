// The scheduler: the monthly loop over models and households, and the annual assessment.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/core/household_store.hpp"
#include "sim/core/results.hpp"
#include "sim/core/checkpoint.hpp"
#include "sim/core/reducer.hpp"
#include "sim/core/run.hpp"
#include "sim/core/model_timing.hpp"
#include "sim/core/scenario.hpp"

namespace povsim {

struct RunOptions {
  int threads = 0;  // 0: all cores
  // Households per work item. Fixed, never derived from the thread count: results cannot depend
  // on how work is split.
  std::uint32_t block_size = 4096;
  // The replicates to run: [first_replicate, first_replicate + replicate_count); a count of 0
  // means every replicate of the scenario from first_replicate on. Replicate k's results do not
  // depend on which other replicates run (each gets a fresh Run).
  std::uint32_t first_replicate = 0;
  std::uint32_t replicate_count = 0;
  // Checkpoints: every checkpoint_every months (0: only when stopped) the whole state is saved to
  // checkpoint_path (atomically replacing the previous one); restart_path, when set, names a
  // checkpoint to continue from. `identity` says what a checkpoint must match (version,
  // resolved scenario, population); simulate fills in the replicates and the layout hash.
  std::string checkpoint_path;
  int checkpoint_every = 0;
  std::string restart_path;
  CheckpointIdentity identity;
  // Polled after every month: when it holds a non-zero signal number the run saves a checkpoint
  // (if checkpoint_path is set) and throws Interrupted.
  const std::atomic<int>* stop_signal = nullptr;
  // Called after every simulated month with (months done, months in total over all replicates).
  std::function<void(long, long)> on_progress;
  // When set, every replicate starts from a copy of this store instead of generating the
  // population: the store the scenario's population source generates with the scenario's seed
  // (generate_population), which the batch runner makes once for many parameter points.
  const HouseholdStore* initial_population = nullptr;
  // Called after the last month of each replicate; tests inspect the store.
  std::function<void(std::uint32_t replicate, const HouseholdStore&)> on_replicate_end;
  // Distributed runs (sim/parallel/mpi.hpp): `reducer` totals sums over every part of the
  // population (null: this process holds all of it) and `part` names this process's households.
  // Every part then runs the same months in step: a stop signal seen by any part stops all of
  // them after the same month, and each saves its own checkpoint (checkpoint_part_path).
  const Reducer* reducer = nullptr;
  std::optional<PopulationPart> part;
  // When set, every model's prepare and step is timed and added here (sized to the scenario's
  // models); the run benchmark's per-model table. Null in normal runs, which then read no clock.
  ModelTiming* model_timing = nullptr;
};

// A run stopped by a signal after finishing a month; the checkpoint (if any) is written.
struct Interrupted : std::runtime_error {
  Interrupted(int signal, bool checkpointed, int month)
      : std::runtime_error("stopped by signal " + std::to_string(signal)), signal(signal),
        checkpointed(checkpointed), months_done(month) {}
  int signal;
  bool checkpointed;
  int months_done;  // of the replicate in progress
};

// The replicates [first, first + count) that options select from the scenario; throws ConfigError
// when they do not exist.
std::pair<std::uint32_t, std::uint32_t> selected_replicates(const Scenario& scenario, const RunOptions& options);

RunResults simulate(const Scenario& scenario, const RunOptions& options);

// What a run of `scenario` records before any replicate: years, poverty lines, household count,
// causes, model paths and counters (tallies empty).
RunResults results_frame(const Scenario& scenario);

// Assesses households in [begin, end) against `line` (yuan/person/year): updates their poverty
// flags, resets the year's accumulators and adds to `tally`. Exposed for tests.
void assess_households(HouseholdStore& hh, std::uint32_t begin, std::uint32_t end, double line, YearTally& tally);

}  // namespace povsim

// One replicate of a scenario in progress. A Run owns everything that changes while it advances:
// the household store, every model's state, the spending record the budgets read, the block and
// annual tallies and the month counter. Each replicate gets a fresh Run, so no replicate can see
// another's state, and a checkpoint is a Run saved whole (save/load).
#pragma once

#include <tbb/task_arena.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/core/byte_io.hpp"
#include "sim/core/household_store.hpp"
#include "sim/core/model.hpp"
#include "sim/core/model_timing.hpp"
#include "sim/core/reducer.hpp"
#include "sim/core/results.hpp"
#include "sim/core/scenario.hpp"

namespace povsim {

// The scenario's starting population, as Run::start generates it (before the models' columns are
// attached): every replicate of every scenario with the same seed and population section starts
// from it.
HouseholdStore generate_population(const Scenario& scenario, tbb::task_arena& arena);

// The households [begin, end) of the population one part holds (an MPI rank's share).
struct PopulationPart {
  std::size_t begin = 0, end = 0;
};
// Part `part` of `parts`: contiguous parts in rank order, cut where the population allows
// (PopulationSource::part_boundary: between counties), each about households / parts long.
PopulationPart population_part(const PopulationSource& population, int part, int parts);

class Run {
 public:
  // Households per work item. Fixed, never derived from the thread count: results cannot depend
  // on how work is split.
  static constexpr std::uint32_t kDefaultBlock = 4096;

  // `reducer` totals sums over every part of the population (sim/core/reducer.hpp).
  Run(const Scenario& scenario, std::uint32_t replicate, std::uint32_t block_size = kDefaultBlock,
      const Reducer& reducer = local_reducer());

  // Builds the starting population: every replicate starts from the same one (drawn with
  // replicate 0's streams) and differs only in the shocks it meets. With `initial`, copies that
  // store instead of generating it: it must be what generate_population(scenario) gives. With
  // `part`, builds only those households (this process's share; the reducer's other parts hold
  // the rest); `initial` must then be null.
  void start(tbb::task_arena& arena, const HouseholdStore* initial = nullptr,
             const std::optional<PopulationPart>& part = std::nullopt);
  // Advances one month: every model's begin_month and prepare, then every block through every
  // model in step order, then (December) the annual assessment.
  void advance(tbb::task_arena& arena);
  // Adds the time each model takes to `timing` from now on (null: stop timing, the default).
  void time_models(ModelTiming* timing);

  bool done() const { return step_ >= months_; }
  int months_done() const { return step_; }
  std::uint32_t replicate() const { return replicate_; }
  const std::vector<YearTally>& tallies() const { return tallies_; }
  const HouseholdStore& households() const { return hh_; }

  // The whole run state, in a fixed layout (sim/core/checkpoint.cpp frames it).
  void save(ByteWriter& out) const;
  void load(ByteReader& in);
  // Changes whenever the saved layout does: the store's columns, the scenario's models and the
  // sizes of their states, the tallies.
  std::uint64_t layout_hash() const;

 private:
  const Scenario& scenario_;
  const Reducer& reducer_;
  std::uint32_t replicate_;
  std::uint32_t block_size_;
  int months_;
  StreamFactory rng_;
  HouseholdStore hh_;
  std::vector<std::unique_ptr<ModelState>> states_;  // by model slot
  PolicySpending spending_;
  std::int64_t population_weight_units_ = 0;  // weighted households, whole population
  std::vector<YearTally> block_tallies_;  // the assessment year so far, by block
  std::vector<YearTally> tallies_;        // completed assessment years
  int step_ = 0;                          // months done
  ModelTiming* timing_ = nullptr;         // null: untimed (every run but the benchmark's)
  std::vector<std::int64_t> block_step_ns_;  // when timed: [block][model] step time this month, ns
};

}  // namespace povsim

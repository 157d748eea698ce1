// The scheduler: the monthly loop over models and households, and the annual assessment.
#pragma once

#include <functional>

#include "sim/core/household_store.hpp"
#include "sim/core/results.hpp"
#include "sim/core/scenario.hpp"

namespace povsim {

struct RunOptions {
  int threads = 0;  // 0: all cores
  // Households per work item. Fixed, never derived from the thread count: results cannot depend
  // on how work is split.
  std::uint32_t block_size = 4096;
  // Called after every simulated month with (months done, months in total over all replicates).
  std::function<void(long, long)> on_progress;
  // Called after the last month of each replicate, before the store is reused; tests inspect it.
  std::function<void(std::uint32_t replicate, const HouseholdStore&)> on_replicate_end;
};

RunResults simulate(const Scenario& scenario, const RunOptions& options);

// Assesses households in [begin, end) against `line` (yuan/person/year): updates their poverty
// flags, resets the year's accumulators and adds to `tally`. Exposed for tests.
void assess_households(HouseholdStore& hh, std::uint32_t begin, std::uint32_t end, double line, YearTally& tally);

}  // namespace povsim

// Stable entity keys: a household's and a person's random streams are keyed by their position in
// the population's canonical order, not by where they are stored. A population split into two
// stores at an arbitrary household (as MPI ranks will hold it) meets exactly the draws the whole
// population meets: with no decision that needs the whole population, the two parts' annual counts
// add up to the whole run's, and every household ends in the same state.
#include <gtest/gtest.h>

#include "sim/core/registry.hpp"
#include "sim/core/run.hpp"
#include "sim/core/scenario.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

// The scenario's population, households [begin, end) of it.
class PartOf final : public PopulationSource {
 public:
  PartOf(const PopulationSource& whole, std::size_t begin, std::size_t end) : whole_(whole), begin_(begin), end_(end) {}
  std::size_t households() const override { return end_ - begin_; }
  double persons_per_household() const override { return whole_.persons_per_household(); }
  void generate(HouseholdStore& hh, const StreamFactory& rng) const override {
    HouseholdStore all;
    whole_.generate(all, rng);
    hh = all.slice(begin_, end_);
  }

 private:
  const PopulationSource& whole_;
  std::size_t begin_, end_;
};

struct Outcome {
  std::vector<YearTally> tallies;
  HouseholdStore store;
};

Outcome run(const Scenario& s) {
  tbb::task_arena arena(2);
  Run run(s, 0);
  run.start(arena);
  while (!run.done()) run.advance(arena);
  return {run.tallies(), run.households()};
}

TEST(EntityKeys, TwoPartsOfAPopulationMeetTheWholePopulationsDraws) {
  // No whole-population decisions: the market and early warning (monitoring) are off, no budgets.
  Scenario whole = load_scenario(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml",
                                 {"population.households=6000", "horizon.end=2023-12", "processes.market.enabled=false",
                                  "policies.early_warning.enabled=false"},
                                 make_default_registry());
  const Outcome all = run(whole);
  const std::size_t split = 2345;  // persons of the first part: not a multiple of any chunk size
  const std::unique_ptr<PopulationSource> source = std::move(whole.population);
  whole.population = std::make_unique<PartOf>(*source, 0, split);
  const Outcome first = run(whole);
  whole.population = std::make_unique<PartOf>(*source, split, source->households());
  const Outcome second = run(whole);
  EXPECT_NE(second.store.person_key_base % 1024, 0u);
  ASSERT_EQ(all.tallies.size(), first.tallies.size());
  for (std::size_t y = 0; y < all.tallies.size(); ++y) {
    YearTally sum = first.tallies[y];
    sum += second.tallies[y];
    EXPECT_EQ(sum, all.tallies[y]) << "year " << y;
  }
  // Every household and person ends as in the whole run.
  const HouseholdStore expected_second = all.store.slice(split, all.store.size());
  EXPECT_EQ(second.store.savings, expected_second.savings);
  EXPECT_EQ(second.store.flags, expected_second.flags);
  EXPECT_EQ(second.store.person_flags, expected_second.person_flags);
  EXPECT_EQ(second.store.wage, expected_second.wage);
  EXPECT_EQ(second.store.health, expected_second.health);
  EXPECT_GT(all.tallies.back().all.ever_returned, 0);
}

}  // namespace
}  // namespace povsim

// Every cross-household quantity goes through the one Reducer. The test's reducer pretends a second
// process holds an exact copy of this one's households (it doubles every sum): if every sum goes
// through the seam, budgets, prices and rationing see twice the population and twice the demand,
// decide exactly as before, and every annual count comes out exactly doubled. A sum that bypassed
// the seam would change some decision, and the counts would not be doubled.
#include "sim/core/reducer.hpp"

#include <gtest/gtest.h>

#include "sim/core/registry.hpp"
#include "sim/core/run.hpp"
#include "sim/core/scenario.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

class TwoIdenticalParts final : public Reducer {
 public:
  void sum(std::span<std::int64_t> values) const override {
    for (auto& v : values) v *= 2;
  }
  void sum(std::span<Int128> values) const override {
    for (auto& v : values) v *= 2;
  }
  using Reducer::sum;
  std::int64_t max(std::int64_t value) const override { return value; }  // both parts hold the same
  int part() const override { return 0; }
  int parts() const override { return 2; }
  void barrier() const override {}
  void broadcast(std::string&) const override {}
};

std::vector<YearTally> run(const Scenario& s, const Reducer& reducer) {
  tbb::task_arena arena(2);
  Run run(s, 0, Run::kDefaultBlock, reducer);
  run.start(arena);
  while (!run.done()) run.advance(arena);
  return run.tallies();
}

TEST(Reducer, EveryCrossHouseholdSumGoesThroughTheSeam) {
  // Budgets that bind for pro-rata policies, early warning's rationing and training's capacity;
  // the market's prices.
  const Scenario s = load_scenario(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml",
                                   {"population.households=20000", "horizon.end=2023-12",
                                    "policies.rural_pension.budget_per_household=150",
                                    "policies.dibao.budget_per_household=60",
                                    "policies.skills_training.budget_per_household=3",
                                    "policies.early_warning.budget_per_household=20"},
                                   make_default_registry());
  const std::vector<YearTally> one = run(s, local_reducer());
  const std::vector<YearTally> two = run(s, TwoIdenticalParts());
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t y = 0; y < one.size(); ++y) {
    YearTally doubled = one[y];
    doubled += one[y];
    EXPECT_EQ(two[y], doubled) << "year " << y;
  }
  EXPECT_GT(one.back().all.ever_returned, 0);
}

}  // namespace
}  // namespace povsim

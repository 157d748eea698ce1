#include "sim/population/population_report.hpp"

#include <gtest/gtest.h>

#include "sim/config/config.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

Target target(const std::string& name, double value, double tolerance = 0.001) {
  Target t;
  t.name = name, t.value = value, t.tolerance = tolerance, t.source = "test";
  return t;
}

// Two lifted households of two adults and one edge household, statistics by hand. Household 0
// (weight 3): wages 1,000/month for one earner, operating 500/month, a member of 65 with a pension
// of 100/month. Household 1 (weight 1): operating 200/month, both 40.
TEST(PopulationReport, StatisticsByHand) {
  HouseholdStore hh = make_store(3, 2, 40, Health::healthy, Work::farming);
  hh.weight = {3.0f, 1.0f, 1.0f};
  hh.work[0] = Work::migrant, hh.wage[0] = 1000;
  hh.age[1] = 65, hh.health[1] = Health::chronic;
  hh.operating_base[0] = 500, hh.operating_base[1] = 200;
  hh.flags[2] = household_flag::edge;
  TargetsFile file;
  file.pension_monthly = 100;
  file.targets = {target("mean_income_per_capita", 0, 1e9), target("wage_share", 0, 1), target("share_below_monitoring_threshold", 0, 1),
                  target("elderly_share", 0.375), target("chronic_share", 0.375), target("edge_share", 0.2),
                  target("mean_household_size", 2.0)};
  const PopulationReport r = make_report(hh, file);
  // Income per year: household 0: wages 12,000 + operating 6,000 + pension 1,200 = 19,200 for 2
  // persons (9,600 each); household 1: 2,400 for 2 (1,200 each, below 5,000).
  const double income = 3 * 19200 + 2400, persons = 3 * 2 + 2;
  EXPECT_NEAR(r.targets[0].obtained, income / persons, 1e-9);
  EXPECT_NEAR(r.targets[1].obtained, 3 * 12000 / income, 1e-12);
  EXPECT_NEAR(r.targets[2].obtained, 1.0 / 4, 1e-12);  // weight 1 of 4 below 5,000
  EXPECT_NEAR(r.targets[3].obtained, 3.0 / 8, 1e-12);  // the member of 65, weight 3, of 8 persons
  EXPECT_TRUE(r.targets[3].met);
  EXPECT_TRUE(r.targets[4].met);
  EXPECT_NEAR(r.targets[5].obtained, 1.0 / 5, 1e-12);
  EXPECT_TRUE(r.targets[6].met);
  EXPECT_DOUBLE_EQ(r.lifted, 4.0);
  EXPECT_DOUBLE_EQ(r.household_size_share[1], 1.0);  // all of size 2
}

// The report counts living members from the members' alive flags (the store's count), not from
// alive_members, which a freshly generated store has not set: a dead member counts nowhere, and a
// household without living members is left out.
TEST(PopulationReport, CountsLivingMembersAsTheStoreDoes) {
  HouseholdStore hh = make_store(3, 2, 40, Health::healthy, Work::farming);
  hh.alive_members = {0, 0, 0};  // not set yet
  hh.person_flags[1] &= static_cast<std::uint8_t>(~person_flag::alive);
  hh.age[1] = 70;
  hh.person_flags[4] = hh.person_flags[5] = 0;
  TargetsFile file;
  file.targets = {target("mean_household_size", 1.5), target("elderly_share", 0.0)};
  const PopulationReport r = make_report(hh, file);
  EXPECT_DOUBLE_EQ(r.households, 2.0);
  EXPECT_DOUBLE_EQ(r.persons, 3.0);
  EXPECT_DOUBLE_EQ(r.targets[0].obtained, 1.5);
  EXPECT_DOUBLE_EQ(r.targets[1].obtained, 0.0);  // the dead member of 70 is not elderly
  EXPECT_DOUBLE_EQ(r.household_size_share[0], 0.5);
}

TEST(PopulationReport, ComparisonsAndTolerances) {
  HouseholdStore hh = make_store(10, 1, 70, Health::healthy, Work::retired);
  TargetsFile file;
  Target at_least = target("elderly_share", 0.9), at_most = target("elderly_share", 0.9);
  at_least.comparison = ">=", at_most.comparison = "<=";
  file.targets = {at_least, at_most, target("elderly_share", 0.95, 0.04), target("elderly_share", 0.95, 0.06)};
  const PopulationReport r = make_report(hh, file);
  EXPECT_TRUE(r.targets[0].met);
  EXPECT_FALSE(r.targets[1].met);
  EXPECT_FALSE(r.targets[2].met);
  EXPECT_TRUE(r.targets[3].met);
}

TEST(PopulationReport, TargetsFileErrorsNameFileLineAndKey) {
  const TempDir dir;
  auto error = [&](const std::string& text) {
    try {
      load_targets(dir.file("t.yaml", text));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("targets:\n  - name: nonsense\n    value: 1\n    source: x\n").find("t.yaml:2:"), std::string::npos);
  EXPECT_NE(error("targets:\n  - name: nonsense\n    value: 1\n    source: x\n").find("unknown statistic 'nonsense'"),
            std::string::npos);
  EXPECT_NE(error("targets:\n  - name: wage_share\n    value: abc\n    source: x\n").find("targets[0].value: expected a number"),
            std::string::npos);
  EXPECT_NE(error("targets:\n  - name: wage_share\n    value: 1\n    sorce: x\n").find("unknown key"), std::string::npos);
  EXPECT_NE(error("colour: red\n").find("colour: unknown key"), std::string::npos);
  EXPECT_NE(error("targets:\n  - name: wage_share\n    value: 1\n").find("expected at least name, value and source"),
            std::string::npos);
}

}  // namespace
}  // namespace povsim

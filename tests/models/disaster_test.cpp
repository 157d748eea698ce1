#include "models/disaster.hpp"

#include <gtest/gtest.h>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// 2,000 counties over 120 months: the share of county-months hit matches the monthly probability
// within 4 binomial standard errors.
TEST(DisasterShock, CountyFrequencyMatchesTheAnnualProbability) {
  DisasterShock::Params p;
  Driven<DisasterShock> model(p);
  HouseholdStore hh = make_store(2000, 1, 40, Health::healthy, Work::farming, 1, RegionType::karst);
  long hits = 0;
  for (int m = 0; m < 120; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    for (float s : model.state.severity) {
      hits += s > 0;
      if (s > 0) {
        EXPECT_GE(s, p.severity_min);
        EXPECT_LE(s, p.severity_max);
      }
    }
  }
  const double n = 2000.0 * 120, expected = monthly_probability(p.annual_probability[int(RegionType::karst)]);
  EXPECT_NEAR(hits / n, expected, 4 * binomial_sd(expected, n));
}

// Neighbours are hit together: within a hit county every damaged household has the county's
// severity, and about household_exposure of them are damaged; other counties are untouched.
TEST(DisasterShock, HitsWholeCountiesWithOneSeverity) {
  DisasterShock::Params p;
  p.annual_probability = {1, 1, 1, 1};  // every county, every month
  Driven<DisasterShock> model(p);
  HouseholdStore hh = make_store(20000, 1, 40, Health::healthy, Work::farming, 10000);
  for (auto& s : hh.savings) s = 1000;
  Month month(hh, 0);
  model.begin_month(month.ctx);
  step_all(model, month.ctx, hh);
  long damaged = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) {
    if (declared_column<std::uint8_t>(hh, "disaster_months_left")[h] == 0) continue;
    ++damaged;
    EXPECT_EQ(declared_column<float>(hh, "disaster_loss")[h], model.state.severity[hh.county[h]]);
    EXPECT_EQ(declared_column<std::uint8_t>(hh, "disaster_months_left")[h], p.recovery_months);
    EXPECT_EQ(hh.last_cause[h], code(Cause::disaster));
    EXPECT_LT(hh.savings[h], 1000.0f);
  }
  EXPECT_NEAR(damaged / 20000.0, p.household_exposure, 4 * binomial_sd(p.household_exposure, 20000));
}

// Severity differs by region type: the drawn severity times severity_scale[region], capped at 1.
TEST(DisasterShock, SeverityIsScaledByRegionTypeAndCappedAtOne) {
  DisasterShock::Params p;
  p.annual_probability = {1, 1, 1, 1};
  p.severity_min = p.severity_max = 0.5;
  p.severity_scale = {1.2, 3.0, 1.0, 0.8};  // plateau, transition belt, karst, other
  Driven<DisasterShock> model(p);
  for (const auto& [region, expected] : {std::pair{RegionType::plateau, 0.6f}, std::pair{RegionType::transition_belt, 1.0f},
                                         std::pair{RegionType::other, 0.4f}}) {
    HouseholdStore hh = make_store(200, 1, 40, Health::healthy, Work::farming, 100, region);
    Month month(hh, 0);
    model.begin_month(month.ctx);
    for (float s : model.state.severity) EXPECT_FLOAT_EQ(s, expected) << static_cast<int>(region);
  }
}

TEST(DisasterShock, LossLastsRecoveryMonths) {
  DisasterShock::Params p;
  p.annual_probability = {1, 1, 1, 1};
  p.household_exposure = 1;
  p.recovery_months = 3;
  Driven<DisasterShock> model(p);
  HouseholdStore hh = make_store(1, 1, 40, Health::healthy, Work::farming);
  Month hit(hh, 0);
  model.begin_month(hit.ctx);
  step_all(model, hit.ctx, hh);
  p.annual_probability = {0, 0, 0, 0};
  Driven<DisasterShock> calm(p);
  for (int m = 1; m <= 3; ++m) {
    Month month(hh, m);
    calm.begin_month(month.ctx);
    step_all(calm, month.ctx, hh);
    EXPECT_EQ(declared_column<std::uint8_t>(hh, "disaster_months_left")[0], 3 - m);
  }
}


// The damage counters: every household of a county hit with severity 0.5 (exposure 1), operating
// base 100 yuan/month, one employed migrant earning 300 yuan/month in half of them: a loss of
// 0.5 x 100 x 9 = 450 yuan over a normal year of 12 x 100 = 1,200 (share 0.375, capped at 1
// never) or 12 x 400 = 4,800 (share 0.09375); weights 4 (so every household's share is whole units).
TEST(DisasterShock, CountsDamagedHouseholdsAndTheirIncomeLossShare) {
  DisasterShock::Params p;
  p.annual_probability = {1, 1, 1, 1};
  p.severity_min = p.severity_max = 0.5;
  p.severity_scale = {1, 1, 1, 1};
  p.household_exposure = 1;
  Driven<DisasterShock> model(p);
  HouseholdStore hh = make_store(10, 1, 40, Health::healthy, Work::farming, 10);
  for (std::uint32_t h = 0; h < 10; ++h) {
    hh.operating_base[h] = 100;
    hh.weight[h] = 4;
    if (h % 2) hh.work[h] = Work::migrant, hh.wage[h] = 300;
  }
  Month month(hh, 0);
  model.begin_month(month.ctx);
  step_all(model, month.ctx, hh);
  EXPECT_EQ(month.tally.counters[counter_index("damaged_households")], 10 * 4 * kWeightUnit);
  EXPECT_EQ(month.tally.counters[counter_index("income_loss_share_sum")], 5 * (1500 + 375));
}

}  // namespace
}  // namespace povsim

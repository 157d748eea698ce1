#include "models/early_warning.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Households of one person; the line is 4,000, so the threshold is 6,000 yuan/person/year.
HouseholdStore assessed(const std::vector<float>& income_pc) {
  HouseholdStore hh = make_store(static_cast<std::uint32_t>(income_pc.size()), 1, 40, Health::healthy, Work::farming);
  for (std::size_t h = 0; h < income_pc.size(); ++h) hh.assessed_income_pc[h] = income_pc[h];
  return hh;
}

void run_month(Driven<EarlyWarning>& model, HouseholdStore& hh, Month& month) {
  model.prepare(month.ctx, hh);
  step_all(model, month.ctx, hh);
}

// Detection: a household below the threshold is flagged with probability (1 - miss) / lag a month.
// 20,000 households, one month; tolerance 4 binomial standard errors. Those above are never
// flagged.
TEST(EarlyWarning, FlagsHouseholdsBelowTheThresholdAtTheDetectionRate) {
  EarlyWarning::Params p;
  p.miss_rate = 0.2, p.detection_lag_months = 4;
  Driven<EarlyWarning> model(p);
  std::vector<float> income(20000, 5000.0f);
  income.resize(25000, 7000.0f);
  HouseholdStore hh = assessed(income);
  Month month(hh, 13);  // February of the second year: an assessment has been made
  run_month(model, hh, month);
  double flagged = 0, above = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) (h < 20000 ? flagged : above) += (hh.model_flags[h] & declared_household_flag("monitored")) != 0;
  EXPECT_NEAR(flagged / 20000, 0.2, 4 * binomial_sd(0.2, 20000));
  EXPECT_EQ(above, 0);
  EXPECT_NEAR(month.tally.counters[counter_index("newly_monitored_households")], flagged * kWeightUnit, 0.5);
}

// Rationing: with a budget for about half the monitored households, the neediest are served and
// the month's spending stays within its share of the budget; January clears those now above.
TEST(EarlyWarning, BudgetServesTheNeediestFirstAndClearsTheRecovered) {
  EarlyWarning::Params p;
  p.package_per_person = 1200;  // 100 yuan a month
  p.budget.per_household = 600;  // 4 households x 600 = 2,400 a year = 200 a month: two packages
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = assessed({1000, 2000, 3000, 5000});
  for (std::size_t h = 0; h < 4; ++h) hh.model_flags[h] |= declared_household_flag("monitored");
  Month january(hh, 12);
  run_month(model, hh, january);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 100);  // neediest
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 100);
  EXPECT_FLOAT_EQ(hh.acc_transfer[2], 0);
  EXPECT_FLOAT_EQ(hh.acc_transfer[3], 0);
  EXPECT_LE(january.tally.model_cost_yuan(model.model.slot()), 2400.0 / 12 + 1e-9);

  hh.assessed_income_pc[0] = 7000;  // recovered by the next January
  Month next_january(hh, 24);
  run_month(model, hh, next_january);
  EXPECT_FALSE(hh.model_flags[0] & declared_household_flag("monitored"));
  EXPECT_EQ(next_january.tally.counters[counter_index("cleared_households")], kWeightUnit);
}

}  // namespace
}  // namespace povsim

#include "models/temporary_assistance.hpp"

#include <gtest/gtest.h>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Households of two; the line is 4,000 yuan/person/year. Income so far this year (yuan) in
// acc_operating; every household was hit by an illness this year.
HouseholdStore hit_households(const std::vector<float>& income_so_far) {
  HouseholdStore hh = make_store(static_cast<std::uint32_t>(income_so_far.size()), 2, 40, Health::healthy, Work::farming);
  for (std::size_t h = 0; h < income_so_far.size(); ++h) {
    hh.acc_operating[h] = income_so_far[h];
    hh.last_cause[h] = code(Cause::illness);
  }
  return hh;
}

// Closed form with take-up 1, in June (month 6, income annualised x 2): a household whose income so
// far is 3,000 (6,000 a year for two, below 8,000) gets 3 months of the standard per person,
// 3 x 4,000 / 12 x 2 = 2,000 yuan, once; one at 5,000 (10,000 a year) gets nothing; one without a
// shock this year gets nothing.
TEST(TemporaryAssistance, PaysMonthsOfTheStandardOnceAYearAfterAShock) {
  TemporaryAssistance::Params p;
  p.monthly_take_up = 1;
  Driven<TemporaryAssistance> model(p);
  HouseholdStore hh = hit_households({3000, 5000, 3000});
  hh.last_cause[2] = code(Cause::none);
  Month june(hh, 5);
  model.begin_month(june.ctx);
  step_all(model, june.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 2000);
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 0);
  EXPECT_FLOAT_EQ(hh.acc_transfer[2], 0);
  EXPECT_DOUBLE_EQ(june.tally.model_cost_yuan(model.model.slot()), 2000);
  Month july(hh, 6);  // still below (3,000 + 2,000 in 7 months): but assisted this year already
  model.begin_month(july.ctx);
  step_all(model, july.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 2000);
  Month january(hh, 12);  // a new year: eligible again
  hh.acc_transfer[0] = 0, hh.acc_operating[0] = 100;
  model.begin_month(january.ctx);
  step_all(model, january.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 2000);
}

// Take-up: about monthly_take_up of eligible households are assisted in a month (20,000
// households, tolerance 4 binomial standard errors).
TEST(TemporaryAssistance, TakeUpIsTheMonthlyProbability) {
  TemporaryAssistance::Params p;
  p.monthly_take_up = 0.3;
  Driven<TemporaryAssistance> model(p);
  HouseholdStore hh = hit_households(std::vector<float>(20000, 1000.0f));
  Month march(hh, 2);
  model.begin_month(march.ctx);
  step_all(model, march.ctx, hh);
  double assisted = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) assisted += hh.acc_transfer[h] > 0;
  EXPECT_NEAR(assisted / 20000, 0.3, 4 * binomial_sd(0.3, 20000));
  EXPECT_NEAR(march.tally.counters[counter_index("assisted_households")], assisted * kWeightUnit, 0.5);
}

}  // namespace
}  // namespace povsim

#include "models/medical_assistance.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

MedicalAssistance::Params simple() {
  MedicalAssistance::Params p;
  p.reference_income = StepSchedule{{{YearMonth::of(2021, 1), 10000}}, std::nullopt};  // deductible 5,000
  p.critical_illness_rate = 0.5;
  p.tilted_deductible_factor = 0.5;  // 2,500 for the assisted poor
  p.tilted_rate_bonus = 0.1;
  p.assistance_rate = 0.5;
  p.assistance_deductible_share = 0.05;  // 500
  p.monitored_assistance_rate = 0.4;
  p.monitored_deductible_share = 0.1;  // 1,000
  p.assistance_cap = 1000;
  return p;
}

// Closed form for one bill of 12,000 yuan in January:
//  lifted household, neither dibao, poor nor monitored: insurance only, 0.5 x (12,000 - 5,000) = 3,500;
//  dibao household (assisted poor): 0.6 x (12,000 - 2,500) = 5,700 insured, then assistance
//                                   min(1,000, 0.5 x (12,000 - 5,700 - 500)) = 1,000: 6,700;
//  monitored household:             3,500 insured, then min(1,000, 0.4 x (12,000 - 3,500 - 1,000)) = 1,000: 4,500;
//  household assessed poor (a returned one): as the dibao household, 6,700.
TEST(MedicalAssistance, RefundsByClosedFormForEachKindOfHousehold) {
  Driven<MedicalAssistance> model(simple());
  HouseholdStore hh = make_store(4, 1, 50, Health::healthy, Work::farming);
  hh.model_flags[1] = declared_household_flag("dibao_enrolled");
  hh.model_flags[2] = declared_household_flag("monitored");
  hh.flags[3] |= household_flag::poor;
  for (std::uint32_t h = 0; h < 4; ++h)
    declared_column<float>(hh, "medical_month")[h] = hh.acc_medical[h] = 12000, hh.savings[h] = -12000;
  Month january(hh, 0);
  model.begin_month(january.ctx);
  step_all(model, january.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_medical[0], 12000 - 3500);
  EXPECT_FLOAT_EQ(hh.acc_medical[1], 12000 - 6700);
  EXPECT_FLOAT_EQ(hh.savings[1], -12000 + 6700);
  EXPECT_FLOAT_EQ(hh.acc_medical[2], 12000 - 4500);
  EXPECT_FLOAT_EQ(hh.acc_medical[3], 12000 - 6700);
  EXPECT_DOUBLE_EQ(january.tally.model_cost_yuan(model.model.slot()), 3500 + 6700 + 4500 + 6700);
}

// The deductible and the cap apply to the year's total: the same spending split over two months
// gets the same refund as in one month, and a new year starts afresh.
TEST(MedicalAssistance, DeductibleAndCapArePerYear) {
  Driven<MedicalAssistance> model(simple());
  HouseholdStore hh = make_store(2, 1, 50, Health::healthy, Work::farming);
  for (auto& f : hh.model_flags) f = declared_household_flag("dibao_enrolled");
  declared_column<float>(hh, "medical_month")[0] = 12000;  // household 0: all in January
  double refund1 = 0;
  for (int m = 0; m < 2; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    declared_column<float>(hh, "medical_month")[1] = 6000;  // household 1: half in January, half in February
    if (m == 1) declared_column<float>(hh, "medical_month")[0] = 0;
    step_all(model, month.ctx, hh);
    refund1 = -hh.acc_medical[1];
  }
  EXPECT_FLOAT_EQ(-hh.acc_medical[0], 6700);
  EXPECT_FLOAT_EQ(refund1, 6700);
  Month next_january(hh, 12);
  model.begin_month(next_january.ctx);
  declared_column<float>(hh, "medical_month")[0] = 2000;  // below the deductible again: only assistance, 0.5 x (2,000 - 500)
  const float before = hh.acc_medical[0];
  step_all(model, next_january.ctx, hh);
  EXPECT_FLOAT_EQ(before - hh.acc_medical[0], 750);
}

// Standards indexed to prices: when the line (the price index) is 10 % higher than in the first
// year, so is the assistance cap.
TEST(MedicalAssistance, CapFollowsThePriceIndex) {
  Driven<MedicalAssistance> model(simple());  // cap 1,000 at first-year prices
  HouseholdStore hh = make_store(1, 1, 50, Health::healthy, Work::farming);
  hh.model_flags[0] = declared_household_flag("dibao_enrolled");
  Month first(hh, 0);
  model.begin_month(first.ctx);
  Month later(hh, 24);
  later.ctx.poverty_line = 4400;
  model.begin_month(later.ctx);
  declared_column<float>(hh, "medical_month")[0] = 4000;  // insured 0.6 x (4,000 - 2,500) = 900; assistance min(cap, 0.5 x 2,600)
  step_all(model, later.ctx, hh);
  EXPECT_FLOAT_EQ(-hh.acc_medical[0], 900 + 1100);  // 900 + 1,000 without the index
}

}  // namespace
}  // namespace povsim

#include "models/dibao.hpp"

#include <gtest/gtest.h>

#include "sim/core/simulation.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Households of two with a year's income (yuan) in acc_operating, already enrolled, reviewed in a
// December (step 11 of a run starting in January) with the line at 4,000 yuan/person/year.
HouseholdStore enrolled_households(const std::vector<float>& income) {
  HouseholdStore hh = make_store(static_cast<std::uint32_t>(income.size()), 2, 40, Health::healthy, Work::farming);
  for (std::size_t h = 0; h < income.size(); ++h) {
    hh.acc_operating[h] = income[h];
    hh.model_flags[h] |= declared_household_flag("dibao_enrolled");
  }
  return hh;
}

// The tests below use a standard equal to the line (4,000 here), which keeps their arithmetic
// readable; the default is 1.5 x the line.
Dibao::Params at_the_line() {
  Dibao::Params p;
  p.standard_ratio = StepSchedule{{{YearMonth::of(2021, 1), 1.0}}, std::nullopt};
  return p;
}

// Closed form: with the year-end settlement, an enrolled household cannot end the year below the
// standard (= the line here), whatever its income; the settlement is exactly the shortfall and is
// counted as fiscal cost.
TEST(Dibao, YearEndSettlementMakesFallingBelowTheStandardImpossible) {
  Dibao::Params p = at_the_line();
  p.year_end_settlement = true;
  p.exclusion_rate = 0;
  Driven<Dibao> model(p);
  HouseholdStore hh = enrolled_households({0, 3000, 7999, 8000, 20000});
  Month december(hh, 11);
  step_all(model, december.ctx, hh);
  const double line = 4000;
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 8000);
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 5000);
  EXPECT_FLOAT_EQ(hh.acc_transfer[2], 1);
  EXPECT_FLOAT_EQ(hh.acc_transfer[3], 0);
  EXPECT_FLOAT_EQ(hh.acc_transfer[4], 0);
  EXPECT_DOUBLE_EQ(december.tally.model_cost_yuan(model.model.slot()), 8000 + 5000 + 1);
  YearTally t;
  assess_households(hh, 0, static_cast<std::uint32_t>(hh.size()), line, t);
  EXPECT_EQ(t.all.poor, 0);
}

// The review: per-person benefit max(minimum, standard - withdrawal_rate x income per person) for
// next year, for eligible households; households above the standard move out once exits are on.
TEST(Dibao, ReviewSetsNextYearsBenefitAndMovesOutTheBetterOff) {
  Dibao::Params p = at_the_line();
  p.exclusion_rate = 0;
  p.inclusion_rate = 0;
  p.withdrawal_rate = 0.5;
  p.minimum_benefit = 100;
  p.exits_from = YearMonth::of(2021, 1);
  p.gradual_exit_months = 0;  // leaves at once (the gradual exit has its own test)
  Driven<Dibao> model(p);
  HouseholdStore hh = enrolled_households({2000, 7900, 9000});
  Month december(hh, 11);
  step_all(model, december.ctx, hh);
  EXPECT_FLOAT_EQ(hh.transfer[2][0], (4000 - 0.5 * 1000) * 2 / 12.0);  // yuan/month for the household
  EXPECT_FLOAT_EQ(hh.transfer[2][1], std::max(100.0, 4000 - 0.5 * 3950) * 2 / 12.0);
  EXPECT_FALSE(hh.model_flags[2] & declared_household_flag("dibao_enrolled"));  // 4,500 per person: above the standard
  EXPECT_EQ(hh.transfer[2][2], 0.0f);
}

// Exclusion errors happen at enrolment: about exclusion_rate of eligible households not enrolled
// are missed at a review (20,000 households; tolerance 4 binomial standard errors), and an
// enrolled household that still qualifies is never removed at random, whatever the rate.
TEST(Dibao, ExclusionErrorsMissEligibleApplicantsButNeverRemoveRecipients) {
  Dibao::Params p = at_the_line();
  p.exclusion_rate = 0.3;
  Driven<Dibao> model(p);
  HouseholdStore applicants = enrolled_households(std::vector<float>(20000, 2000.0f));
  for (auto& f : applicants.model_flags) f = 0;  // not enrolled yet
  Month december(applicants, 11);
  step_all(model, december.ctx, applicants);
  double missed = 0;
  for (std::size_t h = 0; h < applicants.size(); ++h)
    missed += !(applicants.model_flags[h] & declared_household_flag("dibao_enrolled"));
  EXPECT_NEAR(missed / 20000, 0.3, 4 * binomial_sd(0.3, 20000));

  p.exclusion_rate = 0.9;
  p.exits_from = YearMonth::of(2021, 1);
  Driven<Dibao> strict(p);
  HouseholdStore recipients = enrolled_households(std::vector<float>(20000, 2000.0f));
  for (int year = 0; year < 3; ++year) {
    Month review(recipients, 11 + 12 * year);
    step_all(strict, review.ctx, recipients);
    for (std::size_t h = 0; h < recipients.size(); ++h)
      ASSERT_TRUE(recipients.model_flags[h] & declared_household_flag("dibao_enrolled")) << h << " year " << year;
  }
}

// Gradual exit: a recipient found above the standard keeps its benefit from January to month
// gradual_exit_months, then leaves; its fiscal cost stops with the last payment.
TEST(Dibao, RecipientsAboveTheStandardLeaveAfterTheGradualExitPeriod) {
  Dibao::Params p = at_the_line();
  p.exclusion_rate = 0;
  p.inclusion_rate = 0;
  p.exits_from = YearMonth::of(2021, 1);
  p.gradual_exit_months = 3;
  Driven<Dibao> model(p);
  HouseholdStore hh = enrolled_households({9000, 2000});  // above, below the standard (4,000/person)
  hh.transfer[2][0] = 50;
  Month december(hh, 11);
  step_all(model, december.ctx, hh);
  EXPECT_EQ(hh.transfer[2][0], 50.0f);  // kept for the exit
  const float below = hh.transfer[2][1];
  EXPECT_GT(below, 0.0f);
  YearTally year;  // the block's tally, carried through the year as the engine does
  for (int m = 12; m < 17; ++m) {  // January to May of 2022
    Month month(hh, m);
    month.tally = year;
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
    year = month.tally;
    const double paid = static_cast<double>(year.model_cost_last_month[model.model.slot()]) / (100.0 * kWeightUnit);
    const double expected = (m - 12 < 3 ? 50.0 : 0.0) + below;  // paid in January, February, March
    EXPECT_NEAR(paid, expected, 0.01) << "month " << m;
  }
  EXPECT_EQ(hh.transfer[2][0], 0.0f);
  EXPECT_FALSE(hh.model_flags[0] & declared_household_flag("dibao_enrolled"));
  EXPECT_TRUE(hh.model_flags[1] & declared_household_flag("dibao_enrolled"));
}

// During the transition period (before exits_from) households above the standard keep their
// benefit.
TEST(Dibao, NoExitsBeforeTheTransitionEnds) {
  Dibao::Params p = at_the_line();  // exits from 2026
  Driven<Dibao> model(p);
  HouseholdStore hh = enrolled_households({9000});
  hh.transfer[2][0] = 50;
  Month december(hh, 11);
  step_all(model, december.ctx, hh);
  EXPECT_TRUE(hh.model_flags[0] & declared_household_flag("dibao_enrolled"));
  EXPECT_EQ(hh.transfer[2][0], 50.0f);
}


// Enrolled persons after the December review, lifted and edge apart: households of 2 with no
// income are taken in (no exclusion error), the well-off one is not; weights 1 and 3.
TEST(Dibao, CountsEnrolledPersonsOfLiftedAndEdgeHouseholdsAfterTheReview) {
  Dibao::Params p = at_the_line();
  p.exclusion_rate = 0;
  p.inclusion_rate = 0;
  Driven<Dibao> model(p);
  HouseholdStore hh = make_store(4, 2, 40, Health::healthy, Work::farming);
  hh.acc_operating[1] = 50000;
  hh.flags[2] = household_flag::edge;
  hh.weight[2] = 3;
  hh.flags[3] = household_flag::lifted | household_flag::dissolved;
  Month december(hh, 11);
  step_all(model, december.ctx, hh);
  EXPECT_EQ(december.tally.counters[counter_index("enrolled_persons_lifted")], 2 * kWeightUnit);
  EXPECT_EQ(december.tally.counters[counter_index("enrolled_persons_edge")], 2 * 3 * kWeightUnit);
}

}  // namespace
}  // namespace povsim

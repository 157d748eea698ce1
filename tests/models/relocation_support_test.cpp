#include "models/relocation_support.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Closed form with full take-up: every working-age farming member of a relocated household gets a
// site job at the site wage in January; each month the government pays the subsidy share of it.
// Households that were not relocated are untouched.
TEST(RelocationSupport, SiteJobsForRelocatedFarmersAndTheirWageSubsidy) {
  RelocationSupport::Params p;
  p.job_take_up = StepSchedule{{{YearMonth::of(2021, 1), 1.0}}, std::nullopt};
  Driven<RelocationSupport> model(p);
  HouseholdStore hh = make_store(2, 2, 40, Health::healthy, Work::farming);
  hh.flags[0] |= household_flag::relocated;
  double cost = 0;
  for (int m = 0; m < 2; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
    cost += month.tally.model_cost_yuan(model.model.slot());
  }
  EXPECT_EQ(hh.work[0], Work::local_wage);
  EXPECT_EQ(hh.work[1], Work::local_wage);
  EXPECT_FLOAT_EQ(hh.wage[0], p.site_wage);
  EXPECT_EQ(hh.work[2], Work::farming);
  EXPECT_NEAR(cost, 2 * 2 * p.wage_subsidy_share * p.site_wage, 1e-6);
}

// Services: each living member of a relocated household receives services worth the scheduled
// yearly amount, a twelfth a month, counted as a transfer and as the policy's cost.
TEST(RelocationSupport, ServicesReachEveryMemberOfRelocatedHouseholds) {
  RelocationSupport::Params p;
  p.job_take_up = StepSchedule{{{YearMonth::of(2021, 1), 0.0}}, std::nullopt};
  p.services = StepSchedule{{{YearMonth::of(2021, 1), 1200.0}}, 0.0};
  Driven<RelocationSupport> model(p);
  HouseholdStore hh = make_store(2, 3, 40, Health::healthy, Work::farming);
  hh.flags[1] |= household_flag::relocated;
  Month month(hh, 0);
  model.begin_month(month.ctx);
  step_all(model, month.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 3 * 100);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 0);
  EXPECT_NEAR(month.tally.model_cost_yuan(model.model.slot()), 300, 1e-9);
}

}  // namespace
}  // namespace povsim

#include "models/transfer_programme.hpp"

#include <gtest/gtest.h>

#include "models/eco_compensation.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Closed form: steps scale that programme's payments by new level / old level, mark recipients'
// latest shock, and the fiscal cost is exactly what is paid.
// (Public-welfare posts were one of these programmes until they became jobs, models/public_welfare_posts.)
TEST(TransferProgramme, StepsScaleThePaymentsOfThatProgrammeOnly) {
  EcoCompensation::Params p;
  p.levels = StepSchedule{{{YearMonth::of(2021, 3), 0.5}, {YearMonth::of(2021, 5), 0.0}}, 1.0};
  Driven<EcoCompensation> model(p);
  HouseholdStore hh = make_store(2, 1, 40, Health::healthy, Work::farming);
  hh.transfer[1][0] = 800;  // ecological compensation
  hh.transfer[2][0] = 300;  // dibao
  std::vector<float> post;
  YearTally year;  // the year's accounts persist from month to month, as in a run
  for (int m = 0; m < 6; ++m) {
    Month month(hh, m);
    month.ctx.tally = &year;
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
    post.push_back(hh.transfer[1][0]);
    if (m == 2) {
      EXPECT_EQ(hh.last_cause[0], code(Cause::subsidy_withdrawal));
      EXPECT_EQ(hh.last_cause[1], code(Cause::none));  // received nothing, lost nothing
    }
  }
  EXPECT_EQ(post, (std::vector<float>{800, 800, 400, 400, 0, 0}));
  EXPECT_DOUBLE_EQ(year.model_cost_yuan(model.model.slot()), 800 + 800 + 400 + 400);
  EXPECT_EQ(hh.transfer[2][0], 300.0f);
}

TEST(TransferProgramme, ScheduleDatedBeforeTheStartAppliesInTheFirstMonth) {
  EcoCompensation::Params p;
  p.levels = StepSchedule{{{YearMonth::of(2020, 6), 0.25}}, 1.0};
  Driven<EcoCompensation> model(p);
  HouseholdStore hh = make_store(1, 1, 40, Health::healthy, Work::farming);
  hh.transfer[1][0] = 400;
  Month month(hh, 0);
  model.begin_month(month.ctx);
  step_all(model, month.ctx, hh);
  EXPECT_EQ(hh.transfer[1][0], 100.0f);
}

}  // namespace
}  // namespace povsim

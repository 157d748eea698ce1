#include "models/phased_industry_support.hpp"

#include <gtest/gtest.h>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

TEST(PhasedIndustrySupport, PaysTheSubsidyAtTheLevelOfItsDependenceClass) {
  PhasedIndustrySupport::Params p;
  p.low = StepSchedule{{{YearMonth::of(2021, 2), 0.0}}, 1.0};
  p.high = StepSchedule{{{YearMonth::of(2021, 2), 1.5}}, 1.0};
  Driven<PhasedIndustrySupport> model(p);
  HouseholdStore hh = make_store(3, 1, 40, Health::healthy, Work::farming);
  hh.dependence = {Dependence::low, Dependence::high, Dependence::none};
  hh.industry_subsidy = {100, 100, 100};
  for (int m = 0; m < 2; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
  }
  EXPECT_FLOAT_EQ(hh.acc_operating[0], 100);        // January only
  EXPECT_FLOAT_EQ(hh.acc_operating[1], 100 + 150);  // support grows
  EXPECT_FLOAT_EQ(hh.acc_operating[2], 0);          // not a supported industry
  EXPECT_EQ(hh.last_cause[0], code(Cause::subsidy_withdrawal));
  EXPECT_EQ(hh.last_cause[1], code(Cause::none));
}

}  // namespace
}  // namespace povsim

#include "models/rural_pension.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Closed form: each month every living member aged 60+ adds exactly the scheduled amount.
TEST(RuralPension, PaysTheScheduledAmountToEligibleMembersOnly) {
  RuralPension::Params p;
  p.monthly_amount = StepSchedule{{{YearMonth::of(2021, 1), 100}, {YearMonth::of(2021, 3), 150}}, std::nullopt};
  p.local_top_up = 10;
  Driven<RuralPension> model(p);
  HouseholdStore hh = make_store(2, 3, 65, Health::healthy, Work::farming);
  hh.age[1] = 59;          // too young
  hh.person_flags[2] = 0;  // dead
  for (int m = 0; m < 4; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
  }
  EXPECT_FLOAT_EQ(hh.acc_pension[0], 1 * (110 + 110 + 160 + 160));
  EXPECT_FLOAT_EQ(hh.acc_pension[1], 3 * (110 + 110 + 160 + 160));
}

}  // namespace
}  // namespace povsim

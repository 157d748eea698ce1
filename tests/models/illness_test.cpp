#include "models/illness.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Episode frequency: 100,000 healthy adults for 12 months. With max_lost_work_months = 1 an episode
// this month shows as sick_until == the next step. Tolerance: 4 binomial standard errors.
TEST(IllnessShock, MonthlyEpisodeRateMatchesTheAnnualProbability) {
  IllnessShock::Params p;
  p.max_lost_work_months = 1;
  p.chronic_onset_probability = 0;
  const Driven<IllnessShock> model(p);
  HouseholdStore hh = make_store(25000, 4, 40, Health::healthy, Work::farming);
  long episodes = 0;
  for (int m = 0; m < 12; ++m) {
    Month month(hh, m);
    step_all(model, month.ctx, hh);
    for (auto s : declared_column<std::uint16_t>(hh, "sick_until")) episodes += s == m + 1;
  }
  const double n = 100000.0 * 12, expected = monthly_probability(p.annual_probability_adult);
  EXPECT_NEAR(episodes / n, expected, 4 * binomial_sd(expected, n));
  EXPECT_NEAR(model->monthly_probability_for(40, Health::chronic),
              monthly_probability(p.annual_probability_adult * p.chronic_multiplier), 1e-12);
}

// Out-of-pocket cost per episode: mean of the lognormal times (1 - reimbursement). Tolerance 5 %
// (the lognormal with sd 0.8 has a coefficient of variation ~0.95; with ~9,000 episodes the
// standard error of the mean is ~1 %).
TEST(IllnessShock, OutOfPocketCostHasTheExpectedMean) {
  IllnessShock::Params p;
  p.annual_probability_elderly = 0.5;
  p.chronic_outpatient_cost = 0;
  const Driven<IllnessShock> model(p);
  HouseholdStore hh = make_store(40000, 1, 70, Health::healthy, Work::not_working);
  Month month(hh, 0);
  step_all(model, month.ctx, hh);
  double total = 0;
  long episodes = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) {
    total += hh.acc_medical[h];
    episodes += hh.last_cause[h] == code(Cause::illness);
  }
  ASSERT_GT(episodes, 1000);
  const double expected = p.cost_median * std::exp(0.5 * p.cost_log_sd * p.cost_log_sd) * (1 - p.reimbursement_rate);
  EXPECT_NEAR(total / episodes, expected, 0.05 * expected);
  EXPECT_NEAR(hh.savings[0], -hh.acc_medical[0], 1e-3);  // paid from savings
}

TEST(IllnessShock, ChronicMembersPayOutpatientCareAndTheDeadNothing) {
  IllnessShock::Params p;
  p.annual_probability_adult = 0;
  p.chronic_multiplier = 1;
  const Driven<IllnessShock> model(p);
  HouseholdStore hh = make_store(2, 3, 40, Health::chronic, Work::farming);
  hh.person_flags[5] = 0;  // dead
  Month month(hh, 0);
  step_all(model, month.ctx, hh);
  EXPECT_FLOAT_EQ(hh.acc_medical[0], 3 * p.chronic_outpatient_cost);
  EXPECT_FLOAT_EQ(hh.acc_medical[1], 2 * p.chronic_outpatient_cost);
}


// Persons hospitalised at least once a year are counted once however many episodes they have, and
// afresh each year; living persons are counted at December. 10 households of 3 adults, weight 1.5,
// one member dead; every living adult has an episode every month (probability 1).
TEST(IllnessShock, CountsPersonsHospitalisedThisYearOnceAndLivingPersons) {
  IllnessShock::Params p;
  p.annual_probability_adult = 1;
  p.chronic_multiplier = p.disabled_multiplier = 1;
  p.chronic_onset_probability = 0;
  Driven<IllnessShock> model(p);
  HouseholdStore hh = make_store(10, 3, 40, Health::healthy, Work::farming);
  for (auto& w : hh.weight) w = 1.5f;
  hh.person_flags[0] = 0;
  hh.alive_members[0] = 2;
  const std::int64_t persons = 29 * 1500;  // weight units
  std::int64_t hospitalised = 0, living = 0;
  for (int m = 0; m < 12; ++m) {
    Month month(hh, m);
    step_all(model, month.ctx, hh);
    hospitalised += month.tally.counters[counter_index("hospitalised_persons")];
    living += month.tally.counters[counter_index("living_persons")];
  }
  EXPECT_EQ(hospitalised, persons);
  EXPECT_EQ(living, persons);
  Month january(hh, 12);  // the next year: counted again
  step_all(model, january.ctx, hh);
  EXPECT_EQ(january.tally.counters[counter_index("hospitalised_persons")], persons);
  EXPECT_EQ(january.tally.counters[counter_index("living_persons")], 0);
}

}  // namespace
}  // namespace povsim

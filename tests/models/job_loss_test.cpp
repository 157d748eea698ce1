#include "models/job_loss.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

double unemployment_after(JobLossShock::Params p, int months, Work work) {
  Driven<JobLossShock> model(p);
  HouseholdStore hh = make_store(10000, 2, 35, Health::healthy, work);
  for (int m = 0; m < months; ++m) {
    Month month(hh, m);
    model.begin_month(month.ctx);
    step_all(model, month.ctx, hh);
  }
  long unemployed = 0;
  for (auto f : hh.person_flags) unemployed += (f & person_flag::unemployed) != 0;
  return unemployed / 20000.0;
}

// After 60 months the two-state chain is at its stationary share h / (h + r). Persons are
// independent, so tolerance is 4 binomial standard errors of 20,000 persons.
TEST(JobLossShock, StationaryUnemploymentRate) {
  JobLossShock::Params p;
  const double h = p.monthly_hazard_migrant, r = p.monthly_reemployment, expected = h / (h + r);
  EXPECT_NEAR(unemployment_after(p, 60, Work::migrant), expected, 4 * binomial_sd(expected, 20000));
}

TEST(JobLossShock, DownturnMultiplierRaisesUnemployment) {
  JobLossShock::Params p;
  p.downturn_multiplier = StepSchedule{{{YearMonth::of(2021, 1), 5.0}}, 1.0};
  const double h = 5 * p.monthly_hazard_local, r = p.monthly_reemployment, expected = h / (h + r);
  EXPECT_NEAR(unemployment_after(p, 60, Work::local_wage), expected, 4 * binomial_sd(expected, 20000));
}

TEST(JobLossShock, OnlyWageEarnersLoseJobs) {
  JobLossShock::Params p;
  p.monthly_hazard_local = p.monthly_hazard_migrant = 1;
  EXPECT_EQ(unemployment_after(p, 1, Work::farming), 0.0);
  EXPECT_EQ(unemployment_after(p, 1, Work::local_wage), 1.0);
}

}  // namespace
}  // namespace povsim

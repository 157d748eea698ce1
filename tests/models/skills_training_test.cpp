#include "models/skills_training.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Closed form with full capacity: every eligible member is trained in January, earners' wages rise
// by exactly the premium, and each trainee costs cost_per_trainee; the elderly are not trained.
TEST(SkillsTraining, FullCapacityTrainsEveryEligibleMember) {
  SkillsTraining::Params p;
  p.capacity = StepSchedule{{{YearMonth::of(2021, 1), 1.0}}, std::nullopt};
  p.job_take_up = 0;
  Driven<SkillsTraining> model(p);
  HouseholdStore hh = make_store(3, 2, 30, Health::healthy, Work::migrant);
  for (auto& w : hh.wage) w = 3000;
  hh.age[5] = 65;  // too old
  Month january(hh, 0);
  model.prepare(january.ctx, hh);
  step_all(model, january.ctx, hh);
  for (std::uint32_t q = 0; q < 5; ++q) {
    EXPECT_TRUE(hh.person_flags[q] & declared_person_flag("trained")) << q;
    EXPECT_FLOAT_EQ(hh.wage[q], 3300);
  }
  EXPECT_FALSE(hh.person_flags[5] & declared_person_flag("trained"));
  EXPECT_DOUBLE_EQ(january.tally.model_cost_yuan(model.model.slot()), 5 * p.cost_per_trainee);
}

// The capacity is the yearly training probability of an eligible member, twice for the unemployed:
// 20,000 farmers and 20,000 unemployed earners, capacity 0.05; tolerance 4 binomial sd.
TEST(SkillsTraining, CapacityIsTheTrainingProbability) {
  SkillsTraining::Params p;
  p.capacity = StepSchedule{{{YearMonth::of(2021, 1), 0.05}}, std::nullopt};
  Driven<SkillsTraining> model(p);
  HouseholdStore hh = make_store(20000, 2, 30, Health::healthy, Work::farming);
  for (std::size_t q = 1; q < 40000; q += 2) hh.work[q] = Work::migrant, hh.person_flags[q] |= person_flag::unemployed;
  Month january(hh, 0);
  model.prepare(january.ctx, hh);
  step_all(model, january.ctx, hh);
  double farmers = 0, unemployed = 0;
  for (std::size_t q = 0; q < 40000; ++q) ((q % 2) ? unemployed : farmers) += (hh.person_flags[q] & declared_person_flag("trained")) != 0;
  EXPECT_NEAR(farmers / 20000, 0.05, 4 * binomial_sd(0.05, 20000));
  EXPECT_NEAR(unemployed / 20000, 0.10, 4 * binomial_sd(0.10, 20000));
}

// Trained unemployed members find work at the extra rate each month (20,000 persons, one month,
// 4 binomial standard errors); untrained ones are left to the job-loss model.
TEST(SkillsTraining, TrainedUnemployedFindWorkAtTheExtraRate) {
  SkillsTraining::Params p;
  p.extra_reemployment = 0.25;
  Driven<SkillsTraining> model(p);
  HouseholdStore hh = make_store(10000, 2, 30, Health::healthy, Work::local_wage);
  for (std::size_t q = 0; q < 20000; ++q)
    hh.person_flags[q] |= person_flag::unemployed | (q < 10000 ? declared_person_flag("trained") : 0);
  Month march(hh, 2);
  model.begin_month(march.ctx);
  step_all(model, march.ctx, hh);
  double found = 0, untrained_found = 0;
  for (std::size_t q = 0; q < 20000; ++q)
    (q < 10000 ? found : untrained_found) += !(hh.person_flags[q] & person_flag::unemployed);
  EXPECT_NEAR(found / 10000, 0.25, 4 * binomial_sd(0.25, 10000));
  EXPECT_EQ(untrained_found, 0);
}

// A trained farmer who takes up a wage job leaves the farm: the household's operating income loses
// her equal share (two farmers, 1,000 yuan/month: 500 goes with her), and she earns the wage.
TEST(SkillsTraining, AFarmerWhoTakesAJobLeavesHerShareOfTheFarm) {
  SkillsTraining::Params p;
  p.capacity = StepSchedule{{{YearMonth::of(2021, 1), 1.0}}, std::nullopt};
  p.job_take_up = 1;
  p.starting_wage = 2000;
  p.wage_premium = 0;
  Driven<SkillsTraining> model(p);
  HouseholdStore hh = make_store(1, 2, 30, Health::healthy, Work::farming);
  hh.operating_base[0] = 1000;
  hh.age[1] = 65;  // not eligible: stays on the farm
  Month january(hh, 0);
  model.prepare(january.ctx, hh);
  step_all(model, january.ctx, hh);
  EXPECT_EQ(hh.work[0], Work::local_wage);
  EXPECT_FLOAT_EQ(hh.wage[0], 2000);
  EXPECT_FLOAT_EQ(hh.operating_base[0], 500);
}

}  // namespace
}  // namespace povsim

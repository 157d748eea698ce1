#include "models/public_welfare_posts.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>

#include "models/income_process.hpp"
#include "sim/core/run.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

constexpr int kPost = static_cast<int>(Programme::public_welfare_post);

int holders_of(const HouseholdStore& hh, std::uint32_t h, std::uint8_t mask) {
  int n = 0;
  for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) n += (hh.person_flags[q] & mask) != 0;
  return n;
}

// One month of the posts model on a store, with a tally of its own.
void post_month(Driven<PublicWelfarePosts>& model, HouseholdStore& hh, int step, YearTally& year) {
  Month month(hh, step);
  month.ctx.tally = &year;
  model.begin_month(month.ctx);
  model.prepare(month.ctx, hh);
  step_all(model, month.ctx, hh);
}

// At the start a household with a post amount gets a holder: an able working-age member (one
// recorded as not working first, then a farmer, a local wage earner, a migrant), never a child, a
// retired or a disabled member. She leaves what she did: a wage earner's wage stops, a farmer takes
// her share of the household's operating income with her.
TEST(PublicWelfarePosts, TheHolderIsAnAbleWorkingAgeMemberWhoLeavesHerWork) {
  Driven<PublicWelfarePosts> model(PublicWelfarePosts::Params{});
  const std::uint8_t holder = declared_person_flag("post_holder");
  HouseholdStore hh = make_store(4, 3, 40, Health::healthy, Work::farming);
  for (std::uint32_t h = 0; h < 4; ++h) {
    hh.operating_base[h] = 900;
    hh.transfer[kPost][h] = 500;
  }
  // Household 0: a child, a retired member and a farmer: the farmer holds, taking 900 / 1.
  hh.age[0] = 10, hh.work[0] = Work::child;
  hh.age[1] = 70, hh.work[1] = Work::retired;
  // Household 1: a disabled member, a migrant and a local wage earner: the local earner holds.
  hh.health[3] = Health::disabled, hh.work[3] = Work::not_working;
  hh.work[4] = Work::migrant, hh.wage[4] = 3000;
  hh.work[5] = Work::local_wage, hh.wage[5] = 2000;
  // Household 2: three farmers: the first holds and takes a third of the operating income.
  // Household 3: only children and the elderly: no holder, no post.
  for (std::uint32_t q = 9; q < 12; ++q) hh.age[q] = q == 9 ? 12 : 80, hh.work[q] = q == 9 ? Work::child : Work::retired;
  YearTally year;
  post_month(model, hh, 0, year);

  EXPECT_TRUE(hh.person_flags[2] & holder);
  EXPECT_EQ(hh.work[2], Work::not_working);
  EXPECT_FLOAT_EQ(hh.operating_base[0], 0.0f);
  EXPECT_TRUE(hh.person_flags[5] & holder);
  EXPECT_EQ(hh.wage[5], 0.0f);
  EXPECT_EQ(hh.wage[4], 3000.0f);
  EXPECT_FLOAT_EQ(hh.operating_base[1], 900.0f);
  EXPECT_TRUE(hh.person_flags[6] & holder);
  EXPECT_FLOAT_EQ(hh.operating_base[2], 600.0f);
  for (std::uint32_t h = 0; h < 3; ++h) {
    EXPECT_EQ(holders_of(hh, h, holder), 1) << h;
    EXPECT_EQ(hh.transfer[kPost][h], 800.0f) << h;  // the scenario's wage
  }
  EXPECT_EQ(holders_of(hh, 3, holder), 0);
  EXPECT_EQ(hh.transfer[kPost][3], 0.0f);
  EXPECT_EQ(model.state.posts_2020, 3 * kWeightUnit);
}

// Closed form on a tiny store: a month's income of a household whose wage earner (2,000 yuan) took
// a post is the post's 800 and nothing of her old wage; a household of two farmers with 1,000 yuan
// of operating income whose first farmer took the post keeps 500 of it and gets 800 more. Fiscal
// cost: posts x wage.
TEST(PublicWelfarePosts, HoldersEarnThePostNotThePostAndTheirOldWork) {
  PublicWelfarePosts::Params p;
  Driven<PublicWelfarePosts> posts(p);
  Driven<IncomeProcess> income(IncomeProcess::Params{});
  HouseholdStore hh = make_store(3, 2, 40, Health::healthy, Work::farming);
  hh.work[0] = Work::local_wage, hh.wage[0] = 2000;
  hh.work[1] = Work::child, hh.age[1] = 5;
  hh.operating_base[1] = 1000;
  hh.operating_base[2] = 1000;  // no post: unchanged
  hh.transfer[kPost][0] = hh.transfer[kPost][1] = 1;  // any amount: a post
  YearTally year;
  for (int step = 1; step <= 3; ++step) {  // February to April: no new income year
    Month month(hh, step);
    month.ctx.tally = &year;
    posts.begin_month(month.ctx);
    posts.prepare(month.ctx, hh);
    step_all(posts, month.ctx, hh);
    step_all(income.model, month.ctx, hh);
  }
  EXPECT_FLOAT_EQ(hh.acc_wage[0], 0.0f);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 3 * 800.0f);
  EXPECT_FLOAT_EQ(hh.acc_operating[0], 0.0f);
  EXPECT_FLOAT_EQ(hh.acc_wage[1], 0.0f);
  EXPECT_FLOAT_EQ(hh.acc_operating[1], 3 * 500.0f);
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 3 * 800.0f);
  EXPECT_FLOAT_EQ(hh.acc_operating[2], 3 * 1000.0f);
  EXPECT_FLOAT_EQ(hh.acc_transfer[2], 0.0f);
  EXPECT_DOUBLE_EQ(year.model_cost_yuan(posts.model.slot()), 3 * 2 * p.wage);  // months x posts x wage
}

// A cut removes exactly the scheduled share of the 2020 posts, from holders drawn at random, marks
// exactly the households that lose one, and sends the holder back to farming with her share of the
// farm. The fiscal cost is posts x wage, month by month.
TEST(PublicWelfarePosts, ACutRemovesExactlyTheScheduledShareAndMarksTheLosers) {
  PublicWelfarePosts::Params p;
  p.levels = StepSchedule{{{YearMonth::of(2021, 3), 0.7}, {YearMonth::of(2021, 5), 0.35}}, 1.0};
  Driven<PublicWelfarePosts> model(p);
  const std::uint8_t holder = declared_person_flag("post_holder");
  const std::uint32_t n = 1000, with_post = 600;
  HouseholdStore hh = make_store(n, 2, 40, Health::healthy, Work::farming);
  for (std::uint32_t h = 0; h < n; ++h) {
    hh.operating_base[h] = 1000;
    if (h < with_post) hh.transfer[kPost][h] = 800;
  }
  YearTally year;
  std::vector<int> held;
  for (int m = 0; m < 6; ++m) {
    for (std::uint32_t h = 0; h < n; ++h) hh.last_cause[h] = code(Cause::none);
    std::vector<std::uint8_t> had(n);
    for (std::uint32_t h = 0; h < n; ++h) had[h] = holders_of(hh, h, holder) == 1;
    post_month(model, hh, m, year);
    int count = 0;
    for (std::uint32_t h = 0; h < n; ++h) {
      const int k = holders_of(hh, h, holder);
      ASSERT_LE(k, 1);
      count += k;
      EXPECT_EQ(hh.transfer[kPost][h], k ? 800.0f : 0.0f);
      const bool lost = m > 0 && had[h] && k == 0;
      EXPECT_EQ(hh.last_cause[h] == code(Cause::subsidy_withdrawal), lost) << "month " << m << " household " << h;
      if (lost) {
        EXPECT_FLOAT_EQ(hh.operating_base[h], 1000.0f);  // her share is back
        const std::uint32_t first = hh.first_person[h];
        EXPECT_EQ(hh.work[first], Work::farming);
        EXPECT_EQ(hh.work[first + 1], Work::farming);
      }
    }
    held.push_back(count);
  }
  EXPECT_EQ(held, (std::vector<int>{600, 600, 420, 420, 210, 210}));
  EXPECT_DOUBLE_EQ(year.model_cost_yuan(model.model.slot()), (600 + 600 + 420 + 420 + 210 + 210) * p.wage);
}

// The invariant over a ten-year run of the baseline scenario (deaths, retirement, the 2026 and 2028
// cuts): at every month the posts held never exceed the scheduled number, every holder is a living,
// able member of working age, a household holds at most one post and is paid the wage for it, and
// edge households hold none.
TEST(PublicWelfarePosts, PostsNeverExceedTheirNumberInAMultiYearRun) {
  const Scenario s = load_scenario(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml",
                                   {"population.households=4000", "horizon.end=2030-12"}, make_default_registry());
  const PublicWelfarePosts::Params p;
  const std::uint8_t holder = declared_person_flag("post_holder");
  tbb::task_arena arena(2);
  povsim::Run run(s, 0);
  run.start(arena);
  double posts_2020 = -1;
  int months = 0;
  while (!run.done()) {
    run.advance(arena);
    const HouseholdStore& hh = run.households();
    double held = 0;
    for (std::uint32_t h = 0; h < hh.size(); ++h) {
      const int k = holders_of(hh, h, holder);
      ASSERT_LE(k, 1);
      ASSERT_EQ(hh.transfer[kPost][h], k ? static_cast<float>(p.wage) : 0.0f);
      if (k == 0) continue;
      ASSERT_FALSE(hh.flags[h] & household_flag::edge);
      held += hh.weight[h];
      for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) {
        if (!(hh.person_flags[q] & holder)) continue;
        ASSERT_TRUE(hh.person_flags[q] & person_flag::alive);
        ASSERT_GE(hh.age[q], p.min_age);
        ASSERT_LT(hh.age[q], p.max_age);
        ASSERT_NE(hh.health[q], Health::disabled);
        ASSERT_EQ(hh.work[q], Work::not_working);
      }
    }
    if (posts_2020 < 0) posts_2020 = held;
    const YearMonth month{YearMonth::of(2021, 1).index + months};
    ASSERT_LE(held, std::round(p.levels.at(month) * posts_2020)) << month.str();
    ++months;
  }
  EXPECT_GT(posts_2020, 0.1 * 4000 * 0.85);  // about post_share of the lifted households
}

}  // namespace
}  // namespace povsim

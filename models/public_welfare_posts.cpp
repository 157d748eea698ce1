#include "models/public_welfare_posts.hpp"

#include "models/farm_work.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/household_reduce.hpp"

namespace povsim {

namespace {
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr int kPost = static_cast<int>(Programme::public_welfare_post);
}  // namespace

bool PublicWelfarePosts::able(const HouseholdStore& hh, std::uint32_t q) const {
  return (hh.person_flags[q] & person_flag::alive) && hh.age[q] >= params_.min_age && hh.age[q] < params_.max_age &&
         hh.health[q] != Health::disabled;
}

std::uint32_t PublicWelfarePosts::candidate(const HouseholdStore& hh, std::uint32_t h) const {
  constexpr Work order[] = {Work::not_working, Work::farming, Work::local_wage, Work::migrant};
  const std::uint32_t first = hh.first_person[h], end = first + hh.persons[h];
  for (Work w : order)
    for (std::uint32_t q = first; q < end; ++q)
      if (hh.work[q] == w && able(hh, q) && !(hh.person_flags[q] & holder_.mask)) return q;
  return kNone;
}

std::uint32_t PublicWelfarePosts::holder(const HouseholdStore& hh, std::uint32_t h) const {
  const std::uint32_t first = hh.first_person[h], end = first + hh.persons[h];
  for (std::uint32_t q = first; q < end; ++q)
    if (hh.person_flags[q] & holder_.mask) return q;
  return kNone;
}

// A farmer who takes a post takes her share of operating income with her (leave_farm) and brings it
// back if she loses the post. A wage earner's wage stops (her wage job is gone).
void PublicWelfarePosts::take_post(HouseholdStore& hh, std::uint32_t h, std::uint32_t q) const {
  hh.data(forgone_)[q] = leave_farm(hh, h, q);
  hh.wage[q] = 0;
  hh.work[q] = Work::not_working;
  hh.person_flags[q] = static_cast<std::uint8_t>((hh.person_flags[q] & ~person_flag::unemployed) | holder_.mask);
}

// The number of posts this month (the schedule, and a budget's limit) and, when fewer are allowed than are held, which holders keep
// theirs: those whose household draw this month is below keep_below, found by bisection over
// integer sums (the reduction seam) so that exactly the allowed number is kept when weights are 1.
void PublicWelfarePosts::prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const {
  const auto& amount = hh.transfer[kPost];
  // Households with a post this month (the first month: those whose post finds a holder in step()).
  const bool first = state.posts_2020 < 0;
  auto has_post = [&](std::uint32_t h) {
    return amount[h] > 0 && (!first || holder(hh, h) != kNone || candidate(hh, h) != kNone);
  };
  state.keep_below = 2.0;  // every holder keeps her post
  // Posts are never refilled, so the number held only falls: once it is within the number allowed,
  // it stays so until that number falls. The whole-population count is needed only in the first
  // month and when the allowed number falls (a schedule cut or a binding budget), not every month.
  const std::int64_t previous_target = state.target;
  std::int64_t target = first ? 0 : std::llround(params_.levels.at(ctx.month) * static_cast<double>(state.posts_2020));
  // A binding budget: no more posts than it pays a whole year's wages for.
  auto cap_by_budget = [&](std::int64_t t) {
    if (!params_.budget.binds() || params_.wage <= 0) return t;
    const double affordable = annual_budget(ctx, params_.budget) / (12.0 * params_.wage) * static_cast<double>(kWeightUnit);
    return std::min(t, static_cast<std::int64_t>(std::floor(affordable)));
  };
  if (!first) {
    target = cap_by_budget(target);
    state.target = target;
    if (target >= previous_target && state.held <= previous_target) return;
  }
  // Posts vacated since the last count (a holder gone and nobody to take over) are still counted
  // here; step() removes them, so fewer may be held than allowed, never more.
  state.held = reduce_households(ctx, hh, 1, [&](auto& acc, std::uint32_t h) {
    if (has_post(h)) acc[0] += weight_units(hh.weight[h]);
  })[0];
  if (first) {
    state.posts_2020 = state.held;
    // Weight units (1/kWeightUnit of a household).
    state.target = cap_by_budget(std::llround(params_.levels.at(ctx.month) * static_cast<double>(state.posts_2020)));
  }
  if (state.held <= state.target) return;
  auto kept_below = [&](double x) {
    return reduce_households(ctx, hh, 1, [&](auto& acc, std::uint32_t h) {
      if (has_post(h) && ctx.household_stream(kStreamId, h).uniform() < x) acc[0] += weight_units(hh.weight[h]);
    })[0];
  };
  double lo = 0, hi = 1;  // kept_below(lo) <= target < kept_below(hi)
  for (int i = 0; i < 64 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    const std::int64_t kept = kept_below(mid);
    if (kept > state.target) {
      hi = mid;
    } else {
      lo = mid;
      if (kept == state.target) break;
    }
  }
  state.keep_below = lo;
}

void PublicWelfarePosts::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  auto& amount = hh.transfer[kPost];
  float* forgone = hh.data(forgone_);
  PaymentBook book = payments(ctx);
  const bool cut = state.keep_below <= 1.0;
  std::int64_t held = 0, lost = 0;
  // The households with a post, listed without a branch (perf: the test mispredicted often).
  std::uint32_t posts[kMaxBlockHouseholds];
  std::uint32_t count = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    posts[count] = h;
    count += !(amount[h] <= 0);
  }
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint32_t h = posts[k];
    std::uint32_t q = holder(hh, h);
    if (q != kNone && !able(hh, q)) {
      // Dead, disabled or too old: she leaves the post; the farm share she gave up is not restored
      // (the household has lost her work either way).
      hh.person_flags[q] = static_cast<std::uint8_t>(hh.person_flags[q] & ~holder_.mask);
      if ((hh.person_flags[q] & person_flag::alive) && hh.age[q] >= params_.max_age) hh.work[q] = Work::retired;
      forgone[q] = 0;
      q = kNone;
    }
    if (q == kNone) {
      q = candidate(hh, h);  // the first month: the population's post; later: a hand-over
      if (q == kNone) {
        amount[h] = 0;  // nobody to hold it: the post is gone
        continue;
      }
      take_post(hh, h, q);
    }
    if (cut && ctx.household_stream(kStreamId, h).uniform() >= state.keep_below) {
      // The post is cut: she goes back to farming (with her share of the farm) or to not working.
      hh.person_flags[q] = static_cast<std::uint8_t>(hh.person_flags[q] & ~holder_.mask);
      hh.operating_base[h] += forgone[q];
      hh.work[q] = (hh.operating_base[h] > 0) ? Work::farming : Work::not_working;
      forgone[q] = 0;
      amount[h] = 0;
      hh.last_cause[h] = code(Cause::subsidy_withdrawal);
      lost += weight_units(hh.weight[h]);
      continue;
    }
    amount[h] = static_cast<float>(params_.wage);
    // This month's wage: the model steps before the income process pays the amounts.
    book.pay(hh, h, amount[h]);
    held += weight_units(hh.weight[h]);
  }
  if (!ctx.tally) return;
  ctx.tally->counters[lost_count_.index] += lost;
  if (ctx.month.month() == 12) ctx.tally->counters[held_count_.index] += held;
}

void PublicWelfarePosts::declare(ModelDeclarations& d) {
  holder_ = d.person_flag("post_holder");
  forgone_ = d.person_column<float>("post_forgone_operating",
                                    "operating income the post holder's household gave up when she left the farm, yuan/month");
  held_count_ = d.counter("/annual/public_welfare_posts", "posts_held", "public-welfare posts held in December");
  lost_count_ = d.counter("/annual/public_welfare_posts", "posts_cut",
                          "households that lost their post to a cut during the year (subsidy withdrawal)");
  for (const char* c : {"post_holder", "post_forgone_operating", "public_welfare_post", "last_cause", "unemployed",
                        "work", "wage", "operating_base"})
    d.writes(c);
  for (const char* c : {"age", "health", "alive"}) d.reads(c, When::this_month);
}

}  // namespace povsim

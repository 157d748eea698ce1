// Public-welfare posts (forest rangers, road and sanitation keepers, ...): jobs, not a transfer.
// A limited number of posts, each held by one working-age member of a lifted household (person flag
// `post_holder`), paid a wage (yuan/month) through the household's `public_welfare_post` amount.
// She took the post instead of what she did before: a wage job (her wage stops) or farm work (the
// household's operating income falls by her share, which she gets back if she loses the post).
//
// At the start, every household whose population records a post amount gets a holder among its
// able working-age members (an able member recorded as not working first, then a farmer, a local
// wage earner, a migrant); the number of posts in 2020 is the number of holders then. The
// schedule `levels` is the number of posts relative to 2020: a cut removes posts from holders
// chosen at random (exactly the scheduled number, for unit weights), who go back to farming (or to
// not working, if the household has no farm income), and marks their households' latest shock
// "subsidy_withdrawal". A holder who dies, becomes disabled or reaches max_age hands the post to
// another able working-age member of the household, if there is one; otherwise the post is gone.
// Posts are never refilled elsewhere: the number held never exceeds the scheduled number.
// A disabled model keeps paying the population's 2020 amounts, uncounted, to nobody in particular.
// Figures and sources: docs/model.md § 7.5.
#pragma once

#include <string>

#include "models/cause.hpp"
#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// What the posts model remembers: the 2020 number of posts, this month's target and cut.
struct PublicWelfarePostsState {
  std::int64_t posts_2020 = -1;  // weight units (kWeightUnit per household); -1 before the first month
  std::int64_t target = 0;       // posts allowed this month, weight units
  std::int64_t held = 0;         // posts held before this month's cut, weight units
  double keep_below = 2.0;       // a holder household keeps its post iff its draw this month is below
};

class PublicWelfarePosts final : public StatefulModel<PublicWelfarePostsState> {
 public:
  static constexpr std::uint32_t kStreamId = 24;
  struct Params {
    bool enabled = true;
    // Number of posts relative to 2020, from each date on. Default: stable through the 2021-2025
    // transition period, then 70 % from 2026 and 50 % from 2028. Judgement.
    StepSchedule levels{{{YearMonth::of(2026, 1), 0.7}, {YearMonth::of(2028, 1), 0.5}}, 1.0};
    // Wage of a post, yuan/month, constant. Brief: forest rangers 9,000-10,000 yuan/year.
    double wage = 800;
    int min_age = 16;  // working age: holders are at least this old (demography: working_age)
    int max_age = 65;  // ... and younger than this (demography: retirement_age). Judgement.
    // Annual budget (sim/core/budget.hpp): a binding one limits the number of posts to the wages
    // it pays for a whole year (by_capacity).
    BudgetParams budget{0, Rationing::by_capacity};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("levels", levels, Bounds{0, 1, "number of posts relative to 2020"});
      v.number("wage", wage, Bounds{0, 1e5, "yuan/month"});
      v.integer("min_age", min_age, 10, 30);
      v.integer("max_age", max_age, 16, 120);
      budget.visit(v);
    }
    // Posts removed are gone: the number cannot rise again once it has reached 0.
    std::string check() const {
      if (std::string bad = budget.check(std::array{Rationing::by_capacity}); !bad.empty()) return bad;
      if (min_age >= max_age) return "min_age must be below max_age";
      bool ended = false;
      for (const auto& s : levels.steps) {
        if (ended && s.value > 0) return "levels: posts cannot come back after their number reaches 0 (" + s.from.str() + ")";
        ended = s.value == 0;
      }
      return {};
    }
  };
  explicit PublicWelfarePosts(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // The member of household h who would take a post: an able member of working age, recorded as not
  // working first, then a farmer, a local wage earner, a migrant; none: UINT32_MAX.
  std::uint32_t candidate(const HouseholdStore& hh, std::uint32_t h) const;
  // The member of household h holding its post; none: UINT32_MAX.
  std::uint32_t holder(const HouseholdStore& hh, std::uint32_t h) const;
  const Params& params() const { return params_; }

 private:
  bool able(const HouseholdStore& hh, std::uint32_t q) const;
  // Member q takes the household's post: she leaves her work (her wage, or her share of the farm).
  void take_post(HouseholdStore& hh, std::uint32_t h, std::uint32_t q) const;
  Params params_;
  PersonFlag holder_;
  ColumnHandle<float> forgone_;
  CounterHandle held_count_, lost_count_;
};

}  // namespace povsim

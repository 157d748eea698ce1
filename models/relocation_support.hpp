// Follow-up support for relocated households: jobs created at resettlement sites (workshops,
// public services) go to working-age members of relocated households who farm or are out of
// work, at a site wage part of which the government pays (a wage subsidy, the policy's cost); and
// services at the sites (childcare, elderly care, community services) worth a yearly amount per
// member of a relocated household, counted as a transfer.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's take-up and services after the budget factor (begin_month).
struct RelocationSupportState {
  double take_up = 0;   // probability a candidate takes a site job this January
  double services = 0;  // yuan/person this month
  double budget = 1;    // budget factor
  BudgetState budget_estimate;
};

class RelocationSupport final : public StatefulModel<RelocationSupportState> {
 public:
  static constexpr std::uint32_t kStreamId = 29;
  struct Params {
    bool enabled = true;
    // Each January, the chance that an eligible member takes a site job, from each date. Judgement
    // (brief: local industry at sites is young and small).
    StepSchedule job_take_up{{{YearMonth::of(2021, 1), 0.03}}, std::nullopt};
    double site_wage = 1800;          // yuan/month. Judgement.
    // Ages eligible, [min_age, max_age): working age to the statutory retirement age of men.
    // Judgement (the same bounds as the population's working members).
    int min_age = 16;
    int max_age = 60;
    double wage_subsidy_share = 0.3;  // share of site wages the government pays. Judgement.
    // Services at the sites, yuan/person/year, from each date. Default none (judgement: the
    // brief says services lack staff).
    StepSchedule services{{}, 0.0};
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("job_take_up", job_take_up, kProbability);
      v.number("site_wage", site_wage, Bounds{0, 1e6, "yuan/month"});
      v.integer("min_age", min_age, 0, 120);
      v.integer("max_age", max_age, 0, 121);
      v.number("wage_subsidy_share", wage_subsidy_share, kShare);
      v.schedule("services", services, Bounds{0, 1e6, "yuan/person/year"});
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::pro_rata}); }
  };
  explicit RelocationSupport(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override {
    state.budget = budget_factor(ctx, params_.budget, state.budget_estimate);
    state.take_up = params_.job_take_up.at(ctx.month) * state.budget;
    state.services = params_.services.at(ctx.month) * state.budget / 12.0;  // yuan/person this month
  }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
  PersonFlag site_job_;  // holds a job created at a resettlement site
  PersonFlag post_holder_;  // holds a public-welfare post (models/public_welfare_posts): keeps it
  ColumnHandle<std::uint16_t> sick_until_;
};

}  // namespace povsim

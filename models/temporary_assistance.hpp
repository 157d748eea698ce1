// Temporary assistance (临时救助): a household hit by a shock this year (illness, disaster, job
// loss, price collapse, subsidy withdrawal, ageing) whose income so far this year, annualised and
// net of medical spending, has fallen below a bound (a multiple of the dibao standard, here the
// poverty line) may apply and receive a one-off payment within the year - where the dibao review,
// in December, comes too late to prevent a first fall. Sources: Interim Measures on Social
// Assistance (State Council, 2014), chapter on temporary assistance, and the Ministry of Civil
// Affairs' 2018 opinions on temporary assistance: a one-off payment to families in sudden hardship,
// its amount set in months of the local minimum living standard. The amounts and take-up below are
// judgement.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's pro-rata budget factor.
struct TemporaryAssistanceState {
  double factor = 1;
  BudgetState budget_estimate;
};

class TemporaryAssistance final : public StatefulModel<TemporaryAssistanceState> {
 public:
  static constexpr std::uint32_t kStreamId = 30;
  struct Params {
    bool enabled = true;
    // Eligible when this year's income so far (annualised, after medical spending, per person) is
    // below income_ratio x the year's line. Judgement: households in hardship at about the line.
    double income_ratio = 1.0;
    // Monthly probability that an eligible household applies and is granted assistance (at most
    // once a year). Judgement: take-up of temporary assistance is incomplete.
    double monthly_take_up = 0.3;
    // The payment: this many months of the standard (the line / 12) per living member. Judgement
    // (local rules commonly pay 1-6 months of the dibao standard; 3 here).
    double months_of_standard = 3;
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("income_ratio", income_ratio, Bounds{0, 10, "multiple of the poverty line"});
      v.number("monthly_take_up", monthly_take_up, kProbability);
      v.number("months_of_standard", months_of_standard, Bounds{0, 120, "months of the standard per person"});
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::pro_rata}); }
  };
  explicit TemporaryAssistance(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override {
    state.factor = budget_factor(ctx, params_.budget, state.budget_estimate);
  }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
  HouseholdFlag assisted_;  // assisted this year
  CounterHandle assisted_count_;
};

}  // namespace povsim

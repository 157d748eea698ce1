// Rural basic pension: every living member at or above the eligibility age receives the scheduled
// monthly amount (national minimum plus a local top-up).
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's amount after the budget factor (begin_month).
struct RuralPensionState {
  float amount = 0;             // yuan/month per eligible person
  bool amount_changed = true;   // differs from last month's
  BudgetState budget_estimate;
};

class RuralPension final : public StatefulModel<RuralPensionState> {
 public:
  static constexpr std::uint32_t kStreamId = 20;  // reserved; the model draws nothing
  struct Params {
    bool enabled = true;
    int eligibility_age = 60;  // the rural basic pension is paid from age 60
    // National minimum basic pension, yuan/month per person. Brief: 88 in 2018, 103 -> 123 in 2024,
    // 143 in 2025; the 2021-2022 value (93) is a judgement between 88 and 103.
    StepSchedule monthly_amount{{{YearMonth::of(2021, 1), 93},
                                 {YearMonth::of(2023, 1), 103},
                                 {YearMonth::of(2024, 1), 123},
                                 {YearMonth::of(2025, 1), 143}},
                                std::nullopt};
    double local_top_up = 0;  // yuan/month per person paid by local governments on top
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.integer("eligibility_age", eligibility_age, 0, 120);
      v.schedule("monthly_amount", monthly_amount, Bounds{0, 1e6, "yuan/month per person"});
      v.number("local_top_up", local_top_up, Bounds{0, 1e6, "yuan/month per person"});
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::pro_rata}); }
  };
  explicit RuralPension(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
};

}  // namespace povsim

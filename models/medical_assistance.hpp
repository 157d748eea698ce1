// Critical-illness insurance and medical assistance, on top of basic medical insurance (whose
// reimbursement rate is part of the illness shock). Each month the out-of-pocket bill left after
// basic insurance is reduced, on the household's cumulative spending this year:
//   critical-illness insurance pays `critical_illness_rate` of spending above a deductible tied to
//   last year's rural per-capita disposable income (lower, and the rate higher, for registered or
//   monitored households);
//   medical assistance pays `assistance_rate` of what remains for registered (lifted) or monitored
//   households, up to an annual cap.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This year's deductible and cap and this month's budget factor (begin_month).
struct MedicalAssistanceState {
  double deductible = 0;  // yuan per household
  double budget = 1;      // this month's budget factor
  double cap = 0;         // assistance cap, yuan per household
  double first_line = 0;  // the poverty line of the first year, the price index's base
  BudgetState budget_estimate;
};

class MedicalAssistance final : public StatefulModel<MedicalAssistanceState> {
 public:
  static constexpr std::uint32_t kStreamId = 23;  // reserved; the model draws nothing
  struct Params {
    bool enabled = true;
    // Rural per-capita disposable income of the previous year, yuan/person/year, from each date
    // (NBS: 17,131 in 2020, 18,931 in 2021, 20,133 in 2022, 21,691 in 2023), then held.
    StepSchedule reference_income{{{YearMonth::of(2021, 1), 17131},
                                   {YearMonth::of(2022, 1), 18931},
                                   {YearMonth::of(2023, 1), 20133},
                                   {YearMonth::of(2024, 1), 21691}},
                                  std::nullopt};
    // Deductible as a share of the reference income (brief: at most 50 %), per household and year.
    double deductible_share = 0.5;
    double critical_illness_rate = 0.6;  // share paid above the deductible. Judgement (policy: >= 60 %).
    // For registered (lifted) and monitored households: deductible multiplied by this, rate raised
    // by this many points. Judgement (policy for the registered poor: deductible halved, +5 points).
    double registered_deductible_factor = 0.5;
    double registered_rate_bonus = 0.05;
    double assistance_rate = 0.7;  // share of the remaining bill. Judgement.
    double assistance_cap = 20000;  // yuan per household and year, at 2021 prices. Judgement.
    // Index the cap to prices: it grows with the scenario's price path (the poverty line's index).
    bool index_cap_to_prices = true;
    bool assist_edge_households = false;  // extend assistance to never-registered households
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("reference_income", reference_income, Bounds{0, 1e7, "yuan/person/year"});
      v.number("deductible_share", deductible_share, Bounds{0, 10, "share of reference income"});
      v.number("critical_illness_rate", critical_illness_rate, kShare);
      v.number("registered_deductible_factor", registered_deductible_factor, kShare);
      v.number("registered_rate_bonus", registered_rate_bonus, kShare);
      v.number("assistance_rate", assistance_rate, kShare);
      v.number("assistance_cap", assistance_cap, Bounds{0, 1e8, "yuan/household/year"});
      v.flag("index_cap_to_prices", index_cap_to_prices);
      v.flag("assist_edge_households", assist_edge_households);
      budget.visit(v);
    }
    std::string check() const {
      if (std::string bad = budget.check(std::array{Rationing::pro_rata}); !bad.empty()) return bad;
      if (critical_illness_rate + registered_rate_bonus > 1) return "critical_illness_rate + registered_rate_bonus exceeds 1";
      return {};
    }
  };
  explicit MedicalAssistance(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // The part of a household's cumulative out-of-pocket spending `ytd` (yuan this year, after basic
  // insurance) that the policy pays back, for a covered (registered or monitored) household or not.
  double refund(const State& state, double ytd, bool covered) const;

 private:
  Params params_;
  ColumnHandle<float> medical_month_;  // this month's bill (illness)
  ColumnHandle<float> medical_ytd_;    // the year's bills so far, kept here
  HouseholdFlag monitored_;            // early warning's
};

}  // namespace povsim

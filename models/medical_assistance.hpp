// Critical-illness insurance and medical assistance, on top of basic medical insurance (whose
// reimbursement rate is part of the illness shock). Each month the out-of-pocket bill left after
// basic insurance is reduced, on the household's cumulative spending this year. Who is covered and
// from which threshold follows the State Council General Office's Opinions on improving the
// critical-illness insurance and medical assistance system (国办发〔2021〕42号):
//   critical-illness insurance covers every rural resident: `critical_illness_rate` of spending
//   above a deductible of `deductible_share` x last year's rural per-capita disposable income (at
//   most 50 %); for the assisted poor - dibao recipients and households assessed poor (the
//   document's extremely poor, dibao and returned-to-poverty people) - the deductible is reduced
//   (`tilted_deductible_factor`) and the rate raised (`tilted_rate_bonus`);
//   medical assistance pays the assisted poor `assistance_rate` (at least 70 %) of what remains above
//   a deductible of `assistance_deductible_share` x that income (at most 5 %), and low-income
//   households under monitoring `monitored_assistance_rate` (somewhat lower) above
//   `monitored_deductible_share` (about 10 %), up to an annual cap. Lifted households as such are
//   not covered: registration ended with the transition to routine assistance.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This year's deductible and cap and this month's budget factor (begin_month).
struct MedicalAssistanceState {
  double deductible = 0;  // critical-illness insurance's, yuan per household
  double reference = 0;   // last year's rural per-capita disposable income, yuan
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
    // For the assisted poor (dibao, assessed poor): deductible multiplied by this, rate raised by this
    // many points (国办发〔2021〕42号: deductible halved, +5 points, for dibao, extremely poor and
    // returned-to-poverty people).
    double tilted_deductible_factor = 0.5;
    double tilted_rate_bonus = 0.05;
    // Medical assistance for the assisted poor: share of the bill left after insurance, above a
    // deductible of this share of the reference income (国办发〔2021〕42号: at least 70 %; deductible
    // at most 5 %).
    double assistance_rate = 0.7;
    double assistance_deductible_share = 0.05;
    // For low-income households under monitoring (the document's low-income and edge households):
    // deductible about 10 % of the reference income, rate "somewhat lower" (judgement: 60 %).
    double monitored_assistance_rate = 0.6;
    double monitored_deductible_share = 0.10;
    double assistance_cap = 20000;  // yuan per household and year, at 2021 prices. Judgement.
    // Index the cap to prices: it grows with the scenario's price path (the poverty line's index).
    bool index_cap_to_prices = true;
    // Extend the monitored households' assistance to every edge (never registered, near the line)
    // household, monitored or not: a scenario lever.
    bool assist_edge_households = false;
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("reference_income", reference_income, Bounds{0, 1e7, "yuan/person/year"});
      v.number("deductible_share", deductible_share, Bounds{0, 10, "share of reference income"});
      v.number("critical_illness_rate", critical_illness_rate, kShare);
      v.number("tilted_deductible_factor", tilted_deductible_factor, kShare);
      v.number("tilted_rate_bonus", tilted_rate_bonus, kShare);
      v.number("assistance_rate", assistance_rate, kShare);
      v.number("assistance_deductible_share", assistance_deductible_share, Bounds{0, 10, "share of reference income"});
      v.number("monitored_assistance_rate", monitored_assistance_rate, kShare);
      v.number("monitored_deductible_share", monitored_deductible_share, Bounds{0, 10, "share of reference income"});
      v.number("assistance_cap", assistance_cap, Bounds{0, 1e8, "yuan/household/year"});
      v.flag("index_cap_to_prices", index_cap_to_prices);
      v.flag("assist_edge_households", assist_edge_households);
      budget.visit(v);
    }
    std::string check() const {
      if (std::string bad = budget.check(std::array{Rationing::pro_rata}); !bad.empty()) return bad;
      if (critical_illness_rate + tilted_rate_bonus > 1) return "critical_illness_rate + tilted_rate_bonus exceeds 1";
      return {};
    }
  };
  explicit MedicalAssistance(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // Who a household is for the policy: not assisted, low-income under monitoring, assisted poor.
  enum class Cover { none = 0, monitored = 1, assisted_poor = 2 };
  // The part of a household's cumulative out-of-pocket spending `ytd` (yuan this year, after basic
  // insurance) that the policy pays back.
  double refund(const State& state, double ytd, Cover cover) const;

 private:
  Params params_;
  ColumnHandle<float> medical_month_;  // this month's bill (illness)
  ColumnHandle<float> medical_ytd_;    // the year's bills so far, kept here
  HouseholdFlag monitored_;            // early warning's
  HouseholdFlag dibao_;                // dibao's enrolment
};

}  // namespace povsim

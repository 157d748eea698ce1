// Dibao, the minimum living guarantee: enrolled households get a monthly top-up of their
// per-capita income towards a standard (a share of the poverty line), reviewed every December on
// the year's income.
//   Enrolment: an eligible household (income below the standard) that is not enrolled is taken in,
//   except for an exclusion error (missed at this review; it may be taken in at a later one); an
//   ineligible one near the standard may be taken in by an inclusion error. Targeting errors happen
//   at enrolment, where the programme makes them: an enrolled household that still qualifies is
//   never removed at random.
//   Exit: from `exits_from` on, an enrolled household found above the standard keeps its benefit
//   for a gradual-exit period (渐退期) of `gradual_exit_months` months, then leaves; before it (the
//   2021-2025 transition period) it keeps its benefit unchanged.
// Optionally a year-end settlement tops enrolled households up to the standard exactly.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// Budget factors of this month and the last (benefits follow the factor with a month's lag).
struct DibaoState {
  double budget = 1, previous_budget = 1;
  BudgetState budget_estimate;
};

class Dibao final : public StatefulModel<DibaoState> {
 public:
  static constexpr std::uint32_t kStreamId = 22;
  struct Params {
    bool enabled = true;
    // Standard as a share of the poverty line, from each date (the standard follows the line's
    // price index). 1.5: the average rural dibao standard was 5,962 yuan/person/year at the end of
    // 2020 and 6,362 at the end of 2021 (Ministry of Civil Affairs, statistical bulletins on civil
    // affairs development 2020 and 2021), against a line of about 4,000 (2020) and 4,080 (2021):
    // 1.49 and 1.56. Every county's standard had reached the line by 2020 (brief).
    StepSchedule standard_ratio{{{YearMonth::of(2021, 1), 1.5}}, std::nullopt};
    // Targeting errors at enrolment. Exclusion: an eligible household that is not enrolled is missed
    // at a review. Judgement: studies of rural dibao report large exclusion errors; the seed asks to
    // "take in all who qualify".
    double exclusion_rate = 0.5;
    // Inclusion: an ineligible household not enrolled, with per-capita income below
    // inclusion_band x standard, is enrolled. Judgement: 1.2 x a standard of 1.5 x line reaches
    // 1.8 x line, just above the monitoring threshold.
    double inclusion_rate = 0.05;
    double inclusion_band = 1.2;
    // Benefit per person = max(0, standard - withdrawal_rate x income per person): 1 is a full
    // top-up to the standard; below 1 the benefit falls more slowly as income rises.
    double withdrawal_rate = 1.0;
    // Smallest benefit an enrolled household gets, yuan/person/year (also what households enrolled
    // by an inclusion error above the standard receive). Judgement.
    double minimum_benefit = 600;
    // In December, top enrolled households up to the standard on the year's actual income (shared
    // data, timely adjustment): covered households then cannot end a year below the standard.
    bool year_end_settlement = false;
    // Reviews from this month on move out households above the standard; before it (the 2021-2025
    // transition period, brief: support kept broadly stable) they keep their benefit unchanged.
    YearMonth exits_from = YearMonth::of(2026, 1);
    // Months an enrolled household found above the standard keeps its benefit before it leaves
    // (0: leaves at once), from the January after the review. Judgement: Ministry of Civil Affairs
    // guidance lets recipients whose income rises above the standard keep dibao for a gradual-exit
    // period (渐退期), commonly 6 months.
    int gradual_exit_months = 6;
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("standard_ratio", standard_ratio, Bounds{0, 10, "share of the poverty line"});
      v.number("exclusion_rate", exclusion_rate, kProbability);
      v.number("inclusion_rate", inclusion_rate, kProbability);
      v.number("inclusion_band", inclusion_band, Bounds{1, 10, "multiple of the standard"});
      v.number("withdrawal_rate", withdrawal_rate, Bounds{0, 1, "yuan of benefit lost per yuan of income"});
      v.number("minimum_benefit", minimum_benefit, Bounds{0, 1e6, "yuan/person/year"});
      v.flag("year_end_settlement", year_end_settlement);
      v.month("exits_from", exits_from);
      v.integer("gradual_exit_months", gradual_exit_months, 0, 11);
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::pro_rata}); }
  };
  explicit Dibao(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  // Benefits carry the factor from the month after it is set (the income process pays them before
  // this model steps), so last month's payments were made at the factor of two months ago.
  void begin_month(const MonthContext& ctx, State& state) const override {
    const double paid_at = state.previous_budget;
    state.previous_budget = state.budget;
    state.budget = budget_factor(ctx, params_.budget, state.budget_estimate, paid_at);
  }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // The standard in force in month m for a year whose line is `line`, yuan/person/year.
  double standard(YearMonth m, double line) const { return params_.standard_ratio.at(m) * line; }

 private:
  void review(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, PaymentBook& book, double budget) const;
  Params params_;
  HouseholdFlag enrolled_;  // enrolled in the minimum living guarantee
  HouseholdFlag exiting_;   // enrolled, in the gradual-exit period
  // /annual/dibao: living members of lifted (edge) households enrolled after the December review.
  CounterHandle enrolled_lifted_persons_, enrolled_edge_persons_;
  // The monthly benefit paid during this year's gradual exit, yuan (the means test subtracts it).
  ColumnHandle<float> exit_benefit_;
};

}  // namespace povsim

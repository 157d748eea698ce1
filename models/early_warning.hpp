// Dynamic monitoring and early warning. A household is *triggered* when
//  - its latest assessed per-capita income, without the temporary packages this model paid in that
//    year, is below a threshold (default 1.5 x the line);
//  - its medical spending this year is catastrophic;
//  - (in-year) it met a shock this year (its latest cause, hh.last_cause) and its income (latest
//    assessed or so far this year, whichever is lower) is below a wider band (shock_income_ratio x
//    the threshold);
//  - (in-year) its income so far this year, annualised and without the packages, is below the
//    threshold (a reported income drop), from the income_report_months-th month of the year.
// Triggered households are flagged for monitoring after a detection lag, and some are missed;
// monitored households receive an assistance package from the month after they are flagged. An
// annual budget may ration the packages: each month the budget left, spread over the months left,
// goes to monitored households in order of need (furthest below the threshold, on income without
// packages, first, in need bands of 1/1000 of the threshold; a band is served whole or not at all).
// Households leave monitoring (are cleared) in January when their latest assessed income *without
// the packages paid last year* is above the threshold and no shock is open.
//
// Why clear on income without the packages (and not taper the package): the package is temporary
// help, not the household's own income, so whether a household still needs monitoring is a
// question about its income before the help. Clearing on income that includes the package ended
// help as soon as it worked (the household was lifted over the threshold by the package itself,
// cleared in January and fell back: a cliff). A taper would only soften that cliff and would add a
// parameter with no source; subtracting what was paid removes it exactly, and makes the
// monitoring decisions (who is flagged, who is cleared) independent of the package's size, so a
// bigger package can only add income. The package paid is tracked per person (package_pc_ytd,
// package_pc_last_year), because the package is per person and the assessment is per capita.
//
// The model also evaluates its own warnings (hits, misses, false alarms, lead time; docs/model.md
// section 7.13, docs/output.md): whether a household flagged in year t is assessed poor in December
// t or t+1 is known to the model only in January t+2, so those counters are declared with a lag of
// two years (the results file writes them at year t; the last two years are censored).
#pragma once

#include <cstdint>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's threshold and rationing decision (prepare) and the year's budget left.
struct EarlyWarningState {
  double threshold = 0;  // this year's, yuan/person/year
  // Monitored households in need bands >= cut_band are served this month (0: all).
  int cut_band = 0;
  double budget_left = 0;  // yuan, this year (by need)
  double factor = 1;       // this month's pro-rata budget factor (pro rata)
  BudgetState budget_estimate;
};

class EarlyWarning final : public StatefulModel<EarlyWarningState> {
 public:
  static constexpr std::uint32_t kStreamId = 26;
  struct Params {
    bool enabled = true;
    double threshold_ratio = 1.5;  // x the poverty line; brief: about 6,000 yuan in 2020
    // Medical spending this year (after insurance) above this share of the household's income
    // flags it. Judgement (catastrophic health expenditure; brief: ~18 % of rural households a year).
    double catastrophic_share = 0.4;
    // In-year shock signal: a household whose latest cause this year is a shock (illness,
    // disaster, job loss, subsidy withdrawal, price collapse, ageing) is triggered if its income
    // (the lower of the latest assessed, without packages, and this year's so far, annualised,
    // without packages and medical spending) is below shock_income_ratio x the threshold; 0
    // switches the signal off. Brief: households "hit by a sudden large expenditure (illness,
    // disability, disaster, epidemic)" are flagged; the band (the threshold itself) is judgement.
    double shock_income_ratio = 1.0;
    // In-year income signal: income so far this year (without packages and medical spending),
    // annualised per person, below income_drop_ratio x the threshold triggers; 0 switches it off.
    // Judgement (the threshold itself: the brief's monitoring line).
    double income_drop_ratio = 1.0;
    // The income signal is read from this calendar month on (fewer months are too noisy to
    // annualise). Judgement: a quarter's income.
    double income_report_months = 3;
    double detection_lag_months = 3;  // mean months from trigger to detection. Judgement.
    // Share of triggered households the system does not take in. Calibrated to about 5 M monitored
    // people: the rule (1.5 x line) covers some 14 M lifted people; the programme monitored far fewer.
    double miss_rate = 0.852;
    double package_per_person = 1200;  // assistance, yuan/person/year while monitored. Judgement.
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): by_need or pro_rata.
    // Judgement: about a tenth of what serving every flagged household would cost.
    BudgetParams budget{30, Rationing::by_need};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("threshold_ratio", threshold_ratio, Bounds{0, 10, "multiple of the poverty line"});
      v.number("catastrophic_share", catastrophic_share, Bounds{0, 100, "share of household income"});
      v.number("shock_income_ratio", shock_income_ratio, Bounds{0, 10, "multiple of the threshold; 0 = off"});
      v.number("income_drop_ratio", income_drop_ratio, Bounds{0, 10, "multiple of the threshold; 0 = off"});
      v.number("income_report_months", income_report_months, Bounds{1, 12, "calendar month from which it is read"});
      v.number("detection_lag_months", detection_lag_months, Bounds{1, 120, "months"});
      v.number("miss_rate", miss_rate, kProbability);
      v.number("package_per_person", package_per_person, Bounds{0, 1e6, "yuan/person/year"});
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::by_need, Rationing::pro_rata}); }
  };
  explicit EarlyWarning(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override {
    if (params_.budget.rule == Rationing::pro_rata) state.factor = budget_factor(ctx, params_.budget, state.budget_estimate);
  }
  void prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // The latest assessed per-capita income without the packages paid in the assessed year,
  // yuan/person/year. Until January's step has moved this year's packages to last year's
  // (`before_january_step`: January's prepare), the assessed year's packages are still this year's.
  double income_without_packages(const HouseholdStore& hh, std::uint32_t h, bool before_january_step = false) const {
    return hh.assessed_income_pc[h] - hh.data(before_january_step ? package_pc_ytd_ : package_pc_last_)[h];
  }
  // How far below the threshold a household is (on income without packages), yuan/person/year
  // (0 if above): the priority.
  double need(const State& state, const HouseholdStore& hh, std::uint32_t h, bool before_january_step = false) const {
    const double gap = state.threshold - income_without_packages(hh, h, before_january_step);
    return gap > 0 ? gap : 0.0;
  }

  // Evaluation counters are written two years back (see the header comment).
  static constexpr int kEvaluationLagYears = 2;

 private:
  // Resolves, in January of year Y, the warnings of year Y - 2 (and the misses of December Y - 1).
  void evaluate(const MonthContext& ctx, HouseholdStore& hh, std::uint32_t h) const;

  Params params_;
  HouseholdFlag monitored_;          // under monitoring
  HouseholdFlag watched_;            // monitored at some time this year (evaluation)
  HouseholdFlag poor_before_;        // poor at the assessment before the latest (evaluation)
  ColumnHandle<float> medical_ytd_;  // medical assistance's
  ColumnHandle<float> package_pc_ytd_, package_pc_last_;  // packages paid, yuan/person, this / last year
  // Evaluation, by parity of the year (even, odd): calendar month (1-12) a household not poor at the
  // time was flagged in that year (0: not flagged), and its latest cause at that year's December.
  ColumnHandle<std::uint8_t> flag_month_[2], december_cause_[2];
  // /annual/monitoring counters: monitored at the December assessment, flagged and cleared during
  // the year (weight units, lifted and edge households), flagged by trigger.
  CounterHandle monitored_count_, flagged_count_, cleared_count_;
  CounterHandle flagged_by_trigger_[4];  // low income, catastrophic, shock, income drop
  // Living members of monitored households at December, lifted and edge; households cleared in
  // January t + 1 (lag 1: written at year t, beside monitored_households of December t).
  CounterHandle monitored_persons_lifted_, monitored_persons_edge_, cleared_next_january_;
  // /annual/health: lifted households assessed at December with catastrophic health spending
  // this year (WHO-style, on capacity to pay; docs/model.md 7.13).
  CounterHandle catastrophic_households_;
  // Evaluation counters (lag kEvaluationLagYears): totals, by region type, by cause.
  CounterHandle hits_, misses_, false_alarms_, lead_months_;
  CounterHandle hits_by_region_[4], misses_by_region_[4], false_alarms_by_region_[4];
  CounterHandle hits_by_cause_[7], misses_by_cause_[7];
  static constexpr double kCatastrophicShareOfCapacity = 0.4;  // WHO's usual threshold
  static constexpr int kBands = 1000;  // need bands for rationing
  static int band(const State& state, double need) {
    return std::min(kBands - 1, static_cast<int>(need / state.threshold * kBands));
  }
};

}  // namespace povsim

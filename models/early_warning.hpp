// Dynamic monitoring and early warning: households whose latest assessed per-capita income is
// below a threshold (default 1.5 x the line) or whose medical spending this year is catastrophic
// are flagged for monitoring - after a detection lag, and some are missed - and monitored
// households receive an assistance package from the month after they are flagged. An annual
// budget may ration the packages: each month the budget left, spread over the months left, goes to
// monitored households in order of need (furthest below the threshold first, in need bands of
// 1/1000 of the threshold; a band is served whole or not at all). Households leave monitoring
// (are cleared) in January when the latest assessment finds them above the threshold.
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
    double detection_lag_months = 3;  // mean months from trigger to detection. Judgement.
    double miss_rate = 0.3;           // share of triggered households the system misses. Judgement.
    double package_per_person = 1200;  // assistance, yuan/person/year while monitored. Judgement.
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): by_need or pro_rata.
    // Judgement: about a tenth of what serving every flagged household would cost.
    BudgetParams budget{30, Rationing::by_need};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("threshold_ratio", threshold_ratio, Bounds{0, 10, "multiple of the poverty line"});
      v.number("catastrophic_share", catastrophic_share, Bounds{0, 100, "share of household income"});
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

  // How far below the threshold a household is, yuan/person/year (0 if above): the priority.
  static double need(const State& state, const HouseholdStore& hh, std::uint32_t h) {
    const double gap = state.threshold - hh.assessed_income_pc[h];
    return gap > 0 ? gap : 0.0;
  }

 private:
  Params params_;
  HouseholdFlag monitored_;          // under monitoring
  ColumnHandle<float> medical_ytd_;  // medical assistance's
  // /annual/monitoring counters: monitored at the December assessment, flagged and cleared during
  // the year (weight units, lifted and edge households).
  CounterHandle monitored_count_, flagged_count_, cleared_count_;
  static constexpr int kBands = 1000;  // need bands for rationing
  static int band(const State& state, double need) {
    return std::min(kBands - 1, static_cast<int>(need / state.threshold * kBands));
  }
};

}  // namespace povsim

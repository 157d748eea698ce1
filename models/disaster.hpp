// Natural disaster shock, drawn per county per month so that neighbours are hit together. A hit
// county's exposed households lose a share of operating income for some months and part of their
// savings. Frequency and severity differ by region type.
#pragma once

#include <vector>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's disaster severity by county (0: no disaster), drawn in begin_month.
struct DisasterState {
  std::vector<float> severity;
  template <class A>
  void archive(A& a) { a(severity); }
};

class DisasterShock final : public StatefulModel<DisasterState> {
 public:
  static constexpr std::uint32_t kStreamId = 11;
  struct Params {
    bool enabled = true;
    // Probability that a county suffers a damaging disaster in a year. Judgement: the brief gives
    // 138 M person-times affected in 2020 and frequent disasters in fragile zones.
    PerRegion annual_probability{0.25, 0.30, 0.30, 0.15};
    double household_exposure = 0.7;  // share of a hit county's households damaged. Judgement.
    // Share of operating income lost while recovering, uniform in [min, max], for recovery_months
    // (the hit month included). Judgement: on average a hit costs about 30 % of a year's operating
    // income plus savings, of the order of the brief's ~16 % lower farm-household income.
    double severity_min = 0.2;
    double severity_max = 0.521;  // calibrated: disaster income loss (CHFS, 16 %)
    // Severity multiplier by region type (the result capped at 1). Judgement: snow and cold on the
    // plateau kill herds, landslides and floods on the terrain-step belts destroy land and
    // houses; ordinary farming areas lose a season's crop (brief: regionally correlated drought,
    // flood, cold, earthquake).
    PerRegion severity_scale{1.2, 1.2, 1.0, 0.8};
    int recovery_months = 9;
    // Share of positive savings destroyed, per unit of severity. Judgement.
    double savings_loss_per_severity = 0.5;
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.per_region("annual_probability", annual_probability, kProbability);
      v.number("household_exposure", household_exposure, kProbability);
      v.number("severity_min", severity_min, kShare);
      v.number("severity_max", severity_max, kShare);
      v.per_region("severity_scale", severity_scale, Bounds{0, 10, "multiplier"});
      v.integer("recovery_months", recovery_months, 1, 120);
      v.number("savings_loss_per_severity", savings_loss_per_severity, kShare);
    }
    std::string check() const {
      return severity_min > severity_max ? "severity_min: expected at most severity_max" : "";
    }
  };
  explicit DisasterShock(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

  // This month's severity per county (0: no disaster); exposed for tests.
 private:
  Params params_;
  ColumnHandle<std::uint8_t> months_left_;  // months of damaged operating income left
  ColumnHandle<float> loss_;                // share of operating income lost meanwhile
  // /annual/disaster: damages this year (a household hit twice counts twice), and the sum over
  // them of the share of a normal year's market income the damage takes (weight units times the
  // share, so the mean share is the ratio of the two).
  CounterHandle damaged_count_, income_loss_count_;
};

}  // namespace povsim

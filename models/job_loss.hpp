// Job loss shock for wage earners: a monthly hazard (higher for migrants) times a macro-downturn
// multiplier the scenario can schedule; the unemployed find work again at a monthly hazard.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's hazards, from the downturn schedule (begin_month).
struct JobLossState {
  double max_hazard = 0;
  Bernoulli loss_given_candidate[2];  // by [migrant]
  Bernoulli reemployment;
};

class JobLossShock final : public StatefulModel<JobLossState> {
 public:
  static constexpr std::uint32_t kStreamId = 12;
  struct Params {
    bool enabled = true;
    double monthly_hazard_migrant = 0.002;     // calibrated (workers in work, returns); at its lower bound
    double monthly_hazard_local = 0.012;   // judgement
    double monthly_reemployment = 0.25;    // mean spell about 4 months; judgement
    // Multiplies the hazards from each date on; e.g. {2021-01: 1, 2022-02: 3, 2022-05: 1} for a
    // spring-2020-like downturn (brief: out-migration fell to 40 % of normal in February 2020).
    StepSchedule downturn_multiplier{{{YearMonth::of(2021, 1), 1.0}}, 1.0};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("monthly_hazard_migrant", monthly_hazard_migrant, kProbability);
      v.number("monthly_hazard_local", monthly_hazard_local, kProbability);
      v.number("monthly_reemployment", monthly_reemployment, kProbability);
      v.schedule("downturn_multiplier", downturn_multiplier, Bounds{0, 1000, "multiplier"});
    }
  };
  explicit JobLossShock(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
  // This month's draws. Job loss is a rare event drawn by thinning (sim/random/rare_events.hpp): the
  // largest hazard sets the candidate rate, and a candidate loses the job with its own hazard over
  // that rate, by [migrant]. Re-employment is common, so each unemployed person gets a draw.
};

}  // namespace povsim

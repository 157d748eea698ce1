// Illness shock, person-level: a hospitalisation with a probability by age band and health,
// costing an out-of-pocket amount after insurance reimbursement and a few months of lost work;
// some episodes leave a chronic condition. Chronic members also pay for outpatient care monthly.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

class IllnessShock final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 10;
  struct Params {
    bool enabled = true;
    // Annual hospitalisation probability for healthy members by age band. Children: judgement.
    // Adults and the elderly: calibrated (scenarios/calibration/baseline.yaml, 2026-12-01) to the
    // brief's rural 12-month hospitalisation of about 14 %.
    double annual_probability_child = 0.06;    // under 16
    double annual_probability_adult = 0.0807;  // 16-59
    double annual_probability_elderly = 0.238;  // 60 and over
    double chronic_multiplier = 1.8;           // relative risk for chronic members. Judgement.
    double disabled_multiplier = 1.5;          // relative risk for disabled members. Judgement.
    // Total cost of a stay, lognormal: median and log-sd. Judgement; the tail reaches the brief's
    // 28,000-39,000 yuan out of pocket for high-cost stays.
    double cost_median = 6000;   // yuan per episode
    double cost_log_sd = 0.8;
    double reimbursement_rate = 0.55;  // share of cost paid by basic medical insurance. Judgement.
    double chronic_outpatient_cost = 60;  // yuan/month out of pocket per chronic member. Judgement.
    int max_lost_work_months = 3;         // lost months drawn uniformly in 1..max. Judgement.
    double chronic_onset_probability = 0.15;  // per episode of a healthy member. Judgement.

    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("annual_probability_child", annual_probability_child, kProbability);
      v.number("annual_probability_adult", annual_probability_adult, kProbability);
      v.number("annual_probability_elderly", annual_probability_elderly, kProbability);
      v.number("chronic_multiplier", chronic_multiplier, kPositiveMultiplier);
      v.number("disabled_multiplier", disabled_multiplier, kPositiveMultiplier);
      v.number("cost_median", cost_median, Bounds{0, 1e7, "yuan per episode"});
      v.number("cost_log_sd", cost_log_sd, Bounds{0, 5, "sd of log cost"});
      v.number("reimbursement_rate", reimbursement_rate, kShare);
      v.number("chronic_outpatient_cost", chronic_outpatient_cost, Bounds{0, 1e6, "yuan/month"});
      v.integer("max_lost_work_months", max_lost_work_months, 0, 24);
      v.number("chronic_onset_probability", chronic_onset_probability, kProbability);
    }
    std::string check() const;
  };
  explicit IllnessShock(const Params& params);
  void declare(ModelDeclarations& d) override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override;

  // Monthly episode probability for a member of this age and health; exposed for tests.
  double monthly_probability_for(int age, Health health) const;

 private:
  Params params_;
  double max_monthly_probability_ = 0;  // bounds every member's; sets the candidate rate
  Bernoulli acceptance_[256][3];  // episode given a candidate, by [age in years][health]
  ColumnHandle<std::uint16_t> sick_until_;  // per person
  ColumnHandle<float> medical_month_;       // per household
  PersonFlag hospitalised_;                 // hospitalised at least once this calendar year
  // /annual/health: persons hospitalised at least once this year; living persons at December.
  CounterHandle hospitalised_count_, living_count_;
};

}  // namespace povsim

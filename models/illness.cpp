#include "models/illness.hpp"

#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "models/cause.hpp"

namespace povsim {

namespace {
int age_band(int age) { return age < 16 ? 0 : (age < 60 ? 1 : 2); }
}  // namespace

std::string IllnessShock::Params::check() const {
  const double worst = annual_probability_elderly * std::max(chronic_multiplier, disabled_multiplier);
  if (worst > 1) return "annual_probability_elderly times the chronic/disabled multiplier exceeds 1";
  const double worst_adult = annual_probability_adult * std::max(chronic_multiplier, disabled_multiplier);
  if (worst_adult > 1) return "annual_probability_adult times the chronic/disabled multiplier exceeds 1";
  return {};
}

IllnessShock::IllnessShock(const Params& params) : params_(params) {
  const double base[3] = {params.annual_probability_child, params.annual_probability_adult,
                          params.annual_probability_elderly};
  const double mult[3] = {1.0, params.chronic_multiplier, params.disabled_multiplier};
  for (int a = 0; a < 3; ++a)
    for (int hl = 0; hl < 3; ++hl) monthly_p_[a][hl] = static_cast<float>(monthly_probability(std::min(1.0, base[a] * mult[hl])));
}

double IllnessShock::monthly_probability_for(int age, Health health) const {
  return monthly_p_[age_band(age)][static_cast<int>(health)];
}

void IllnessShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  const float reimbursed_share = static_cast<float>(params_.reimbursement_rate);
  const float outpatient = static_cast<float>(params_.chronic_outpatient_cost);
  boost::random::lognormal_distribution<double> cost(std::log(params_.cost_median), params_.cost_log_sd);
  boost::random::uniform_int_distribution<int> lost_months(std::min(1, params_.max_lost_work_months),
                                                           params_.max_lost_work_months);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    Stream s = ctx.stream(kStreamId, h);
    float medical = 0;
    bool episode = false;
    const std::uint32_t first = hh.first_person[h];
    for (std::uint32_t q = first; q < first + hh.persons[h]; ++q) {
      const float u = static_cast<float>(s.uniform());  // one draw per member slot, alive or not
      if (!(hh.person_flags[q] & person_flag::alive)) continue;
      if (hh.sick_months_left[q] > 0) --hh.sick_months_left[q];
      const Health health = hh.health[q];
      medical += health == Health::chronic ? outpatient : 0.0f;
      if (u >= monthly_p_[age_band(hh.age[q])][static_cast<int>(health)]) continue;

      // Episode details come from the person's own stream, so that one member's episode never
      // shifts another member's draws.
      Stream detail = ctx.stream(substream(kStreamId, 1), q);
      medical += static_cast<float>(cost(detail)) * (1.0f - reimbursed_share);
      hh.sick_months_left[q] = static_cast<std::uint8_t>(lost_months(detail));
      if (health == Health::healthy && detail.uniform() < params_.chronic_onset_probability)
        hh.health[q] = Health::chronic;
      episode = true;
    }
    hh.acc_medical[h] += medical;
    hh.savings[h] -= medical;
    if (episode) hh.last_cause[h] = code(Cause::illness);
  }
}

}  // namespace povsim

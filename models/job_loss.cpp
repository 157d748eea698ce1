#include "models/job_loss.hpp"

#include <algorithm>

#include "models/cause.hpp"

namespace povsim {

void JobLossShock::begin_month(const MonthContext& ctx) {
  const double m = params_.downturn_multiplier.at(ctx.month);
  hazard_migrant_ = static_cast<float>(std::min(1.0, params_.monthly_hazard_migrant * m));
  hazard_local_ = static_cast<float>(std::min(1.0, params_.monthly_hazard_local * m));
}

void JobLossShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  namespace pf = person_flag;
  const float reemploy = static_cast<float>(params_.monthly_reemployment);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint32_t first = hh.first_person[h];
    const std::uint32_t last = first + hh.persons[h];
    bool any_earner = false;
    for (std::uint32_t q = first; q < last; ++q) any_earner |= is_wage_earner(hh.work[q]);
    if (!any_earner) continue;
    Stream s = ctx.stream(kStreamId, h);
    bool lost = false;
    for (std::uint32_t q = first; q < last; ++q) {
      const float u = static_cast<float>(s.uniform());  // one draw per member slot keeps draws aligned
      const std::uint8_t f = hh.person_flags[q];
      if (!(f & pf::alive) || !is_wage_earner(hh.work[q])) continue;
      if (f & pf::unemployed) {
        if (u < reemploy) hh.person_flags[q] = f & static_cast<std::uint8_t>(~pf::unemployed);
      } else if (u < (hh.work[q] == Work::migrant ? hazard_migrant_ : hazard_local_)) {
        hh.person_flags[q] = f | pf::unemployed;
        lost = true;
      }
    }
    if (lost) hh.last_cause[h] = code(Cause::job_loss);
  }
}

}  // namespace povsim

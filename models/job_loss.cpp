#include "models/job_loss.hpp"

#include <algorithm>

#include "models/cause.hpp"

namespace povsim {

void JobLossShock::begin_month(const MonthContext& ctx) {
  const double m = params_.downturn_multiplier.at(ctx.month);
  transition_[0][0] = Bernoulli(std::min(1.0, params_.monthly_hazard_local * m));
  transition_[0][1] = Bernoulli(std::min(1.0, params_.monthly_hazard_migrant * m));
  transition_[1][0] = transition_[1][1] = Bernoulli(params_.monthly_reemployment);
}

void JobLossShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  namespace pf = person_flag;
  std::uint8_t* flags = hh.person_flags.data();
  const Work* works = hh.work.data();
  // One draw per person, earner or not, so that draws never shift.
  for_each_person_draw(ctx, kStreamId, persons_of(hh, range), [&](std::uint32_t q, std::uint32_t raw) {
    const std::uint8_t f = flags[q];
    const Work work = works[q];
    const bool unemployed = (f & pf::unemployed) != 0;
    const bool moves = ((f & pf::alive) != 0) & is_wage_earner(work) &
                       transition_[unemployed][work == Work::migrant](raw);
    // A move flips the state: the employed lose their job, the unemployed find one.
    flags[q] = static_cast<std::uint8_t>(f ^ (moves * pf::unemployed));
    if (moves & !unemployed) hh.last_cause[household_of(hh, range, q)] = code(Cause::job_loss);
  });
}

}  // namespace povsim

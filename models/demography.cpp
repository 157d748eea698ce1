#include "models/demography.hpp"

#include <algorithm>
#include <cmath>

#include "models/cause.hpp"

namespace povsim {

Demography::Demography(const Params& params) : params_(params) {
  for (int age = 0; age < 256; ++age)
    death_[age] = Bernoulli(std::min(1.0, params.gompertz_a * std::exp(params.gompertz_b * age)));
}

void Demography::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  // Ages are as of the start of the horizon, so the first January does not age anyone.
  if (!ctx.is_january() || ctx.first_month) return;
  HouseholdCursor household_of(hh, range);  // persons come in increasing order
  // One draw per person, alive or not, so that draws never shift.
  for_each_person_draw(ctx, kStreamId, persons_of(hh, range), [&](std::uint32_t q, std::uint32_t raw) {
    if (!(hh.person_flags[q] & person_flag::alive)) return;
    const int age = std::min(255, hh.age[q] + 1);
    hh.age[q] = static_cast<std::uint8_t>(age);
    if (death_[age](raw)) {
      hh.person_flags[q] &= static_cast<std::uint8_t>(~person_flag::alive);
      return;
    }
    if (age >= params_.retirement_age && is_wage_earner(hh.work[q])) {
      hh.work[q] = Work::farming;
      hh.person_flags[q] &= static_cast<std::uint8_t>(~person_flag::unemployed);
      hh.last_cause[household_of(q)] = code(Cause::ageing);  // the household loses a wage to age
    }
    if (age >= params_.working_age && hh.work[q] == Work::child) hh.work[q] = Work::farming;
  });
  hh.count_alive(range.begin, range.end);
}

void Demography::declare(ModelDeclarations& d) {
  for (const char* c : {"age", "alive", "work", "alive_members", "last_cause"}) d.writes(c);
  d.reads("health", When::last_month);
}

}  // namespace povsim

// Shared by the models that move a member into other work (public-welfare posts, training's job
// take-up, site jobs at resettlement sites): a member who takes a job leaves what she did before.
#pragma once

#include <cstdint>

#include "sim/core/household_store.hpp"

namespace povsim {

// Operating income is the household's, earned by its farming members together (the income process
// pays operating_base whoever farms): a farmer who leaves the farm takes her equal share of it with
// her. Returns that share, yuan/month, taken out of operating_base (0 if q does not farm).
inline float leave_farm(HouseholdStore& hh, std::uint32_t h, std::uint32_t q) {
  if (hh.work[q] != Work::farming) return 0.0f;
  int farmers = 0;
  for (std::uint32_t m = hh.first_person[h]; m < hh.first_person[h] + hh.persons[h]; ++m)
    farmers += (hh.person_flags[m] & person_flag::alive) && hh.work[m] == Work::farming;
  const float share = hh.operating_base[h] / static_cast<float>(farmers);  // farmers >= 1: q farms
  hh.operating_base[h] -= share;
  return share;
}

}  // namespace povsim

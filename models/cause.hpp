// Causes a household's latest shock can have; the code is stored in HouseholdStore::last_cause
// and returns to poverty are attributed to it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace povsim {

enum class Cause : std::uint8_t {
  none = 0,
  illness = 1,
  disaster = 2,
  job_loss = 3,
  subsidy_withdrawal = 4,
  price_collapse = 5,  // the household's product price fell by more than the market model's threshold
  ageing = 6           // a wage earner reached retirement age and left wage work
};

inline std::vector<std::string> cause_names() {
  return {"none", "illness", "disaster", "job_loss", "subsidy_withdrawal", "price_collapse", "ageing"};
}

inline constexpr std::uint8_t code(Cause c) { return static_cast<std::uint8_t>(c); }

}  // namespace povsim

#include "models/rural_pension.hpp"

namespace povsim {

void RuralPension::begin_month(const MonthContext& ctx) {
  amount_ = static_cast<float>(params_.monthly_amount.at(ctx.month) + params_.local_top_up);
}

void RuralPension::step(const MonthContext&, HouseholdStore& hh, HouseholdRange range) const {
  const int age = params_.eligibility_age;
  std::uint8_t eligible[kMaxBlockHouseholds];  // living members at or above the age, by household
  const std::uint8_t* flags = hh.person_flags.data();
  const std::uint8_t* ages = hh.age.data();
  sum_members(hh, range, [=](std::uint32_t q) {
    return static_cast<std::uint8_t>((flags[q] & person_flag::alive) & (ages[q] >= age));
  }, eligible);
  for (std::uint32_t h = range.begin; h < range.end; ++h)
    hh.acc_pension[h] += static_cast<float>(eligible[h - range.begin]) * amount_;
}

}  // namespace povsim

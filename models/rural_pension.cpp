#include "models/rural_pension.hpp"

namespace povsim {

void RuralPension::begin_month(const MonthContext& ctx) {
  amount_ = static_cast<float>(params_.monthly_amount.at(ctx.month) + params_.local_top_up);
}

void RuralPension::step(const MonthContext&, HouseholdStore& hh, HouseholdRange range) const {
  const int age = params_.eligibility_age;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    int eligible = 0;
    const std::uint32_t first = hh.first_person[h];
    for (std::uint32_t q = first; q < first + hh.persons[h]; ++q)
      eligible += (hh.person_flags[q] & person_flag::alive) && hh.age[q] >= age;
    hh.acc_pension[h] += static_cast<float>(eligible) * amount_;
  }
}

}  // namespace povsim

#include "models/phased_industry_support.hpp"

#include "models/cause.hpp"

namespace povsim {

void PhasedIndustrySupport::begin_month(const MonthContext& ctx) {
  const StepSchedule* schedules[] = {&params_.low, &params_.medium, &params_.high};
  for (int d = 1; d <= 3; ++d) {
    const double now = schedules[d - 1]->at(ctx.month);
    level_[d] = static_cast<float>(now);
    stepped_down_[d] = now < schedules[d - 1]->before(ctx.month, ctx.first_month);
  }
}

void PhasedIndustrySupport::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const int d = static_cast<int>(hh.dependence[h]);
    const float subsidy = hh.industry_subsidy[h];
    const float paid = subsidy * level_[d];  // yuan this month
    hh.acc_operating[h] += paid;
    record_payment(ctx, hh, h, paid);
    if (stepped_down_[d] && subsidy > 0) hh.last_cause[h] = code(Cause::subsidy_withdrawal);
  }
}

}  // namespace povsim

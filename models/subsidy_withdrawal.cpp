#include "models/subsidy_withdrawal.hpp"

#include "models/cause.hpp"

namespace povsim {

std::string SubsidyWithdrawal::Params::check() const {
  static constexpr const char* names[] = {"public_welfare_post", "ecological_compensation", "dibao"};
  const auto schedules = levels.all();
  for (int p = 0; p < kProgrammes; ++p) {
    bool ended = false;
    for (const auto& s : schedules[p]->steps) {
      if (ended && s.value > 0)
        return std::string("levels.") + names[p] + ": a programme cannot restart after its level reaches 0 (" +
               s.from.str() + ")";
      ended = s.value == 0;
    }
  }
  return {};
}

void SubsidyWithdrawal::begin_month(const MonthContext& ctx) {
  const auto schedules = params_.levels.all();
  any_change_ = false;
  for (int p = 0; p < kProgrammes; ++p) {
    const double before = schedules[p]->before(ctx.month, ctx.first_month);
    const double now = schedules[p]->at(ctx.month);
    ratio_[p] = before > 0 ? static_cast<float>(now / before) : 1.0f;
    any_change_ |= ratio_[p] != 1.0f;
  }
}

void SubsidyWithdrawal::step(const MonthContext&, HouseholdStore& hh, HouseholdRange range) const {
  if (!any_change_) return;
  for (int p = 0; p < kProgrammes; ++p) {
    const float ratio = ratio_[p];
    if (ratio == 1.0f) continue;
    auto& amount = hh.transfer[p];
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      if (amount[h] <= 0) continue;
      amount[h] *= ratio;
      if (ratio < 1.0f) hh.last_cause[h] = code(Cause::subsidy_withdrawal);
    }
  }
}

}  // namespace povsim

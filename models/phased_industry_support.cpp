#include "models/phased_industry_support.hpp"

#include "models/cause.hpp"

namespace povsim {

void PhasedIndustrySupport::begin_month(const MonthContext& ctx, State& state) const {
  const StepSchedule* schedules[] = {&params_.low, &params_.medium, &params_.high};
  const double budget = budget_factor(ctx, params_.budget, state.budget_estimate);
  bool changed = budget != state.budget;
  const double previous_budget = state.budget;
  state.budget = budget;
  for (int d = 1; d <= 3; ++d) {
    const double now = schedules[d - 1]->at(ctx.month);
    state.level[d] = static_cast<float>(now * budget);
    const double before = schedules[d - 1]->before(ctx.month, ctx.first_month);
    // A binding budget cuts like a level step: both are subsidy withdrawal for the recipients.
    state.stepped_down[d] = now * budget < before * previous_budget;
    changed |= now != before;
  }
  state.changed = changed;
}

void PhasedIndustrySupport::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  PaymentBook book = payments(ctx);
  // Payments change only in January (subsidies grow with operating income) and when a level
  // changes: in other months the block costs what it did last month.
  const bool book_each = ctx.is_january() || ctx.first_month || state.changed;
  if (!book_each) book.repeat_last_month();
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const int d = static_cast<int>(hh.dependence[h]);
    const float subsidy = hh.industry_subsidy[h];
    const float paid = subsidy * state.level[d];  // yuan this month
    hh.acc_operating[h] += paid;
    if (book_each) book.pay(hh, h, paid);
    if (state.stepped_down[d] && subsidy > 0) hh.last_cause[h] = code(Cause::subsidy_withdrawal);
  }
}

void PhasedIndustrySupport::declare(ModelDeclarations& d) {
  for (const char* c : {"acc_operating", "last_cause"}) d.writes(c);
  d.reads("industry_subsidy", When::this_month);
}

}  // namespace povsim

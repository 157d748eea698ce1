#include "models/rural_pension.hpp"

#include "sim/core/member_window.hpp"

namespace povsim {

void RuralPension::begin_month(const MonthContext& ctx, State& state) const {
  const double budget = budget_factor(ctx, params_.budget, state.budget_estimate);
  const float amount = static_cast<float>((params_.monthly_amount.at(ctx.month) + params_.local_top_up) * budget);
  state.amount_changed = amount != state.amount;
  state.amount = amount;
}

void RuralPension::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  const auto age = static_cast<std::uint8_t>(params_.eligibility_age);
  PaymentBook book = payments(ctx);
  std::uint8_t eligible[kMaxBlockHouseholds];  // living members at or above the age, by household
  const std::uint8_t* flags = hh.person_flags.data();
  const std::uint8_t* ages = hh.age.data();
  count_members(hh, range, [=](std::uint32_t q) {
    using namespace lanes;
    return ((load<Bytes>(flags, q) & person_flag::alive) != 0) & (load<Bytes>(ages, q) >= splat<Bytes>(age));
  }, eligible);
  // Who is eligible changes only in January (ageing, deaths) and the amount only on schedule
  // dates: in other months the block costs what it did last month.
  const bool book_each = ctx.is_january() || ctx.first_month || state.amount_changed;
  if (!book_each) book.repeat_last_month();
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const float paid = static_cast<float>(eligible[h - range.begin]) * state.amount;  // yuan this month
    hh.acc_pension[h] += paid;
  }
  if (book_each)
    for (std::uint32_t h = range.begin; h < range.end; ++h)
      book.pay(hh, h, static_cast<float>(eligible[h - range.begin]) * state.amount);
}

void RuralPension::declare(ModelDeclarations& d) {
  d.writes("acc_pension");
  for (const char* c : {"age", "alive"}) d.reads(c, When::this_month);
}

}  // namespace povsim

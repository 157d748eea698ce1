#include "models/rural_pension.hpp"

#include "sim/core/member_window.hpp"

namespace povsim {

void RuralPension::begin_month(const MonthContext& ctx) {
  const double budget = budget_factor(ctx, params_.budget_per_household);
  const float amount = static_cast<float>((params_.monthly_amount.at(ctx.month) + params_.local_top_up) * budget);
  amount_changed_ = amount != amount_;
  amount_ = amount;
}

void RuralPension::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
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
  const bool book_each = ctx.is_january() || ctx.first_month || amount_changed_;
  if (!book_each) book.repeat_last_month();
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const float paid = static_cast<float>(eligible[h - range.begin]) * amount_;  // yuan this month
    hh.acc_pension[h] += paid;
  }
  if (book_each)
    for (std::uint32_t h = range.begin; h < range.end; ++h)
      book.pay(hh, h, static_cast<float>(eligible[h - range.begin]) * amount_);
}

}  // namespace povsim

#include "models/medical_assistance.hpp"

#include <algorithm>

namespace povsim {

void MedicalAssistance::begin_month(const MonthContext& ctx, State& state) const {
  state.deductible = params_.deductible_share * params_.reference_income.at(ctx.month);
  state.budget = budget_factor(ctx, params_.budget, state.budget_estimate);
  if (ctx.first_month) state.first_line = ctx.poverty_line;
  const double price_index = params_.index_cap_to_prices && state.first_line > 0 ? ctx.poverty_line / state.first_line : 1.0;
  state.cap = params_.assistance_cap * price_index;
}

double MedicalAssistance::refund(const State& state, double ytd, bool covered) const {
  const double deductible = state.deductible * (covered ? params_.registered_deductible_factor : 1.0);
  const double rate = params_.critical_illness_rate + (covered ? params_.registered_rate_bonus : 0.0);
  const double insured = rate * std::max(0.0, ytd - deductible);
  const double assisted = covered ? std::min(state.cap, params_.assistance_rate * (ytd - insured)) : 0.0;
  return insured + assisted;
}

void MedicalAssistance::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace hf = household_flag;
  const std::uint8_t covered_flags = hf::lifted | (params_.assist_edge_households ? hf::edge : std::uint8_t{0});
  const std::uint16_t covered_model_flags = monitored_.mask;
  const float* medical_month = hh.data(medical_month_);
  float* medical_ytd = hh.data(medical_ytd_);
  const double plain_deductible = state.deductible;  // households without extra cover pay nothing back below it
  // Below the covered households' deductible and cap, the refund is just assistance on the bill.
  const double covered_deductible = state.deductible * params_.registered_deductible_factor;
  const double uncapped_below = std::min(covered_deductible, state.cap / std::max(params_.assistance_rate, 1e-300));
  PaymentBook book = payments(ctx);
  if (ctx.is_january())
    for (std::uint32_t h = range.begin; h < range.end; ++h) medical_ytd[h] = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const float bill = medical_month[h];
    if (bill <= 0) continue;
    // Refunds are a function of the year's cumulative spending, so deductibles and caps apply per
    // year whatever the timing of the bills.
    const bool covered = (hh.flags[h] & covered_flags) || (hh.model_flags[h] & covered_model_flags);
    const double before = medical_ytd[h], after = before + bill;
    medical_ytd[h] = static_cast<float>(after);
    if (!covered && after <= plain_deductible) continue;  // the common case: nothing to pay back
    const double paid = (covered && after <= uncapped_below ? params_.assistance_rate * bill
                                                            : refund(state, after, covered) - refund(state, before, covered)) *
                        state.budget;
    hh.acc_medical[h] -= static_cast<float>(paid);
    hh.savings[h] += static_cast<float>(paid);
    book.pay(hh, h, paid);
  }
}

void MedicalAssistance::declare(ModelDeclarations& d) {
  medical_month_ = d.household_column<float>(
      "medical_month", "out-of-pocket medical spending this month after basic insurance, yuan");
  medical_ytd_ = d.household_column<float>(
      "medical_ytd", "out-of-pocket medical spending so far this year after basic insurance, yuan");
  monitored_ = d.household_flag("monitored");
  for (const char* c : {"medical_ytd", "acc_medical", "savings"}) d.writes(c);
  d.reads("medical_month", When::this_month);
  d.reads("monitored", When::last_month);  // early warning steps later in the month
}

}  // namespace povsim

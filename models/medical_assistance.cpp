#include "models/medical_assistance.hpp"

#include <algorithm>

namespace povsim {

void MedicalAssistance::begin_month(const MonthContext& ctx, State& state) const {
  state.reference = params_.reference_income.at(ctx.month);
  state.deductible = params_.deductible_share * state.reference;
  state.budget = budget_factor(ctx, params_.budget, state.budget_estimate);
  if (ctx.first_month) state.first_line = ctx.poverty_line;
  const double price_index = params_.index_cap_to_prices && state.first_line > 0 ? ctx.poverty_line / state.first_line : 1.0;
  state.cap = params_.assistance_cap * price_index;
}

double MedicalAssistance::refund(const State& state, double ytd, Cover cover) const {
  const bool tilted = cover == Cover::assisted_poor;
  const double deductible = state.deductible * (tilted ? params_.tilted_deductible_factor : 1.0);
  const double rate = params_.critical_illness_rate + (tilted ? params_.tilted_rate_bonus : 0.0);
  const double insured = rate * std::max(0.0, ytd - deductible);
  if (cover == Cover::none) return insured;
  const double share = tilted ? params_.assistance_deductible_share : params_.monitored_deductible_share;
  const double assist_rate = tilted ? params_.assistance_rate : params_.monitored_assistance_rate;
  const double assisted = std::min(state.cap, assist_rate * std::max(0.0, ytd - insured - share * state.reference));
  return insured + assisted;
}

void MedicalAssistance::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace hf = household_flag;
  const float* medical_month = hh.data(medical_month_);
  float* medical_ytd = hh.data(medical_ytd_);
  // Households without assistance pay nothing back below the insurance deductible.
  const double plain_deductible = state.deductible;
  PaymentBook book = payments(ctx);
  if (ctx.is_january())
    for (std::uint32_t h = range.begin; h < range.end; ++h) medical_ytd[h] = 0;
  // The households with a bill this month, listed without a branch (perf: whether a household has
  // a bill is data-dependent and the branch mispredicted often).
  std::uint32_t billed[kMaxBlockHouseholds];
  std::uint32_t count = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    billed[count] = h;
    count += !(medical_month[h] <= 0);
  }
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint32_t h = billed[k];
    const float bill = medical_month[h];
    // Refunds are a function of the year's cumulative spending, so deductibles and caps apply per
    // year whatever the timing of the bills.
    const std::uint8_t flags = hh.flags[h];
    const std::uint16_t model_flags = hh.model_flags[h];
    const Cover cover = ((model_flags & dibao_.mask) || (flags & hf::poor))   ? Cover::assisted_poor
                        : (model_flags & monitored_.mask) ||
                                  (params_.assist_edge_households && (flags & hf::edge))
                            ? Cover::monitored
                            : Cover::none;
    const double before = medical_ytd[h], after = before + bill;
    medical_ytd[h] = static_cast<float>(after);
    if (cover == Cover::none && after <= plain_deductible) continue;  // the common case: nothing to pay back
    const double paid = (refund(state, after, cover) - refund(state, before, cover)) * state.budget;
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
  dibao_ = d.household_flag("dibao_enrolled");
  for (const char* c : {"medical_ytd", "acc_medical", "savings"}) d.writes(c);
  d.reads("medical_month", When::this_month);
  d.reads("monitored", When::last_month);  // early warning steps later in the month
  d.reads("dibao_enrolled", When::last_month);  // dibao's December review comes later too
}

}  // namespace povsim

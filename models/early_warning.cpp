#include "models/early_warning.hpp"

#include <algorithm>
#include <vector>

#include "sim/core/household_reduce.hpp"

namespace povsim {


// Each month: this year's threshold and, under a budget, the lowest need band the month's share
// of the budget left reaches (bands served from the neediest down). Sums are in whole fen so that
// the choice is exact and the same for any thread count.
void EarlyWarning::prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const {
  state.threshold = params_.threshold_ratio * ctx.poverty_line;
  state.cut_band = 0;
  if (!params_.budget.binds() || params_.budget.rule != Rationing::by_need) return;
  // Cost by need band (whole fen), summed over the population through the reduction seam: integer
  // sums, so the result is the same for any thread count.
  const std::vector<std::int64_t> band_cost = reduce_households(ctx, hh, kBands, [&](auto& acc, std::uint32_t h) {
    if (!(hh.model_flags[h] & monitored_.mask) || (hh.flags[h] & household_flag::dissolved)) return;
    const double monthly = params_.package_per_person * hh.alive_members[h] / 12.0 * hh.weight[h];
    acc[band(state, need(state, hh, h))] += static_cast<std::int64_t>(monthly * 100.0 + 0.5);
  });
  if (ctx.is_january() || ctx.first_month)
    state.budget_left = annual_budget(ctx, params_.budget);
  const int months_left = 13 - ctx.month.month();
  const double allowance = state.budget_left / months_left;  // yuan this month
  std::int64_t spent = 0;
  state.cut_band = kBands;  // nobody, unless the allowance reaches the neediest band
  for (int b = kBands - 1; b >= 0; --b) {
    if (static_cast<double>(spent + band_cost[b]) / 100.0 > allowance) break;
    spent += band_cost[b];
    state.cut_band = b;
  }
  state.budget_left -= static_cast<double>(spent) / 100.0;
}

void EarlyWarning::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace hf = household_flag;
  const bool assessed_before = ctx.step >= 12;  // the income trigger needs an assessment
  const double detect = (1.0 - params_.miss_rate) / params_.detection_lag_months;  // per month
  PaymentBook book = payments(ctx);
  const float* medical_ytd = hh.data(medical_ytd_);
  const bool by_need = params_.budget.binds() && params_.budget.rule == Rationing::by_need;
  std::int64_t flagged = 0, cleared = 0;  // weight units
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint8_t flags = hh.flags[h];
    const std::uint16_t model_flags = hh.model_flags[h];
    if ((flags & hf::dissolved) || !(flags & (hf::lifted | hf::edge))) continue;
    const double income_pc = hh.assessed_income_pc[h];
    const bool low_income = assessed_before && income_pc < state.threshold;
    // Catastrophic spending relative to the household's income (at least the line per person).
    const int persons = hh.alive_members[h];
    const bool catastrophic =
        medical_ytd[h] > params_.catastrophic_share * std::max(income_pc, ctx.poverty_line) * persons;
    if (model_flags & monitored_.mask) {
      // Cleared in January when the latest assessment is above the threshold and no shock is open.
      if (ctx.is_january() && assessed_before && !low_income && !catastrophic) {
        hh.model_flags[h] = static_cast<std::uint16_t>(model_flags & ~monitored_.mask);
        cleared += weight_units(hh.weight[h]);
        continue;
      }
    } else {
      // Flagged now; the package starts next month, once the budget has counted the household.
      if ((low_income || catastrophic) && ctx.household_stream(kStreamId, h).uniform() < detect) {
        hh.model_flags[h] = static_cast<std::uint16_t>(model_flags | monitored_.mask);
        flagged += weight_units(hh.weight[h]);
      }
      continue;
    }
    if (by_need && band(state, need(state, hh, h)) < state.cut_band) continue;  // budget spent
    const double paid = params_.package_per_person * hh.alive_members[h] / 12.0 * state.factor;  // yuan this month
    hh.acc_transfer[h] += static_cast<float>(paid);
    book.pay(hh, h, paid);
  }
  if (!ctx.tally) return;
  ctx.tally->counters[flagged_count_.index] += flagged;
  ctx.tally->counters[cleared_count_.index] += cleared;
  // Monitored at the assessment: December's flags, for lifted and edge households the assessment
  // counts (a living member left).
  if (ctx.month.month() != 12) return;
  std::int64_t monitored = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const bool assessed = (hh.flags[h] & (hf::lifted | hf::edge)) && !(hh.flags[h] & hf::dissolved) && hh.alive_members[h] > 0;
    if (assessed && (hh.model_flags[h] & monitored_.mask)) monitored += weight_units(hh.weight[h]);
  }
  ctx.tally->counters[monitored_count_.index] += monitored;
}

void EarlyWarning::declare(ModelDeclarations& d) {
  monitored_ = d.household_flag("monitored");
  medical_ytd_ = d.household_column<float>(
      "medical_ytd", "out-of-pocket medical spending so far this year after basic insurance, yuan");
  monitored_count_ = d.counter("/annual/monitoring", "monitored_households",
                               "households under monitoring at the December assessment");
  flagged_count_ = d.counter("/annual/monitoring", "newly_monitored_households",
                             "households flagged for monitoring during the year");
  cleared_count_ = d.counter("/annual/monitoring", "cleared_households",
                             "households that left monitoring during the year (assessed above the threshold)");
  for (const char* c : {"monitored", "acc_transfer"}) d.writes(c);
  d.reads("medical_ytd", When::this_month);
  d.reads("assessed_income_pc", When::last_month);
}

}  // namespace povsim

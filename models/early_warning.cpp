#include "models/early_warning.hpp"

#include <algorithm>
#include <vector>

#include "models/cause.hpp"
#include "sim/core/household_reduce.hpp"
#include "sim/core/region.hpp"

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
  const bool january = ctx.is_january() && !ctx.first_month;
  const std::vector<std::int64_t> band_cost = reduce_households(ctx, hh, kBands, [&](auto& acc, std::uint32_t h) {
    if (!(hh.model_flags[h] & monitored_.mask) || (hh.flags[h] & household_flag::dissolved)) return;
    const double monthly = params_.package_per_person * hh.alive_members[h] / 12.0 * hh.weight[h];
    acc[band(state, need(state, hh, h, january))] += static_cast<std::int64_t>(monthly * 100.0 + 0.5);
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

void EarlyWarning::evaluate(const MonthContext& ctx, HouseholdStore& hh, std::uint32_t h) const {
  namespace hf = household_flag;
  const int slot = ctx.month.year() % 2;  // year t = Y - 2 has the parity of Y
  std::uint8_t& flag_month = hh.data(flag_month_[slot])[h];
  const std::uint8_t flags = hh.flags[h];
  const std::uint16_t model_flags = hh.model_flags[h];
  const bool counted = ctx.tally && !(flags & hf::dissolved) && (flags & (hf::lifted | hf::edge)) && ctx.step >= 24;
  if (counted) {
    const bool poor_t = model_flags & poor_before_.mask;   // December t
    const bool poor_t1 = flags & hf::poor;                  // December t + 1
    const std::int64_t w = weight_units(hh.weight[h]);
    const int region = static_cast<int>(hh.region[h]);
    auto& c = ctx.tally->counters;
    if (flag_month != 0) {
      if (poor_t || poor_t1) {
        const int lead = (poor_t ? 12 : 24) - flag_month;  // months to the December it fell
        const int cause = hh.data(december_cause_[poor_t ? slot : 1 - slot])[h];
        c[hits_.index] += w;
        c[hits_by_region_[region].index] += w;
        c[hits_by_cause_[std::min(cause, 6)].index] += w;
        c[lead_months_.index] += w * lead;
      } else {
        c[false_alarms_.index] += w;
        c[false_alarms_by_region_[region].index] += w;
      }
    }
    // Newly poor in December t + 1, not monitored (nor flagged) at any time in the 12 months before.
    if (poor_t1 && !poor_t && !(model_flags & watched_.mask)) {
      const int cause = hh.data(december_cause_[1 - slot])[h];
      c[misses_.index] += w;
      c[misses_by_region_[region].index] += w;
      c[misses_by_cause_[std::min(cause, 6)].index] += w;
    }
  }
  flag_month = 0;
  std::uint16_t mf = static_cast<std::uint16_t>(model_flags & ~(poor_before_.mask | watched_.mask));
  if (flags & hf::poor) mf |= poor_before_.mask;
  hh.model_flags[h] = mf;
}

void EarlyWarning::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace hf = household_flag;
  const bool assessed_before = ctx.step >= 12;  // the assessed-income signal needs an assessment
  const int month = ctx.month.month();
  const int slot = ctx.month.year() % 2;
  const double detect = (1.0 - params_.miss_rate) / params_.detection_lag_months;  // per month
  PaymentBook book = payments(ctx);
  const float* medical_ytd = hh.data(medical_ytd_);
  float* package_ytd = hh.data(package_pc_ytd_);
  float* package_last = hh.data(package_pc_last_);
  std::uint8_t* flag_month = hh.data(flag_month_[slot]);
  std::uint8_t* december_cause = hh.data(december_cause_[slot]);
  const bool by_need = params_.budget.binds() && params_.budget.rule == Rationing::by_need;
  const bool income_signal = params_.income_drop_ratio > 0 && month >= params_.income_report_months;
  const double per_month_package = params_.package_per_person / 12.0 * state.factor;  // yuan/person
  const double annualise = 12.0 / month;
  std::int64_t flagged = 0, cleared = 0;  // weight units
  std::int64_t by_trigger[4] = {};
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    if (ctx.is_january()) {
      // The packages of the year just assessed, and the evaluation of the year before it.
      package_last[h] = ctx.first_month ? 0.0f : package_ytd[h];
      package_ytd[h] = 0;
      evaluate(ctx, hh, h);
    }
    const std::uint8_t flags = hh.flags[h];
    std::uint16_t model_flags = hh.model_flags[h];
    if ((flags & hf::dissolved) || !(flags & (hf::lifted | hf::edge))) continue;
    if (month == 12) december_cause[h] = hh.last_cause[h];
    const int persons = hh.alive_members[h];
    // Latest assessed income without packages, yuan/person/year.
    const double income_pc = income_without_packages(hh, h);
    // This year's income so far without packages and medical spending, annualised, for the whole
    // household (yuan/year); compared with per-person bounds times the members, so that the
    // month's pass needs no division (perf: the division was a third of this model's time).
    const double so_far = (hh.net_income(h) + hh.acc_medical[h] - double(package_ytd[h]) * persons) * annualise;
    auto so_far_below = [&](double per_person) { return persons == 0 || so_far < per_person * persons; };
    const bool low_income = assessed_before && income_pc < state.threshold;
    // Catastrophic spending relative to the household's income (at least the line per person).
    const bool catastrophic =
        medical_ytd[h] > params_.catastrophic_share * std::max(income_pc, ctx.poverty_line) * persons;
    // A shock this year prompts a look at the household's income: the lower of the latest
    // assessment (without packages) and this year's so far.
    const double shock_bound = params_.shock_income_ratio * state.threshold;
    const bool shock = params_.shock_income_ratio > 0 && hh.last_cause[h] != 0 &&
                       ((assessed_before && income_pc < shock_bound) || so_far_below(shock_bound));
    const bool income_drop = income_signal && so_far_below(params_.income_drop_ratio * state.threshold);
    if (model_flags & monitored_.mask) {
      // Cleared in January when the latest assessment, without last year's packages, is above the
      // threshold and no signal is open.
      if (ctx.is_january() && assessed_before && !low_income && !catastrophic && !shock && !income_drop) {
        hh.model_flags[h] = static_cast<std::uint16_t>(model_flags & ~monitored_.mask);
        cleared += weight_units(hh.weight[h]);
        continue;
      }
    } else {
      // Flagged now; the package starts next month, once the budget has counted the household.
      if ((low_income || catastrophic || shock || income_drop) &&
          ctx.household_stream(kStreamId, h).uniform() < detect) {
        hh.model_flags[h] = static_cast<std::uint16_t>(model_flags | monitored_.mask | watched_.mask);
        if (!(flags & hf::poor)) flag_month[h] = static_cast<std::uint8_t>(month);  // an early warning
        const std::int64_t w = weight_units(hh.weight[h]);
        flagged += w;
        by_trigger[low_income ? 0 : catastrophic ? 1 : shock ? 2 : 3] += w;
      }
      continue;
    }
    hh.model_flags[h] = static_cast<std::uint16_t>(model_flags | watched_.mask);
    if (by_need && band(state, need(state, hh, h)) < state.cut_band) continue;  // budget spent
    const double paid = per_month_package * persons;  // yuan this month
    hh.acc_transfer[h] += static_cast<float>(paid);
    package_ytd[h] += static_cast<float>(per_month_package);
    book.pay(hh, h, paid);
  }
  if (!ctx.tally) return;
  auto& c = ctx.tally->counters;
  c[flagged_count_.index] += flagged;
  c[cleared_count_.index] += cleared;
  for (int k = 0; k < 4; ++k) c[flagged_by_trigger_[k].index] += by_trigger[k];
  // Monitored at the assessment: December's flags, for lifted and edge households the assessment
  // counts (a living member left).
  if (month != 12) return;
  std::int64_t monitored = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const bool assessed = (hh.flags[h] & (hf::lifted | hf::edge)) && !(hh.flags[h] & hf::dissolved) && hh.alive_members[h] > 0;
    if (assessed && (hh.model_flags[h] & monitored_.mask)) monitored += weight_units(hh.weight[h]);
  }
  c[monitored_count_.index] += monitored;
}

void EarlyWarning::declare(ModelDeclarations& d) {
  monitored_ = d.household_flag("monitored");
  watched_ = d.household_flag("warning_watched");
  poor_before_ = d.household_flag("warning_poor_before");
  medical_ytd_ = d.household_column<float>(
      "medical_ytd", "out-of-pocket medical spending so far this year after basic insurance, yuan");
  package_pc_ytd_ = d.household_column<float>("package_pc_ytd", "early-warning packages paid this year, yuan/person");
  package_pc_last_ = d.household_column<float>("package_pc_last_year",
                                               "early-warning packages paid in the latest assessed year, yuan/person");
  const char* parity[2] = {"even", "odd"};
  for (int k = 0; k < 2; ++k) {
    flag_month_[k] = d.household_column<std::uint8_t>(
        std::string("warning_month_") + parity[k],
        std::string("calendar month a household not poor was flagged in the latest ") + parity[k] + " year (0: not)");
    december_cause_[k] = d.household_column<std::uint8_t>(
        std::string("warning_cause_") + parity[k],
        std::string("latest cause at the December of the latest ") + parity[k] + " year (Cause code)");
  }
  const std::string g = "/annual/monitoring";
  monitored_count_ = d.counter(g, "monitored_households", "households under monitoring at the December assessment");
  flagged_count_ = d.counter(g, "newly_monitored_households", "households flagged for monitoring during the year");
  cleared_count_ = d.counter(g, "cleared_households",
                             "households that left monitoring during the year (assessed above the threshold "
                             "without the packages)");
  const char* triggers[4] = {"low_income", "catastrophic", "shock", "income_drop"};
  for (int k = 0; k < 4; ++k)
    flagged_by_trigger_[k] = d.counter(g, std::string("flagged_") + triggers[k],
                                       std::string("households flagged during the year whose first open signal was ") +
                                           triggers[k] + " (order: low_income, catastrophic, shock, income_drop)");
  const int lag = kEvaluationLagYears;
  const std::string hit = "households flagged in year t while not poor and assessed poor in December t or t+1";
  const std::string miss = "households newly poor in December t+1 not monitored at any time in year t+1";
  const std::string fa = "households flagged in year t while not poor and poor in neither December t nor t+1";
  hits_ = d.counter(g, "hits", hit + " (censored last years: NaN)", lag);
  misses_ = d.counter(g, "misses", miss + " (censored last years: NaN)", lag);
  false_alarms_ = d.counter(g, "false_alarms", fa + " (censored last years: NaN)", lag);
  lead_months_ = d.counter(g, "hit_lead_months",
                           "sum over hits of the months from the flag to the December they were first assessed poor "
                           "(weighted household-months; divide by hits for the mean lead time)",
                           lag);
  static_assert(kRegionTypes == 4);
  for (int r = 0; r < kRegionTypes; ++r) {
    const std::string region(kRegionTypeNames[r]);
    hits_by_region_[r] = d.counter(g, "hits_region_" + region, hit + ", region type " + region, lag);
    misses_by_region_[r] = d.counter(g, "misses_region_" + region, miss + ", region type " + region, lag);
    false_alarms_by_region_[r] = d.counter(g, "false_alarms_region_" + region, fa + ", region type " + region, lag);
  }
  const auto causes = cause_names();
  for (int k = 0; k < 7; ++k) {
    hits_by_cause_[k] = d.counter(g, "hits_cause_" + causes[k],
                                  hit + ", by the latest cause at the December they fell: " + causes[k], lag);
    misses_by_cause_[k] = d.counter(g, "misses_cause_" + causes[k],
                                    miss + ", by the latest cause at that December: " + causes[k], lag);
  }
  for (const char* c : {"monitored", "warning_watched", "warning_poor_before", "package_pc_ytd", "package_pc_last_year",
                        "warning_month_even", "warning_month_odd", "warning_cause_even", "warning_cause_odd",
                        "acc_transfer"})
    d.writes(c);
  d.reads("medical_ytd", When::this_month);
  d.reads("last_cause", When::this_month);
  for (const char* c : {"acc_wage", "acc_operating", "acc_property", "acc_transfer", "acc_pension", "acc_medical"})
    d.reads(c, When::this_month);
  d.reads("assessed_income_pc", When::last_month);
}

}  // namespace povsim

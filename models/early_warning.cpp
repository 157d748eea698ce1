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

namespace {
// A household's code for the month in the step: its signals, one bit each in the order in which
// a flag is attributed to the first open one (the lowest bit set), and whether it is monitored.
constexpr std::int64_t kLowIncome = 1, kCatastrophic = 2, kShock = 4, kIncomeDrop = 8;
constexpr std::int64_t kAnySignal = kLowIncome | kCatastrophic | kShock | kIncomeDrop;
constexpr std::int64_t kMonitored = 16;
}  // namespace

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
  if (ctx.is_january()) {
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      // The packages of the year just assessed, and the evaluation of the year before it.
      package_last[h] = ctx.first_month ? 0.0f : package_ytd[h];
      package_ytd[h] = 0;
      evaluate(ctx, hh, h);
    }
  }

  // Pass 1, without a branch (perf: the per-household branches and the sum of the accumulators
  // were most of this model's time): each household's signals and whether it is monitored, 0 for
  // a household the step leaves alone (not lifted or edge, dissolved, or neither monitored nor
  // signalled). Every signal is computed for every household; pass 2 visits only the others.
  const std::uint32_t b = range.begin, n = range.end - range.begin;
  const double low_bound = state.threshold;                                 // yuan/person/year
  const double shock_bound = params_.shock_income_ratio * state.threshold;  // yuan/person/year
  const double drop_bound = params_.income_drop_ratio * state.threshold;    // yuan/person/year
  const bool shock_signal = params_.shock_income_ratio > 0;
  const double catastrophic_share = params_.catastrophic_share;
  const double line = ctx.poverty_line;
  const std::uint8_t* flags = hh.flags.data() + b;
  const std::uint16_t* model_flags = hh.model_flags.data() + b;
  const std::uint8_t* alive = hh.alive_members.data() + b;
  const std::uint8_t* last_cause = hh.last_cause.data() + b;
  const float* assessed = hh.assessed_income_pc.data() + b;
  const float *acc_wage = hh.acc_wage.data() + b, *acc_operating = hh.acc_operating.data() + b;
  const float *acc_property = hh.acc_property.data() + b, *acc_transfer = hh.acc_transfer.data() + b;
  const float *acc_pension = hh.acc_pension.data() + b, *acc_medical = hh.acc_medical.data() + b;
  const float *pkg_ytd = package_ytd + b, *pkg_last = package_last + b, *med_ytd = medical_ytd + b;
  const std::uint16_t monitored_mask = monitored_.mask;
  std::uint8_t code[kMaxBlockHouseholds];
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint8_t f = flags[i];
    const bool eligible = ((f & hf::dissolved) == 0) & ((f & (hf::lifted | hf::edge)) != 0);
    const int persons = alive[i];
    // Latest assessed income without packages, yuan/person/year (income_without_packages).
    const double income_pc = assessed[i] - pkg_last[i];
    // This year's income so far without packages and medical spending, annualised, for the whole
    // household (yuan/year): HouseholdStore::net_income, term by term in its order, plus the
    // medical spending. Compared with per-person bounds times the members, so that the month's
    // pass needs no division.
    const double net = double(acc_wage[i]) + acc_operating[i] + acc_property[i] + acc_transfer[i] + acc_pension[i] -
                       acc_medical[i];
    const double so_far = (net + acc_medical[i] - double(pkg_ytd[i]) * persons) * annualise;
    const bool low_income = assessed_before & (income_pc < low_bound);
    // Catastrophic spending relative to the household's income (at least the line per person).
    const bool catastrophic = med_ytd[i] > catastrophic_share * std::max(income_pc, line) * persons;
    // A shock this year prompts a look at the household's income: the lower of the latest
    // assessment (without packages) and this year's so far (a household without members counts
    // as below).
    const bool shock = shock_signal & (last_cause[i] != 0) &
                       ((assessed_before & (income_pc < shock_bound)) | (persons == 0) | (so_far < shock_bound * persons));
    const bool income_drop = income_signal & ((persons == 0) | (so_far < drop_bound * persons));
    const std::int64_t signals = low_income * kLowIncome | catastrophic * kCatastrophic | shock * kShock |
                                 income_drop * kIncomeDrop;
    const std::int64_t monitored = ((model_flags[i] & monitored_mask) != 0) * kMonitored;
    code[i] = static_cast<std::uint8_t>((signals | monitored) * eligible);
  }
  if (month == 12)  // each eligible household's latest cause at this December (evaluation)
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint8_t f = flags[i];
      const bool eligible = ((f & hf::dissolved) == 0) & ((f & (hf::lifted | hf::edge)) != 0);
      december_cause[b + i] = eligible ? last_cause[i] : december_cause[b + i];
    }

  // Pass 2: the monitored households and those with an open signal, listed without a branch.
  std::uint32_t visit[kMaxBlockHouseholds];
  std::uint32_t count = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    visit[count] = i;
    count += code[i] != 0;
  }
  std::int64_t flagged = 0, cleared = 0;  // weight units
  std::int64_t by_trigger[4] = {};
  for (std::uint32_t k = 0; k < count; ++k) {
    const std::uint32_t h = b + visit[k];
    const std::uint8_t c = code[visit[k]];
    const std::uint16_t mf = hh.model_flags[h];
    if (c & kMonitored) {
      // Cleared in January when the latest assessment, without last year's packages, is above the
      // threshold and no signal is open.
      if (ctx.is_january() && assessed_before && !(c & kAnySignal)) {
        hh.model_flags[h] = static_cast<std::uint16_t>(mf & ~monitored_.mask);
        cleared += weight_units(hh.weight[h]);
        continue;
      }
      hh.model_flags[h] = static_cast<std::uint16_t>(mf | watched_.mask);
      if (by_need && band(state, need(state, hh, h)) < state.cut_band) continue;  // budget spent
      const double paid = per_month_package * hh.alive_members[h];  // yuan this month
      hh.acc_transfer[h] += static_cast<float>(paid);
      package_ytd[h] += static_cast<float>(per_month_package);
      book.pay(hh, h, paid);
    } else if (ctx.household_stream(kStreamId, h).uniform() < detect) {
      // Flagged now; the package starts next month, once the budget has counted the household.
      hh.model_flags[h] = static_cast<std::uint16_t>(mf | monitored_.mask | watched_.mask);
      if (!(hh.flags[h] & hf::poor)) flag_month[h] = static_cast<std::uint8_t>(month);  // an early warning
      const std::int64_t w = weight_units(hh.weight[h]);
      flagged += w;
      by_trigger[__builtin_ctz(c)] += w;  // the first open signal (c has one: not monitored)
    }
  }
  if (!ctx.tally) return;
  auto& counters = ctx.tally->counters;
  counters[flagged_count_.index] += flagged;
  counters[cleared_count_.index] += cleared;
  counters[cleared_next_january_.index] += cleared;
  for (int k = 0; k < 4; ++k) counters[flagged_by_trigger_[k].index] += by_trigger[k];
  // Monitored at the assessment: December's flags, for lifted and edge households the assessment
  // counts (a living member left).
  if (month != 12) return;
  std::int64_t monitored = 0, persons_lifted = 0, persons_edge = 0, catastrophic = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint8_t f = hh.flags[h];
    const int alive = hh.alive_members[h];
    const bool assessed = (f & (hf::lifted | hf::edge)) && !(f & hf::dissolved) && alive > 0;
    if (!assessed) continue;
    const std::int64_t w = weight_units(hh.weight[h]);
    if (hh.model_flags[h] & monitored_.mask) {
      monitored += w;
      ((f & hf::lifted) ? persons_lifted : persons_edge) += alive * w;
    }
    // Catastrophic health spending (WHO-style): this year's out-of-pocket medical spending after
    // insurance and medical assistance (acc_medical) at least 40 % of the capacity to pay, the
    // year's net income before medical spending minus subsistence (the line per living member);
    // with no capacity left, any spending is catastrophic. Lifted households only.
    const double oop = hh.acc_medical[h];
    const double capacity = hh.net_income(h) + oop - line * alive;
    catastrophic += ((f & hf::lifted) && oop > 0 && oop >= kCatastrophicShareOfCapacity * std::max(capacity, 0.0)) * w;
  }
  counters[monitored_count_.index] += monitored;
  counters[monitored_persons_lifted_.index] += persons_lifted;
  counters[monitored_persons_edge_.index] += persons_edge;
  counters[catastrophic_households_.index] += catastrophic;
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
  monitored_persons_lifted_ = d.counter(g, "monitored_persons_lifted",
                                        "living members of lifted households under monitoring at the December "
                                        "assessment, persons (weighted)");
  monitored_persons_edge_ = d.counter(g, "monitored_persons_edge",
                                      "living members of edge households under monitoring at the December assessment, "
                                      "persons (weighted)");
  cleared_next_january_ = d.counter(g, "cleared_next_january",
                                    "households cleared (out of risk) in the January after year t, i.e. of those "
                                    "counted in monitored_households at December t (last year censored: NaN)",
                                    1);
  catastrophic_households_ = d.counter(
      "/annual/health", "catastrophic_households",
      "lifted households assessed at December whose out-of-pocket medical spending this year (after insurance and "
      "medical assistance) is at least 40 % of their capacity to pay (net income before medical spending minus the "
      "poverty line per living member; any spending if none), households (weighted); over "
      "/annual/lifted/households: the catastrophic health spending rate");
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

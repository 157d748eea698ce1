#include "models/disaster.hpp"

#include <algorithm>
#include <cmath>

#include "models/cause.hpp"

namespace povsim {

void DisasterShock::begin_month(const MonthContext& ctx, State& state) const {
  const auto& counties = *ctx.counties;
  state.severity.assign(counties.size(), 0.0f);
  for (std::uint32_t c = 0; c < counties.size(); ++c) {
    Stream s = ctx.county_stream(kStreamId, c);
    const int r = static_cast<int>(counties[c].region);
    const double p = monthly_probability(params_.annual_probability[r]);
    const double u = s.uniform();
    if (u < p) {
      // U[severity_min, severity_max); written out because Boost's distribution never returns
      // when the two are equal.
      const double severity = params_.severity_min + (params_.severity_max - params_.severity_min) * s.uniform();
      state.severity[c] = static_cast<float>(std::clamp(severity * params_.severity_scale[r], 1e-6, 1.0));
    }
  }
}

void DisasterShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  const auto months = static_cast<std::uint8_t>(params_.recovery_months);
  std::uint8_t* months_left = hh.data(months_left_);
  float* loss = hh.data(loss_);
  const double lost_months = std::min(params_.recovery_months, 12);
  std::int64_t damaged = 0, income_lost = 0;  // weight units, weight units x share
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    if (months_left[h] > 0) --months_left[h];
    const float sev = state.severity[hh.county[h]];
    if (sev == 0.0f) continue;
    Stream s = ctx.household_stream(substream(kStreamId, 1), h);
    if (s.uniform() >= params_.household_exposure) continue;
    months_left[h] = months;
    loss[h] = sev;
    if (hh.savings[h] > 0) hh.savings[h] *= 1.0f - sev * static_cast<float>(params_.savings_loss_per_severity);
    hh.last_cause[h] = code(Cause::disaster);
    // The share of a normal year's market income the damage takes: the operating income lost over
    // the recovery months (at most a year) over a normal year's operating, property and wage
    // income at this month's rates (employed wage earners). Per event, so the member loop is cheap.
    const std::uint32_t first = hh.first_person[h];
    double wages = 0;
    for (std::uint32_t q = first; q < first + hh.persons[h]; ++q) {
      const bool earner = (hh.work[q] == Work::local_wage) | (hh.work[q] == Work::migrant);
      const bool employed = (hh.person_flags[q] & (person_flag::alive | person_flag::unemployed)) == person_flag::alive;
      wages += (earner & employed) * double(hh.wage[q]);
    }
    const double lost = double(sev) * hh.operating_base[h] * lost_months;
    const double normal = 12.0 * (double(hh.operating_base[h]) + hh.property_income[h] + wages);
    const std::int64_t w = weight_units(hh.weight[h]);
    damaged += w;
    income_lost += normal > 0 ? std::llround(static_cast<double>(w) * std::min(1.0, lost / normal)) : 0;
  }
  if (!ctx.tally) return;
  ctx.tally->counters[damaged_count_.index] += damaged;
  ctx.tally->counters[income_loss_count_.index] += income_lost;
}

void DisasterShock::declare(ModelDeclarations& d) {
  months_left_ = d.household_column<std::uint8_t>("disaster_months_left", "months of damaged operating income left");
  loss_ = d.household_column<float>("disaster_loss", "share of operating income lost while damaged, 0-1");
  const std::string g = "/annual/disaster";
  damaged_count_ = d.counter(g, "damaged_households",
                             "households (lifted and edge) damaged by a disaster during the year, households "
                             "(weighted; a household hit twice in a year counts twice)");
  income_loss_count_ = d.counter(
      g, "income_loss_share_sum",
      "sum over the damages counted in damaged_households of the share of a normal year's market income the "
      "damage takes (operating income lost over the recovery months, at most 12, over 12 x (operating base + "
      "property income + wages of employed wage earners) at the month of the hit), households x share "
      "(weighted); divided by damaged_households: the mean income loss of damaged households");
  for (const char* c : {"disaster_months_left", "disaster_loss", "savings", "last_cause"}) d.writes(c);
  // The damage's income share (counters only): demography steps before, the rest after.
  d.reads("alive", When::this_month);
  for (const char* c : {"unemployed", "work", "wage", "operating_base"}) d.reads(c, When::last_month);
}

}  // namespace povsim

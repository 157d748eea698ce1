#include "models/disaster.hpp"

#include <boost/random/uniform_real_distribution.hpp>

#include "models/cause.hpp"

namespace povsim {

void DisasterShock::begin_month(const MonthContext& ctx, State& state) const {
  const auto& counties = *ctx.counties;
  state.severity.assign(counties.size(), 0.0f);
  boost::random::uniform_real_distribution<double> severity(params_.severity_min, params_.severity_max);
  for (std::uint32_t c = 0; c < counties.size(); ++c) {
    Stream s = ctx.county_stream(kStreamId, c);
    const double p = monthly_probability(params_.annual_probability[static_cast<int>(counties[c].region)]);
    const double u = s.uniform();
    if (u < p) state.severity[c] = static_cast<float>(std::max(severity(s), 1e-6));
  }
}

void DisasterShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  const auto months = static_cast<std::uint8_t>(params_.recovery_months);
  std::uint8_t* months_left = hh.data(months_left_);
  float* loss = hh.data(loss_);
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
  }
}

void DisasterShock::declare(ModelDeclarations& d) {
  months_left_ = d.household_column<std::uint8_t>("disaster_months_left", "months of damaged operating income left");
  loss_ = d.household_column<float>("disaster_loss", "share of operating income lost while damaged, 0-1");
  for (const char* c : {"disaster_months_left", "disaster_loss", "savings", "last_cause"}) d.writes(c);
}

}  // namespace povsim

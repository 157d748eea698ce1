#include "models/disaster.hpp"

#include <algorithm>

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

#include "models/market.hpp"

#include <cmath>
#include <vector>

#include "models/cause.hpp"
#include "sim/core/household_reduce.hpp"

namespace povsim {

// Output by product, summed by a reduction in whole fen (exact, the same for any thread count):
// what supported households would sell in a normal month (operating income, which grows with the
// income trend the market is assumed to absorb) and what they can sell this month (less disaster
// damage). The price responds to expansion and to disaster losses of the product's growers.
void MarketInteraction::prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const {
  using Sums = std::vector<std::int64_t>;  // [normal output by product, damaged output by product]
  const Sums output = reduce_households(
      hh, Sums(2 * kProducts, 0),
      [&](Sums& acc, std::uint32_t h) {
        if (hh.dependence[h] == Dependence::none) return;
        const int product = (*ctx.counties)[hh.county[h]].industry;
        const double normal = double(hh.operating_base[h]) * weight_units(hh.weight[h]);
        const double damage = hh.disaster_months_left[h] > 0 ? hh.disaster_loss[h] : 0.0;
        acc[product] += static_cast<std::int64_t>(normal * 100.0 + 0.5);
        acc[kProducts + product] += static_cast<std::int64_t>(normal * (1.0 - damage) * 100.0 + 0.5);
      },
      [](Sums& a, const Sums& b) {
        for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
      });
  const double expansion = params_.expansion.at(ctx.month);
  const double premium = params_.branding_premium.at(ctx.month);
  for (int p = 0; p < kProducts; ++p) {
    const double available = output[p] > 0 ? static_cast<double>(output[kProducts + p]) / output[p] : 1.0;
    state.price[p] = std::pow(expansion * available, -1.0 / params_.elasticity) * (1.0 + premium);
    state.delta[p] = static_cast<float>(expansion * state.price[p] - 1.0);
    state.collapse[p] = state.price[p] < 1.0 - params_.price_collapse_threshold;
  }
}

void MarketInteraction::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  const auto& counties = *ctx.counties;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    if (hh.dependence[h] == Dependence::none) continue;
    const int product = counties[hh.county[h]].industry;
    hh.market_delta[h] = state.delta[product];
    if (state.collapse[product] && ctx.is_january()) hh.last_cause[h] = code(Cause::price_collapse);
  }
}

}  // namespace povsim

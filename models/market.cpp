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
  const std::uint8_t* months_left = hh.data(disaster_months_left_);
  const float* loss = hh.data(disaster_loss_);
  const auto& counties = *ctx.counties;
  // Branch-free (perf: whether a household is supported is data-dependent): an unsupported
  // household adds zero to its county's product.
  const Sums output = reduce_households(ctx, hh, 2 * kProducts, [&](Sums& acc, std::uint32_t h) {
        const std::int64_t supported = hh.dependence[h] != Dependence::none;
        const int product = counties[hh.county[h]].industry;
        const double normal = double(hh.operating_base[h]) * weight_units(hh.weight[h]);
        const double damage = months_left[h] > 0 ? loss[h] : 0.0;
        acc[product] += supported * static_cast<std::int64_t>(normal * 100.0 + 0.5);
        acc[kProducts + product] += supported * static_cast<std::int64_t>(normal * (1.0 - damage) * 100.0 + 0.5);
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
  float* market_delta = hh.data(delta_);
  const Dependence* dependence = hh.dependence.data();
  const std::uint32_t* county = hh.county.data();
  // Branch-free (perf): an unsupported household keeps its market_delta.
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const int product = counties[county[h]].industry;
    market_delta[h] = dependence[h] != Dependence::none ? state.delta[product] : market_delta[h];
  }
  // A price collapse is a shock, marked each January while it lasts.
  if (ctx.is_january())
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      const int product = counties[county[h]].industry;
      if (dependence[h] != Dependence::none && state.collapse[product]) hh.last_cause[h] = code(Cause::price_collapse);
    }
}

void MarketInteraction::declare(ModelDeclarations& d) {
  // Relative change of operating income from the price of the household's product and its output
  // expansion (0: as in 2020); the income process applies it.
  delta_ = d.household_column<float>("market_delta", "relative change of operating income from prices, 0 = as in 2020");
  disaster_months_left_ = d.household_column<std::uint8_t>("disaster_months_left", "months of damaged operating income left");
  disaster_loss_ = d.household_column<float>("disaster_loss", "share of operating income lost while damaged, 0-1");
  for (const char* c : {"market_delta", "last_cause"}) d.writes(c);
  // prepare() sees the population as the month began.
  for (const char* c : {"operating_base", "disaster_months_left", "disaster_loss"}) d.reads(c, When::last_month);
}

}  // namespace povsim

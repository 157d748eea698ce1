#include "models/market.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Households in supported industries; county k % 2 grows product 1 + k % 2.
HouseholdStore supported(std::uint32_t n) {
  HouseholdStore hh = make_store(n, 1, 40, Health::healthy, Work::farming, 1);
  for (std::uint32_t h = 0; h < n; ++h) {
    hh.dependence[h] = Dependence::medium;
    hh.operating_base[h] = 500;
    hh.counties[h].industry = static_cast<std::uint8_t>(1 + h % 2);
  }
  return hh;
}

// Closed form: doubling everyone's output with elasticity 2 sets the price to 2^(-1/2), so
// operating income changes by 2 x 2^(-1/2) - 1 = +41 %; with elasticity 1 revenue is unchanged.
// A fall beyond the threshold is a price-collapse shock.
TEST(MarketInteraction, ExpansionLowersThePriceByTheElasticity) {
  for (double elasticity : {1.0, 2.0}) {
    MarketInteraction::Params p;
    p.elasticity = elasticity;
    p.expansion = StepSchedule{{{YearMonth::of(2021, 1), 2.0}}, 1.0};
    Driven<MarketInteraction> model(p);
    HouseholdStore hh = supported(10);
    Month month(hh, 0);
    model.prepare(month.ctx, hh);
    step_all(model, month.ctx, hh);
    EXPECT_NEAR(model.state.price[1], std::pow(2.0, -1.0 / elasticity), 1e-12);
    EXPECT_NEAR(declared_column<float>(hh, "market_delta")[0], 2 * std::pow(2.0, -1.0 / elasticity) - 1, 1e-6);
    EXPECT_EQ(hh.last_cause[0], code(Cause::price_collapse));
  }
}

// Disaster losses of a product's growers raise its price; other products are unaffected.
TEST(MarketInteraction, DisasterLossesRaiseTheProductsPrice) {
  MarketInteraction::Params p;
  p.elasticity = 1;
  Driven<MarketInteraction> model(p);
  HouseholdStore hh = supported(10);
  for (std::uint32_t h = 0; h < 10; h += 2) declared_column<std::uint8_t>(hh, "disaster_months_left")[h] = 3, declared_column<float>(hh, "disaster_loss")[h] = 0.5;  // product 1
  Month month(hh, 0);
  model.prepare(month.ctx, hh);
  EXPECT_NEAR(model.state.price[1], 2.0, 1e-9);  // half the output can be sold: price doubles
  EXPECT_NEAR(model.state.price[2], 1.0, 1e-12);
}

}  // namespace
}  // namespace povsim

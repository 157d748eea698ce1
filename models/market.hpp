// Market interaction of homogeneous poverty-alleviation industries. Households in a supported
// industry (dependence low, medium or high) sell their county's specialty product; each product is
// one market across all counties that grow it. Its price falls as total output rises, with a
// constant price elasticity of demand:
//   price_p = (expansion x available_p)^(-1 / elasticity) x (1 + branding_premium)
// where expansion is the output of supported industries relative to 2020 (scheduled by the
// scenario) and available_p the share of product p's normal output its growers can sell this month
// after disaster damage (summed over households by a reduction, so it works across MPI ranks
// later). A household's operating income is multiplied by expansion x price. When the price falls
// more than price_collapse_threshold below its 2020 level, the households selling it meet a
// "price_collapse" shock (marked each January while it lasts).
#pragma once

#include <array>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's prices by product (prepare), read by every household's step.
inline constexpr int kMarketProducts = 256;  // product ids are County::industry (0 = none)
struct MarketState {
  std::array<double, kMarketProducts> price{};
  std::array<float, kMarketProducts> delta{};  // expansion x price - 1, by product
  std::array<bool, kMarketProducts> collapse{};
};

class MarketInteraction final : public StatefulModel<MarketState> {
 public:
  static constexpr std::uint32_t kStreamId = 27;  // reserved; the model draws nothing
  struct Params {
    bool enabled = true;
    double elasticity = 1.5;  // price elasticity of demand (absolute). Judgement.
    // Output of supported industries relative to 2020, from each date (expanding the same
    // industries everywhere). Default: unchanged.
    StepSchedule expansion{{}, 1.0};
    // Price premium from branding and standardisation, from each date. Default none.
    StepSchedule branding_premium{{}, 0.0};
    double price_collapse_threshold = 0.15;  // a fall of more than 15 % is a collapse. Judgement.
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("elasticity", elasticity, Bounds{0.05, 100, "price elasticity of demand"});
      v.schedule("expansion", expansion, Bounds{0.01, 100, "output relative to 2020"});
      v.schedule("branding_premium", branding_premium, Bounds{0, 10, "price premium, share"});
      v.number("price_collapse_threshold", price_collapse_threshold, kShare);
    }
  };
  static constexpr int kProducts = kMarketProducts;

  explicit MarketInteraction(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
  ColumnHandle<float> delta_;  // market_delta: relative change of operating income, written here
  ColumnHandle<std::uint8_t> disaster_months_left_;
  ColumnHandle<float> disaster_loss_;
};

}  // namespace povsim

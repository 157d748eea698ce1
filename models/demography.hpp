// Ageing and mortality, once a year in January: members age, some die (Gompertz hazard), wage
// earners past retirement age go back to the farm, children reaching working age start farming.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

class Demography final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 2;
  struct Params {
    bool enabled = true;
    // Annual death probability = gompertz_a * exp(gompertz_b * age). Judgement: about 0.2 % at 40,
    // 3 % at 70, 12 % at 85, the shape of rural Chinese life tables.
    double gompertz_a = 5.5e-5;
    double gompertz_b = 0.09;
    int retirement_age = 65;    // wage earners stop wage work; judgement
    int working_age = 16;       // children start farming; judgement
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("gompertz_a", gompertz_a, Bounds{0, 1, "annual probability at age 0"});
      v.number("gompertz_b", gompertz_b, Bounds{0, 1, "per year of age"});
      v.integer("retirement_age", retirement_age, 16, 120);
      v.integer("working_age", working_age, 10, 30);
    }
  };
  explicit Demography(const Params& params);
  void declare(ModelDeclarations& d) override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override;

 private:
  Params params_;
  Bernoulli death_[256];  // annual death draw by age in years
};

}  // namespace povsim

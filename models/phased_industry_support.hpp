// Phased industry support: an operating-income subsidy for households in supported industries,
// withdrawn on a schedule that differs by how much the industry still depends on support. A step
// down makes the recipients' latest shock "subsidy_withdrawal".
#pragma once

#include <array>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This month's support levels by dependence class (begin_month).
struct PhasedIndustrySupportState {
  std::array<float, 4> level{};         // by Dependence; none stays 0
  std::array<bool, 4> stepped_down{};  // level fell this month
  bool changed = true;                  // some level changed this month
  double budget = 1;                    // this month's budget factor
  BudgetState budget_estimate;
};

class PhasedIndustrySupport final : public StatefulModel<PhasedIndustrySupportState> {
 public:
  static constexpr std::uint32_t kStreamId = 21;  // reserved; the model draws nothing
  struct Params {
    bool enabled = true;
    // Support level relative to 2020, by dependence class. Default: stable through the 2021-2025
    // transition period (brief), then industries that no longer need support lose it first.
    StepSchedule low{{{YearMonth::of(2026, 1), 0.0}}, 1.0};
    StepSchedule medium{{{YearMonth::of(2026, 1), 0.5}, {YearMonth::of(2028, 1), 0.0}}, 1.0};
    StepSchedule high{{{YearMonth::of(2026, 1), 0.8}, {YearMonth::of(2028, 1), 0.5}}, 1.0};
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
    BudgetParams budget{0, Rationing::pro_rata};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("low_dependence", low, Bounds{0, 10, "level relative to 2020"});
      v.schedule("medium_dependence", medium, Bounds{0, 10, "level relative to 2020"});
      v.schedule("high_dependence", high, Bounds{0, 10, "level relative to 2020"});
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::pro_rata}); }
  };
  explicit PhasedIndustrySupport(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void begin_month(const MonthContext& ctx, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;

 private:
  Params params_;
};

}  // namespace povsim

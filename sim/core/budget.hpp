// Annual budgets, one implementation for every policy. Each policy's scenario section has
//   budget_per_household: yuan a year per household in the population (weighted; 0 = no budget)
//   budget_rule:          how a binding budget is shared out
// and the rules a policy supports are listed in its Params (check() refuses others):
//   pro_rata     every payment of the month is scaled by one factor (budget_factor below);
//   by_need      the neediest first, whole need bands at a time (early warning);
//   by_capacity  fewer places: the capacity is cut so that the expected cost fits (training; public-welfare posts).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/config/params.hpp"

namespace povsim {

struct MonthContext;

enum class Rationing : std::uint8_t { pro_rata = 0, by_need = 1, by_capacity = 2 };
inline constexpr std::array<std::string_view, 3> kRationingNames = {"pro_rata", "by_need", "by_capacity"};

struct BudgetParams {
  double per_household = 0;  // yuan/year per household in the population; 0 = none
  Rationing rule = Rationing::pro_rata;

  template <class V>
  void visit(V& v) {
    v.number("budget_per_household", per_household, Bounds{0, 1e7, "yuan/household/year"});
    v.choice("budget_rule", rule, kRationingNames);
  }
  bool binds() const { return per_household > 0; }
  // "" if `rule` is one of `allowed`; otherwise the message for the policy's check().
  template <std::size_t N>
  std::string check(const std::array<Rationing, N>& allowed) const {
    std::string names;
    for (Rationing r : allowed) {
      if (r == rule) return {};
      names += (names.empty() ? "" : ", ") + std::string(kRationingNames[static_cast<int>(r)]);
    }
    return "budget_rule: this policy rations by " + names;
  }
};

// The estimates a pro-rata budget carries from month to month (part of the policy's State).
struct BudgetState {
  double last_factor = 1.0;   // the factor last month's payments were made at
  double unconstrained = 0;   // estimated monthly spending without a budget, yuan
};

// Pro rata: what is left of the year's budget, spread evenly over the months left, divided by what
// the policy would pay unconstrained (estimated from last month's spending and the factor it was
// paid at). Call once a month from begin_month; returns the factor in [0, 1]. `paid_at` is the
// factor last month's payments were made at, for a policy whose payments follow its factor with a
// lag (default: last month's factor). Until a month's spending has been seen the factor is 1; once
// the budget is spent it is 0.
double budget_factor(const MonthContext& ctx, std::uint32_t slot, const BudgetParams& budget, BudgetState& state,
                     double paid_at = -1);

// The year's budget, yuan: budget_per_household times the population's weighted households.
double annual_budget(const MonthContext& ctx, const BudgetParams& budget);

}  // namespace povsim

#include "sim/core/model.hpp"

namespace povsim {

double annual_budget(const MonthContext& ctx, const BudgetParams& budget) {
  return budget.per_household * households_of(ctx.population_weight_units);
}

double budget_factor(const MonthContext& ctx, std::uint32_t slot, const BudgetParams& budget, BudgetState& state,
                     double paid_at) {
  double factor = 1.0;
  if (budget.binds() && ctx.spending) {
    if (paid_at < 0) paid_at = state.last_factor;
    // The last estimate is kept while payments are cut to nothing (nothing to estimate from).
    if (paid_at > 0 && ctx.spending->last_month[slot] > 0) state.unconstrained = ctx.spending->last_month[slot] / paid_at;
    const double left = annual_budget(ctx, budget) - ctx.spending->this_year[slot];
    const int months_left = 13 - ctx.month.month();
    if (left <= 0) factor = 0.0;
    else if (state.unconstrained > 0) factor = std::min(1.0, left / months_left / state.unconstrained);
  }
  state.last_factor = factor;
  return factor;
}

void PopulationSource::generate_part(HouseholdStore& hh, const StreamFactory& rng, std::size_t begin, std::size_t end,
                                     const Reducer&) const {
  if (begin == 0 && end == households()) return generate(hh, rng);
  HouseholdStore all;
  generate(all, rng);
  hh = all.slice(begin, end);
}

}  // namespace povsim

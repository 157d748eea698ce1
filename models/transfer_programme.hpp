// A transfer programme with a level schedule: ecological compensation (models/eco_compensation) is
// one. (Public-welfare posts are jobs with a number of posts: models/public_welfare_posts.) Their 2020 payments are part
// of the population (HouseholdStore::transfer, paid monthly by the income process); the programme
// steps them down or ends them on the scenario's dates (levels relative to 2020) - the
// subsidy-withdrawal shock: recipients' latest shock becomes "subsidy_withdrawal" - and counts
// their fiscal cost. A disabled programme keeps paying its 2020 amounts, uncounted.
#pragma once

#include <string>

#include "models/cause.hpp"
#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

struct ProgrammeLevels {
  bool enabled = true;
  StepSchedule levels;  // relative to 2020; initial 1
  // Annual budget and how a binding one is shared out (sim/core/budget.hpp): pro_rata.
  BudgetParams budget{0, Rationing::pro_rata};
  template <class V>
  void visit(V& v) {
    v.flag("enabled", enabled);
    v.schedule("levels", levels, Bounds{0, 1, "level relative to 2020"});
    budget.visit(v);
  }
  // A programme that has ended cannot restart (its recipients are gone).
  std::string check() const {
    if (std::string bad = budget.check(std::array{Rationing::pro_rata}); !bad.empty()) return bad;
    bool ended = false;
    for (const auto& s : levels.steps) {
      if (ended && s.value > 0) return "levels: a programme cannot restart after its level reaches 0 (" + s.from.str() + ")";
      ended = s.value == 0;
    }
    return {};
  }
};

// A programme's level change this month (begin_month) and the budget factor in force.
struct TransferProgrammeState {
  float ratio = 1.0f;   // this month's amounts / last month's
  double budget = 1.0;  // budget factor in force
  BudgetState budget_estimate;
};

class TransferProgramme : public StatefulModel<TransferProgrammeState> {
 public:
  TransferProgramme(Programme programme, const ProgrammeLevels& params) : programme_(programme), params_(params) {}
  void declare(ModelDeclarations& d) override {
    d.writes(std::string(kProgrammeNames[static_cast<int>(programme_)]));
    d.writes("last_cause");
  }
  // A binding budget acts like a level cut (it is one for the recipients), pro rata.
  void begin_month(const MonthContext& ctx, State& state) const override {
    const double budget = budget_factor(ctx, params_.budget, state.budget_estimate);
    const double before = params_.levels.before(ctx.month, ctx.first_month) * state.budget;
    const double now = params_.levels.at(ctx.month) * budget;
    state.budget = budget;
    state.ratio = before > 0 ? static_cast<float>(now / before) : 1.0f;
  }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override {
    const float ratio = state.ratio;
    auto& amount = hh.transfer[static_cast<int>(programme_)];
    PaymentBook book = payments(ctx);
    // Amounts change only when the level does; in other months the block costs what it did.
    if (ratio == 1.0f && !ctx.is_january() && !ctx.first_month) return book.repeat_last_month();
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      if (amount[h] <= 0) continue;
      if (ratio != 1.0f) {
        amount[h] *= ratio;
        if (ratio < 1.0f) hh.last_cause[h] = code(Cause::subsidy_withdrawal);
      }
      // This month's payment: programmes step before the income process pays the amounts.
      book.pay(hh, h, amount[h]);
    }
  }

 private:
  Programme programme_;
  ProgrammeLevels params_;
};

}  // namespace povsim

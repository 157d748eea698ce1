// Employment support and skills training. Each January a share of working-age members who are
// wage earners, farmers or out of work are trained, within a capacity (unemployed members first:
// twice the probability); training raises a member's wage by a premium, lets trained farmers
// take up wage work, and gives trained unemployed members an extra monthly chance of finding a
// job. Each trainee costs a fixed amount.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// This year's training capacity (share of eligible members), cut to the budget (prepare).
struct SkillsTrainingState {
  double capacity = 0;
};

class SkillsTraining final : public StatefulModel<SkillsTrainingState> {
 public:
  static constexpr std::uint32_t kStreamId = 28;
  struct Params {
    bool enabled = true;
    // Share of eligible untrained members trained each year, from each date (capacity). Judgement.
    StepSchedule capacity{{{YearMonth::of(2021, 1), 0.02}}, std::nullopt};
    double wage_premium = 0.10;  // relative wage gain of trained earners. Judgement.
    // A trained farmer takes up local wage work with this probability in the training year, at
    // the household's mean earner wage or `starting_wage`, whichever is higher. Judgement.
    double job_take_up = 0.3;
    double starting_wage = 2000;  // yuan/month
    double extra_reemployment = 0.10;  // extra monthly job-finding chance of trained unemployed. Judgement.
    double cost_per_trainee = 1500;    // yuan. Judgement.
    // Ages eligible, [min_age, max_age): working age to the statutory retirement age of men.
    // Judgement (the same bounds as the population's working members).
    int min_age = 16;
    int max_age = 60;
    // Annual budget and how a binding one is shared out (sim/core/budget.hpp): by_capacity.
    BudgetParams budget{0, Rationing::by_capacity};
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.schedule("capacity", capacity, kShare);
      v.number("wage_premium", wage_premium, Bounds{0, 10, "relative wage gain"});
      v.number("job_take_up", job_take_up, kProbability);
      v.number("starting_wage", starting_wage, Bounds{0, 1e6, "yuan/month"});
      v.number("extra_reemployment", extra_reemployment, kProbability);
      v.number("cost_per_trainee", cost_per_trainee, Bounds{0, 1e7, "yuan"});
      v.integer("min_age", min_age, 0, 120);
      v.integer("max_age", max_age, 0, 121);
      budget.visit(v);
    }
    std::string check() const { return budget.check(std::array{Rationing::by_capacity}); }
  };
  explicit SkillsTraining(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const override;
  // Whether member q may be trained this January.
  bool eligible(const HouseholdStore& hh, std::uint32_t q) const;

 private:
  Params params_;
  PersonFlag trained_;  // completed skills training
  PersonFlag post_holder_;  // holds a public-welfare post (models/public_welfare_posts): not trained away from it
};

}  // namespace povsim

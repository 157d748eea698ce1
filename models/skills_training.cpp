#include "models/skills_training.hpp"

#include <algorithm>

#include "models/farm_work.hpp"
#include "sim/core/household_reduce.hpp"
#include "sim/core/member_window.hpp"
#include "sim/random/rare_events.hpp"

namespace povsim {

bool SkillsTraining::eligible(const HouseholdStore& hh, std::uint32_t q) const {
  namespace pf = person_flag;
  const std::uint8_t f = hh.person_flags[q];
  const Work work = hh.work[q];
  return (f & pf::alive) && !(f & (trained_.mask | post_holder_.mask)) && hh.age[q] >= params_.min_age && hh.age[q] < params_.max_age && hh.health[q] != Health::disabled &&
         (is_wage_earner(work) || work == Work::farming || work == Work::not_working);
}

// January, under a budget: the expected cost of this year's training (eligible members, weighted,
// times the capacity - twice for the unemployed - times the cost per trainee) against the budget;
// the capacity is cut pro rata when it does not fit. Integer sums: the same for any thread count.
void SkillsTraining::prepare(const MonthContext& ctx, const HouseholdStore& hh, State& state) const {
  if (!(ctx.is_january() || ctx.first_month)) return;
  state.capacity = params_.capacity.at(ctx.month);
  if (!params_.budget.binds() || state.capacity <= 0) return;
  // Eligible members, weight units (the unemployed twice), over the population.
  const std::int64_t trainee_units = reduce_households(ctx, hh, 1, [&](auto& acc, std::uint32_t h) {
    const std::int64_t w = weight_units(hh.weight[h]);
    for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q)
      if (eligible(hh, q)) acc[0] += w * ((hh.person_flags[q] & person_flag::unemployed) ? 2 : 1);
  })[0];
  const double expected = state.capacity * params_.cost_per_trainee * static_cast<double>(trainee_units) / kWeightUnit;
  const double budget = annual_budget(ctx, params_.budget);
  if (expected > budget) state.capacity *= budget / expected;
}

void SkillsTraining::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace pf = person_flag;
  // Trained unemployed members get a second chance at a job each month, from this model's own
  // per-person stream.
  PaymentBook book = payments(ctx);  // books 0 outside January: this month's spending is then 0
  const PersonRange persons = persons_of(hh, range);
  std::uint8_t* flags = hh.person_flags.data();
  for_each_person_with_flags(flags, persons, static_cast<std::uint8_t>(trained_.mask | pf::unemployed), [&](std::uint32_t q) {
    if ((flags[q] & pf::alive) && ctx.person_stream(kStreamId, q).uniform() < params_.extra_reemployment)
      flags[q] = static_cast<std::uint8_t>(flags[q] & ~pf::unemployed);
  });
  if (!ctx.is_january() || state.capacity <= 0) return;
  // Who is trained: a rare event for each eligible member (probability capacity, twice for the
  // unemployed), drawn by thinning so that the few trainees cost a draw each rather than everyone.
  const double unemployed_p = std::min(1.0, 2.0 * state.capacity), other_p = std::min(1.0, state.capacity);
  const RareEvents trainees(ctx, substream(kStreamId, 1), unemployed_p);
  const double rate = RareEvents::candidate_rate(unemployed_p);
  const Bernoulli accept_unemployed = RareEvents::acceptance(unemployed_p, rate);
  const Bernoulli accept_other = RareEvents::acceptance(other_p, rate);
  HouseholdCursor household_of(hh, range);  // candidates come in increasing order
  trainees.for_each_candidate(persons, [&](std::uint32_t q, std::uint32_t raw) {
    if (!eligible(hh, q)) return;
    const std::uint8_t f = hh.person_flags[q];
    if (!((f & pf::unemployed) ? accept_unemployed : accept_other)(raw)) return;
    const std::uint32_t h = household_of(q);
    hh.person_flags[q] = static_cast<std::uint8_t>(f | trained_.mask);
    book.pay(hh, h, params_.cost_per_trainee);
    const Work work = hh.work[q];
    if (is_wage_earner(work)) {
      hh.wage[q] *= static_cast<float>(1.0 + params_.wage_premium);
    } else if (ctx.person_stream(substream(kStreamId, 2), q).uniform() < params_.job_take_up) {
      // A new wage job at the household's mean earner wage, at least the starting wage.
      double earner_wage = 0;
      int earners = 0;
      for (std::uint32_t m = hh.first_person[h]; m < hh.first_person[h] + hh.persons[h]; ++m)
        if (is_wage_earner(hh.work[m]) && (hh.person_flags[m] & pf::alive)) earner_wage += hh.wage[m], ++earners;
      leave_farm(hh, h, q);  // she leaves the farm: her share of operating income goes
      hh.work[q] = Work::local_wage;
      const double wage = std::max(params_.starting_wage, earners ? earner_wage / earners : 0.0);
      hh.wage[q] = static_cast<float>(wage * (1.0 + params_.wage_premium));
    }
  });
}

void SkillsTraining::declare(ModelDeclarations& d) {
  trained_ = d.person_flag("trained");
  post_holder_ = d.person_flag("post_holder");
  for (const char* c : {"trained", "unemployed", "work", "wage", "operating_base"}) d.writes(c);
  for (const char* c : {"age", "health", "post_holder"}) d.reads(c, When::this_month);
}

}  // namespace povsim

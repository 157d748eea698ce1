#include "models/job_loss.hpp"

#include <algorithm>

#include "models/cause.hpp"
#include "sim/core/member_window.hpp"
#include "sim/random/rare_events.hpp"

namespace povsim {

void JobLossShock::begin_month(const MonthContext& ctx, State& state) const {
  const double m = params_.downturn_multiplier.at(ctx.month);
  const double local = std::min(1.0, params_.monthly_hazard_local * m);
  const double migrant = std::min(1.0, params_.monthly_hazard_migrant * m);
  state.max_hazard = std::max(local, migrant);
  const double rate = RareEvents::candidate_rate(state.max_hazard);
  state.loss_given_candidate[0] = RareEvents::acceptance(local, rate);
  state.loss_given_candidate[1] = RareEvents::acceptance(migrant, rate);
  state.reemployment = Bernoulli(params_.monthly_reemployment);
}

void JobLossShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace pf = person_flag;
  std::uint8_t* flags = hh.person_flags.data();
  const Work* works = hh.work.data();
  const PersonRange persons = persons_of(hh, range);
  if (persons.begin == persons.end) return;
  const RareEvents losses(ctx, kStreamId, state.max_hazard);
  const PersonDraws reemployment_draws = ctx.person_draws(substream(kStreamId, 1));
  HouseholdCursor household_of(hh, range);  // candidates come in increasing order
  // Chunk by chunk, so the unemployed at the start of the month can be listed on the stack: each
  // person makes at most one move a month, whatever the order of the two passes.
  for (std::uint32_t c = losses.first_chunk(persons); c <= losses.last_chunk(persons); ++c) {
    std::uint32_t unemployed[RareEvents::kChunk];
    std::uint32_t n_unemployed = 0;
    for_each_person_with_flags(flags, losses.chunk_persons(c, persons), pf::unemployed, [&](std::uint32_t q) { unemployed[n_unemployed++] = q; });

    losses.chunk_candidates(c, persons, [&](std::uint32_t q, std::uint32_t raw) {
      const std::uint8_t f = flags[q];
      const Work work = works[q];
      const bool employed_earner = ((f & (pf::alive | pf::unemployed)) == pf::alive) && is_wage_earner(work);
      if (!(employed_earner && state.loss_given_candidate[work == Work::migrant](raw))) return;
      flags[q] = static_cast<std::uint8_t>(f | pf::unemployed);
      hh.last_cause[household_of(q)] = code(Cause::job_loss);
    });

    PersonDraws draws = reemployment_draws;
    for (std::uint32_t i = 0; i < n_unemployed; ++i) {
      const std::uint32_t q = unemployed[i];
      const bool finds_work = (flags[q] & pf::alive) && is_wage_earner(works[q]) && state.reemployment(draws(q));
      if (finds_work) flags[q] = static_cast<std::uint8_t>(flags[q] & ~pf::unemployed);
    }
  }
}

void JobLossShock::declare(ModelDeclarations& d) {
  for (const char* c : {"unemployed", "last_cause"}) d.writes(c);
  d.reads("work", When::this_month);
}

}  // namespace povsim

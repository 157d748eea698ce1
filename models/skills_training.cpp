#include "models/skills_training.hpp"

#include <algorithm>

namespace povsim {

void SkillsTraining::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  namespace pf = person_flag;
  PaymentBook book = payments(ctx);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint32_t first = hh.first_person[h], end = first + hh.persons[h];
    for (std::uint32_t q = first; q < end; ++q) {
      const std::uint8_t f = hh.person_flags[q];
      if (!(f & pf::alive) || !(f & pf::trained) || !(f & pf::unemployed)) continue;
      // Trained unemployed: a second chance at a job, from this model's own per-person stream.
      if (ctx.stream(kStreamId, q).uniform() < params_.extra_reemployment)
        hh.person_flags[q] = static_cast<std::uint8_t>(f & ~pf::unemployed);
    }
    if (!ctx.is_january() || capacity_ <= 0) continue;
    float earner_wage = 0;
    int earners = 0;
    for (std::uint32_t q = first; q < end; ++q)
      if (is_wage_earner(hh.work[q])) earner_wage += hh.wage[q], ++earners;
    for (std::uint32_t q = first; q < end; ++q) {
      const std::uint8_t f = hh.person_flags[q];
      const Work work = hh.work[q];
      const bool eligible = (f & pf::alive) && !(f & pf::trained) && hh.age[q] >= 16 && hh.age[q] < 60 &&
                            hh.health[q] != Health::disabled &&
                            (is_wage_earner(work) || work == Work::farming || work == Work::not_working);
      if (!eligible) continue;
      Stream s = ctx.stream(substream(kStreamId, 1), q);
      const double p = std::min(1.0, capacity_ * ((f & pf::unemployed) ? 2.0 : 1.0));
      if (s.uniform() >= p) continue;
      hh.person_flags[q] = f | pf::trained;
      book.pay(hh, h, params_.cost_per_trainee);
      if (is_wage_earner(work)) {
        hh.wage[q] *= static_cast<float>(1.0 + params_.wage_premium);
      } else if (s.uniform() < params_.job_take_up) {
        hh.work[q] = Work::local_wage;
        const double wage = std::max(params_.starting_wage, earners ? double(earner_wage) / earners : 0.0);
        hh.wage[q] = static_cast<float>(wage * (1.0 + params_.wage_premium));
      }
    }
  }
}

}  // namespace povsim

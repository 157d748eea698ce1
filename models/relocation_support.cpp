#include "models/relocation_support.hpp"

#include "models/farm_work.hpp"

namespace povsim {

void RelocationSupport::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace pf = person_flag;
  PaymentBook book = payments(ctx);
  const std::uint16_t* sick_until = hh.data(sick_until_);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    if (!(hh.flags[h] & household_flag::relocated)) continue;
    if (state.services > 0) {
      const double value = state.services * hh.alive_members[h];
      hh.acc_transfer[h] += static_cast<float>(value);
      book.pay(hh, h, value);
    }
    const std::uint32_t first = hh.first_person[h], end = first + hh.persons[h];
    for (std::uint32_t q = first; q < end; ++q) {
      const std::uint8_t f = hh.person_flags[q];
      if (!(f & pf::alive)) continue;
      if (ctx.is_january() && !(f & (site_job_.mask | post_holder_.mask)) && hh.age[q] >= params_.min_age && hh.age[q] < params_.max_age &&
          hh.health[q] != Health::disabled && (hh.work[q] == Work::farming || hh.work[q] == Work::not_working) &&
          ctx.person_stream(kStreamId, q).uniform() < state.take_up) {
        leave_farm(hh, h, q);  // a farmer leaves the farm: her share of operating income goes
        hh.work[q] = Work::local_wage;
        hh.wage[q] = static_cast<float>(params_.site_wage);
        hh.person_flags[q] = static_cast<std::uint8_t>(f | site_job_.mask);
      }
      // The wage subsidy of site jobs held and worked this month (the wage itself is paid by the
      // income process).
      const bool working = is_wage_earner(hh.work[q]) && !(hh.person_flags[q] & pf::unemployed) &&
                           sick_until[q] <= ctx.step;
      if ((hh.person_flags[q] & site_job_.mask) && working)
        book.pay(hh, h, params_.wage_subsidy_share * hh.wage[q] * state.budget);
    }
  }
}

void RelocationSupport::declare(ModelDeclarations& d) {
  site_job_ = d.person_flag("site_job");
  post_holder_ = d.person_flag("post_holder");
  sick_until_ = d.person_column<std::uint16_t>("sick_until", "step from which the person can work again, months");
  for (const char* c : {"site_job", "work", "wage", "operating_base", "acc_transfer"}) d.writes(c);
  for (const char* c : {"sick_until", "unemployed", "age", "health", "post_holder"}) d.reads(c, When::this_month);
}

}  // namespace povsim

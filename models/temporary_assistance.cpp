#include "models/temporary_assistance.hpp"

namespace povsim {

void TemporaryAssistance::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range,
                               const State& state) const {
  namespace hf = household_flag;
  PaymentBook book = payments(ctx);
  const int month = ctx.month.month();
  const double annualise = 12.0 / month;
  const double bound = params_.income_ratio * ctx.poverty_line;  // yuan/person/year
  const double per_person = params_.months_of_standard * ctx.poverty_line / 12.0 * state.factor;  // yuan
  std::int64_t assisted = 0;  // weight units
  if (ctx.is_january())  // a new year: everyone may be assisted again
    for (std::uint32_t h = range.begin; h < range.end; ++h)
      hh.model_flags[h] = static_cast<std::uint16_t>(hh.model_flags[h] & ~assisted_.mask);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    // Only households with a shock this year can be eligible: the cheap test first (most have none).
    if (hh.last_cause[h] == 0) continue;
    const std::uint16_t model_flags = hh.model_flags[h];
    const std::uint8_t flags = hh.flags[h];
    const int persons = hh.alive_members[h];
    // A household already assisted this year, or gone, is not eligible.
    if ((model_flags & assisted_.mask) || persons == 0 || (flags & hf::dissolved) || !(flags & (hf::lifted | hf::edge)))
      continue;
    // Income so far this year after medical spending, annualised, against the bound per person.
    if (hh.net_income(h) * annualise >= bound * persons) continue;
    if (ctx.household_stream(kStreamId, h).uniform() >= params_.monthly_take_up) continue;
    const double paid = per_person * persons;
    hh.acc_transfer[h] += static_cast<float>(paid);
    hh.savings[h] += static_cast<float>(paid);
    hh.model_flags[h] = static_cast<std::uint16_t>(model_flags | assisted_.mask);
    book.pay(hh, h, paid);
    assisted += weight_units(hh.weight[h]);
  }
  if (ctx.tally) ctx.tally->counters[assisted_count_.index] += assisted;
}

void TemporaryAssistance::declare(ModelDeclarations& d) {
  assisted_ = d.household_flag("temporary_assistance_this_year");
  assisted_count_ = d.counter("/annual/temporary_assistance", "assisted_households",
                              "households (lifted and edge) granted temporary assistance during the year");
  for (const char* c : {"temporary_assistance_this_year", "acc_transfer", "savings"}) d.writes(c);
  for (const char* c : {"last_cause", "acc_wage", "acc_operating", "acc_property", "acc_transfer", "acc_pension",
                        "acc_medical"})
    d.reads(c, When::this_month);
}

}  // namespace povsim

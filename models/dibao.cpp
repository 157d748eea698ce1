#include "models/dibao.hpp"

#include <algorithm>

namespace povsim {


void Dibao::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const State& state) const {
  namespace hf = household_flag;
  auto& benefit = hh.transfer[static_cast<int>(Programme::dibao)];  // yuan/month, paid by the income process
  if (ctx.first_month)  // households receiving dibao in 2020 start enrolled
    for (std::uint32_t h = range.begin; h < range.end; ++h)
      if (benefit[h] > 0) hh.model_flags[h] |= enrolled_.mask;
  PaymentBook book = payments(ctx);
  // Regular benefits change only at the December review, so they are booked one by one in
  // January and repeated in the other months.
  if (ctx.is_january() || ctx.first_month || params_.budget.binds())
    for (std::uint32_t h = range.begin; h < range.end; ++h) book.pay(hh, h, benefit[h]);
  else
    book.repeat_last_month();
  // A budget factor that changed applies to the benefits from next month (the income process has
  // paid this month's already).
  if (state.budget != state.previous_budget && state.previous_budget > 0) {
    const float rescale = static_cast<float>(state.budget / state.previous_budget);
    for (std::uint32_t h = range.begin; h < range.end; ++h) benefit[h] *= rescale;
  }
  if (ctx.month.month() == 12) review(ctx, hh, range, book, state.budget);
}

// December, after every income of the year is in and before the engine's assessment.
void Dibao::review(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, PaymentBook& book, double budget) const {
  namespace hf = household_flag;
  auto& benefit = hh.transfer[static_cast<int>(Programme::dibao)];
  const double standard_now = standard(ctx.month, ctx.poverty_line);
  const YearMonth next_january = YearMonth::of(ctx.month.year() + 1, 1);
  const double standard_next = standard(next_january, ctx.next_poverty_line);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    if (hh.flags[h] & hf::dissolved) continue;
    const int alive = hh.alive_members[h];
    if (alive == 0) continue;
    const double net = hh.net_income(h);  // yuan this year, dibao included
    if (params_.year_end_settlement && (hh.model_flags[h] & enrolled_.mask)) {
      const double shortfall = standard_now * alive - net;
      if (shortfall > 0) {
        hh.acc_transfer[h] += static_cast<float>(shortfall);
        book.pay(hh, h, shortfall);
      }
    }
    // The means test: this year's income without dibao (regular benefits are constant within a
    // year: they change only here), per person.
    // (`net` was taken before the settlement, so only the regular benefits come off.)
    const double regular = 12.0 * benefit[h];
    const double income_pc = (net - regular) / alive;
    const bool eligible = income_pc < standard_next;
    const bool was_enrolled = hh.model_flags[h] & enrolled_.mask;
    if (!eligible && was_enrolled && next_january < params_.exits_from) continue;  // kept, unchanged
    Stream s = ctx.household_stream(kStreamId, h);
    const double u = s.uniform();
    const bool enrolled = eligible ? u >= params_.exclusion_rate
                                   : income_pc < params_.inclusion_band * standard_next && u < params_.inclusion_rate;
    const double per_person = std::max(params_.minimum_benefit,
                                       standard_next - params_.withdrawal_rate * std::max(0.0, income_pc));
    hh.model_flags[h] = static_cast<std::uint16_t>(enrolled ? (hh.model_flags[h] | enrolled_.mask)
                                                         : (hh.model_flags[h] & ~enrolled_.mask));
    benefit[h] = enrolled ? static_cast<float>(per_person * alive / 12.0 * budget) : 0.0f;
  }
}

void Dibao::declare(ModelDeclarations& d) {
  enrolled_ = d.household_flag("dibao_enrolled");
  for (const char* c : {"dibao_enrolled", "dibao", "acc_transfer"}) d.writes(c);
  for (const char* c : {"acc_wage", "acc_operating", "acc_property", "acc_transfer", "acc_pension", "acc_medical"})
    d.reads(c, When::this_month);
}

}  // namespace povsim

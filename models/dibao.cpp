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
  // Regular benefits change only at the December review and at the end of the gradual exits (all
  // start in January, so all end after the payment of month gradual_exit_months), so they are
  // booked one by one in January and the month after the exits end, and repeated otherwise.
  const int exit_months = params_.gradual_exit_months;
  const bool exits_ended_last_month = exit_months > 0 && ctx.month.month() == exit_months + 1;
  if (ctx.is_january() || ctx.first_month || params_.budget.binds() || exits_ended_last_month)
    for (std::uint32_t h = range.begin; h < range.end; ++h) book.pay(hh, h, benefit[h]);
  else
    book.repeat_last_month();
  // A budget factor that changed applies to the benefits from next month (the income process has
  // paid this month's already).
  if (state.budget != state.previous_budget && state.previous_budget > 0) {
    const float rescale = static_cast<float>(state.budget / state.previous_budget);
    for (std::uint32_t h = range.begin; h < range.end; ++h) benefit[h] *= rescale;
  }
  // Gradual exits end: this month's benefit was the last.
  if (exit_months > 0 && ctx.month.month() == exit_months && !ctx.first_month) {
    float* exit_benefit = hh.data(exit_benefit_);
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      if (!(hh.model_flags[h] & exiting_.mask)) continue;
      exit_benefit[h] = benefit[h];
      benefit[h] = 0;
      hh.model_flags[h] = static_cast<std::uint16_t>(hh.model_flags[h] & ~(enrolled_.mask | exiting_.mask));
    }
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
  float* exit_benefit = hh.data(exit_benefit_);
  std::int64_t enrolled_persons[2] = {};  // lifted, edge: weight units x living members
  // Counted after the household's review (every path below that keeps the household ends here).
  auto count = [&](std::uint32_t h, int alive) {
    const std::uint8_t f = hh.flags[h];
    const bool enrolled = (hh.model_flags[h] & enrolled_.mask) != 0;
    const std::int64_t persons = enrolled * std::int64_t{alive} * weight_units(hh.weight[h]);
    enrolled_persons[0] += ((f & hf::lifted) != 0) * persons;
    enrolled_persons[1] += ((f & hf::edge) != 0) * persons;
  };
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
    // The means test: this year's income without dibao, per person. Regular benefits are constant
    // within a year (they change only here), and a gradual exit that ended this year paid its
    // benefit for gradual_exit_months months. (`net` was taken before the settlement, so only
    // these come off.)
    const double regular = 12.0 * benefit[h] + double(params_.gradual_exit_months) * exit_benefit[h];
    exit_benefit[h] = 0;
    const double income_pc = (net - regular) / alive;
    const bool eligible = income_pc < standard_next;
    const std::uint16_t flags = hh.model_flags[h];
    const bool was_enrolled = flags & enrolled_.mask;
    const double per_person = std::max(params_.minimum_benefit,
                                       standard_next - params_.withdrawal_rate * std::max(0.0, income_pc));
    const float new_benefit = static_cast<float>(per_person * alive / 12.0 * budget);
    if (was_enrolled) {
      if (eligible) {  // still qualifies: stays, with the benefit for next year's standard
        hh.model_flags[h] = static_cast<std::uint16_t>(flags & ~exiting_.mask);
        benefit[h] = new_benefit;
      } else if (next_january >= params_.exits_from) {  // above the standard: leaves, gradually
        if (params_.gradual_exit_months > 0) {
          hh.model_flags[h] = static_cast<std::uint16_t>(flags | exiting_.mask);  // benefit kept until the exit ends
        } else {
          hh.model_flags[h] = static_cast<std::uint16_t>(flags & ~(enrolled_.mask | exiting_.mask));
          benefit[h] = 0;
        }
      }  // before exits_from: kept, unchanged
      count(h, alive);
      continue;
    }
    // Not enrolled: taken in if eligible, unless missed (exclusion error); taken in by an inclusion
    // error if near the standard.
    const double u = ctx.household_stream(kStreamId, h).uniform();
    const bool enrolled = eligible ? u >= params_.exclusion_rate
                                   : income_pc < params_.inclusion_band * standard_next && u < params_.inclusion_rate;
    if (!enrolled) continue;
    hh.model_flags[h] = static_cast<std::uint16_t>(flags | enrolled_.mask);
    benefit[h] = new_benefit;
    count(h, alive);
  }
  if (!ctx.tally) return;
  ctx.tally->counters[enrolled_lifted_persons_.index] += enrolled_persons[0];
  ctx.tally->counters[enrolled_edge_persons_.index] += enrolled_persons[1];
}

void Dibao::declare(ModelDeclarations& d) {
  enrolled_ = d.household_flag("dibao_enrolled");
  exiting_ = d.household_flag("dibao_exiting");
  exit_benefit_ = d.household_column<float>("dibao_exit_benefit", "monthly dibao paid during this year's gradual exit, yuan");
  const std::string enrolled = "living members of households enrolled in dibao after the December review (those in a "
                               "gradual exit included), ";
  enrolled_lifted_persons_ = d.counter("/annual/dibao", "enrolled_persons_lifted",
                                       enrolled + "lifted households, persons (weighted)");
  enrolled_edge_persons_ = d.counter("/annual/dibao", "enrolled_persons_edge",
                                     enrolled + "edge households, persons (weighted)");
  for (const char* c : {"dibao_enrolled", "dibao_exiting", "dibao_exit_benefit", "dibao", "acc_transfer"}) d.writes(c);
  for (const char* c : {"acc_wage", "acc_operating", "acc_property", "acc_transfer", "acc_pension", "acc_medical"})
    d.reads(c, When::this_month);
}

}  // namespace povsim

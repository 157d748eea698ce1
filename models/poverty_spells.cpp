#include "models/poverty_spells.hpp"

#include <algorithm>
#include <string>

namespace povsim {

// Only in January, when hh.flags holds the December assessment just made (the horizon starts in a
// January: the first month records the population's status at the December before the horizon).
void PovertySpells::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  namespace hf = household_flag;
  if (!ctx.is_january()) return;
  std::uint8_t* spell = hh.data(spell_years_);
  std::uint8_t* out = hh.data(out_years_);
  if (ctx.first_month) {
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      spell[h] = (hh.flags[h] & hf::poor) ? kUnknownStart : 0;
      out[h] = 0;
    }
    return;
  }
  // Weight units by duration index (d - 1, capped at kDurations - 1), for this block.
  std::int64_t in_spell[kDurations] = {}, exits[kDurations] = {}, out_of_poverty[kDurations] = {},
               reentries[kDurations] = {};
  auto index = [](std::uint8_t years) { return std::min<int>(years, kDurations) - 1; };
  auto next = [](std::uint8_t years) { return static_cast<std::uint8_t>(std::min<int>(years + 1, kMaxYears)); };
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint8_t flags = hh.flags[h];
    // Only households the assessment counted (lifted or edge, a living member): a household gone
    // since the previous December leaves the households at risk without an exit or a re-entry, and
    // its columns keep their last values.
    if (!(flags & (hf::lifted | hf::edge)) || (flags & hf::dissolved)) continue;
    const bool poor = flags & hf::poor;  // at December t
    // Counted: lifted households (edge households are tracked but not counted).
    const std::int64_t w = (flags & hf::lifted) ? weight_units(hh.weight[h]) : 0;
    if (spell[h] != 0) {  // poor at December t - 1
      if (spell[h] != kUnknownStart) {
        in_spell[index(spell[h])] += w;
        if (!poor) exits[index(spell[h])] += w;
      }
      if (poor) {
        spell[h] = spell[h] == kUnknownStart ? kUnknownStart : next(spell[h]);
      } else {
        spell[h] = 0;
        out[h] = 1;
      }
    } else if (out[h] != 0) {  // out of poverty at December t - 1 after an exit seen in the horizon
      out_of_poverty[index(out[h])] += w;
      if (poor) {
        reentries[index(out[h])] += w;
        spell[h] = 1;
        out[h] = 0;
      } else {
        out[h] = next(out[h]);
      }
    } else if (poor) {  // a first spell in the horizon: its start is seen
      spell[h] = 1;
    }
  }
  if (!ctx.tally) return;
  auto& c = ctx.tally->counters;
  for (int d = 0; d < kDurations; ++d) {
    c[in_spell_[d].index] += in_spell[d];
    c[exits_[d].index] += exits[d];
    c[out_of_poverty_[d].index] += out_of_poverty[d];
    c[reentries_[d].index] += reentries[d];
  }
}

void PovertySpells::declare(ModelDeclarations& d) {
  spell_years_ = d.household_column<std::uint8_t>(
      "poverty_spell_years",
      "consecutive Decembers assessed poor up to the latest assessment, years (0: not poor; 255: poor since "
      "before the horizon, start unknown; saturates at 254)");
  out_years_ = d.household_column<std::uint8_t>(
      "years_since_exit",
      "consecutive Decembers not poor since an exit from poverty seen inside the horizon, years (0: poor, or no "
      "exit seen; saturates at 254)");
  const std::string g = "/annual/poverty_dynamics";
  const std::string assessed = "lifted households assessed at December t (with a living member) ";
  const std::string censored = "; year t = the December the outcome is seen (last year censored: NaN)";
  for (int k = 0; k < kDurations; ++k) {
    const bool last = k == kDurations - 1;
    const std::string years = std::to_string(k + 1) + (last ? "plus" : "");
    const std::string span = std::to_string(k + 1) + (last ? " or more" : "");
    in_spell_[k] = d.counter(g, "in_spell_" + years,
                             assessed + "in a poverty spell of " + span +
                                 " consecutive Decembers at December t-1, begun inside the horizon (at risk of exit)" +
                                 censored,
                             1);
    exits_[k] = d.counter(g, "exits_" + years,
                          "households counted in in_spell_" + years + " not poor at December t (exits)" + censored, 1);
    out_of_poverty_[k] = d.counter(g, "out_of_poverty_" + years,
                                   assessed + "out of poverty for " + span +
                                       " consecutive Decembers at December t-1 after an exit seen inside the "
                                       "horizon (at risk of re-entry)" +
                                       censored,
                                   1);
    reentries_[k] = d.counter(g, "reentries_" + years,
                              "households counted in out_of_poverty_" + years + " poor at December t (re-entries)" +
                                  censored,
                              1);
  }
  for (const char* c : {"poverty_spell_years", "years_since_exit"}) d.writes(c);
  d.reads("flags", When::last_month);  // the December assessment's poor, lifted, edge, dissolved bits
}

}  // namespace povsim

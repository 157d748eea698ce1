// Poverty spells: an observer that records how long households stay poor and how long they stay
// out after leaving poverty, so that exit and re-entry rates by duration (CFPS: 37 % of the poor
// exit after one year of poverty, under 9 % after five; negative duration dependence of exit and
// re-entry) can be read from a run. It changes no income and draws nothing: durations come from
// the income process and shocks, through the engine's December assessments.
//
// When it observes: the engine assesses households in December after every model has stepped
// (sim/core/run.cpp), so a model sees December t's `poor` flag only from January t + 1. The
// observer therefore updates its columns in January, and its counters, added in January t + 1,
// are declared with a lag of one year: the results file writes them at year t (transitions from
// December t - 1 to December t), and the last year of the horizon is censored (NaN).
//
// Left censoring: the status at the December before the horizon is the population's `poor` flag
// (the engine's convention too: return rates count every household as at risk at the first
// assessment). A household poor at the start is in a spell whose beginning was not observed: it is
// tracked as such (kUnknownStart) and never counted at risk of exit. Years out of poverty are
// counted only from an exit seen inside the horizon; lifted households' exits before 2021 are
// unobserved, and their first fall is the engine's return rate, not a re-entry here.
#pragma once

#include <cstdint>

#include "sim/config/params.hpp"
#include "sim/core/model.hpp"

namespace povsim {

class PovertySpells final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 40;  // reserved; the model draws nothing
  struct Params {
    bool enabled = true;
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
    }
  };
  explicit PovertySpells(const Params&) {}
  void declare(ModelDeclarations& d) override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override;

  // Durations counted apart: 1, 2, 3, 4 and 5 or more years.
  static constexpr int kDurations = 5;
  // poverty_spell_years of a household poor when the run started: its spell's start is unknown.
  static constexpr std::uint8_t kUnknownStart = 255;
  // Durations saturate here (years); only 1..kDurations are told apart in the outputs.
  static constexpr std::uint8_t kMaxYears = 254;

 private:
  // Per household, as of the latest assessment: consecutive Decembers assessed poor (0: not poor;
  // kUnknownStart: poor since before the horizon), and consecutive Decembers not poor since an exit
  // seen inside the horizon (0: poor, or no exit seen).
  ColumnHandle<std::uint8_t> spell_years_, out_years_;
  // /annual/poverty_dynamics, lifted households, by duration d (index d - 1, last 5+), with a lag
  // of one year: in a spell of d years at December t - 1 and assessed at December t; of those, not
  // poor at December t; out of poverty k years after an exit at December t - 1 and assessed at
  // December t; of those, poor at December t.
  CounterHandle in_spell_[kDurations], exits_[kDurations], out_of_poverty_[kDurations], reentries_[kDurations];
};

}  // namespace povsim

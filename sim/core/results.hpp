// What a run measures: per replicate and assessment year, weighted counts of households. Rates are
// derived from counts when written. Counts are integers in weight units (kWeightUnit per household
// of weight 1), so partial results combine exactly, in any order, across threads and, later, MPI
// ranks: survey weights are honoured to 1/1000 of a household.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/columns.hpp"
#include "sim/core/region.hpp"

namespace povsim {

inline constexpr int kMaxCauses = 16;
inline constexpr int kMaxModels = 32;  // models in a scenario (one bit each in HouseholdStore::benefits)

__extension__ using Int128 = __int128;  // GCC/Clang; exact sums of weighted incomes

// Weight units per household of weight 1.
inline constexpr std::int64_t kWeightUnit = 1000;
// Rounded to the nearest unit (weights are positive; a plain conversion, not llround, because this
// runs for every payment of every policy).
inline std::int64_t weight_units(float weight) {
  return static_cast<std::int64_t>(static_cast<double>(weight) * kWeightUnit + 0.5);
}
inline double households_of(std::int64_t units) { return static_cast<double>(units) / kWeightUnit; }

// Weighted counts (weight units) over the households of one group (lifted, or edge) still in
// existence at an assessment. For edge households "returned" means newly poor.
struct HouseholdCounts {
  std::int64_t households = 0;     // assessed households
  std::int64_t at_risk = 0;        // ... that were above the line at the previous assessment
  std::int64_t returned = 0;       // ... of those, below the line now (returned this year)
  std::int64_t poor = 0;           // below the line now
  std::int64_t ever_returned = 0;  // returned at least once since the start

  HouseholdCounts& operator+=(const HouseholdCounts& o) {
    households += o.households, at_risk += o.at_risk, returned += o.returned, poor += o.poor;
    ever_returned += o.ever_returned;
    return *this;
  }
  friend bool operator==(const HouseholdCounts&, const HouseholdCounts&) = default;
};

struct YearTally {
  HouseholdCounts all;   // lifted households
  HouseholdCounts edge;  // never-registered households near the line
  std::array<HouseholdCounts, kRegionTypes> by_region{};
  std::array<std::int64_t, kMaxCauses> returned_by_cause{};  // indexed by cause code
  std::array<std::int64_t, kMaxCauses> at_risk_by_cause{};  // at-risk households whose latest shock had this cause
  std::int64_t persons = 0;        // living members of assessed lifted households, weight units
  // Weighted sum over assessed lifted households of per-capita net income, in fen (0.01 yuan) times
  // weight units, as an integer so that the sum is exact and independent of how households are
  // split across threads or ranks (128 bits: 30 M households of weight 10^4 at 10^7 fen fit).
  Int128 income_per_capita_fen_sum = 0;
  // Fiscal accounting by model slot (the scenario's model order): payments in fen times weight
  // units, and households paid at least once this year (weight units).
  std::array<Int128, kMaxModels> model_cost_fen{};
  std::array<Int128, kMaxModels> model_cost_last_month{};  // for PaymentBook::repeat_last_month
  std::array<std::int64_t, kMaxModels> model_beneficiaries{};
  // Counters models declared (ModelDeclarations::counter), weight units, by counter index.
  std::array<std::int64_t, kMaxCounters> counters{};
  double model_cost_yuan(int slot) const {
    return static_cast<double>(model_cost_fen[slot]) / (100.0 * static_cast<double>(kWeightUnit));
  }
  double mean_income_per_capita() const {  // yuan/person/year, over lifted households
    return all.households ? 0.01 * static_cast<double>(income_per_capita_fen_sum) / static_cast<double>(all.households)
                          : 0.0;
  }

  // f(count) for every count of the tally (int64 and Int128 fields), in a fixed order; with a
  // second tally, f(count, other's count). One list, so adding a field cannot miss the sums.
  template <class T, class F>
  static void each_count(T& t, F&& f) {
    auto counts = [&](auto& c) { f(c.households), f(c.at_risk), f(c.returned), f(c.poor), f(c.ever_returned); };
    counts(t.all);
    counts(t.edge);
    for (auto& c : t.by_region) counts(c);
    for (auto& v : t.returned_by_cause) f(v);
    for (auto& v : t.at_risk_by_cause) f(v);
    f(t.persons);
    f(t.income_per_capita_fen_sum);
    for (auto& v : t.model_cost_fen) f(v);
    for (auto& v : t.model_cost_last_month) f(v);
    for (auto& v : t.model_beneficiaries) f(v);
    for (auto& v : t.counters) f(v);
  }
  YearTally& operator+=(const YearTally& o);
  friend bool operator==(const YearTally&, const YearTally&) = default;
};

struct RunResults {
  std::vector<int> years;
  std::vector<double> poverty_line;            // yuan/person/year, per year
  std::vector<std::vector<YearTally>> tallies;  // [replicate][year], the replicates run
  std::vector<std::uint32_t> replicate_index;   // the scenario's replicate number of each
  std::vector<std::string> cause_names;
  std::vector<std::string> model_paths;  // by slot, e.g. "policies.dibao"
  std::vector<CounterSpec> counters;     // the counters models declared, by index
  std::string name;         // the scenario's (Scenario::display_name)
  std::string description;  // the scenario's `description`, '' if none
  std::uint64_t households = 0;
  bool population_per_replicate = false;  // each replicate drew its own population (RunSettings)
  double seconds = 0;  // wall time of the simulation proper
};

inline double rate(std::int64_t num, std::int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

}  // namespace povsim

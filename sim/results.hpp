// What a run measures: per replicate and assessment year, counts of households. Rates are derived
// from counts when written, so partial results combine exactly (integer sums) across threads and,
// later, MPI ranks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/region.hpp"

namespace povsim {

inline constexpr int kMaxCauses = 16;

// Counts over lifted households still in existence at an assessment.
struct LiftedCounts {
  std::int64_t households = 0;     // assessed lifted households
  std::int64_t at_risk = 0;        // ... that were above the line at the previous assessment
  std::int64_t returned = 0;       // ... of those, below the line now (returned this year)
  std::int64_t poor = 0;           // below the line now
  std::int64_t ever_returned = 0;  // returned at least once since the start

  LiftedCounts& operator+=(const LiftedCounts& o) {
    households += o.households, at_risk += o.at_risk, returned += o.returned, poor += o.poor;
    ever_returned += o.ever_returned;
    return *this;
  }
  friend bool operator==(const LiftedCounts&, const LiftedCounts&) = default;
};

struct YearTally {
  LiftedCounts all;
  std::array<LiftedCounts, kRegionTypes> by_region{};
  std::array<std::int64_t, kMaxCauses> returned_by_cause{};  // indexed by cause code
  std::array<std::int64_t, kMaxCauses> at_risk_by_cause{};  // at-risk households whose latest shock had this cause
  std::int64_t persons = 0;        // living members of assessed lifted households
  // Sum over assessed lifted households of per-capita net income, in fen (0.01 yuan), as an integer
  // so that the sum is exact and independent of how households are split across threads or ranks.
  std::int64_t income_per_capita_fen_sum = 0;

  YearTally& operator+=(const YearTally& o);
  friend bool operator==(const YearTally&, const YearTally&) = default;
};

struct RunResults {
  std::vector<int> years;
  std::vector<double> poverty_line;            // yuan/person/year, per year
  std::vector<std::vector<YearTally>> tallies;  // [replicate][year]
  std::vector<std::string> cause_names;
  std::uint64_t households = 0;
  double seconds = 0;  // wall time of the simulation proper
};

inline double rate(std::int64_t num, std::int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

}  // namespace povsim

// The one small interface every domain model (income process, shock, policy) implements.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/household_store.hpp"
#include "sim/rng.hpp"

namespace povsim {

// Everything a model may know about the month being simulated. Models get configuration from
// their own Params (fixed at construction) and everything else from here: no globals.
struct MonthContext {
  YearMonth month;            // calendar month being simulated
  std::uint32_t step = 0;     // months since the start of the horizon; the RNG step
  bool first_month = false;   // the horizon's first month
  const StreamFactory* rng = nullptr;
  const std::vector<County>* counties = nullptr;

  bool is_january() const { return month.month() == 1; }
  Stream stream(std::uint32_t model_stream, std::uint32_t entity) const {
    return rng->stream(model_stream, entity, step);
  }
};

// Households [begin, end); a model may touch only these households and their members.
struct HouseholdRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

class Model {
 public:
  virtual ~Model() = default;

  // Once a month, before any household is stepped, on one thread: schedule look-ups and draws
  // shared by a whole county (computed for every county, so every MPI rank gets the same).
  virtual void begin_month(const MonthContext& /*ctx*/) {}

  // Advances households in `range` by one month. Called concurrently on disjoint ranges.
  virtual void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const = 0;
};

// Builds the initial household population (synthetic, or later read from microdata).
class PopulationSource {
 public:
  virtual ~PopulationSource() = default;
  virtual std::size_t households() const = 0;
  // Expected persons per household, for the memory estimate made before allocating.
  virtual double persons_per_household() const = 0;
  virtual void generate(HouseholdStore& hh, const StreamFactory& rng) const = 0;
};

// Converts an annual event probability to the monthly one with the same yearly total.
inline double monthly_probability(double annual) { return 1.0 - std::pow(1.0 - annual, 1.0 / 12.0); }

}  // namespace povsim

// The one small interface every domain model (income process, shock, policy) implements.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>
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
  // One raw draw per person (or other entity) id, this month.
  EntityDraws person_draws(std::uint32_t model_stream) const { return rng->entity_draws(model_stream, step); }
};

// Households [begin, end); a model may touch only these households and their members.
struct HouseholdRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// The persons of households [range.begin, range.end): contiguous ids [begin, end).
struct PersonRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};
inline PersonRange persons_of(const HouseholdStore& hh, HouseholdRange r) {
  if (r.begin == r.end) return {};
  return {hh.first_person[r.begin], hh.first_person[r.end - 1] + hh.persons[r.end - 1]};
}

// The scheduler never hands a model more households than this at once, so per-household scratch
// can live on the stack.
inline constexpr std::uint32_t kMaxBlockHouseholds = 4096;

// sums[i] = sum of value(q) over the members q of household range.begin + i, for T float (amounts)
// or std::uint32_t (counts: a shorter dependency chain, so prefer counting and multiplying after).
// `value` should be branch-free (a 0/1 predicate times an amount, not `cond ? x : 0`) and read
// through raw pointers: hot loops then run without mispredictions.
//
// Why not `out[household_of[q]] += value(q)`: consecutive members share a household, so each add
// waits for the previous store (store-to-load forwarding, ~8 cycles a person). Here the running
// sum stays in a register and each person only stores it; the last store of a household wins.
template <class T, class Value>
void sum_members(const HouseholdStore& hh, HouseholdRange range, Value value, T* sums) {
  const PersonRange persons = persons_of(hh, range);
  const std::uint32_t* household_of = hh.household_of.data();
  std::uint32_t previous = range.begin;
  T running = 0;
  for (std::uint32_t q = persons.begin; q < persons.end; ++q) {
    const std::uint32_t h = household_of[q];
    if constexpr (std::is_integral_v<T>)
      running = (running & (T(0) - T(h == previous))) + value(q);  // branch-free reset
    else
      running = static_cast<T>(h == previous) * running + value(q);
    previous = h;
    sums[h - range.begin] = running;
  }
}

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

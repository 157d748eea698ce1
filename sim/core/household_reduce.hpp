// Sums over every household, in parallel, for the whole-population decisions of Model::prepare
// (a market's total output, a budget's demand by need band, ...).
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <cstdint>
#include <utility>

#include "sim/core/household_store.hpp"

namespace povsim {

// `add(acc, h)` adds household h to a partial sum; `merge(a, b)` adds partial sum b into a.
// Partial sums are merged in no fixed order, so use integer sums (exact in any order): the result
// is then the same for any thread count (and, later, for sums reduced across MPI ranks).
template <class Sums, class Add, class Merge>
Sums reduce_households(const HouseholdStore& hh, Sums zero, Add add, Merge merge) {
  return tbb::parallel_reduce(
      tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(hh.size()), 1 << 14), std::move(zero),
      [&](const tbb::blocked_range<std::uint32_t>& r, Sums acc) {
        for (std::uint32_t h = r.begin(); h < r.end(); ++h) add(acc, h);
        return acc;
      },
      [&](Sums a, const Sums& b) {
        merge(a, b);
        return a;
      });
}

}  // namespace povsim

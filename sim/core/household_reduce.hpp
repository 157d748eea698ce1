// Sums over every household, for the whole-population decisions of Model::prepare (a market's
// total output, a budget's demand by need band, ...), through the one reduction seam.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/household_store.hpp"
#include "sim/core/model.hpp"
#include "sim/core/reducer.hpp"

namespace povsim {

// `count` integer sums over every household of the population: add(sums, h) adds household h's
// share to sums[0, count). Partial sums are merged in no fixed order, so they are integers (exact
// in any order); ctx.reducer then totals them over every part of the population (one process
// today, MPI ranks later), so the result is the same for any thread or rank count.
template <class Add>
std::vector<std::int64_t> reduce_households(const MonthContext& ctx, const HouseholdStore& hh, std::size_t count,
                                            Add add) {
  using Sums = std::vector<std::int64_t>;
  Sums sums = tbb::parallel_reduce(
      tbb::blocked_range<std::uint32_t>(0, static_cast<std::uint32_t>(hh.size()), 1 << 14), Sums(count, 0),
      [&](const tbb::blocked_range<std::uint32_t>& r, Sums acc) {
        for (std::uint32_t h = r.begin(); h < r.end(); ++h) add(acc, h);
        return acc;
      },
      [](Sums a, const Sums& b) {
        for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
        return a;
      });
  (ctx.reducer ? *ctx.reducer : local_reducer()).sum(std::span<std::int64_t>(sums));
  return sums;
}

}  // namespace povsim

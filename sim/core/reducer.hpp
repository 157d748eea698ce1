// The one seam for quantities that cross households: prices, budgets, rationing, the population's
// weight, annual tallies. Each part of the population (the one process, or each MPI rank: see
// sim/parallel/mpi.hpp) computes its partial sums, and the Reducer replaces them by their total
// over all parts. Sums are integers (weight units, whole fen, fen times weight units), so the
// total is exact and the same in any order: a distributed reducer gives the single-process result
// bit for bit. The parts also agree through it on when to stop (a signal reaches the ranks of an
// MPI job at different moments) and on where a restart resumes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/core/results.hpp"

namespace povsim {

class Reducer {
 public:
  virtual ~Reducer() = default;
  // Replaces each value by its sum over every part of the population.
  virtual void sum(std::span<std::int64_t> values) const = 0;
  virtual void sum(std::span<Int128> values) const = 0;
  // A tally's every count (YearTally::each_count), summed over every part.
  void sum(YearTally& tally) const;
  // The largest of every part's `value`.
  virtual std::int64_t max(std::int64_t value) const = 0;
  // This part's index and the number of parts (MPI rank and size; 0 and 1 for one process).
  virtual int part() const = 0;
  virtual int parts() const = 0;
  // Waits until every part has reached this call.
  virtual void barrier() const = 0;
  // Replaces `bytes` on every part by part 0's.
  virtual void broadcast(std::string& bytes) const = 0;
};



// One process holds the whole population: its partial sums are the totals.
class LocalReducer final : public Reducer {
 public:
  void sum(std::span<std::int64_t>) const override {}
  void sum(std::span<Int128>) const override {}
  using Reducer::sum;
  std::int64_t max(std::int64_t value) const override { return value; }
  int part() const override { return 0; }
  int parts() const override { return 1; }
  void barrier() const override {}
  void broadcast(std::string&) const override {}
};

// The reducer of a process that holds the whole population.
inline const Reducer& local_reducer() {
  static const LocalReducer reducer;  // stateless
  return reducer;
}

}  // namespace povsim

// The points of a sweep: each design places them in the unit cube [0, 1]^k (one coordinate per
// parameter), and SweepParameter::value_at maps a coordinate to the parameter's value. Random
// designs draw from Philox streams keyed by the sweep's seed, so a sweep file always gives the same
// points (docs/sweeps.md, "Designs").
#pragma once

#include <cstdint>
#include <vector>

#include "sim/sweep/sweep_file.hpp"

namespace povsim {

// Points past this are refused up front (judgement: ten million points is far past what one machine
// runs; the design, its outputs and the resume log then stay at a few GB at most).
inline constexpr std::uint64_t kMaxSweepPoints = 10000000;

// Saltelli rows: matrix A, matrix B, or A with column j from B (AB_j, coded 2 + j).
inline constexpr std::int32_t kSaltelliA = 0, kSaltelliB = 1, kSaltelliAB0 = 2;

struct SweepDesign {
  DesignKind kind = DesignKind::grid;
  std::size_t parameters = 0;  // k
  std::vector<double> unit;    // [P, k], row-major: each point's unit coordinates

  // grid: the levels of each parameter (k)
  std::vector<std::int32_t> grid_levels;
  // saltelli: N base rows; row p is matrix[p] (kSaltelliA, kSaltelliB or kSaltelliAB0 + j) of base
  // row base_row[p]; rows come in blocks of k + 2 per base row: A, AB_0 .. AB_{k-1}, B
  std::uint64_t base_rows = 0;
  std::vector<std::int32_t> matrix, base_row;
  // morris: r trajectories of k + 1 points; point p belongs to trajectory[p] and moved parameter
  // changed[p] by +-delta from the point before (-1 for a trajectory's first point)
  int levels = 0;
  double delta = 0;
  std::vector<std::int32_t> trajectory, changed;

  std::size_t points() const { return parameters == 0 ? 0 : unit.size() / parameters; }
};

// Points of the spec's design, saturating at kMaxSweepPoints + 1 (so an overflowing grid is "too
// many", not a wrapped count).
std::uint64_t design_point_count(const SweepSpec& spec);

// The design. The caller checks design_point_count first.
SweepDesign make_design(const SweepSpec& spec);

}  // namespace povsim

#include "sim/sweep/sweep_design.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/random/rng.hpp"

namespace povsim {

namespace {

// Stream ids of the design's draws (StreamKey::model; the design has its own key, so they cannot
// meet a model's streams): one stream per parameter (Latin hypercube), per base row (Saltelli) or
// per trajectory (Morris).
constexpr std::uint32_t kDesignStream = 1;
constexpr std::uint32_t kLatinStep = 0, kSaltelliStep = 1, kMorrisStep = 2;

// An integer in [0, n) from one 32-bit draw (multiply-shift: integer arithmetic, so the same on
// every platform; the bias, below n / 2^32, is immaterial for a design).
std::uint32_t below(Stream& s, std::uint64_t n) { return static_cast<std::uint32_t>((std::uint64_t{s()} * n) >> 32); }

std::uint64_t levels_of(const SweepParameter& p) { return p.is_range ? std::uint64_t(p.levels) : p.values.size(); }

// Coordinate of level l of n, ends included (one level: 0).
double level_coordinate(std::uint64_t l, std::uint64_t n) { return n <= 1 ? 0.0 : double(l) / double(n - 1); }

void grid(const SweepSpec& spec, SweepDesign& d) {
  const std::size_t k = d.parameters;
  std::uint64_t points = 1;
  for (const auto& p : spec.parameters) {
    d.grid_levels.push_back(static_cast<std::int32_t>(levels_of(p)));
    points *= levels_of(p);
  }
  d.unit.resize(points * k);
  // Row-major: the last parameter varies fastest.
  for (std::uint64_t i = 0; i < points; ++i) {
    std::uint64_t rest = i;
    for (std::size_t j = k; j-- > 0;) {
      const std::uint64_t n = levels_of(spec.parameters[j]);
      d.unit[i * k + j] = level_coordinate(rest % n, n);
      rest /= n;
    }
  }
}

// McKay et al. (1979): each parameter's range cut into N equal strata, one point in each, the
// strata matched across parameters by independent random permutations; uniform within a stratum.
void latin_hypercube(const SweepSpec& spec, SweepDesign& d) {
  const std::size_t k = d.parameters;
  const std::uint64_t n = spec.samples;
  d.unit.resize(n * k);
  std::vector<std::uint32_t> perm(n);
  for (std::size_t j = 0; j < k; ++j) {
    Stream s(StreamKey{spec.seed, 0, kDesignStream}, static_cast<std::uint32_t>(j), kLatinStep);
    std::iota(perm.begin(), perm.end(), 0u);
    for (std::uint64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[below(s, i + 1)]);  // Fisher-Yates
    for (std::uint64_t i = 0; i < n; ++i) d.unit[i * k + j] = (perm[i] + s.uniform()) / double(n);
  }
}

// Saltelli (2002), Saltelli et al. (2010): two independent N x k matrices A and B of uniform
// points (plain Monte Carlo from Philox, not a quasi-random sequence: the estimators' bootstrap
// intervals then hold as stated, with rows independent), and for each parameter j the matrix AB_j,
// A with column j taken from B. N (k + 2) points in all.
void saltelli(const SweepSpec& spec, SweepDesign& d) {
  const std::size_t k = d.parameters;
  const std::uint64_t n = spec.samples;
  d.base_rows = n;
  const std::size_t block = k + 2;
  d.unit.resize(n * block * k);
  std::vector<double> a(k), b(k);
  for (std::uint64_t i = 0; i < n; ++i) {
    Stream s(StreamKey{spec.seed, 0, kDesignStream}, static_cast<std::uint32_t>(i), kSaltelliStep);
    for (auto& x : a) x = s.uniform();
    for (auto& x : b) x = s.uniform();
    for (std::size_t r = 0; r < block; ++r) {
      const std::size_t row = i * block + r;
      // r = 0: A; r = 1 .. k: AB_{r-1}; r = k + 1: B (the order SALib uses, so files line up).
      const std::int32_t code = r == 0 ? kSaltelliA : r == block - 1 ? kSaltelliB : kSaltelliAB0 + std::int32_t(r - 1);
      d.matrix.push_back(code);
      d.base_row.push_back(static_cast<std::int32_t>(i));
      for (std::size_t j = 0; j < k; ++j) {
        const bool from_b = code == kSaltelliB || code == kSaltelliAB0 + std::int32_t(j);
        d.unit[row * k + j] = from_b ? b[j] : a[j];
      }
    }
  }
}

// Morris (1991) trajectories on a p-level grid {0, 1/(p-1), ..., 1} with step delta = p / (2 (p - 1)):
// a random start whose every coordinate can move by delta within [0, 1], then each parameter in a
// random order moved once, up or down at random. r (k + 1) points.
void morris(const SweepSpec& spec, SweepDesign& d) {
  const std::size_t k = d.parameters;
  const std::uint64_t r = spec.samples;
  const int p = spec.morris_levels;
  d.levels = p;
  d.delta = double(p) / (2.0 * (p - 1));
  d.unit.resize(r * (k + 1) * k);
  std::vector<double> x(k);
  std::vector<int> direction(k);
  std::vector<std::uint32_t> order(k);
  for (std::uint64_t t = 0; t < r; ++t) {
    Stream s(StreamKey{spec.seed, 0, kDesignStream}, static_cast<std::uint32_t>(t), kMorrisStep);
    for (std::size_t j = 0; j < k; ++j) {
      // Levels 0 .. p/2 - 1 can move up by delta (p/2 levels); going down starts delta higher.
      const double start = double(below(s, std::uint64_t(p / 2))) / (p - 1);
      direction[j] = (s() & 1u) ? 1 : -1;
      x[j] = direction[j] > 0 ? start : start + d.delta;
    }
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = k - 1; i > 0 && k > 1; --i) std::swap(order[i], order[below(s, i + 1)]);
    for (std::size_t m = 0; m <= k; ++m) {
      if (m > 0) {
        const std::size_t j = order[m - 1];
        // Back to a level exactly: no rounding drift along the trajectory.
        x[j] = direction[j] > 0 ? x[j] + d.delta : x[j] - d.delta;
        x[j] = std::round(x[j] * (p - 1)) / (p - 1);
      }
      const std::size_t row = t * (k + 1) + m;
      for (std::size_t j = 0; j < k; ++j) d.unit[row * k + j] = x[j];
      d.trajectory.push_back(static_cast<std::int32_t>(t));
      d.changed.push_back(m == 0 ? -1 : static_cast<std::int32_t>(order[m - 1]));
    }
  }
}

}  // namespace

std::uint64_t design_point_count(const SweepSpec& spec) {
  const std::uint64_t k = spec.parameters.size();
  const std::uint64_t limit = kMaxSweepPoints + 1;
  auto times = [&](std::uint64_t a, std::uint64_t b) { return b != 0 && a > limit / b ? limit : std::min(limit, a * b); };
  switch (spec.design) {
    case DesignKind::grid: {
      std::uint64_t n = 1;
      for (const auto& p : spec.parameters) n = times(n, levels_of(p));
      return n;
    }
    case DesignKind::latin_hypercube: return std::min(limit, spec.samples);
    case DesignKind::saltelli: return times(spec.samples, k + 2);
    case DesignKind::morris: return times(spec.samples, k + 1);
  }
  return limit;
}

SweepDesign make_design(const SweepSpec& spec) {
  SweepDesign d;
  d.kind = spec.design;
  d.parameters = spec.parameters.size();
  switch (spec.design) {
    case DesignKind::grid: grid(spec, d); break;
    case DesignKind::latin_hypercube: latin_hypercube(spec, d); break;
    case DesignKind::saltelli: saltelli(spec, d); break;
    case DesignKind::morris: morris(spec, d); break;
  }
  return d;
}

}  // namespace povsim

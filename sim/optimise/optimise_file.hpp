// The file of `povsim optimise` (docs/optimise.md): a base scenario, the policy levers to vary
// (each a scenario path with bounds and a start), a target on one results measure (an absolute
// limit or a share of the base scenario's value) and the search's budget. Read strictly, like
// calibration files: unknown keys, wrong types and bad values are one-line errors
// "file:line:col: YAML path: what was expected".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/calibration/calibration_file.hpp"

namespace povsim {

// at_most: measure <= limit; at_most_share_of_base: measure <= limit x the base's measure (paired
// replicate by replicate, so the shared noise cancels).
enum class TargetKind { at_most, at_most_share_of_base };

struct OptimiseSpec {
  std::string file;      // as given
  std::string text;      // its text, stored in the outputs
  std::string scenario;  // resolved relative to the file
  std::uint64_t households = 0;
  // Replicates at every candidate (common random numbers: replicates 0 .. R-1), at least 2 so the
  // constraint has an interval.
  std::uint32_t replicates = 8;
  // Fresh replicates (R .. R+C-1) that re-estimate the answer: the search chose the answer on the
  // first R, so their noise is biased in its favour (the winner's curse); these are not.
  std::uint32_t confirm_replicates = 16;
  int evaluations = 60;
  std::string optimiser = "LN_COBYLA";
  std::optional<std::uint64_t> seed;
  // One-sided level of the constraint: a candidate is feasible when the upper `confidence` bound
  // of (measure - limit) is at most 0. 0.95 is judgement (the usual level).
  double confidence = 0.95;
  std::vector<ParameterSpec> levers;
  DatasetRef measure;  // target.measure
  TargetKind kind = TargetKind::at_most;
  double limit = 0;    // the measure's units, or a share (0-10] of the base's measure

  std::vector<std::string> base_overrides() const;  // households (and seed), before any lever
};

inline constexpr std::array<std::string_view, 3> kConstrainedOptimisers{"LN_COBYLA", "GN_ISRES", "GN_ORIG_DIRECT"};

// Reads and checks the file's own rules. Throws ConfigError.
OptimiseSpec load_optimise(const std::string& path);

}  // namespace povsim

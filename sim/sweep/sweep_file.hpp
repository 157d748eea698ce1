// The sweep file of `povsim sweep` (docs/sweeps.md): a base scenario with fixed overrides, the
// parameters to vary (a range or a list of values each), the design that places the points, the
// replicates and the outputs to keep. Read strictly, like scenarios and calibration files: unknown
// keys, wrong types and bad values are one-line errors "file:line:col: YAML path: what was expected".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/core/registry.hpp"

namespace povsim {

enum class DesignKind { grid, latin_hypercube, saltelli, morris };
inline constexpr std::array<std::string_view, 4> kDesignNames{"grid", "latin_hypercube", "saltelli", "morris"};

struct SweepParameter {
  std::string path;  // scenario path, set as --set would
  // A range [lower, upper] (numbers), or a list of values (any scalars, as --set would take them).
  bool is_range = true;
  double lower = 0, upper = 0;
  bool log = false;                 // ranges only: uniform in log(value); needs lower > 0
  int levels = 0;                   // grid only, ranges: points from lower to upper inclusive
  std::vector<std::string> values;  // values: the texts, in file order
  SourceMark mark;        // the parameter's map
  SourceMark path_mark;   // its path
  SourceMark value_mark;  // its range or values list
  std::string yaml_path;  // parameters[k]
  // The value at unit coordinate u in [0, 1]: lower + u (upper - lower) (in log space with log),
  // or values[min(floor(u n), n - 1)]. Returned as the --set text (shortest round-trip number).
  std::string value_at(double u) const;
  // The number at u: NaN for a values parameter whose value is not a number.
  double number_at(double u) const;
};

struct SweepSpec {
  std::string file;      // the sweep file as given
  std::string text;      // its text, stored in the output
  std::string canonical; // the parsed file re-emitted (comments and layout dropped), for the digest
  std::string scenario;  // the base scenario path, resolved relative to the file
  std::vector<std::string> set;  // fixed overrides "path=value", in file order
  std::vector<SweepParameter> parameters;
  DesignKind design = DesignKind::latin_hypercube;
  std::uint64_t samples = 0;     // latin_hypercube: points; saltelli: base rows N; morris: trajectories r
  int morris_levels = 4;         // morris p (even); 4 is the usual choice (Saltelli et al. 2004, ch. 3)
  std::uint32_t replicates = 1;  // judgement: one replicate per point; common random numbers pair the points
  std::uint64_t seed = 1;        // design sampling only (the simulation seed is the scenario's)
  std::vector<std::string> outputs;
  SourceMark mark;  // the file's root, for errors about the file as a whole
};

// Reads the file and checks its own rules (types, lo < hi, a known design, enough samples, levels
// where the design needs them). Throws ConfigError.
SweepSpec load_sweep(const std::string& path);

// Checks the parameters against the base scenario (built with the file's `set:` overrides): the
// path exists and names a scalar, a range's parameter is a real number and both ends (and every
// listed value) build a valid scenario (so a range outside a parameter's bounds fails up front).
// Throws ConfigError naming the sweep file's position.
void check_parameters(const SweepSpec& spec, const ConfigNode& base_tree, const std::vector<std::string>& base_overrides,
                      const std::string& resolved_base_yaml, const ModelRegistry& registry);

}  // namespace povsim

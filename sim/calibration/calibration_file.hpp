// The calibration file of `povsim calibrate` (docs/calibration.md): the scenario, the population
// size, replicates and run budget, the free parameters with their bounds, and the observed moments
// with how the model computes each from its results. Read strictly, like scenarios: unknown keys,
// wrong types and bad values are one-line errors "file:line:col: YAML path: what was expected".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/output/result_arrays.hpp"

namespace povsim {

class ParamReader;

enum class Reduce { sum, mean, last };
inline constexpr std::array<std::string_view, 3> kReduceNames{"sum", "mean", "last"};

// A number computed from one results dataset: the values of `years` (inclusive), reduced over the
// years, for one category of a dataset with a category axis.
struct DatasetRef {
  std::string dataset;  // path as in docs/output.md, e.g. annual/poverty_dynamics/exits_1
  int first_year = 0, last_year = 0;
  Reduce reduce = Reduce::mean;
  std::string category;  // for datasets of shape [R, K, Y]; empty otherwise
  SourceMark mark;       // where the reference was written, for errors found later
  std::string yaml_path;  // e.g. moments[0].numerator
};

// How the distance counts: `target` both ways, `at_most` only above the value, `at_least` only
// below it (one-sided moments: bounds such as "no large-scale return").
enum class MomentKind { target, at_most, at_least };
inline constexpr std::array<std::string_view, 3> kMomentKindNames{"target", "at_most", "at_least"};

struct MomentSpec {
  std::string name;
  double value = 0;      // observed
  double tolerance = 0;  // scale of an acceptable distance, in the moment's units (> 0)
  double weight = 1;
  MomentKind kind = MomentKind::target;
  std::string period;  // free text: when the record was observed
  std::string source;  // free text, required
  DatasetRef numerator;
  std::optional<DatasetRef> denominator;
  double scale = 1;  // multiplies numerator / denominator
  SourceMark mark;
  std::string yaml_path;  // moments[k]

  // The scaled distance: (simulated - observed) / tolerance, or 0 on the allowed side of a
  // one-sided moment.
  double distance(double simulated) const;
  // Its term in the objective: weight * distance^2.
  double contribution(double simulated) const { return weight * distance(simulated) * distance(simulated); }
};

struct ParameterSpec {
  std::string path;  // scenario path, set as --set would
  // A number; or, for a month-valued parameter (bounds written as months, e.g. [2021-01, 2026-01]),
  // months since year 0 (YearMonth::index), set as "YYYY-MM" at the nearest whole month.
  double lower = 0, upper = 0, start = 0;
  bool month = false;
  SourceMark mark;
  std::string yaml_path;  // parameters[k]

  // The --set text of value `v`: the shortest number that reads back to it, or "YYYY-MM".
  std::string text(double v) const;
};

struct CalibrationSpec {
  std::string file;      // the calibration file as given
  std::string text;      // its text, stored in the outputs
  std::string scenario;  // the scenario path, resolved relative to the file
  std::uint64_t households = 0;
  std::uint32_t replicates = 2;
  int evaluations = 100;
  std::string optimiser = "LN_BOBYQA";
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  double jacobian_step = 0.05;        // finite-difference step, share of each parameter's bound range
  std::vector<ParameterSpec> parameters;
  std::vector<MomentSpec> moments;

  // The overrides every run gets: households (and seed), before any parameter.
  std::vector<std::string> base_overrides() const;
};

// Pieces of the file format shared with `povsim optimise` (sim/optimise/optimise_file.hpp).
// The text of the file at `path`; `kind` names it in the error ("calibration file").
std::string read_spec_file(const std::string& path, const std::string& kind);
// The overrides every run of a fit or search gets before its own: the population size (and seed).
std::vector<std::string> population_overrides(std::uint64_t households, const std::optional<std::uint64_t>& seed);
// A free parameter, {path, bounds: [lower, upper], start}, at `yaml_path`. Throws ConfigError.
ParameterSpec read_parameter_spec(const ConfigNode& node, const std::string& yaml_path);
// A dataset reference, {dataset, year: Y | years: [first, last], reduce, category}, the value of
// `key` in the map `parent` reads. Throws ConfigError.
DatasetRef read_dataset_ref(ParamReader& parent, std::string_view key, const ConfigNode& node);
// Checks a reference against what a run writes (as check_moments does); `what` starts the message.
void check_dataset_ref(const std::string& what, const DatasetRef& ref, const ResultArrays& frame);
// The reference's number in each replicate of `arrays`.
std::vector<double> dataset_by_replicate(const DatasetRef& ref, const ResultArrays& arrays);

// Reads and checks the file's own rules (types, ranges, required keys, bounds containing the start,
// a known derivative-free NLopt algorithm). Throws ConfigError.
CalibrationSpec load_calibration(const std::string& path);

// Checks every moment's datasets against what a run of the scenario writes (`frame`: result arrays
// of one replicate): the dataset exists, its years are inside the horizon and not censored, a
// category is given exactly when the dataset has a category axis and names one of its categories.
// Throws ConfigError naming the moment and what is valid.
void check_moments(const CalibrationSpec& spec, const ResultArrays& frame);

// The moment's value in each replicate of `arrays` (all replicates of one parameter point).
// Throws std::runtime_error when a denominator is 0 or a value is not finite.
std::vector<double> moment_by_replicate(const MomentSpec& moment, const ResultArrays& arrays);

}  // namespace povsim

// Calibration by the simulated method of moments (docs/calibration.md): NLopt minimises the weighted
// distance between simulated and observed moments over the free parameters (scaled to [0, 1] by
// their bounds), every evaluation running the same replicates (common random numbers) through the
// batch runner; then the Jacobian of the moments at the estimate by central differences gives
// standard errors by the sandwich formula.
#pragma once

#include <nlopt.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "sim/batch/batch_runner.hpp"
#include "sim/calibration/calibration_file.hpp"
#include "sim/core/registry.hpp"

namespace povsim {

struct CalibrationOptions {
  int threads = 0;  // 0: all cores
  // Under MPI: the runs shared out over the ranks (BatchOptions::distributor). Every rank then
  // follows the same search (the same results, so the same next point) and returns the same result.
  JobDistributor* distributor = nullptr;
  // Called after each objective evaluation with (evaluation number from 1, budget, parameters,
  // objective, best objective so far, seconds of the evaluation).
  std::function<void(int, int, const std::vector<double>&, double, double, double)> on_evaluation;
  // Called before the runs for the uncertainty (the Jacobian), with the number of points.
  std::function<void(std::size_t)> on_jacobian;
};

struct Evaluation {
  std::vector<double> parameters;  // in the scenario's units
  double objective = 0;
};

struct CalibrationResult {
  std::vector<double> estimate;        // by parameter
  std::vector<double> standard_error;  // NaN where not identified or with one replicate
  std::vector<char> identified;        // 0: in the null space of G'WG (no moment moves it)
  std::vector<std::vector<double>> covariance;  // of the estimate, [P][P]
  std::vector<std::vector<double>> jacobian;    // d moment / d parameter at the estimate, [M][P]
  std::vector<std::vector<double>> moments_by_replicate;  // at the estimate, [R][M]
  std::vector<double> simulated;     // replicate mean, by moment
  std::vector<double> simulated_sd;  // across replicates, by moment
  std::vector<double> contribution;  // weight * distance^2, by moment
  double objective = 0;              // sum of contributions
  std::vector<Evaluation> history;   // every objective evaluation, in order
  std::string stop_reason;
  std::string resolved_yaml;  // the scenario at the estimate, fully resolved
  std::uint64_t seed = 0;
  std::vector<std::uint32_t> replicate_seeds_index;  // replicates run at every point: 0 .. R-1
  double seconds = 0;
  double generate_seconds = 0;  // generating the starting population (once)
  std::size_t runs = 0;         // replicate runs in total
};

// Checks the calibration file against its scenario (parameters set as --set would set them,
// moments against the datasets a run writes) and runs the calibration. Throws ConfigError for bad
// input before any run.
CalibrationResult calibrate(const CalibrationSpec& spec, const ModelRegistry& registry,
                            const CalibrationOptions& options);

// Why NLopt stopped, in words, from its nlopt::result code.
std::string nlopt_stop_reason(int code);

// A function NLopt calls (an objective or a constraint), shared by calibrate and optimise. NLopt
// swallows exceptions thrown in it: the first is kept in *failure and the search stopped;
// run_nlopt rethrows it.
struct NloptFunction {
  std::function<double(const std::vector<double>&)> f;
  std::exception_ptr* failure;
  static double call(const std::vector<double>& x, std::vector<double>& gradient, void* data);
};
// Runs `opt` from `x` (left at the point where it stopped) and returns why it stopped, in words.
// Rethrows the failure an NloptFunction kept; an algorithm that refuses the problem is a
// ConfigError "`optimiser` refuses this problem (why)`hint`".
std::string run_nlopt(nlopt::opt& opt, std::vector<double>& x, const std::exception_ptr& failure,
                      const std::string& optimiser, const std::string& hint);
// Each parameter's start scaled to [0, 1] by its bounds: where the searches begin.
std::vector<double> unit_starts(const std::vector<ParameterSpec>& parameters);

// The point setting parameter j to values[j], as --set would (shared with `povsim optimise`).
ParameterPoint parameter_point(const std::vector<ParameterSpec>& parameters, const std::vector<double>& values);
// Builds the runner's scenario with each parameter at its lower bound, start and upper bound: the
// same validation as --set, reported at the parameter's place in its file. Throws ConfigError.
void check_parameter_values(const std::vector<ParameterSpec>& parameters, const BatchRunner& runner,
                            const ModelRegistry& registry);

// The datasets (values zero) a run of the runner's scenario at `point` writes, for checking
// references to them before any run.
ResultArrays empty_results_at(const BatchRunner& runner, const ModelRegistry& registry, const ParameterPoint& point);

// The objective, its moments and their spread from one point's results: exposed for tests.
struct MomentSummary {
  std::vector<std::vector<double>> by_replicate;  // [R][M]
  std::vector<double> mean, sd;
  double objective = 0;
};
MomentSummary summarise_moments(const CalibrationSpec& spec, const ResultArrays& arrays);

}  // namespace povsim

// Comparisons of scenarios run with common random numbers (`povsim compare`): per scenario and
// year, estimates over replicates with standard errors and 95 % intervals, and paired differences
// from the base (the first scenario).
//
// Statistics. For R replicates of a measure x_r: mean, standard error s / sqrt(R) (s the sample
// standard deviation, divisor R - 1) and the interval mean ± t(0.975, R - 1) × se (Student's t).
// Differences are taken replicate by replicate (alternative_r - base_r): replicate r of every
// scenario draws from the same streams and starts from the same population, so the noise they
// share cancels. The cost per household kept from returning is a ratio of means (cumulative
// extra cost over households kept) with a first-order delta-method standard error. With one
// replicate every standard error and interval is NaN. Which noise the intervals cover:
// docs/output.md, "Which noise an interval covers".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/batch/batch_runner.hpp"

namespace povsim {

struct Estimate {
  double mean = 0, se = 0, ci95_lower = 0, ci95_upper = 0;
};
// mean, se and Student-t 95 % interval of the values (NaN se and interval below two values).
Estimate estimate_of(const std::vector<double>& values);
// sum(numerators) / sum(denominators) with a delta-method interval; NaN when the denominators'
// mean is not positive.
Estimate ratio_estimate(const std::vector<double>& numerators, const std::vector<double>& denominators);

// The measures of one scenario, per replicate and year ([r][y]).
struct MeasureSeries {
  std::string name;         // dataset name, e.g. "return_rate"
  std::string units;        // the `units` attribute, e.g. "share of households (0-1)"
  std::string description;  // one line
  std::vector<std::vector<double>> values;
};

// The measures compared, for one run, per replicate and year: return_rate, cumulative_return_rate,
// poverty_headcount_rate, new_poverty_rate (edge households), ever_returned_households, fiscal_cost
// and cumulative_fiscal_cost (all policies), with their units. What `povsim compare` and
// `povsim run --json` report.
std::vector<MeasureSeries> run_measures(const RunResults& results);
// The measure's estimate over the replicates (estimate_of), year by year.
std::vector<Estimate> estimates_per_year(const MeasureSeries& measure);

struct ScenarioComparison {
  std::string name;           // the scenario's `name`, or its file's name without extension
  std::string description;    // the scenario's `description`
  std::string file;           // as given
  std::string resolved_yaml;  // the resolved scenario (rerun it to reproduce)
  std::vector<MeasureSeries> measures;     // the scenario's own
  std::vector<MeasureSeries> differences;  // paired, against the base (all zero for the base)
  std::vector<std::vector<Estimate>> measure_estimates;     // [measure][year]
  std::vector<std::vector<Estimate>> difference_estimates;  // [measure][year]
  std::vector<Estimate> cost_per_household_kept;            // [year], yuan per household
};

struct Comparison {
  std::vector<int> years;
  std::vector<std::uint32_t> replicates;  // replicate numbers (0 .. R-1)
  std::vector<ScenarioComparison> scenarios;  // the base first
};

// Builds the comparison of `runs` (the batch runner's results of the scenarios, base first, with
// the same years and replicates). names/files/resolved YAML come from `files`.
Comparison compare_runs(const std::vector<std::string>& files, const std::vector<PointResults>& runs);

}  // namespace povsim

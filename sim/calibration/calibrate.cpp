#include "sim/calibration/calibrate.hpp"

#include <Eigen/Dense>
#include <nlopt.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include "sim/config/params.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace povsim {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// NLopt's stopping rules besides the budget, on parameters scaled to [0, 1]: a step below 1e-4 of
// the bound range, or an objective change below 1e-9 (the objective is a sum of squared
// tolerance-scaled distances, so 1e-9 is far below any meaningful difference). The first steps
// span a tenth of each range.
constexpr double kXtolAbs = 1e-4;
constexpr double kFtolAbs = 1e-9;
constexpr double kInitialStep = 0.1;

ParameterPoint point_at(const CalibrationSpec& spec, const std::vector<double>& theta) {
  return parameter_point(spec.parameters, theta);
}

}  // namespace

std::string nlopt_stop_reason(int code) {
  switch (static_cast<nlopt::result>(code)) {
    case nlopt::SUCCESS: return "success";
    case nlopt::STOPVAL_REACHED: return "objective reached the stop value";
    case nlopt::FTOL_REACHED: return "objective change below tolerance (ftol_abs 1e-9)";
    case nlopt::XTOL_REACHED: return "parameter change below tolerance (xtol_abs 1e-4 of the bound range)";
    case nlopt::MAXEVAL_REACHED: return "evaluation budget used";
    case nlopt::MAXTIME_REACHED: return "time limit reached";
    case nlopt::ROUNDOFF_LIMITED: return "roundoff limited (the best point found is reported)";
    case nlopt::FORCED_STOP: return "forced stop";
    default: return "NLopt failure (code " + std::to_string(code) + ")";
  }
}

double NloptFunction::call(const std::vector<double>& x, std::vector<double>&, void* data) {
  auto* function = static_cast<NloptFunction*>(data);
  try {
    return function->f(x);
  } catch (...) {
    if (!*function->failure) *function->failure = std::current_exception();
    throw nlopt::forced_stop();
  }
}

std::string run_nlopt(nlopt::opt& opt, std::vector<double>& x, const std::exception_ptr& failure,
                      const std::string& optimiser, const std::string& hint) {
  std::string reason;
  double minimum = 0;
  try {
    reason = nlopt_stop_reason(opt.optimize(x, minimum));
  } catch (const nlopt::roundoff_limited&) {
    reason = nlopt_stop_reason(nlopt::ROUNDOFF_LIMITED);
  } catch (const nlopt::forced_stop&) {
    if (failure) std::rethrow_exception(failure);
    reason = nlopt_stop_reason(nlopt::FORCED_STOP);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(optimiser + " refuses this problem (" + e.what() + ")" + hint);
  }
  if (failure) std::rethrow_exception(failure);
  return reason;
}

std::vector<double> unit_starts(const std::vector<ParameterSpec>& parameters) {
  std::vector<double> x;
  for (const auto& p : parameters) x.push_back((p.start - p.lower) / (p.upper - p.lower));
  return x;
}

ParameterPoint parameter_point(const std::vector<ParameterSpec>& parameters, const std::vector<double>& values) {
  ParameterPoint point;
  for (std::size_t j = 0; j < parameters.size(); ++j)
    point.push_back(ParameterSetting{parameters[j].path, parameters[j].text(values[j])});
  return point;
}

void check_parameter_values(const std::vector<ParameterSpec>& parameters, const BatchRunner& runner,
                            const ModelRegistry& registry) {
  for (const auto& p : parameters) {
    for (double value : {p.lower, p.start, p.upper}) {
      try {
        (void)build_scenario(runner.base().tree, runner.base().source,
                             runner.overrides_for({ParameterSetting{p.path, p.text(value)}}), registry);
      } catch (const ConfigError& e) {
        throw ConfigError(p.mark.str() + ": " + p.yaml_path + ": the scenario refuses " + p.path + " = " +
                          p.text(value) + ": " + e.what());
      }
    }
  }
}

ResultArrays empty_results_at(const BatchRunner& runner, const ModelRegistry& registry, const ParameterPoint& point) {
  const Scenario scenario =
      build_scenario(runner.base().tree, runner.base().source, runner.overrides_for(point), registry);
  RunResults frame = results_frame(scenario);
  frame.tallies.assign(1, std::vector<YearTally>(frame.years.size()));
  frame.replicate_index = {0};
  return result_arrays(frame);
}

MomentSummary summarise_moments(const CalibrationSpec& spec, const ResultArrays& arrays) {
  const std::size_t M = spec.moments.size();
  MomentSummary s;
  std::vector<std::vector<double>> by_moment;
  for (const auto& m : spec.moments) by_moment.push_back(moment_by_replicate(m, arrays));
  const std::size_t R = by_moment.front().size();
  s.by_replicate.assign(R, std::vector<double>(M));
  for (std::size_t i = 0; i < M; ++i) {
    double sum = 0;
    for (std::size_t r = 0; r < R; ++r) s.by_replicate[r][i] = by_moment[i][r], sum += by_moment[i][r];
    const double mean = sum / static_cast<double>(R);
    double ss = 0;
    for (double v : by_moment[i]) ss += (v - mean) * (v - mean);
    s.mean.push_back(mean);
    s.sd.push_back(R > 1 ? std::sqrt(ss / static_cast<double>(R - 1)) : kNaN);
    s.objective += spec.moments[i].contribution(mean);
  }
  return s;
}

CalibrationResult calibrate(const CalibrationSpec& spec, const ModelRegistry& registry,
                            const CalibrationOptions& options) {
  const auto t0 = Clock::now();
  const std::size_t P = spec.parameters.size(), M = spec.moments.size();
  BatchOptions batch;
  batch.threads = options.threads;
  batch.replicates = spec.replicates;
  batch.distributor = options.distributor;
  BatchRunner runner(load_batch_scenario(spec.scenario, spec.base_overrides()), registry, batch);

  // Bad input before any run: parameters as --set would set them, moments against the datasets.
  check_parameter_values(spec.parameters, runner, registry);
  std::vector<double> start;
  for (const auto& p : spec.parameters) start.push_back(p.start);
  check_moments(spec, empty_results_at(runner, registry, point_at(spec, start)));

  CalibrationResult out;
  auto theta_of = [&](const std::vector<double>& x) {
    std::vector<double> theta(P);
    for (std::size_t j = 0; j < P; ++j) {
      const auto& p = spec.parameters[j];
      theta[j] = std::clamp(p.lower + x[j] * (p.upper - p.lower), p.lower, p.upper);
    }
    return theta;
  };
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> best_theta = start;
  std::exception_ptr failure;
  auto objective = [&](const std::vector<double>& x) {
    const auto e0 = Clock::now();
    const std::vector<double> theta = theta_of(x);
    const auto results = runner.run({point_at(spec, theta)});
    out.generate_seconds += runner.last_stats().generate_seconds;
    out.runs += runner.last_stats().jobs;
    const MomentSummary s = summarise_moments(spec, results.front().arrays());
    out.history.push_back({theta, s.objective});
    if (s.objective < best) best = s.objective, best_theta = theta;
    if (options.on_evaluation)
      options.on_evaluation(static_cast<int>(out.history.size()), spec.evaluations, theta, s.objective, best,
                            std::chrono::duration<double>(Clock::now() - e0).count());
    return s.objective;
  };

  nlopt::opt opt(spec.optimiser.c_str(), static_cast<unsigned>(P));
  opt.set_lower_bounds(std::vector<double>(P, 0.0));
  opt.set_upper_bounds(std::vector<double>(P, 1.0));
  opt.set_maxeval(spec.evaluations);
  opt.set_xtol_abs(kXtolAbs);
  opt.set_ftol_abs(kFtolAbs);
  opt.set_initial_step(kInitialStep);
  NloptFunction function{objective, &failure};
  opt.set_min_objective(NloptFunction::call, &function);
  std::vector<double> x = unit_starts(spec.parameters);
  out.stop_reason = run_nlopt(opt, x, failure, spec.file + ": optimiser: " + spec.optimiser,
                              "; e.g. LN_BOBYQA needs at least 2 parameters, use LN_SBPLX or LN_NELDERMEAD for one");
  out.estimate = best_theta;

  // Uncertainty: the moments at the estimate and at theta_j +- h_j (one-sided at a bound), all in
  // one batch with the same replicates.
  std::vector<ParameterPoint> points{point_at(spec, best_theta)};
  std::vector<double> step(P);
  for (std::size_t j = 0; j < P; ++j) {
    const auto& p = spec.parameters[j];
    const double h = spec.jacobian_step * (p.upper - p.lower);
    std::vector<double> plus = best_theta, minus = best_theta;
    plus[j] = std::min(best_theta[j] + h, p.upper);
    minus[j] = std::max(best_theta[j] - h, p.lower);
    step[j] = plus[j] - minus[j];
    points.push_back(point_at(spec, plus));
    points.push_back(point_at(spec, minus));
  }
  if (options.on_jacobian) options.on_jacobian(points.size());
  const auto results = runner.run(points);
  out.runs += runner.last_stats().jobs;
  out.resolved_yaml = results.front().resolved_yaml;
  const MomentSummary at = summarise_moments(spec, results.front().arrays());
  out.moments_by_replicate = at.by_replicate;
  out.simulated = at.mean;
  out.simulated_sd = at.sd;
  out.objective = at.objective;
  for (std::size_t i = 0; i < M; ++i) out.contribution.push_back(spec.moments[i].contribution(at.mean[i]));

  Eigen::MatrixXd G(M, P);
  for (std::size_t j = 0; j < P; ++j) {
    const MomentSummary plus = summarise_moments(spec, results[1 + 2 * j].arrays());
    const MomentSummary minus = summarise_moments(spec, results[2 + 2 * j].arrays());
    for (std::size_t i = 0; i < M; ++i) G(i, j) = (plus.mean[i] - minus.mean[i]) / step[j];
  }
  Eigen::VectorXd w(M);
  for (std::size_t i = 0; i < M; ++i) w(i) = spec.moments[i].weight / (spec.moments[i].tolerance * spec.moments[i].tolerance);
  const auto R = static_cast<double>(spec.replicates);
  Eigen::MatrixXd omega = Eigen::MatrixXd::Zero(M, M);  // covariance of one replicate's moments
  if (spec.replicates > 1) {
    for (const auto& row : at.by_replicate)
      for (std::size_t a = 0; a < M; ++a)
        for (std::size_t b = 0; b < M; ++b) omega(a, b) += (row[a] - at.mean[a]) * (row[b] - at.mean[b]);
    omega /= R - 1;
  }
  // Identification and the sandwich are computed in parameters scaled by their bound ranges
  // (theta_j = range_j x scaled_j): parameters in yuan and in probabilities per month differ by
  // orders of magnitude, and an eigenvalue cut-off in raw units would call the parameter with the
  // largest unit not identified merely for its unit.
  Eigen::VectorXd range(P);
  for (std::size_t j = 0; j < P; ++j) range(static_cast<Eigen::Index>(j)) = spec.parameters[j].upper - spec.parameters[j].lower;
  const Eigen::MatrixXd Gs = G * range.asDiagonal();
  const Eigen::MatrixXd H = Gs.transpose() * w.asDiagonal() * Gs;  // G'WG, scaled
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(H);
  const double largest = eigen.eigenvalues().size() ? eigen.eigenvalues().maxCoeff() : 0.0;
  // Directions of parameter space no moment responds to: eigenvalues below 1e-10 of the largest
  // (or all, when no moment moves at all). A parameter with weight above 0.1 in such a direction
  // is not identified.
  out.identified.assign(P, 1);
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Zero(P, P);  // pseudo-inverse on the identified directions
  for (Eigen::Index k = 0; k < eigen.eigenvalues().size(); ++k) {
    const double lambda = eigen.eigenvalues()(k);
    const Eigen::VectorXd v = eigen.eigenvectors().col(k);
    if (largest <= 0 || lambda <= 1e-10 * largest) {
      for (std::size_t j = 0; j < P; ++j)
        if (std::abs(v(static_cast<Eigen::Index>(j))) > 0.1) out.identified[j] = 0;
    } else {
      inverse += v * v.transpose() / lambda;
    }
  }
  const Eigen::MatrixXd A = range.asDiagonal() * inverse * Gs.transpose() * w.asDiagonal();  // back to units
  // Sandwich of the simulated method of moments: the observed moments taken to have the sampling
  // covariance of one replicate of this population (Omega), the simulated mean of R replicates
  // adding Omega / R.
  const Eigen::MatrixXd V = (1.0 + 1.0 / R) * A * omega * A.transpose();
  out.covariance.assign(P, std::vector<double>(P));
  out.jacobian.assign(M, std::vector<double>(P));
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < P; ++j) out.jacobian[i][j] = G(i, j);
  for (std::size_t a = 0; a < P; ++a)
    for (std::size_t b = 0; b < P; ++b) out.covariance[a][b] = V(a, b);
  for (std::size_t j = 0; j < P; ++j)
    out.standard_error.push_back(out.identified[j] && spec.replicates > 1 ? std::sqrt(std::max(V(j, j), 0.0)) : kNaN);

  const Scenario scenario = build_scenario(runner.base().tree, runner.base().source,
                                           runner.overrides_for(point_at(spec, best_theta)), registry);
  out.seed = scenario.run.seed;
  for (std::uint32_t k = 0; k < spec.replicates; ++k) out.replicate_seeds_index.push_back(k);
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return out;
}

}  // namespace povsim

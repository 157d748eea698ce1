#include "sim/optimise/optimise.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <nlopt.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>

#include "sim/calibration/calibrate.hpp"
#include "sim/config/params.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace povsim {

namespace {

using Clock = std::chrono::steady_clock;

// NLopt's stopping rules besides the budget, on levers scaled to [0, 1]: a step below 1e-3 of the
// bound range (finer than any policy lever is set in practice; judgement). The first steps span a
// fifth of each range: a policy lever's effect is small over a tenth, and COBYLA's first
// simplex should see it above the replicates' noise (judgement).
constexpr double kXtolAbs = 1e-3;
constexpr double kInitialStep = 0.2;
// Levers are set on a decimal grid at most 1e-6 of their range: no policy is set finer, and the
// outputs read 5 rather than 4.99999999999813 or 6.7e-18 (judgement).
constexpr double kLeverGrid = 1e6;

// Per replicate of one point: the fiscal cost over the horizon (every policy, every year; yuan,
// weighted) and the target measure.
struct PointValues {
  std::vector<double> cost, measure;
};

PointValues values_of(const OptimiseSpec& spec, const ResultArrays& arrays) {
  PointValues v;
  v.measure = dataset_by_replicate(spec.measure, arrays);
  const ResultArray* cost = arrays.find("annual/policies/fiscal_cost");
  if (!cost || cost->shape.size() != 3) throw std::runtime_error("optimise: annual/policies/fiscal_cost missing from the results");
  const std::size_t R = cost->shape[0], per_replicate = cost->shape[1] * cost->shape[2];
  for (std::size_t r = 0; r < R; ++r) {
    double sum = 0;
    for (std::size_t i = 0; i < per_replicate; ++i) sum += cost->values[r * per_replicate + i];
    v.cost.push_back(sum);
  }
  for (double m : v.measure)
    if (!std::isfinite(m)) throw std::runtime_error("optimise: target.measure is not a finite number (a censored year?)");
  return v;
}

double upper_bound(const Estimate& e, std::size_t n, double confidence) {
  return e.mean + boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), confidence) * e.se;
}

// The estimates of one mix against the base on the same replicates.
MixEstimate estimate_mix(const OptimiseSpec& spec, const PointValues& mix, const PointValues& base) {
  const std::size_t R = mix.measure.size();
  std::vector<double> margin(R);
  for (std::size_t r = 0; r < R; ++r)
    margin[r] = mix.measure[r] - (spec.kind == TargetKind::at_most ? spec.limit : spec.limit * base.measure[r]);
  MixEstimate e;
  e.cost = estimate_of(mix.cost);
  e.measure = estimate_of(mix.measure);
  e.margin = estimate_of(margin);
  e.share_of_base = ratio_estimate(mix.measure, base.measure);
  e.margin_upper = upper_bound(e.margin, R, spec.confidence);
  e.meets_target = e.margin_upper <= 0;
  return e;
}

void mark_frontier(std::vector<Candidate>& history) {
  for (auto& c : history) {
    c.on_frontier = true;
    for (const auto& other : history)
      if (&other != &c && other.cost <= c.cost && other.measure <= c.measure &&
          (other.cost < c.cost || other.measure < c.measure))
        c.on_frontier = false;
  }
}

}  // namespace

OptimiseResult optimise(const OptimiseSpec& spec, const ModelRegistry& registry, const OptimiseOptions& options) {
  const auto t0 = Clock::now();
  const std::size_t P = spec.levers.size();
  BatchOptions batch;
  batch.threads = options.threads;
  batch.replicates = spec.replicates;
  batch.distributor = options.distributor;
  BatchRunner runner(load_batch_scenario(spec.scenario, spec.base_overrides()), registry, batch);

  // Bad input before any run: levers as --set would set them, the measure against the datasets.
  check_parameter_values(spec.levers, runner, registry);
  std::vector<double> start;
  for (const auto& p : spec.levers) start.push_back(p.start);
  check_dataset_ref("target.measure: ", spec.measure, empty_results_at(runner, registry, parameter_point(spec.levers, start)));

  OptimiseResult out;
  const auto base_runs = runner.run({ParameterPoint{}});
  out.runs += runner.last_stats().jobs;
  const PointValues base = values_of(spec, base_runs.front().arrays());
  out.base_search = estimate_mix(spec, base, base);
  const double cost_scale = out.base_search.cost.mean > 0 ? out.base_search.cost.mean : 1.0;
  const double measure_scale = std::abs(out.base_search.measure.mean) > 0 ? std::abs(out.base_search.measure.mean) : 1.0;

  auto theta_of = [&](const std::vector<double>& x) {
    std::vector<double> theta(P);
    for (std::size_t j = 0; j < P; ++j) {
      const auto& p = spec.levers[j];
      // A decimal grid in the lever's units (1/inverse_step <= range / kLeverGrid), divided by an
      // exact power of ten so 0.81 reads 0.81.
      const double range = p.upper - p.lower;
      const double inverse_step = std::pow(10.0, std::ceil(std::log10(kLeverGrid / range)));
      const double value = p.lower + std::clamp(x[j], 0.0, 1.0) * range;
      theta[j] = p.month ? std::round(value)  // whole months
                         : std::clamp(std::round(value * inverse_step) / inverse_step, p.lower, p.upper);
    }
    return theta;
  };
  // NLopt asks for the objective and the constraint of one x separately: keep the last evaluation.
  std::vector<double> last_x;
  MixEstimate last;
  std::vector<MixEstimate> estimates;  // of each candidate, as history
  auto evaluate = [&](const std::vector<double>& x) -> const MixEstimate& {
    if (x == last_x) return last;
    const std::vector<double> theta = theta_of(x);
    const auto results = runner.run({parameter_point(spec.levers, theta)});
    out.runs += runner.last_stats().jobs;
    last = estimate_mix(spec, values_of(spec, results.front().arrays()), base);
    last_x = x;
    Candidate c{theta, last.cost.mean, last.measure.mean, last.margin_upper, last.meets_target, false};
    out.history.push_back(c);
    estimates.push_back(last);
    if (c.feasible && (!out.found || c.cost < out.history[out.best].cost)) out.found = true, out.best = out.history.size() - 1;
    if (options.on_candidate) options.on_candidate(static_cast<int>(out.history.size()), spec.evaluations, c);
    return last;
  };

  std::exception_ptr failure;
  NloptFunction objective{[&](const std::vector<double>& x) { return evaluate(x).cost.mean / cost_scale; }, &failure};
  NloptFunction constraint{[&](const std::vector<double>& x) { return evaluate(x).margin_upper / measure_scale; }, &failure};
  nlopt::opt opt(spec.optimiser.c_str(), static_cast<unsigned>(P));
  opt.set_lower_bounds(std::vector<double>(P, 0.0));
  opt.set_upper_bounds(std::vector<double>(P, 1.0));
  opt.set_maxeval(spec.evaluations);
  opt.set_xtol_abs(kXtolAbs);
  opt.set_initial_step(kInitialStep);
  opt.set_min_objective(NloptFunction::call, &objective);
  opt.add_inequality_constraint(NloptFunction::call, &constraint, 0.0);
  std::vector<double> x = unit_starts(spec.levers);
  out.stop_reason = run_nlopt(opt, x, failure, spec.file + ": optimiser: " + spec.optimiser, "");
  mark_frontier(out.history);

  // The answer: the cheapest feasible candidate, else the first (the start) to show how far it is.
  const std::size_t answer = out.found ? out.best : 0;
  const ParameterPoint answer_point = parameter_point(spec.levers, out.history.at(answer).levers);
  out.answer_search = estimates[answer];
  out.resolved_yaml = build_scenario(runner.base().tree, runner.base().source, runner.overrides_for(answer_point), registry)
                          .resolved_yaml;
  // Fresh replicates R .. R+C-1 for the base and the answer (paired again).
  if (options.on_confirm) options.on_confirm(spec.confirm_replicates);
  BatchOptions fresh = batch;
  fresh.first_replicate = spec.replicates;
  fresh.replicates = spec.confirm_replicates;
  BatchRunner confirm(load_batch_scenario(spec.scenario, spec.base_overrides()), registry, fresh);
  const auto confirmed = confirm.run({ParameterPoint{}, answer_point});
  out.runs += confirm.last_stats().jobs;
  const PointValues base_fresh = values_of(spec, confirmed[0].arrays());
  out.base_confirm = estimate_mix(spec, base_fresh, base_fresh);
  out.answer_confirm = estimate_mix(spec, values_of(spec, confirmed[1].arrays()), base_fresh);

  out.seed = build_scenario(runner.base().tree, runner.base().source, runner.overrides_for({}), registry).run.seed;
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return out;
}

}  // namespace povsim

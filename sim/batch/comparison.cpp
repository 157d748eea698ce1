#include "sim/batch/comparison.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace povsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double t975(std::size_t n) {
  return boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.975);
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

const MeasureSeries& named(const std::vector<MeasureSeries>& ms, const std::string& name) {
  for (const auto& m : ms)
    if (m.name == name) return m;
  throw std::logic_error("comparison: no measure " + name);
}

}  // namespace

// The measures of one run, [r][y], from its tallies (weighted counts; costs in yuan).
std::vector<MeasureSeries> run_measures(const RunResults& res) {
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  auto series = [&](std::string name, std::string units, std::string description, auto value) {
    MeasureSeries m{std::move(name), std::move(units), std::move(description),
                    std::vector<std::vector<double>>(R, std::vector<double>(Y))};
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t y = 0; y < Y; ++y) m.values[r][y] = value(res.tallies[r][y]);
    return m;
  };
  auto cost = [](const YearTally& t) {
    double yuan = 0;
    for (int slot = 0; slot < kMaxModels; ++slot) yuan += t.model_cost_yuan(slot);
    return yuan;
  };
  std::vector<MeasureSeries> out;
  out.push_back(series("return_rate", "share of households (0-1)",
                       "lifted households newly below the line / lifted households above it the year before",
                       [](const YearTally& t) { return rate(t.all.returned, t.all.at_risk); }));
  out.push_back(series("cumulative_return_rate", "share of households (0-1)",
                       "lifted households returned at least once by this year / lifted households",
                       [](const YearTally& t) { return rate(t.all.ever_returned, t.all.households); }));
  out.push_back(series("poverty_headcount_rate", "share of households (0-1)",
                       "lifted households below the line this year / lifted households",
                       [](const YearTally& t) { return rate(t.all.poor, t.all.households); }));
  out.push_back(series("new_poverty_rate", "share of households (0-1)",
                       "edge households newly below the line / edge households above it the year before",
                       [](const YearTally& t) { return rate(t.edge.returned, t.edge.at_risk); }));
  out.push_back(series("ever_returned_households", "households (weighted)",
                       "lifted households returned at least once by this year",
                       [](const YearTally& t) { return households_of(t.all.ever_returned); }));
  out.push_back(series("fiscal_cost", "yuan/year (weighted)", "payments of all policies to households this year",
                       cost));
  MeasureSeries cumulative = series("cumulative_fiscal_cost", "yuan (weighted)",
                                    "payments of all policies to households from the first year to this year", cost);
  for (auto& row : cumulative.values)
    for (std::size_t y = 1; y < row.size(); ++y) row[y] += row[y - 1];
  out.push_back(std::move(cumulative));
  return out;
}

std::vector<Estimate> estimates_per_year(const MeasureSeries& m) {
  const std::size_t R = m.values.size(), Y = R ? m.values[0].size() : 0;
  std::vector<Estimate> out(Y);
  for (std::size_t y = 0; y < Y; ++y) {
    std::vector<double> column(R);
    for (std::size_t r = 0; r < R; ++r) column[r] = m.values[r][y];
    out[y] = estimate_of(column);
  }
  return out;
}

Estimate estimate_of(const std::vector<double>& values) {
  const std::size_t n = values.size();
  Estimate e;
  e.mean = mean_of(values);
  if (n < 2) {
    e.se = e.ci95_lower = e.ci95_upper = kNaN;
    return e;
  }
  double ss = 0;
  for (double x : values) ss += (x - e.mean) * (x - e.mean);
  e.se = std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n));
  const double half = t975(n) * e.se;
  e.ci95_lower = e.mean - half;
  e.ci95_upper = e.mean + half;
  return e;
}

Estimate ratio_estimate(const std::vector<double>& numerators, const std::vector<double>& denominators) {
  const std::size_t n = numerators.size();
  const double mx = mean_of(numerators), my = mean_of(denominators);
  Estimate e{kNaN, kNaN, kNaN, kNaN};
  if (!(my > 0)) return e;
  e.mean = mx / my;
  if (n < 2) return e;
  // Var(mean x / mean y) ~ Var(mean(x - r y)) / my^2 (first-order delta method).
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = numerators[i] - e.mean * denominators[i];
    ss += d * d;
  }
  e.se = std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n)) / my;
  const double half = t975(n) * e.se;
  e.ci95_lower = e.mean - half;
  e.ci95_upper = e.mean + half;
  return e;
}

Comparison compare_runs(const std::vector<std::string>& files, const std::vector<PointResults>& runs) {
  Comparison c;
  if (runs.empty()) return c;
  c.years = runs.front().results.years;
  c.replicates = runs.front().results.replicate_index;
  const std::vector<MeasureSeries> base = run_measures(runs.front().results);
  for (std::size_t s = 0; s < runs.size(); ++s) {
    ScenarioComparison sc;
    sc.file = files[s];
    sc.name = runs[s].results.name;
    sc.description = runs[s].results.description;
    sc.resolved_yaml = runs[s].resolved_yaml;
    sc.measures = run_measures(runs[s].results);
    for (std::size_t m = 0; m < sc.measures.size(); ++m) {
      MeasureSeries d = sc.measures[m];
      d.description = "paired difference from the base (this scenario minus the base): " + d.description;
      for (std::size_t r = 0; r < d.values.size(); ++r)
        for (std::size_t y = 0; y < d.values[r].size(); ++y) d.values[r][y] -= base[m].values[r][y];
      sc.differences.push_back(std::move(d));
    }
    // Households kept from ever returning: the base's ever-returned minus this scenario's.
    MeasureSeries kept = named(sc.differences, "ever_returned_households");
    kept.name = "households_kept";
    kept.description = "lifted households kept from ever returning by this year: the base's ever-returned "
                       "households minus this scenario's (paired)";
    for (auto& row : kept.values)
      for (double& v : row) v = -v;
    sc.differences.push_back(kept);
    for (const auto& m : sc.measures) sc.measure_estimates.push_back(estimates_per_year(m));
    for (const auto& d : sc.differences) sc.difference_estimates.push_back(estimates_per_year(d));
    const MeasureSeries& extra = named(sc.differences, "cumulative_fiscal_cost");
    for (std::size_t y = 0; y < c.years.size(); ++y) {
      std::vector<double> num, den;
      for (std::size_t r = 0; r < kept.values.size(); ++r) {
        num.push_back(extra.values[r][y]);
        den.push_back(kept.values[r][y]);
      }
      sc.cost_per_household_kept.push_back(s == 0 ? Estimate{kNaN, kNaN, kNaN, kNaN} : ratio_estimate(num, den));
    }
    c.scenarios.push_back(std::move(sc));
  }
  return c;
}

}  // namespace povsim

#include "sim/optimise/optimise_output.hpp"

#include <iomanip>
#include <sstream>

#include "sim/config/params.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/json_text.hpp"

namespace povsim {

namespace {

using namespace h5;

std::string target_text(const OptimiseSpec& spec) {
  std::ostringstream s;
  s << spec.measure.dataset;
  if (!spec.measure.category.empty()) s << "[" << spec.measure.category << "]";
  s << " " << spec.measure.first_year;
  if (spec.measure.last_year != spec.measure.first_year) s << "-" << spec.measure.last_year;
  if (spec.kind == TargetKind::at_most)
    s << " at most " << format_number(spec.limit);
  else
    s << " at most " << format_number(spec.limit) << " x the base's";
  s << " (upper one-sided " << format_number(100 * spec.confidence) << " % bound)";
  return s.str();
}

// [mean, se, ci95_lower, ci95_upper] of each estimate, for a [rows, 4] dataset.
void put(std::vector<double>& rows, const Estimate& e) { rows.insert(rows.end(), {e.mean, e.se, e.ci95_lower, e.ci95_upper}); }

void write_estimates(hid_t parent, const char* name, const MixEstimate& e, std::uint32_t replicates, std::uint32_t first) {
  Handle g = group(parent, name);
  std::vector<double> rows;
  put(rows, e.cost), put(rows, e.measure), put(rows, e.margin), put(rows, e.share_of_base);
  string_dataset(g, "estimate", {"cost", "measure", "margin", "share_of_base"},
                 "cost: fiscal cost over the horizon, yuan (weighted); measure: target.measure; margin: measure - "
                 "limit (<= 0 meets the target); share_of_base: measure / the base's measure (ratio of means)");
  string_dataset(g, "statistic", {"mean", "se", "ci95_lower", "ci95_upper"}, "over the replicates; 95 % interval: Student's t");
  dataset(g, "values", H5T_NATIVE_DOUBLE, {4, 4}, rows, "see estimate", "[estimate, statistic]");
  attr_scalar<double>(g, "margin_upper", H5T_NATIVE_DOUBLE, e.margin_upper);
  attr_scalar<std::int32_t>(g, "meets_target", H5T_NATIVE_INT32, e.meets_target ? 1 : 0);
  attr_string(g, "replicates", std::to_string(first) + ".." + std::to_string(first + replicates - 1));
}

std::string json_estimate(const Estimate& e) {
  return "{\"mean\": " + json_number(e.mean) + ", \"se\": " + json_number(e.se) + ", \"ci95_lower\": " +
         json_number(e.ci95_lower) + ", \"ci95_upper\": " + json_number(e.ci95_upper) + "}";
}

std::string json_mix(const MixEstimate& e) {
  return "{\"cost\": " + json_estimate(e.cost) + ", \"measure\": " + json_estimate(e.measure) +
         ", \"margin\": " + json_estimate(e.margin) + ", \"share_of_base\": " + json_estimate(e.share_of_base) +
         ", \"margin_upper\": " + json_number(e.margin_upper) + ", \"meets_target\": " + (e.meets_target ? "true" : "false") + "}";
}

std::string interval(const Estimate& e, double scale, int precision) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << e.mean * scale << " [" << e.ci95_lower * scale << ", "
    << e.ci95_upper * scale << "]";
  return s.str();
}

}  // namespace

void write_optimise_h5(const std::string& path, const OptimiseSpec& spec, const OptimiseResult& res,
                       const OptimiseInfo& info) {
  AtomicFile file(path);
  const hid_t f = file.id();
  const std::size_t P = spec.levers.size(), N = res.history.size();
  attr_string(f, "povsim_version", info.version);
  attr_string(f, "format", "povsim-optimise 1 (docs/optimise.md)");
  attr_string(f, "optimise_file", spec.file);
  attr_string(f, "optimise_yaml", spec.text);
  attr_string(f, "scenario_file", spec.scenario);
  attr_string(f, "scenario_yaml", res.resolved_yaml);
  attr_string(f, "target", target_text(spec));
  attr_string(f, "optimiser", spec.optimiser);
  attr_string(f, "stop_reason", res.stop_reason);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, spec.households);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, res.seed);
  attr_scalar<std::int32_t>(f, "found", H5T_NATIVE_INT32, res.found ? 1 : 0);
  attr_scalar<std::int32_t>(f, "threads", H5T_NATIVE_INT32, info.threads);
  attr_scalar<double>(f, "seconds", H5T_NATIVE_DOUBLE, res.seconds);
  {
    Handle g = group(f, "levers");
    std::vector<std::string> names;
    std::vector<double> lower, upper, start, answer;
    for (const auto& p : spec.levers) names.push_back(p.path), lower.push_back(p.lower), upper.push_back(p.upper), start.push_back(p.start);
    answer = res.history.at(res.found ? res.best : 0).levers;
    string_dataset(g, "names", names, "scenario path of each lever");
    std::vector<std::string> answer_text;
    for (std::size_t j = 0; j < P; ++j) answer_text.push_back(spec.levers[j].text(res.history.at(res.found ? res.best : 0).levers[j]));
    string_dataset(g, "answer_text", answer_text, "the answer as --set takes it (a month lever as YYYY-MM)");
    dataset(g, "lower", H5T_NATIVE_DOUBLE, {P}, lower, "lever units (a month lever: year * 12 + month - 1)", "lower bound");
    dataset(g, "upper", H5T_NATIVE_DOUBLE, {P}, upper, "lever units", "upper bound");
    dataset(g, "start", H5T_NATIVE_DOUBLE, {P}, start, "lever units", "start of the search");
    dataset(g, "answer", H5T_NATIVE_DOUBLE, {P}, answer, "lever units",
            "the cheapest candidate meeting the target (the start if none did; see the root attribute found)");
  }
  {
    Handle g = group(f, "history");
    std::vector<double> levers, cost, measure, upper;
    std::vector<std::int32_t> feasible, frontier;
    for (const auto& c : res.history) {
      levers.insert(levers.end(), c.levers.begin(), c.levers.end());
      cost.push_back(c.cost), measure.push_back(c.measure), upper.push_back(c.constraint_upper);
      feasible.push_back(c.feasible), frontier.push_back(c.on_frontier);
    }
    dataset(g, "levers", H5T_NATIVE_DOUBLE, {N, P}, levers, "lever units", "each candidate's levers, in order");
    dataset(g, "cost", H5T_NATIVE_DOUBLE, {N}, cost, "yuan (weighted)", "mean fiscal cost over the horizon");
    dataset(g, "measure", H5T_NATIVE_DOUBLE, {N}, measure, "the measure's units", "mean of target.measure");
    dataset(g, "margin_upper", H5T_NATIVE_DOUBLE, {N}, upper, "the measure's units",
            "upper one-sided bound of measure - limit; <= 0 meets the target");
    dataset(g, "feasible", H5T_NATIVE_INT32, {N}, feasible, "1 or 0", "meets the target");
    dataset(g, "on_frontier", H5T_NATIVE_INT32, {N}, frontier, "1 or 0",
            "no other candidate is both no costlier and no higher in the measure (the cost-measure frontier explored)");
  }
  {
    Handle g = group(f, "search");
    write_estimates(g, "base", res.base_search, spec.replicates, 0);
    write_estimates(g, "answer", res.answer_search, spec.replicates, 0);
  }
  {
    Handle g = group(f, "confirm");
    write_estimates(g, "base", res.base_confirm, spec.confirm_replicates, spec.replicates);
    write_estimates(g, "answer", res.answer_confirm, spec.confirm_replicates, spec.replicates);
  }
  file.commit();
}

void print_optimise_summary(std::ostream& out, const OptimiseSpec& spec, const OptimiseResult& res,
                            const std::string& h5_path) {
  const Candidate& answer = res.history.at(res.found ? res.best : 0);
  out << "target: " << target_text(spec) << "\n";
  out << res.history.size() << " candidates x " << spec.replicates << " replicates; stopped: " << res.stop_reason
      << "; " << std::fixed << std::setprecision(1) << res.seconds << " s (" << res.runs << " replicate runs)\n"
      << std::defaultfloat;
  if (!res.found) out << "NO candidate met the target within the levers' bounds; the start is shown\n";
  out << (res.found ? "cheapest mix meeting the target:\n" : "start:\n");
  for (std::size_t j = 0; j < spec.levers.size(); ++j)
    out << "  " << spec.levers[j].path << " = " << spec.levers[j].text(answer.levers[j]) << "   (bounds ["
        << spec.levers[j].text(spec.levers[j].lower) << ", " << spec.levers[j].text(spec.levers[j].upper) << "])\n";
  auto rows = [&](const char* title, const MixEstimate& base, const MixEstimate& mix, std::uint32_t first, std::uint32_t n) {
    out << title << " (replicates " << first << ".." << first + n - 1 << "; mean [95 % interval]):\n"
        << "  cost over the horizon, bn yuan:  base " << interval(base.cost, 1e-9, 2) << "   mix "
        << interval(mix.cost, 1e-9, 2) << "\n"
        << "  target measure:                  base " << interval(base.measure, 1, 5) << "   mix "
        << interval(mix.measure, 1, 5) << "\n"
        << "  mix / base:                      " << interval(mix.share_of_base, 1, 3) << "\n"
        << "  margin (measure - limit):        " << interval(mix.margin, 1, 5) << "; upper one-sided bound "
        << std::setprecision(5) << mix.margin_upper << std::defaultfloat << " -> "
        << (mix.meets_target ? "meets the target" : "does NOT meet the target") << "\n";
  };
  rows("on the search replicates", res.base_search, res.answer_search, 0, spec.replicates);
  rows("on fresh replicates", res.base_confirm, res.answer_confirm, spec.replicates, spec.confirm_replicates);
  std::size_t frontier = 0;
  for (const auto& c : res.history) frontier += c.on_frontier;
  out << frontier << " candidates on the cost-measure frontier (history/on_frontier); wrote " << h5_path << "\n";
}

void print_optimise_json(std::ostream& out, const OptimiseSpec& spec, const OptimiseResult& res,
                         const std::string& h5_path) {
  const Candidate& answer = res.history.at(res.found ? res.best : 0);
  out << "{\"format\": \"povsim-optimise-json 1\", \"out\": " << json_string(h5_path)
      << ", \"target\": " << json_string(target_text(spec)) << ", \"found\": " << (res.found ? "true" : "false")
      << ", \"stop_reason\": " << json_string(res.stop_reason) << ", \"candidates\": " << res.history.size()
      << ", \"seconds\": " << json_number(res.seconds) << ", \"levers\": {";
  for (std::size_t j = 0; j < spec.levers.size(); ++j)
    out << (j ? ", " : "") << json_string(spec.levers[j].path) << ": "
        << (spec.levers[j].month ? json_string(spec.levers[j].text(answer.levers[j])) : json_number(answer.levers[j]));
  out << "}, \"search\": {\"base\": " << json_mix(res.base_search) << ", \"answer\": " << json_mix(res.answer_search)
      << "}, \"confirm\": {\"base\": " << json_mix(res.base_confirm) << ", \"answer\": " << json_mix(res.answer_confirm)
      << "}, \"frontier\": [";
  bool first = true;
  for (const auto& c : res.history) {
    if (!c.on_frontier) continue;
    out << (first ? "" : ", ") << "{\"cost\": " << json_number(c.cost) << ", \"measure\": " << json_number(c.measure)
        << ", \"feasible\": " << (c.feasible ? "true" : "false") << "}";
    first = false;
  }
  out << "]}\n";
}

}  // namespace povsim

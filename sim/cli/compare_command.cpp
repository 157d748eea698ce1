#include "sim/cli/compare_command.hpp"

#include <optional>
#include <unistd.h>

#include <cmath>
#include <iomanip>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>

#include "sim/batch/batch_runner.hpp"
#include "sim/batch/comparison.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/command_support.hpp"
#include "sim/cli/estimate_json.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/output/comparison_output.hpp"
#include "sim/output/hdf5_output.hpp"
#include "sim/population/population_file.hpp"
#include "sim/version.hpp"

namespace povsim {

namespace {

constexpr const char* kCompareHelp = R"(Usage: povsim compare BASE.yaml ALT.yaml [ALT2.yaml ...] [options]

Runs every scenario on one population with common random numbers (replicate k of every scenario
draws from the same streams and starts from the same households) and reports, per scenario and
year, the return rate, cumulative return rate, poverty headcount, new poverty among edge households
and fiscal cost, and against the base (the first file) the paired difference of each, the lifted
households kept from ever returning and the extra cost per household kept, each as the mean over
replicates with its 95 % interval (Student's t; a cost per household kept is a ratio of means with
a delta-method interval). Counts and costs are national totals when the population is weighted
(docs/output.md, "Comparison files"; which noise the intervals cover: "Which noise an interval
covers"). The scenarios must agree on the horizon, seed, replicates and population section (the
options below apply to all of them).

Options:
  --out FILE          comparison file (default: BASE's name with _compare.h5, in the current
                      directory, replacing only a rerun of the same inputs); written atomically
  --households N      number of households (overrides population.households in every scenario)
  --seed S            random seed, 0 to 2^64-1 (every scenario)
  --set PATH=VALUE    override a scalar in every scenario (repeatable), e.g. --set replicates=20
  --threads T         worker threads, 1 to 1024 (default: all cores); results do not depend on T
  --population PATH   compare on this population instead of the synthetic one (as povsim run)
  --persons FILE      the person table that goes with a household CSV
  --counties FILE     the county table that goes with a household CSV
  --json              print one JSON document on stdout (and nothing else there) instead of the table
  --quiet             no table
  --no-progress       no progress bar on stderr
  -h, --help          this help

Exit status: 0 success, 1 run-time failure (I/O, memory), 2 bad usage or invalid input (nothing
written), 75 stopped by a signal (nothing written).
)";

struct CompareArgs {
  std::vector<std::string> files, overrides;
  std::string out;
  PopulationInputOptions input;
  int threads = 0;
  bool json = false, quiet = false, progress = true, help = false;
  bool out_given = false;  // else named after the base: check_default_output
};

CompareArgs parse_compare_args(const std::vector<std::string>& args) {
  CompareArgs c;
  CLI::App app;
  ScenarioOverrideOptions overrides;
  std::string threads;
  bool no_progress = false;
  app.add_option("files", c.files);
  value_option(app, "--out", c.out);
  overrides.add(app);
  value_option(app, "--threads", threads);
  c.input.add(app);
  app.add_flag("--json", c.json);
  app.add_flag("--quiet", c.quiet);
  app.add_flag("--no-progress", no_progress);
  if (!parse_command_line(app, args, "compare")) {
    c.help = true;
    return c;
  }
  c.overrides = overrides.overrides(app);
  c.progress = !no_progress;
  c.out_given = app.get_option("--out")->count() > 0;
  if (c.out_given && c.out.empty()) throw UsageError("--out: expected a file name, got ''");
  if (app.get_option("--threads")->count() > 0) c.threads = parse_threads(threads);
  if (c.files.size() < 2)
    throw UsageError("compare: expected a base scenario and at least one other (see povsim compare --help)");
  c.input.check(c.overrides);
  if (c.out.empty()) {
    std::string stem = c.files.front().substr(c.files.front().find_last_of('/') + 1);
    c.out = stem.substr(0, stem.rfind('.')) + "_compare.h5";
  }
  return c;
}

std::string population_section(const Scenario& s) {
  const ConfigNode resolved = parse_yaml(s.resolved_yaml, "(resolved scenario)");
  const ConfigNode* p = resolved.find("population");
  return p ? to_yaml(*p) : std::string();
}

// The scenarios must be comparable replicate by replicate: one horizon, seed, replicate count and
// (for the synthetic population) one population section.
void check_comparable(const std::vector<std::string>& files, const std::vector<Scenario>& scenarios, bool own_population) {
  const Scenario& base = scenarios.front();
  for (std::size_t s = 1; s < scenarios.size(); ++s) {
    const Scenario& alt = scenarios[s];
    const std::string who = files[s] + ": ";
    if (alt.run.horizon.start.index != base.run.horizon.start.index || alt.run.horizon.end.index != base.run.horizon.end.index)
      throw ConfigError(who + "horizon " + alt.run.horizon.start.str() + " to " + alt.run.horizon.end.str() + " differs from " +
                        files[0] + "'s " + base.run.horizon.start.str() + " to " + base.run.horizon.end.str() +
                        "; compare runs every scenario over one horizon");
    if (alt.run.seed != base.run.seed)
      throw ConfigError(who + "seed " + std::to_string(alt.run.seed) + " differs from " + files[0] + "'s " +
                        std::to_string(base.run.seed) + "; compare pairs replicates by seed (give --seed for all)");
    if (alt.run.replicates != base.run.replicates)
      throw ConfigError(who + std::to_string(alt.run.replicates) + " replicates, " + files[0] + " " +
                        std::to_string(base.run.replicates) + "; give --set replicates=R for all");
    if (alt.run.population_per_replicate != base.run.population_per_replicate)
      throw ConfigError(who + "population_per_replicate differs from " + files[0] + "'s; set it for all with --set");
    for (std::size_t earlier = 0; earlier < s; ++earlier)
      if (scenarios[earlier].display_name() == alt.display_name())
        throw ConfigError(who + "its name '" + one_line(alt.display_name()) + "' is also " + files[earlier] +
                          "'s; give one of them a different `name:` so tables and plots can tell them apart");
    if (!own_population && population_section(alt) != population_section(base))
      throw ConfigError(who + "its population section differs from " + files[0] +
                        "'s; compare runs every scenario on one population (move the population change into "
                        "the base, or compare separate runs with analysis/compare_scenarios.py)");
  }
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "n/a";
  std::ostringstream s;
  s.imbue(std::locale::classic());
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

// "mean [lower, upper]" scaled, or "mean" alone when there is no interval.
std::string with_interval(const Estimate& e, double scale, int digits) {
  if (!std::isfinite(e.mean)) return "n/a";
  std::string s = fixed(e.mean * scale, digits);
  if (std::isfinite(e.ci95_lower)) s += " [" + fixed(e.ci95_lower * scale, digits) + ", " + fixed(e.ci95_upper * scale, digits) + "]";
  return s;
}

std::size_t index_of(const ScenarioComparison& s, const std::string& name, bool difference) {
  const auto& list = difference ? s.differences : s.measures;
  for (std::size_t m = 0; m < list.size(); ++m)
    if (list[m].name == name) return m;
  throw std::logic_error("compare: no measure " + name);
}

void print_table(std::ostream& out, const Comparison& c, const ComparisonMetadata& meta) {
  const ScenarioComparison& base = c.scenarios.front();
  out << "povsim " << kVersion << " compare: " << c.scenarios.size() << " scenarios, " << meta.households
      << " households, " << c.replicates.size() << " replicate(s), seed " << meta.seed << "; weights: " << meta.weights
      << "\nmean [95 % interval] over replicates";
  if (c.replicates.size() < 2) out << " (one replicate: no intervals)";
  out << "; differences are paired (this scenario minus " << base.name << ")\n";
  const std::size_t rr = index_of(base, "return_rate", false);
  for (std::size_t s = 1; s < c.scenarios.size(); ++s) {
    const ScenarioComparison& alt = c.scenarios[s];
    const std::size_t dcum = index_of(alt, "cumulative_return_rate", true), kept = index_of(alt, "households_kept", true),
                      extra = index_of(alt, "cumulative_fiscal_cost", true);
    out << "\n" << alt.name << " against " << base.name << "\n";
    const int w = 26;
    out << std::left << std::setw(6) << "year" << std::right << std::setw(10) << "return %" << std::setw(w)
        << "return % (" + alt.name.substr(0, 12) + ")" << std::setw(w) << "cumulative difference pp" << std::setw(w)
        << "kept (thousand hh)" << std::setw(w) << "extra cost (bn yuan)" << std::setw(30) << "yuan per household kept"
        << "\n";
    for (std::size_t y = 0; y < c.years.size(); ++y) {
      out << std::left << std::setw(6) << c.years[y] << std::right << std::setw(10)
          << fixed(100 * base.measure_estimates[rr][y].mean, 2) << std::setw(w)
          << with_interval(alt.measure_estimates[rr][y], 100, 2) << std::setw(w)
          << with_interval(alt.difference_estimates[dcum][y], 100, 2) << std::setw(w)
          << with_interval(alt.difference_estimates[kept][y], 1e-3, 1) << std::setw(w)
          << with_interval(alt.difference_estimates[extra][y], 1e-9, 2) << std::setw(30)
          << with_interval(alt.cost_per_household_kept[y], 1, 0) << "\n";
    }
  }
  out << "\nreturn %: lifted households newly below the line / those above it the year before; cumulative\n"
         "difference: of the share of lifted households returned at least once by that year; kept: lifted\n"
         "households kept from ever returning by that year; extra cost and yuan per household kept: policy\n"
         "payments from the first year to that year, over the base's.\n";
}

void print_json(std::ostream& out, const Comparison& c, const ComparisonMetadata& meta, const std::string& path) {
  out << "{\"format\": \"povsim-compare-json 1\", \"out\": " << json_string(path) << ", \"households\": " << meta.households
      << ", \"seed\": " << meta.seed << ", \"replicates\": " << c.replicates.size()
      << ", \"weights\": " << json_string(meta.weights) << ", \"years\": [";
  for (std::size_t y = 0; y < c.years.size(); ++y) out << (y ? ", " : "") << c.years[y];
  out << "], \"scenarios\": [";
  for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
    const ScenarioComparison& sc = c.scenarios[s];
    out << (s ? ", " : "") << "{\"name\": " << json_string(sc.name) << ", \"description\": " << json_string(sc.description)
        << ", \"file\": " << json_string(sc.file)
        << ", \"estimate\": {" << json_measure_members(sc.measures, sc.measure_estimates) << "}";
    if (s > 0) {
      const std::string differences = json_measure_members(sc.differences, sc.difference_estimates);
      out << ", \"difference\": {" << differences << (differences.empty() ? "" : ", ")
          << "\"cost_per_household_kept\": " << json_estimates(sc.cost_per_household_kept) << "}";
    }
    out << "}";
  }
  out << "]}\n";
}

}  // namespace

int command_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const Processes& processes) {
  const CompareArgs ca = parse_compare_args(args);
  if (ca.help) {
    out << kCompareHelp;
    return 0;
  }
  const ModelRegistry registry = make_default_registry();
  // Every scenario built (and so validated) before anything runs or is written.
  std::vector<Scenario> scenarios;
  for (const auto& file : ca.files) scenarios.push_back(load_scenario(file, ca.overrides, registry));
  check_comparable(ca.files, scenarios, !ca.input.population.empty());
  const Scenario& base = scenarios.front();

  BatchOptions options;
  options.threads = ca.threads;
  options.replicates = base.run.replicates;
  options.distributor = processes.jobs;  // under MPI: the runs shared out over the ranks
  std::string population = "synthetic (population section of the scenarios)";
  if (!ca.input.population.empty()) {
    options.population = std::make_shared<const LoadedPopulation>(load_population(ca.input.population, ca.input.persons, ca.input.counties),
                                                                  ca.input.population);
    population = ca.input.population;
    if (base.run.population_per_replicate)
      throw ConfigError("population_per_replicate: true needs the synthetic population; a population read from a "
                        "file is one fixed population (set it to false)");
  }
  const PopulationSource& source = options.population ? *options.population : *base.population;
  const std::size_t years = static_cast<std::size_t>(base.run.horizon.end.year() - base.run.horizon.start.year() + 1);
  if (!fits_in_memory(source, base.layout.columns, err, std::size_t(base.run.replicates) * scenarios.size(), years))
    return 1;

  std::string inputs = "population: " + population;
  for (const Scenario& s : scenarios) inputs += "\n---\n" + s.resolved_yaml;
  const std::string digest = inputs_digest(inputs);
  // A signal ends the comparison at once (it cannot stop between months of several jobs), removing
  // the temporary output.
  const bool writes = writes_output(processes);  // rank 0 writes the file (under MPI)
  const StopSignals signals(writes ? h5::AtomicFile::temp_path_for(ca.out) : "", "", true);
  std::optional<ComparisonOutput> output;
  on_rank0(processes, [&] {
    if (!ca.out_given) check_default_output(ca.out, digest, "comparison");
    output.emplace(ca.out);  // an unwritable destination fails now
    return std::string();
  });

  ProgressBar bar(err, ca.progress && isatty(STDERR_FILENO), "runs");
  options.on_job_done = [&](std::size_t done, std::size_t total) { bar(long(done), long(total)); };
  std::vector<BatchScenario> files;
  for (const auto& file : ca.files) files.push_back(load_batch_scenario(file, ca.overrides));
  BatchRunner runner(files.front(), registry, options);
  const std::vector<PointResults> runs = runner.run_scenarios(files);
  if (!writes) return 0;
  const Comparison comparison = compare_runs(ca.files, runs);

  ComparisonMetadata meta{kVersion, base.run.seed, source.households(), population, source.weights(),
                          base.run.population_per_replicate, digest};
  output->commit(comparison, meta, runs);
  if (output->replaced_another_write())
    err << "povsim: warning: " << output->path()
        << " was written by another process while this comparison went on; replaced it\n";
  if (ca.json) {
    print_json(out, comparison, meta, output->path());
    return 0;
  }
  if (!ca.quiet) print_table(out, comparison, meta);
  out << "wrote " << output->path() << "\n";
  return 0;
}

}  // namespace povsim

#include "sim/cli/cli.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <tbb/task_arena.h>

#include <optional>

#include "sim/batch/comparison.hpp"
#include "sim/cli/calibrate_command.hpp"
#include "sim/cli/command_support.hpp"
#include "sim/cli/compare_command.hpp"
#include "sim/cli/merge_command.hpp"
#include "sim/cli/optimise_command.hpp"
#include "sim/cli/sweep_command.hpp"
#include "sim/cli/estimate_json.hpp"
#include "sim/cli/export_command.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/data_files.hpp"
#include "sim/output/hdf5_output.hpp"
#include "sim/population/population_file.hpp"
#include "sim/population/population_report.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"
#include "sim/version.hpp"

namespace povsim {

// Signal handlers can reach only static storage, hence these file-local statics (the one place the
// program keeps any).
namespace {
std::atomic<int> stop_signal{0};
// Files a second SIGINT (or any signal, at once) removes: the temporary output and checkpoint.
char abort_unlink_paths[2][4096] = {};
// Set where the work cannot stop at a month's end: the first stop signal ends the command at once.
std::atomic<bool> stop_at_once{false};

void on_stop_signal(int signal) {
  if (stop_at_once.load() || (signal == SIGINT && stop_signal.load() != 0)) {
    for (const char* path : abort_unlink_paths)
      if (path[0] != '\0') ::unlink(path);
    static const char second_sigint[] = "\npovsim: aborted by a second SIGINT\n";
    static const char stopped[] = "\npovsim: stopped by a signal; no output written\n";
    const bool at_once = stop_at_once.load();
    [[maybe_unused]] const auto n = at_once ? ::write(STDERR_FILENO, stopped, sizeof stopped - 1)
                                            : ::write(STDERR_FILENO, second_sigint, sizeof second_sigint - 1);
    ::_exit(at_once ? kExitStopped : 128 + SIGINT);
  }
  stop_signal.store(signal);
}
}  // namespace

StopSignals::StopSignals(const std::string& temp_output, const std::string& temp_checkpoint, bool at_once) {
  stop_signal.store(0);
  stop_at_once.store(at_once);
  std::snprintf(abort_unlink_paths[0], sizeof abort_unlink_paths[0], "%s", temp_output.c_str());
  std::snprintf(abort_unlink_paths[1], sizeof abort_unlink_paths[1], "%s", temp_checkpoint.c_str());
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &action, &previous_[k]);
}

StopSignals::~StopSignals() {
  for (std::size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &previous_[k], nullptr);
  for (char* path : abort_unlink_paths) path[0] = '\0';
  stop_at_once.store(false);
}

std::atomic<int>& StopSignals::requested() { return stop_signal; }

std::string gib(std::size_t bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << double(bytes) / (1u << 30) << " GiB";
  return s.str();
}

std::string on_rank0(const Processes& processes, const std::function<std::string()>& f) {
  const Reducer& world = *processes.world;
  if (world.parts() == 1) return f();
  // Rank 0's answer, prefixed by what it was: 'v' a value, 'u' bad input, 'e' another error.
  std::string answer;
  if (world.part() == 0) {
    try {
      answer = "v" + f();
    } catch (const UsageError& e) {
      answer = std::string("u") + e.what();
    } catch (const ConfigError& e) {
      answer = std::string("u") + e.what();
    } catch (const DataFileError& e) {
      answer = std::string("u") + e.what();
    } catch (const std::exception& e) {
      answer = std::string("e") + e.what();
    }
  }
  world.broadcast(answer);
  if (answer.empty()) throw std::logic_error("on_rank0: no answer from rank 0");
  if (answer[0] == 'u') throw UsageError(answer.substr(1));
  if (answer[0] == 'e') throw std::runtime_error(answer.substr(1));
  return answer.substr(1);
}

bool writes_output(const Processes& processes) { return processes.world->part() == 0; }

void check_default_output(const std::string& path, const std::string& digest, const std::string& command) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  const std::string previous = h5::read_root_text_attribute(path, "inputs_digest");
  if (previous == digest) return;
  throw UsageError(path + " exists and holds " +
                   (previous.empty() ? std::string("something other than a povsim ") + command + " result"
                                     : "a " + command + " with other inputs (a different scenario, --set, population or replicates)") +
                   "; the default --out replaces only a rerun of the same inputs: name this one's file with --out FILE");
}

bool fits_in_memory(const PopulationSource& population, const std::vector<ColumnSpec>& declared, std::ostream& err,
                    std::size_t replicates, std::size_t years, std::size_t households_here, int node_ranks) {
  const std::size_t households = std::min(households_here, population.households());
  const std::size_t for_households = estimate_run_bytes(households, population.persons_per_household(), declared);
  const std::size_t for_results = estimate_results_bytes(replicates, years);
  const std::size_t needed =
      for_households > std::size_t(-1) - for_results ? std::size_t(-1) : for_households + for_results;
  auto limit = memory_limit();
  if (limit && node_ranks > 1) {
    limit->bytes /= static_cast<std::size_t>(node_ranks);
    limit->source += ", divided among the " + std::to_string(node_ranks) + " MPI ranks on this node";
  }
  if (!limit || needed <= limit->bytes) return true;
  err << "povsim: error: ";
  if (for_households >= for_results)
    err << households << " households need about " << gib(needed) << " of memory but only " << gib(limit->bytes)
        << " is available (" << limit->source << "); use fewer --households\n";
  else
    err << replicates << " replicates x " << years << " years of results need about " << gib(needed)
        << " of memory but only " << gib(limit->bytes) << " is available (" << limit->source
        << "); run fewer replicates at a time (--replicate K:L) or a shorter horizon\n";
  return false;
}

namespace {

// An error message is the one line the contract promises (sim/config/config.hpp, one_line: control
// bytes escaped); a message echoing huge input (a 100 KB --set value) is cut after this many bytes.
constexpr std::size_t kMaxMessageBytes = 1000;

constexpr const char* kMainHelp = R"(povsim - agent-based simulation of return to poverty among households lifted out of
poverty in rural China, month by month, under policy scenarios.

Usage:
  povsim run SCENARIO.yaml [--out OUT.h5] [options]   simulate and write results to HDF5
  povsim validate SCENARIO.yaml [...] [--set P=V]     check scenario files without running
  povsim compare BASE.yaml ALT.yaml [...] [options]   scenarios on one population, paired
                                                      differences with 95 % intervals
                                                      (see povsim compare --help)
  povsim calibrate CALIBRATION.yaml [--out OUT.h5]    fit parameters to observed moments
                                                      (see povsim calibrate --help)
  povsim optimise OPTIMISE.yaml [--out OUT.h5]        the cheapest policy mix meeting a target
                                                      (see povsim optimise --help)
  povsim merge PART.h5 [...] --out ALL.h5             job-array parts (--replicate K) into one file
  povsim sweep SWEEP.yaml [--out OUT.h5]              many parameter points by a design (grid,
                                                      Latin hypercube, Saltelli, Morris); resumable
                                                      (see povsim sweep --help)
  povsim population [SCENARIO.yaml] [options]         build a population: calibration report,
                                                      save to HDF5 (see povsim population --help)
  povsim export FILE.h5 (--csv DIR | --json)          a run or comparison file as tidy tables:
                                                      CSV files or one JSON document
                                                      (see povsim export --help)
  povsim --version                                    print the version
  povsim --help | povsim COMMAND --help               this help | options of a command

Scenario files are YAML; scenarios/baseline.yaml documents every key. Results are
described in docs/output.md, the model in docs/model.md. Installed, the scenarios are in
PREFIX/share/povsim/scenarios, the analysis scripts in PREFIX/share/povsim/analysis and the
docs in PREFIX/share/doc/povsim. Data files povsim reads itself (the population targets) are
looked up in $POVSIM_DATA_DIR if set, else in ../share/povsim beside the executable, else (a
binary in its build tree) in the source tree.

Exit status: 0 success, 1 run-time failure (I/O, memory), 2 bad usage or invalid input,
75 stopped by SIGTERM, SIGINT, SIGHUP or SIGUSR1 after finishing a month (with --checkpoint the
state is saved: rerun with --restart to continue); a second SIGINT aborts at once (130).
)";

constexpr const char* kRunHelp = R"(Usage: povsim run SCENARIO.yaml [options]

Simulates the scenario on its population and writes results atomically to HDF5, then prints
the return-to-poverty rate by year and region type.

Options:
  --out FILE          output HDF5 file (default: SCENARIO's name with .h5, in the current
                      directory; it replaces only a rerun of the same inputs there, so a run
                      that differs by --set needs its own --out); written via a temporary
                      file, so a failed run leaves none
  --households N      number of households (overrides population.households)
  --population PATH   simulate this population instead of the synthetic one: a directory
                      with households.csv, persons.csv and optionally counties.csv, a
                      population file (.h5, e.g. from povsim population --out), or a
                      household CSV with --persons
  --persons FILE      the person table that goes with a household CSV
  --counties FILE     the county table (industries) that goes with a household CSV
  --seed S            random seed, 0 to 2^64-1 (overrides seed)
  --threads T         worker threads, 1 to 1024 (default: all cores); results do not
                      depend on T
  --set PATH=VALUE    override any scalar in the scenario, e.g.
                      --set shocks.illness.reimbursement_rate=0.7 (repeatable)
  --replicate K[:L]   run only replicate K (or K to L, inclusive) of the scenario's
                      replicates; the file records which (/replicate_index), so parts
                      run as separate jobs can be merged
  --checkpoint FILE   save the whole run state to FILE (atomically, replacing it) every
                      --checkpoint-every months and when stopped by a signal
  --checkpoint-every M  months between checkpoints (default 12; needs --checkpoint)
  --restart FILE      continue the run saved in checkpoint FILE; give the same scenario
                      and options (--threads and --out may differ); results equal an
                      uninterrupted run's bit for bit (the checkpoint is kept when the
                      run completes)
  --quiet             print no summary table
  --json              print one JSON document on stdout instead of the table (and nothing
                      else there): per year, the mean, standard error and 95 % interval over
                      replicates of each rate and the fiscal cost (docs/output.md)
  --no-progress       no progress bar (it is shown only when stderr is a terminal)
  -h, --help          this help
)";

constexpr const char* kPopulationHelp = R"(Usage: povsim population [SCENARIO.yaml] [options]

Builds the population a run would start from - the scenario's synthetic population (the
built-in defaults without a scenario), or microdata with --population - and prints its
calibration report: each target with the value aimed at, the value obtained and the source,
then household sizes, the age pyramid and income by source and decile. With --out it saves
the population (and the report) to an HDF5 population file that povsim run --population
reuses; docs/population.md describes it.

Options:
  --report            print the report (the default unless --out is given)
  --targets FILE      calibration targets (default: scenarios/populations/targets.yaml in
                      the data folder: $POVSIM_DATA_DIR, else ../share/povsim beside the
                      executable, else the source tree of a build-tree binary)
  --out FILE          save the population to this HDF5 file (written atomically)
  --population PATH   report on this population instead (directory of CSVs, .h5, or a
                      household CSV with --persons)
  --persons FILE      the person table that goes with a household CSV
  --counties FILE     the county table (industries) that goes with a household CSV
  --households N      number of households (overrides population.households)
  --seed S            random seed (overrides seed)
  --threads T         worker threads, 1 to 1024 (default: all cores); the population does
                      not depend on T
  --set PATH=VALUE    override any scalar in the scenario (repeatable)
  -h, --help          this help
)";

constexpr const char* kValidateHelp = R"(Usage: povsim validate SCENARIO.yaml [SCENARIO.yaml ...] [options]

Checks scenario files as povsim run would read them (every key, type, range and extends target),
without running. Prints one line per file: "ok" with the models enabled, households and horizon,
or the error (file, line and key).

Options:
  --set PATH=VALUE    override a scalar before checking, as in povsim run (repeatable; applies
                      to every file)
  -h, --help          this help
)";

struct RunArgs {
  std::string scenario;
  std::string out;
  PopulationInputOptions input;  // microdata or a population file instead of the synthetic population
  std::string targets;     // population command: targets file
  bool report = false;     // population command: print the report
  std::vector<std::string> overrides;
  int threads = 0;
  std::uint32_t first_replicate = 0, replicate_count = 0;  // 0: all
  std::string checkpoint, restart;
  int checkpoint_every = 0;  // 0: not given
  bool quiet = false;
  bool json = false;  // run: one JSON document on stdout instead of the table
  bool progress = true;
  bool help = false;
  bool out_given = false;  // --out given (else named after the scenario: check_default_output)
};

// Parses the options of `run` and `population` (population == true), which share most of them.
RunArgs parse_run_args(const std::vector<std::string>& args, bool population = false) {
  RunArgs r;
  const std::string command = population ? "population" : "run";
  CLI::App app;
  std::vector<std::string> files;
  ScenarioOverrideOptions scenario_overrides;
  std::string threads, replicate, checkpoint_every;
  bool no_progress = false;
  app.add_option("files", files);
  value_option(app, "--out", r.out);
  scenario_overrides.add(app);
  value_option(app, "--threads", threads);
  r.input.add(app);
  app.add_flag("--no-progress", no_progress);
  if (population) {
    value_option(app, "--targets", r.targets);
    app.add_flag("--report", r.report);
  } else {
    value_option(app, "--replicate", replicate);
    value_option(app, "--checkpoint", r.checkpoint);
    value_option(app, "--checkpoint-every", checkpoint_every);
    value_option(app, "--restart", r.restart);
    app.add_flag("--quiet", r.quiet);
    app.add_flag("--json", r.json);
  }
  if (!parse_command_line(app, args, command)) {
    r.help = true;
    return r;
  }
  // Whether an option was given (run's options are not defined for population).
  auto given = [&](const char* name) {
    const CLI::Option* o = app.get_option_no_throw(name);
    return o != nullptr && o->count() > 0;
  };
  r.overrides = scenario_overrides.overrides(app);
  if (given("--out") && r.out.empty()) throw UsageError("--out: expected a file name, got ''");
  r.out_given = given("--out");
  if (given("--threads")) r.threads = parse_threads(threads);
  if (given("--replicate")) {
    const auto colon = replicate.find(':');
    const auto first = parse_number_arg<std::uint32_t>("--replicate", replicate.substr(0, colon), 0);
    const auto last = colon == std::string::npos
                          ? first
                          : parse_number_arg<std::uint32_t>("--replicate", replicate.substr(colon + 1), 0);
    if (last < first) throw UsageError("--replicate: expected K or K:L with K <= L, got '" + replicate + "'");
    r.first_replicate = first;
    r.replicate_count = last - first + 1;
  }
  r.progress = !no_progress;
  if (given("--checkpoint") && r.checkpoint.empty()) throw UsageError("--checkpoint: expected a file name");
  if (given("--checkpoint-every"))
    r.checkpoint_every = parse_number_arg<int>("--checkpoint-every", checkpoint_every, 1);
  if (given("--restart") && r.restart.empty()) throw UsageError("--restart: expected a checkpoint file");
  if (files.size() > 1)
    throw UsageError("unexpected argument '" + files[1] + "': only one scenario file per " + command);
  if (!files.empty()) r.scenario = files.front();
  r.input.check(r.overrides);
  if (population) return r;
  if (!r.help && r.scenario.empty()) throw UsageError("missing the scenario file (see povsim run --help)");
  if (r.checkpoint_every > 0 && r.checkpoint.empty()) throw UsageError("--checkpoint-every: needs --checkpoint FILE");
  if (!r.checkpoint.empty() && r.checkpoint_every == 0) r.checkpoint_every = 12;
  if (r.out.empty() && !r.scenario.empty()) {
    std::string stem = r.scenario.substr(r.scenario.find_last_of('/') + 1);
    stem = stem.substr(0, stem.rfind('.'));
    r.out = stem + ".h5";
  }
  return r;
}

// The run's summary. With several replicates every cell is the mean over them, and the return and
// cumulative rates carry their 95 % interval (Student's t; sim/batch/comparison.hpp); which noise
// it covers is the root attribute population_noise (docs/output.md).
void print_summary(std::ostream& out, const RunResults& res, const Scenario& sc) {
  const std::size_t R = res.tallies.size();
  out << "povsim " << kVersion << ": " << sc.source << ", " << res.households << " households, seed "
      << sc.run.seed << ", " << R << " replicate(s), " << std::fixed << std::setprecision(1) << res.seconds << " s\n";
  out << "Return-to-poverty rate, % of lifted households above the line the year before";
  if (R > 1)
    out << " (mean over replicates " << res.replicate_index.front() << ".." << res.replicate_index.back()
        << " [95 % interval])";
  else if (res.replicate_index.front() != 0)
    out << " (replicate " << res.replicate_index.front() << ")";
  out << "\n";
  // Estimate of a rate over the replicates, in percent.
  auto over_replicates = [&](std::size_t y, auto rate_of) {
    std::vector<double> v;
    for (const auto& t : res.tallies) v.push_back(100.0 * rate_of(t[y]));
    return estimate_of(v);
  };
  auto fixed2 = [](double v) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << v;
    return s.str();
  };
  auto with_interval = [&](const Estimate& e) {
    return R > 1 ? fixed2(e.mean) + " [" + fixed2(e.ci95_lower) + ", " + fixed2(e.ci95_upper) + "]" : fixed2(e.mean);
  };
  const int wide = R > 1 ? 22 : 9;
  out << std::left << std::setw(6) << "year" << std::right << std::setw(11) << "line" << std::setw(wide) << "return"
      << std::setw(wide + 3) << "cumulative" << std::setw(11) << "headcount";
  for (auto name : kRegionTypeNames) out << std::setw(17) << name;
  out << std::setw(10) << "new poor" << "\n";
  for (std::size_t y = 0; y < res.years.size(); ++y) {
    out << std::left << std::setw(6) << res.years[y] << std::right << std::setw(11) << std::setprecision(0)
        << res.poverty_line[y] << std::setw(wide)
        << with_interval(over_replicates(y, [](const YearTally& t) { return rate(t.all.returned, t.all.at_risk); }))
        << std::setw(wide + 3)
        << with_interval(over_replicates(y, [](const YearTally& t) { return rate(t.all.ever_returned, t.all.households); }))
        << std::setw(11)
        << fixed2(over_replicates(y, [](const YearTally& t) { return rate(t.all.poor, t.all.households); }).mean);
    for (int r = 0; r < kRegionTypes; ++r)
      out << std::setw(17)
          << fixed2(over_replicates(y, [r](const YearTally& t) {
               return rate(t.by_region[r].returned, t.by_region[r].at_risk);
             }).mean);
    out << std::setw(10)
        << fixed2(over_replicates(y, [](const YearTally& t) { return rate(t.edge.returned, t.edge.at_risk); }).mean)
        << "\n";
  }
  out << "line: poverty line, yuan/person/year; cumulative: % of lifted households returned at least once;\n"
         "headcount: % of lifted households below the line; region columns: return rate by region type;\n"
         "new poor: % of edge (never registered) households newly below the line. Rates are weighted.\n";
  std::vector<double> ever;
  for (const auto& t : res.tallies) ever.push_back(households_of(t.back().all.ever_returned));
  const Estimate e = estimate_of(ever);
  out << "Weights: " << sc.population->weights() << "; lifted households returned at least once by "
      << res.years.back() << ": " << std::setprecision(0) << e.mean;
  if (R > 1) out << " [" << e.ci95_lower << ", " << e.ci95_upper << "]";
  out << " of " << households_of(res.tallies.front().back().all.households) << " (weighted)\n";
}

// The run's summary as one JSON document (format "povsim-run-json 1", docs/output.md): per measure
// and year the estimate over replicates, as compare --json gives them.
void print_run_json(std::ostream& out, const RunResults& res, const Scenario& sc, const std::string& path) {
  const std::vector<MeasureSeries> measures = run_measures(res);
  std::vector<std::vector<Estimate>> estimates;
  for (const MeasureSeries& m : measures) estimates.push_back(estimates_per_year(m));
  auto integers = [](const auto& values) {
    std::string s = "[";
    for (std::size_t k = 0; k < values.size(); ++k) s += (k ? ", " : "") + std::to_string(values[k]);
    return s + "]";
  };
  out << "{\"format\": \"povsim-run-json 1\", \"out\": " << json_string(path)
      << ", \"name\": " << json_string(sc.display_name()) << ", \"description\": " << json_string(res.description)
      << ", \"scenario_file\": " << json_string(sc.source) << ", \"households\": " << res.households
      << ", \"replicates\": " << res.tallies.size() << ", \"replicate_index\": " << integers(res.replicate_index)
      << ", \"seed\": " << sc.run.seed << ", \"weights\": " << json_string(sc.population->weights())
      << ", \"years\": " << integers(res.years) << ", \"estimate\": {" << json_measure_members(measures, estimates)
      << "}}\n";
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
    default: return "signal " + std::to_string(signal);
  }
}

// The ranks of a distributed run meet once, when every rank has set up (or failed to): a rank that
// failed alone would otherwise leave the others waiting in the run's first collective. Bad input
// fails on every rank alike, so only rank 0 says why; a rank that fails alone says so itself.
class RankAgreement {
 public:
  explicit RankAgreement(const Reducer& world) : world_(world) {}
  bool met() const { return met_; }
  // Every rank's status in; the job's out (this rank's own failure first). `speak`: whether this
  // rank should print its own error.
  int meet(int status, bool& speak) {
    met_ = true;
    std::array<std::int64_t, 2> rank0_and_failures{world_.part() == 0 ? status : 0, status != 0 ? 1 : 0};
    world_.sum(std::span<std::int64_t>(rank0_and_failures));
    const int worst = static_cast<int>(world_.max(status));
    speak = status != 0 && (world_.part() == 0 || rank0_and_failures[0] == 0);
    others_failed_ = status == 0 && worst != 0;
    return status != 0 ? status : worst;
  }
  bool others_failed() const { return others_failed_; }

 private:
  const Reducer& world_;
  bool met_ = false, others_failed_ = false;
};

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const Processes& processes,
                RankAgreement& agreement) {
  const RunArgs ra = parse_run_args(args);
  if (ra.help) {
    out << kRunHelp;
    return 0;
  }
  const ModelRegistry registry = make_default_registry();
  Scenario scenario = load_scenario(ra.scenario, ra.overrides, registry);
  std::string population = "synthetic (population section of the scenario)";
  if (!ra.input.population.empty()) {
    scenario.population =
        std::make_unique<LoadedPopulation>(load_population(ra.input.population, ra.input.persons, ra.input.counties), ra.input.population);
    population = ra.input.population + (ra.input.persons.empty() ? "" : " with " + ra.input.persons) +
                 (ra.input.counties.empty() ? "" : " and " + ra.input.counties);
  }

  const Reducer& world = *processes.world;
  RunOptions options;
  options.threads = ra.threads;
  options.first_replicate = ra.first_replicate;
  options.replicate_count = ra.replicate_count;
  std::size_t households_here = scenario.population->households();
  if (world.parts() > 1) {  // this rank's share of the population (sim/parallel/mpi.hpp)
    options.reducer = &world;
    options.part = population_part(*scenario.population, world.part(), world.parts());
    households_here = options.part->end - options.part->begin;
  }
  // A replicate that does not exist is bad input: say so now.
  const std::size_t replicates = selected_replicates(scenario, options).second;
  const std::size_t years =
      static_cast<std::size_t>(scenario.run.horizon.end.year() - scenario.run.horizon.start.year() + 1);
  if (!fits_in_memory(*scenario.population, scenario.layout.columns, err, replicates, years, households_here,
                      processes.node_ranks))
    return 1;
  // The handlers go in before the temporary output exists, so that no stop signal can find it
  // there without them (the default action would leave it behind).
  // What fixes the file's contents; --threads, --checkpoint and --restart do not.
  const std::string digest = run_inputs_digest(scenario.resolved_yaml, population, ra.first_replicate,
                                               static_cast<std::uint32_t>(replicates));
  // Rank 0 alone writes the output file; every rank saves its own checkpoint part.
  const bool writes_output = world.part() == 0;
  if (!ra.out_given && writes_output) check_default_output(ra.out, digest, "run");
  const std::string checkpoint_part =
      ra.checkpoint.empty() ? "" : checkpoint_part_path(ra.checkpoint, world.part(), world.parts());
  const StopSignals signals(writes_output ? h5::AtomicFile::temp_path_for(ra.out) : "",
                            checkpoint_part.empty() ? "" : checkpoint_temp_path(checkpoint_part));
  std::optional<Hdf5Output> output;
  if (writes_output) output.emplace(ra.out);  // fails now if the destination is not writable
  // Every rank has set up: from here on the ranks run in step (a rank that failed is reported by
  // the agreement, and the others leave with its status).
  if (world.parts() > 1) {
    bool speak = false;
    if (const int failed = agreement.meet(0, speak); failed != 0) return failed;
  }

  options.checkpoint_path = ra.checkpoint;
  options.checkpoint_every = ra.checkpoint_every;
  options.restart_path = ra.restart;
  options.identity.version = kVersion;
  options.identity.resolved_scenario = scenario.resolved_yaml;
  options.identity.population = population;
  options.stop_signal = &StopSignals::requested();
  ProgressBar bar(err, ra.progress && isatty(STDERR_FILENO));
  options.on_progress = [&](long done, long total) { bar(done, total); };
  RunResults results;
  try {
    results = simulate(scenario, options);
  } catch (const Interrupted& stop) {
    err << "\npovsim: stopped by " << signal_name(stop.signal) << " after month " << stop.months_done
        << " of the replicate in progress; "
        << (stop.checkpointed ? "state saved to " + ra.checkpoint +
                                    (world.parts() > 1 ? " (one part per rank: " + ra.checkpoint + ".rank0 .. .rank" +
                                                             std::to_string(world.parts() - 1) + ")"
                                                       : std::string()) +
                                    " (continue with --restart " + ra.checkpoint + ")"
                              : std::string("no checkpoint (none was asked for: use --checkpoint FILE)"))
        << "; no output written\n";
    return kExitStopped;
  } catch (const CheckpointError& e) {
    err << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
    return 2;
  }

  // The largest resident memory of any rank (every rank takes part in the reduction).
  const std::int64_t peak_bytes = world.max(static_cast<std::int64_t>(peak_rss_bytes()));
  if (!writes_output) return 0;
  RunMetadata meta{kVersion, scenario.source, scenario.resolved_yaml, scenario.run.seed, ra.threads, population,
                   scenario.population->weights(), digest};
  meta.threads = ra.threads > 0 ? ra.threads : tbb::this_task_arena::max_concurrency();
  meta.mpi_ranks = world.parts();
  output->commit(results, meta);
  if (output->replaced_another_write())
    err << "povsim: warning: " << output->path()
        << " was written by another process while this run went on; replaced it with this run's results\n";
  if (ra.json) {  // stdout holds the document alone
    print_run_json(out, results, scenario, output->path());
    return 0;
  }
  if (!ra.quiet) {
    print_summary(out, results, scenario);
    out << "peak memory " << std::fixed << std::setprecision(0) << double(peak_bytes) / (1 << 20) << " MiB"
        << (world.parts() > 1 ? " per rank (the largest of " + std::to_string(world.parts()) + " MPI ranks)" : "")
        << "\n";
  }
  out << "wrote " << output->path() << "\n";
  return 0;
}

int command_population(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const RunArgs ra = parse_run_args(args, true);
  if (ra.help) {
    out << kPopulationHelp;
    return 0;
  }
  const ModelRegistry registry = make_default_registry();
  const Scenario scenario = ra.scenario.empty() ? default_scenario(ra.overrides, registry)
                                                : load_scenario(ra.scenario, ra.overrides, registry);
  const std::string targets_path =
      ra.targets.empty() ? find_data_file("scenarios/populations/targets.yaml", "or give --targets FILE") : ra.targets;
  const TargetsFile targets = load_targets(targets_path);
  // Generating and saving cannot stop half-way, so a stop signal ends the command at once, removing
  // the check file and the population file being written (installed before either exists).
  const StopSignals signals(ra.out.empty() ? "" : h5::AtomicFile::temp_path_for(ra.out + ".check"),
                            ra.out.empty() ? "" : h5::AtomicFile::temp_path_for(ra.out), true);
  std::optional<h5::AtomicFile> check_out;
  if (!ra.out.empty()) check_out.emplace(ra.out + ".check");  // an unwritable destination fails now

  const auto t0 = std::chrono::steady_clock::now();
  HouseholdStore hh;
  std::string source;
  if (ra.input.population.empty()) {
    if (!fits_in_memory(*scenario.population, {}, err)) return 1;
    tbb::task_arena arena(ra.threads > 0 ? ra.threads : tbb::task_arena::automatic);
    arena.execute([&] { scenario.population->generate(hh, StreamFactory(scenario.run.seed, 0)); });
    source = "synthetic: " + scenario.source + ", seed " + std::to_string(scenario.run.seed);
  } else {
    hh = load_population(ra.input.population, ra.input.persons, ra.input.counties);
    source = "microdata: " + ra.input.population + (ra.input.persons.empty() ? "" : " with " + ra.input.persons) +
             (ra.input.counties.empty() ? "" : " and " + ra.input.counties);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  err << "povsim: " << (ra.input.population.empty() ? "generated " : "read ") << hh.size() << " households ("
      << hh.person_count() << " persons) in " << std::fixed << std::setprecision(2) << seconds << " s; peak memory "
      << std::setprecision(0) << double(peak_rss_bytes()) / (1 << 20) << " MiB\n";

  const PopulationReport report = make_report(hh, targets);
  if (ra.report || ra.out.empty()) {
    out << "povsim " << kVersion << " population report; " << source << "; targets: " << targets_path << "\n";
    print_report(out, report);
  }
  if (!ra.out.empty()) {
    check_out.reset();
    try {
      write_population_file(ra.out, hh, PopulationFileInfo{kVersion, source}, &report);
    } catch (const h5::WriteError& e) {
      throw std::runtime_error(e.naming(ra.out));  // name the target, not the temporary file
    }
    out << "wrote " << ra.out << "\n";
  }
  return 0;
}

int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app;
  std::vector<std::string> files, sets;
  app.add_option("files", files);
  repeated_option(app, "--set", sets);
  if (!parse_command_line(app, args, "validate")) {
    out << kValidateHelp;
    return 0;
  }
  if (files.empty()) throw UsageError("validate: expected one or more scenario files (see povsim validate --help)");
  const ModelRegistry registry = make_default_registry();
  int status = 0;
  for (const std::string& file : files) {
    try {
      const Scenario s = load_scenario(file, sets, registry);
      out << file << ": ok (" << s.models.size() << " models enabled, " << s.population->households()
          << " households, " << s.run.horizon.start.str() << " to " << s.run.horizon.end.str() << ")\n";
    } catch (const ConfigError& e) {
      err << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
      status = 2;
    }
  }
  return status;
}

}  // namespace

namespace {

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::ostream& error,
                const Processes& processes, RankAgreement& agreement) {
  const bool distributed = processes.world->parts() > 1;
  try {
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
      (args.empty() ? err : out) << kMainHelp;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
      out << "povsim " << kVersion << "\n";
      return 0;
    }
    if (args[0] == "run") return command_run(args, out, err, processes, agreement);
    if (args[0] == "calibrate") return command_calibrate(args, out, err, processes);
    if (args[0] == "optimise") return command_optimise(args, out, err, processes);
    if (args[0] == "compare") return command_compare(args, out, err, processes);
    if (args[0] == "sweep") return command_sweep(args, out, err, processes);
    if (distributed)
      throw UsageError("povsim " + args[0] + " runs on one process; under MPI only run, sweep, compare, calibrate "
                       "and optimise are distributed (start it without mpirun; docs/hpc.md)");
    if (args[0] == "validate") return command_validate(args, out, err);
    if (args[0] == "population") return command_population(args, out, err);
    if (args[0] == "merge") return command_merge(args, out, err);
    if (args[0] == "export") return command_export(args, out, err);
    throw UsageError("unknown command '" + args[0] + "' (see povsim --help)");
  } catch (const UsageError& e) {
    error << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
    return 2;
  } catch (const ConfigError& e) {
    error << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
    return 2;
  } catch (const DataFileError& e) {  // an installation or setup problem, fixed by the user as bad input is
    error << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    // The estimates checked before the run did not foresee this, so the cause is unknown: name the
    // limit that was in force rather than guess at --households.
    const auto limit = memory_limit();
    error << "povsim: error: out of memory"
        << (limit ? " (limit " + gib(limit->bytes) + ": " + limit->source + ")" : std::string()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    error << "povsim: error: " << one_line(e.what(), kMaxMessageBytes) << "\n";
    return 1;
  }
}

}  // namespace

int povsim_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const Processes& processes) {
  const Reducer& world = *processes.world;
  RankAgreement agreement(world);
  std::ostringstream error;  // this rank's error line, printed once the ranks know who failed
  std::ostringstream quiet;  // the output of ranks other than 0, which rank 0's repeats
  const bool speaks = world.part() == 0;
  int status = run_command(args, speaks ? out : quiet, speaks ? err : quiet, error, processes, agreement);
  if (world.parts() == 1) {
    err << error.str();
    return status;
  }
  const std::string rank = "povsim: rank " + std::to_string(world.part()) + ": ";
  if (!agreement.met()) {  // failed while setting up: meet the ranks waiting for the run to start
    bool speak = false;
    status = agreement.meet(status, speak);
    if (speak) err << (speaks ? error.str() : rank + error.str());
    return status;
  }
  if (agreement.others_failed() && speaks) err << "povsim: error: another rank could not start (its message above)\n";
  if (status != 0 && status != kExitStopped && !error.str().empty()) {
    // Failed while the others run or wait in a collective (a full disk, memory): end the whole job.
    err << (speaks ? error.str() : rank + error.str()) << std::flush;
    if (processes.abort_job) processes.abort_job(status);
  }
  return status;
}

}  // namespace povsim

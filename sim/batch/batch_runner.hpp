// The batch runner: many parameter points of one scenario, each with the same replicates, on all
// threads. Calibration uses it; comparisons, sweeps, policy optimisation and MPI ensembles are meant
// to (issues 12-14).
//
// Guarantees:
// - A point is the base scenario with `--set PATH=VALUE` overrides, applied by the same code as
//   `povsim run --set` (apply_override, then the scenario's strict validation): same errors,
//   same resolved scenario.
// - Job (point p, replicate k) gives, bit for bit, replicate k of `povsim run BASE --set ...` with
//   the point's overrides: the run's results do not depend on the thread count, on how many jobs
//   run beside it, or on which other replicates run (each job is a fresh Run).
// - Common random numbers: replicate k draws from the streams of (seed, k) at every point, so
//   points differ only by their parameters (unless a point changes `seed`).
// - Points whose scenarios have the same seed and the same resolved `population` section share one
//   generated starting population: it is generated once (with all threads) and copied into each
//   job, which is what Run::start would have generated.
// - Parallelism, simply: when the population is small (at most
//   BatchOptions::concurrent_max_households) up to `threads` jobs run at once, each on one thread
//   (no synchronisation inside a job, one population copy per running job); otherwise jobs run
//   one after another, each on all threads. Results are the same either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/core/household_store.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/results.hpp"
#include "sim/core/scenario.hpp"
#include "sim/output/result_arrays.hpp"

namespace povsim {

// One override, as `--set path=value` writes it.
struct ParameterSetting {
  std::string path;   // scenario path, e.g. processes.income.persistence
  std::string value;  // the scalar's text
  std::string assignment() const { return path + "=" + value; }
};
// A number as --set would be given it: the shortest text that reads back to the same double.
ParameterSetting number_setting(std::string path, double value);

using ParameterPoint = std::vector<ParameterSetting>;

// The scenario every point starts from: a parsed tree (extends merged) and the overrides applied to
// every point before the point's own (e.g. population.households, seed).
struct BatchScenario {
  ConfigNode tree;
  std::string source;                  // the scenario file, for messages and outputs
  std::vector<std::string> overrides;  // "path=value", as --set
};
// Loads `path` (following extends); throws ConfigError like load_scenario.
BatchScenario load_batch_scenario(const std::string& path, std::vector<std::string> overrides = {});

struct PointResults;

// Where a batch's jobs run: on this process alone (no distributor), or shared out over the ranks of
// an MPI job (sim/parallel/mpi.hpp, MpiJobDistributor) as each rank asks for work (dynamic
// scheduling: uneven jobs balance). Every rank makes the same calls (the same points, in the same
// order) and ends with every job's results, so a calibration's or optimisation's search goes the
// same way on every rank. Rank 0 (the coordinator) receives each job's results as it finishes, and
// the batch's callbacks (progress, on_point_done) run there only.
class JobDistributor {
 public:
  // One job's results: one replicate's tallies and its wall time.
  struct Job {
    std::vector<YearTally> tallies;
    double seconds = 0;
  };
  virtual ~JobDistributor() = default;
  virtual bool coordinator() const = 0;
  // Starts a batch of `jobs` jobs on every rank. On the coordinator, `remote_done(j, job)` and
  // `remote_failed(message)` are called (from a thread of the distributor's, one call at a time)
  // for every job another rank ran, and for a job that failed there.
  virtual void begin(std::size_t jobs, std::function<void(std::size_t, Job&&)> remote_done,
                     std::function<void(const std::string&)> remote_failed) = 0;
  // The next job for this rank to run; nullopt when there is none left or the batch has failed.
  // Thread-safe.
  virtual std::optional<std::size_t> claim() = 0;
  // A job this rank ran (a rank other than the coordinator sends it there). Thread-safe.
  virtual void completed(std::size_t job, const Job& results) = 0;
  // A job of this rank failed: no more jobs are handed out on any rank. Thread-safe.
  virtual void failed(const std::string& message) = 0;
  // Ends the batch (every rank; after this rank's workers stopped): the coordinator waits until
  // every other rank has stopped (every remote result and failure is then in).
  virtual void wait_for_ranks() = 0;
  // Then the coordinator passes every job's results and the batch's failure ("" if none); every
  // rank returns with both.
  virtual void share(std::vector<Job>& results, std::string& failure) = 0;
};

struct BatchOptions {
  int threads = 0;                // 0: all cores
  std::uint32_t replicates = 1;   // every point runs replicates first_replicate .. first_replicate+replicates-1
  // 0 for replicates 0 .. R-1 as `povsim run` numbers them; later ones give fresh draws (e.g. to
  // confirm an optimum on replicates the search did not select on).
  std::uint32_t first_replicate = 0;
  // At or below this many households jobs run side by side, one thread each; above it one after
  // another with all threads. 250,000 households take about 35 MB per copy (README: ~135 bytes per
  // household), so `threads` copies stay small.
  std::uint64_t concurrent_max_households = 250000;
  // Generate a point's starting population once and copy it into each job (true), or let every
  // job generate its own as `povsim run` does (false: for measuring the saving; same results).
  bool reuse_populations = true;
  // Called (under a lock, from a worker thread) after each job with (jobs done, jobs in total).
  std::function<void(std::size_t, std::size_t)> on_job_done;
  // Called (under the same lock, from a worker thread) as soon as every replicate of a point is
  // done, with the point's index in the call's `points` and its results as run() returns them, so
  // that a caller can save points as they finish (povsim sweep resumes from them). Points finish in
  // no fixed order; each point's results are the same whatever the order. An exception thrown here
  // stops the call like a failed job.
  std::function<void(std::size_t, const PointResults&)> on_point_done;
  // A population read from a file (`--population`), given to every scenario instead of its
  // synthetic one; null: the scenarios' own.
  std::shared_ptr<const PopulationSource> population;
  // The ranks of an MPI job that share the jobs (null: this process runs them all). Callbacks run
  // on the coordinator only; every rank gets every point's results.
  JobDistributor* distributor = nullptr;
};

struct PointResults {
  ParameterPoint point;
  std::string resolved_yaml;  // the point's resolved scenario (root attribute scenario_yaml of a run)
  RunResults results;         // replicates 0 .. R-1, as `povsim run` with replicates = R returns them
  ResultArrays arrays() const { return result_arrays(results); }
};

struct BatchStats {
  std::size_t jobs = 0;
  std::size_t populations_generated = 0;  // this call
  std::size_t populations_reused = 0;     // jobs that copied a population instead of generating one
  double generate_seconds = 0;            // generating populations, this call
  double seconds = 0;                     // wall time of the call
  int concurrent_jobs = 1;                // jobs run at once
};

class BatchRunner {
 public:
  BatchRunner(BatchScenario base, const ModelRegistry& registry, BatchOptions options);

  // Runs every (point, replicate) job and returns each point's results, in the order of `points`.
  // Every point's scenario is built (and so validated) before anything runs: bad input throws
  // ConfigError and runs nothing. The overrides also get `replicates=R` first, so a point's
  // resolved scenario says how many replicates it holds.
  std::vector<PointResults> run(const std::vector<ParameterPoint>& points);

  // Runs several scenarios (each a file with its overrides; the runner's base is not used) with the
  // same replicates 0 .. R-1, as `povsim compare` does: common random numbers across scenarios, one
  // population for all whose seed and population section agree. Same guarantees as run(); each
  // result's `point` is empty.
  std::vector<PointResults> run_scenarios(const std::vector<BatchScenario>& scenarios);

  // The overrides a point's scenario is built with: base overrides, replicates, the point's.
  std::vector<std::string> overrides_for(const ParameterPoint& point) const;
  const BatchScenario& base() const { return base_; }
  const BatchOptions& options() const { return options_; }
  const BatchStats& last_stats() const { return stats_; }

 private:
  // The jobs of built scenarios (validated), with the points they came from (for PointResults).
  std::vector<PointResults> run_built(std::vector<Scenario> scenarios, const std::vector<ParameterPoint>& points);

  BatchScenario base_;
  const ModelRegistry& registry_;
  BatchOptions options_;
  BatchStats stats_;
  // Generated starting populations by key (seed and resolved population section). Kept between
  // calls (a calibration runs one point per call with the same population); populations no point
  // of a call uses are dropped at its end.
  std::map<std::string, std::shared_ptr<const HouseholdStore>> populations_;
};

}  // namespace povsim

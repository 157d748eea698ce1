#include "sim/batch/batch_runner.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "sim/config/params.hpp"
#include "sim/core/run.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace povsim {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Two scenarios start from the same population when their seeds and resolved population sections
// are equal (the synthetic population depends on nothing else: Run::start draws it with the
// streams of (seed, replicate 0)).
std::string population_key(const Scenario& scenario) {
  const ConfigNode resolved = parse_yaml(scenario.resolved_yaml, "(resolved scenario)");
  const ConfigNode* population = resolved.find("population");
  return "seed: " + std::to_string(scenario.run.seed) + "\n" + (population ? to_yaml(*population) : std::string());
}

// What an exception says, to pass it to other ranks.
std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

int resolved_threads(int threads) {
  return threads > 0 ? threads : static_cast<int>(tbb::this_task_arena::max_concurrency());
}

}  // namespace

ParameterSetting number_setting(std::string path, double value) {
  return ParameterSetting{std::move(path), format_number(value)};
}

BatchScenario load_batch_scenario(const std::string& path, std::vector<std::string> overrides) {
  return BatchScenario{load_yaml_with_extends(path), path, std::move(overrides)};
}

BatchRunner::BatchRunner(BatchScenario base, const ModelRegistry& registry, BatchOptions options)
    : base_(std::move(base)), registry_(registry), options_(std::move(options)) {
  if (options_.replicates == 0) throw ConfigError("batch: expected at least one replicate");
}

std::vector<std::string> BatchRunner::overrides_for(const ParameterPoint& point) const {
  std::vector<std::string> overrides = base_.overrides;
  overrides.push_back("replicates=" + std::to_string(options_.first_replicate + options_.replicates));
  for (const auto& setting : point) overrides.push_back(setting.assignment());
  return overrides;
}

std::vector<PointResults> BatchRunner::run(const std::vector<ParameterPoint>& points) {

  // Every point's scenario first: bad input fails before anything runs.
  std::vector<Scenario> scenarios;
  scenarios.reserve(points.size());
  for (const auto& point : points)
    scenarios.push_back(build_scenario(base_.tree, base_.source, overrides_for(point), registry_));
  return run_built(std::move(scenarios), points);
}

std::vector<PointResults> BatchRunner::run_scenarios(const std::vector<BatchScenario>& files) {
  std::vector<Scenario> scenarios;
  scenarios.reserve(files.size());
  for (const auto& file : files) {
    std::vector<std::string> overrides = file.overrides;
    overrides.push_back("replicates=" + std::to_string(options_.first_replicate + options_.replicates));
    scenarios.push_back(build_scenario(file.tree, file.source, overrides, registry_));
  }
  return run_built(std::move(scenarios), std::vector<ParameterPoint>(files.size()));
}

std::vector<PointResults> BatchRunner::run_built(std::vector<Scenario> scenarios,
                                                 const std::vector<ParameterPoint>& points) {
  const auto t0 = Clock::now();
  stats_ = BatchStats{};
  const std::uint32_t R = options_.replicates;
  if (options_.population)
    for (auto& scenario : scenarios) scenario.population = std::make_unique<SharedPopulation>(options_.population);

  // One starting population per distinct key, generated with all threads.
  const int threads = resolved_threads(options_.threads);
  tbb::task_arena all_threads(threads);
  std::vector<std::shared_ptr<const HouseholdStore>> population_of(points.size());
  std::map<std::string, std::shared_ptr<const HouseholdStore>> used;
  std::uint64_t largest = 0;
  for (std::size_t p = 0; p < points.size() && options_.reuse_populations; ++p) {
    const std::string key = options_.population ? std::string("(the population file)") : population_key(scenarios[p]);
    auto& entry = used[key];
    if (!entry) {
      if (auto cached = populations_.find(key); cached != populations_.end()) {
        entry = cached->second;
      } else {
        const auto g0 = Clock::now();
        entry = std::make_shared<const HouseholdStore>(generate_population(scenarios[p], all_threads));
        stats_.generate_seconds += seconds_since(g0);
        ++stats_.populations_generated;
      }
    }
    population_of[p] = entry;
    largest = std::max<std::uint64_t>(largest, entry->size());
  }
  populations_ = std::move(used);

  // The jobs, point-major: (p, k) at index p * R + k.
  const std::size_t jobs = points.size() * R;
  stats_.jobs = jobs;
  stats_.populations_reused = options_.reuse_populations ? jobs : 0;
  if (!options_.reuse_populations)
    for (const auto& scenario : scenarios) largest = std::max<std::uint64_t>(largest, scenario.population->households());
  const bool side_by_side = largest <= options_.concurrent_max_households;
  const int workers = side_by_side ? static_cast<int>(std::min<std::size_t>(threads, std::max<std::size_t>(jobs, 1))) : 1;
  stats_.concurrent_jobs = workers;
  std::vector<RunResults> job_results(jobs);
  // Each point's replicates, in replicate order, as one run of the point would hold them.
  auto point_results = [&](std::size_t p, bool move) {
    PointResults pr;
    pr.point = points[p];
    pr.resolved_yaml = scenarios[p].resolved_yaml;
    pr.results = results_frame(scenarios[p]);
    for (std::uint32_t k = 0; k < R; ++k) {
      RunResults& job = job_results[p * R + k];
      pr.results.tallies.push_back(move ? std::move(job.tallies.front()) : job.tallies.front());
      pr.results.replicate_index.push_back(options_.first_replicate + k);
      pr.results.seconds += job.seconds;
    }
    return pr;
  };
  std::vector<std::uint32_t> replicates_left(points.size(), R);
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex lock;
  std::exception_ptr failure;
  JobDistributor* const distributor = options_.distributor;  // null: every job runs here
  const bool coordinator = !distributor || distributor->coordinator();
  auto claim = [&]() -> std::optional<std::size_t> {
    if (distributor) return distributor->claim();
    const std::size_t j = next++;
    return j < jobs ? std::optional<std::size_t>(j) : std::nullopt;
  };
  // The first failure stops the batch (on every rank); called under `lock`.
  auto fail = [&](std::exception_ptr error) {
    if (failure) return;
    failure = error;
    if (distributor) distributor->failed(message_of(error));
  };
  // A finished job (under `lock`, on the coordinator): progress, and the point's results as soon
  // as all its replicates are in.
  auto record = [&](std::size_t j, RunResults&& results) {
    job_results[j] = std::move(results);
    ++done;
    if (options_.on_job_done) options_.on_job_done(done, jobs);
    const std::size_t p = j / R;
    if (--replicates_left[p] == 0 && options_.on_point_done) {
      try {
        options_.on_point_done(p, point_results(p, false));
      } catch (...) {
        fail(std::current_exception());
      }
    }
  };
  auto worker = [&] {
    while (const std::optional<std::size_t> j = claim()) {
      {
        const std::lock_guard guard(lock);
        if (failure) return;
      }
      const std::size_t p = *j / R;
      const auto k = static_cast<std::uint32_t>(*j % R);
      RunOptions run;
      run.threads = side_by_side ? 1 : threads;
      run.first_replicate = options_.first_replicate + k;
      run.replicate_count = 1;
      run.initial_population = options_.reuse_populations ? population_of[p].get() : nullptr;
      RunResults results;
      try {
        results = simulate(scenarios[p], run);
      } catch (...) {
        const std::lock_guard guard(lock);
        fail(std::current_exception());
        return;
      }
      if (!coordinator) {
        distributor->completed(*j, JobDistributor::Job{results.tallies.front(), results.seconds});
        continue;
      }
      const std::lock_guard guard(lock);
      record(*j, std::move(results));
    }
  };
  if (distributor)
    distributor->begin(
        jobs,
        [&](std::size_t j, JobDistributor::Job&& job) {
          RunResults results;
          results.tallies.push_back(std::move(job.tallies));
          results.seconds = job.seconds;
          const std::lock_guard guard(lock);
          record(j, std::move(results));
        },
        [&](const std::string& message) {
          const std::lock_guard guard(lock);
          if (!failure) failure = std::make_exception_ptr(std::runtime_error(message));
        });
  if (workers <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (distributor) {
    // Every rank leaves with every job's results (or the batch's first failure).
    distributor->wait_for_ranks();
    std::vector<JobDistributor::Job> all(coordinator ? jobs : 0);
    std::string message = coordinator && failure ? message_of(failure) : std::string();
    if (coordinator && !failure)
      for (std::size_t j = 0; j < jobs; ++j) all[j] = {job_results[j].tallies.front(), job_results[j].seconds};
    distributor->share(all, message);
    if (!message.empty()) {
      if (failure) std::rethrow_exception(failure);
      throw std::runtime_error(message);
    }
    if (!coordinator)
      for (std::size_t j = 0; j < jobs; ++j) {
        job_results[j].tallies = {std::move(all[j].tallies)};
        job_results[j].seconds = all[j].seconds;
      }
  }
  if (failure) std::rethrow_exception(failure);

  std::vector<PointResults> out;
  out.reserve(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) out.push_back(point_results(p, true));
  stats_.seconds = seconds_since(t0);
  return out;
}

}  // namespace povsim

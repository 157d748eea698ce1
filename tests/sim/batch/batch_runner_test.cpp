#include "sim/batch/batch_runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"

namespace povsim {
namespace {

const std::string kBaseline = std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";
// Small enough to run in a few seconds with every model of the baseline switched on.
const std::vector<std::string> kBase{"population.households=1500", "horizon.end=2025-12"};

// Three points: two share the starting population, the third changes a population parameter.
std::vector<ParameterPoint> three_points() {
  return {
      {number_setting("shocks.illness.reimbursement_rate", 0.6)},
      {number_setting("shocks.illness.reimbursement_rate", 0.7), number_setting("processes.income.persistence", 0.5)},
      {number_setting("population.edge_share", 0.2)},
  };
}

// Equal bit for bit (NaN equals NaN: censored years).
void expect_same_arrays(const ResultArrays& a, const ResultArrays& b, const std::string& what) {
  ASSERT_EQ(a.arrays.size(), b.arrays.size()) << what;
  for (std::size_t i = 0; i < a.arrays.size(); ++i) {
    const ResultArray& x = a.arrays[i];
    const ResultArray& y = b.arrays[i];
    ASSERT_EQ(x.path, y.path) << what;
    ASSERT_EQ(x.shape, y.shape) << what << " " << x.path;
    ASSERT_EQ(x.values.size(), y.values.size());
    EXPECT_EQ(std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(double)), 0)
        << what << ": " << x.path << " differs";
  }
}

// Each point of a batch (3 points x 2 replicates) equals the point run alone, as `povsim run
// --set ...` runs it (load_scenario with the overrides, simulate), dataset for dataset; whether the
// jobs run side by side on 2 threads or one after another on 1 or 2.
TEST(BatchRunner, PointsEqualIndividualRunsForAnyThreadCount) {
  const ModelRegistry registry = make_default_registry();
  const auto points = three_points();
  std::vector<ResultArrays> alone;
  for (const auto& point : points) {
    std::vector<std::string> overrides = kBase;
    overrides.push_back("replicates=2");
    for (const auto& s : point) overrides.push_back(s.assignment());
    const Scenario scenario = load_scenario(kBaseline, overrides, registry);
    RunOptions options;
    options.threads = 2;
    alone.push_back(result_arrays(simulate(scenario, options)));
  }
  struct Setup {
    int threads;
    std::uint64_t concurrent_max_households;
    int expected_concurrent;
  };
  for (const Setup setup : {Setup{1, 1u << 30, 1}, Setup{2, 1u << 30, 2}, Setup{2, 0, 1}}) {
    BatchOptions options;
    options.threads = setup.threads;
    options.replicates = 2;
    options.concurrent_max_households = setup.concurrent_max_households;
    BatchRunner runner(load_batch_scenario(kBaseline, kBase), registry, options);
    const auto results = runner.run(points);
    const std::string what = "threads " + std::to_string(setup.threads) + ", " +
                             std::to_string(runner.last_stats().concurrent_jobs) + " jobs at once";
    EXPECT_EQ(runner.last_stats().concurrent_jobs, setup.expected_concurrent);
    EXPECT_EQ(runner.last_stats().jobs, 6u);
    EXPECT_EQ(runner.last_stats().populations_generated, 2u) << "points 0 and 1 share a population";
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t p = 0; p < points.size(); ++p) expect_same_arrays(results[p].arrays(), alone[p], what);
    // A second call with the same population reuses it.
    runner.run({points[0]});
    EXPECT_EQ(runner.last_stats().populations_generated, 0u);
  }
}

// A bad point fails with --set's own message, before anything runs.
TEST(BatchRunner, BadPointsFailLikeSet) {
  const ModelRegistry registry = make_default_registry();
  BatchRunner runner(load_batch_scenario(kBaseline, kBase), registry, BatchOptions{});
  for (const ParameterPoint& bad : {ParameterPoint{{"shocks.illness.no_such_key", "0.5"}},
                                    ParameterPoint{number_setting("shocks.illness.reimbursement_rate", 1.5)}}) {
    std::string expected;
    try {
      std::vector<std::string> overrides = kBase;
      overrides.push_back("replicates=1");
      overrides.push_back(bad.front().assignment());
      (void)load_scenario(kBaseline, overrides, registry);
    } catch (const ConfigError& e) {
      expected = e.what();
    }
    ASSERT_FALSE(expected.empty());
    try {
      runner.run({three_points()[0], bad});
      FAIL() << "expected an error for " << bad.front().assignment();
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
}

}  // namespace
}  // namespace povsim

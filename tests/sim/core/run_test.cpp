// A Run owns all run state: replicates are independent and a checkpointed run restarts exactly.
#include "sim/core/run.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "sim/core/checkpoint.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/simulation.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

// Small, short, two replicates, with budgets that bind (pension, dibao, medical assistance,
// public-welfare posts get about half of what they would spend): budget state carried across
// months is what used to leak between replicates.
std::vector<std::string> binding_budgets() {
  return {"population.households=20000",
          "horizon.end=2023-12",
          "replicates=2",
          "policies.rural_pension.budget_per_household=150",
          "policies.dibao.budget_per_household=60",
          "policies.medical_assistance.budget_per_household=40",
          "policies.public_welfare_posts.budget_per_household=1500"};
}

RunResults run(const Scenario& s, int threads, std::uint32_t first = 0, std::uint32_t count = 0) {
  RunOptions options;
  options.threads = threads;
  options.first_replicate = first;
  options.replicate_count = count;
  options.identity.version = "test";
  options.identity.resolved_scenario = s.resolved_yaml;
  return simulate(s, options);
}

// The budgets do bind: some policy pays less than without its budget.
TEST(Replicates, BindingBudgetsBindInTheTestScenario) {
  const Scenario with = load_scenario(baseline(), binding_budgets(), make_default_registry());
  auto unlimited = binding_budgets();
  unlimited.resize(3);
  const Scenario without = load_scenario(baseline(), unlimited, make_default_registry());
  const RunResults a = run(with, 2), b = run(without, 2);
  int cut = 0;
  for (std::size_t m = 0; m < a.model_paths.size(); ++m)
    cut += a.tallies[0][1].model_cost_yuan(static_cast<int>(m)) < 0.9 * b.tallies[0][1].model_cost_yuan(static_cast<int>(m));
  EXPECT_GE(cut, 3);
}

// Replicate K of an R-replicate run equals replicate K run alone, every tally bit for bit (every
// output dataset is a function of the tallies), with budgets binding.
TEST(Replicates, ReplicateRunAloneEqualsTheSameReplicateInAFullRun) {
  const Scenario s = load_scenario(baseline(), binding_budgets(), make_default_registry());
  const RunResults both = run(s, 2);
  ASSERT_EQ(both.tallies.size(), 2u);
  EXPECT_EQ(both.replicate_index, (std::vector<std::uint32_t>{0, 1}));
  const RunResults second = run(s, 1, 1, 1);
  ASSERT_EQ(second.tallies.size(), 1u);
  EXPECT_EQ(second.replicate_index, std::vector<std::uint32_t>{1});
  EXPECT_EQ(second.tallies[0], both.tallies[1]);
  const RunResults first = run(s, 2, 0, 1);
  EXPECT_EQ(first.tallies[0], both.tallies[0]);
  EXPECT_NE(both.tallies[0], both.tallies[1]);  // replicates do differ
}

TEST(Replicates, ReplicatesThatDoNotExistAreRefused) {
  const Scenario s = load_scenario(baseline(), binding_budgets(), make_default_registry());
  RunOptions options;
  options.first_replicate = 2;
  EXPECT_THROW(selected_replicates(s, options), ConfigError);
  options.first_replicate = 1;
  options.replicate_count = 2;
  EXPECT_THROW(selected_replicates(s, options), ConfigError);
}

// Stops the run by "signal" after `stop_after` months in total (over replicates), with a
// checkpoint; returns whether it stopped.
bool run_until(const Scenario& s, const std::string& checkpoint, long stop_after, int threads) {
  std::atomic<int> stop{0};
  RunOptions options;
  options.threads = threads;
  options.identity.version = "test";
  options.identity.resolved_scenario = s.resolved_yaml;
  options.checkpoint_path = checkpoint;
  options.stop_signal = &stop;
  options.on_progress = [&](long done, long) {
    if (done == stop_after) stop.store(SIGTERM);
  };
  try {
    simulate(s, options);
  } catch (const Interrupted& e) {
    EXPECT_TRUE(e.checkpointed);
    EXPECT_EQ(e.signal, SIGTERM);
    return true;
  }
  return false;
}

RunResults restart(const Scenario& s, const std::string& checkpoint, int threads) {
  RunOptions options;
  options.threads = threads;
  options.identity.version = "test";
  options.identity.resolved_scenario = s.resolved_yaml;
  options.restart_path = checkpoint;
  return simulate(s, options);
}

// Restarting from a checkpoint gives exactly the uninterrupted run: from a mid-year month and from
// a December of the first replicate, and mid-year in the second; stopped on 1 thread and resumed
// on 2, and the other way round.
TEST(Checkpoint, RestartEqualsAnUninterruptedRunBitForBit) {
  const Scenario s = load_scenario(baseline(), binding_budgets(), make_default_registry());
  const RunResults full = run(s, 2);
  TempDir dir;
  const std::string file = dir.file("run.ckpt");
  struct Case {
    long stop_after;
    int threads_before, threads_after;
  };
  for (const Case c : {Case{7, 1, 2}, Case{12, 2, 1}, Case{24, 2, 2}, Case{36 + 17, 1, 2}}) {
    ASSERT_TRUE(run_until(s, file, c.stop_after, c.threads_before)) << c.stop_after;
    const RunResults resumed = restart(s, file, c.threads_after);
    EXPECT_EQ(resumed.tallies, full.tallies) << "stopped after month " << c.stop_after;
    EXPECT_EQ(resumed.replicate_index, full.replicate_index);
  }
  // Nothing beside the checkpoint is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path)) ++files;
  EXPECT_EQ(files, 1u);
}

// Periodic checkpoints: the one left after month 30 of 36 restarts to the same result.
TEST(Checkpoint, PeriodicCheckpointsRestartToTheSameResult) {
  auto overrides = binding_budgets();
  overrides[2] = "replicates=1";
  const Scenario s = load_scenario(baseline(), overrides, make_default_registry());
  const RunResults full = run(s, 2);
  TempDir dir;
  const std::string file = dir.file("run.ckpt");
  ASSERT_TRUE(run_until(s, file, 31, 2));  // the stop at 31 overwrites the month-30 one ...
  RunOptions options;
  options.identity.version = "test";
  options.identity.resolved_scenario = s.resolved_yaml;
  options.checkpoint_path = file;
  options.checkpoint_every = 10;
  options.restart_path = file;
  const RunResults resumed = simulate(s, options);  // ... and resuming writes months 40.. none, 36 is last
  EXPECT_EQ(resumed.tallies, full.tallies);
}

// A checkpoint is refused for a different scenario, seed, population or version, and when it is
// not a checkpoint at all.
TEST(Checkpoint, MismatchesAreRefusedWithTheReason) {
  const Scenario s = load_scenario(baseline(), binding_budgets(), make_default_registry());
  TempDir dir;
  const std::string file = dir.file("run.ckpt");
  ASSERT_TRUE(run_until(s, file, 5, 2));
  auto expect_refused = [&](const Scenario& other, const std::string& version, const std::string& population,
                            const std::string& reason) {
    RunOptions options;
    options.identity.version = version;
    options.identity.resolved_scenario = other.resolved_yaml;
    options.identity.population = population;
    options.restart_path = file;
    try {
      simulate(other, options);
      ADD_FAILURE() << "not refused: " << reason;
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  };
  auto seeded = binding_budgets();
  seeded.push_back("seed=7");
  expect_refused(load_scenario(baseline(), seeded, make_default_registry()), "test", "", "resolved scenario differs");
  expect_refused(s, "other", "", "written by povsim test");
  expect_refused(s, "test", "pop.h5", "population");
  auto fewer_models = binding_budgets();
  fewer_models.push_back("policies.early_warning.enabled=false");
  expect_refused(load_scenario(baseline(), fewer_models, make_default_registry()), "test", "", "layout");
  const std::string junk = dir.file("junk.ckpt", "not a checkpoint at all");
  RunOptions options;
  options.identity.version = "test";
  options.identity.resolved_scenario = s.resolved_yaml;
  options.restart_path = junk;
  EXPECT_THROW(simulate(s, options), CheckpointError);
}

}  // namespace
}  // namespace povsim

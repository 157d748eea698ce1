// povsim sweep: the sweep file's strict errors, the designs' structure, determinism across thread
// counts, and resuming after SIGKILL and SIGTERM to results bit-identical to an uninterrupted sweep.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include "sim/batch/batch_runner.hpp"
#include "sim/config/params.hpp"
#include "sim/core/scenario.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_file.hpp"
#include "process_support.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

// A small sweep: 2,000 households over 2021-2022 (a job takes some tens of milliseconds).
std::string sweep_text(const std::string& design_lines, const std::string& parameters, const std::string& extra = "") {
  return "scenario: " + baseline() +
         "\nset:\n  population.households: 2000\n  horizon.end: 2022-12\n" + design_lines + "\nseed: 3\n" + extra +
         "parameters:\n" + parameters;
}
const std::string kTwoRanges =
    "  - path: shocks.illness.reimbursement_rate\n    range: [0.3, 0.8]\n"
    "  - path: processes.income.wage_growth\n    range: [0.02, 0.14]\n";

SweepSpec spec_of(TempDir& dir, const std::string& text) { return load_sweep(dir.file("s.yaml", text)); }

// ---------------------------------------------------------------------------------------------
// Bad input: one line naming file:line:col and the YAML path, exit 2, nothing written.

TEST(SweepFile, BadInputIsOneLineWithPositionAndNothingIsWritten) {
  struct Case {
    std::string text, expected;
  };
  const std::string p1 = "  - path: shocks.illness.reimbursement_rate\n";
  const std::vector<Case> cases = {
      {sweep_text("design: latin_hypercube\nsamples: 4", kTwoRanges, "colour: blue\n"), "s.yaml:8:1: colour: unknown key"},
      {sweep_text("design: latin_hypercube\nsamples: 4", "  - path: shocks.illness.no_such_thing\n    range: [0, 1]\n"),
       "s.yaml:9:11: parameters[0].path: 'shocks.illness.no_such_thing' is not a parameter"},
      {sweep_text("design: latin_hypercube\nsamples: 4", p1 + "    range: [0.5, 1.5]\n"),
       "s.yaml:10:12: parameters[0].range: the upper end 1.5 is not a valid value of shocks.illness.reimbursement_rate: "
       "--set shocks.illness.reimbursement_rate=1.5: shocks.illness.reimbursement_rate: expected a number in [0, 1]"},
      {sweep_text("design: latin_hypercube\nsamples: 4", p1 + "    range: [0.5, 0.5]\n"),
       "s.yaml:10:12: parameters[0].range: expected lower < upper"},
      {sweep_text("design: sobol\nsamples: 4", kTwoRanges), "s.yaml:5:9: design: expected one of grid, latin_hypercube"},
      {sweep_text("design: saltelli\nsamples: 2", kTwoRanges), "s.yaml:6:10: samples: expected at least 4"},
      {sweep_text("design: morris\nsamples: 1", kTwoRanges), "samples: expected at least 2"},
      {sweep_text("design: morris\nsamples: 4\nlevels: 3", kTwoRanges), "levels: expected an even number"},
      {sweep_text("design: grid", kTwoRanges), "parameters[0].levels: missing: a grid design needs levels"},
      {sweep_text("design: grid\nsamples: 3", kTwoRanges), "samples: a grid has no samples"},
      {sweep_text("design: latin_hypercube\nsamples: 4", "  - path: policies.dibao.enabled\n    range: [0, 1]\n"),
       "s.yaml:10:12: parameters[0].range: 'policies.dibao.enabled' is not a number in the scenario"},
      {sweep_text("design: latin_hypercube\nsamples: 4", "  - path: processes.demography.retirement_age\n    range: [55, 70]\n"),
       "takes whole numbers"},
      {sweep_text("design: latin_hypercube\nsamples: 4", "  - path: shocks.illness\n    range: [0, 1]\n"),
       "'shocks.illness' is a section of the scenario"},
      {sweep_text("design: latin_hypercube\nsamples: 4", p1 + "    range: [0, 0.5]\n    log: true\n"), "log: true needs lower > 0"},
      {sweep_text("design: latin_hypercube\nsamples: 4", kTwoRanges, "outputs: [return_rate, wealth]\n"), "unknown output 'wealth'"},
      {sweep_text("design: latin_hypercube\nsamples: 4", kTwoRanges + p1 + "    range: [0.4, 0.5]\n"), "is already parameters[0]"},
      {sweep_text("design: latin_hypercube\nsamples: 4", "  - path: policies.dibao.exclusion_rate\n    values: [0.2, 7]\n"),
       "s.yaml:10:13: parameters[0].values: the value 7 is not a valid value"},
      {sweep_text("design: grid", "  - path: shocks.illness.reimbursement_rate\n    range: [0.1, 0.9]\n    levels: 10000\n"
                                  "  - path: processes.income.wage_growth\n    range: [0.02, 0.14]\n    levels: 10000\n"),
       "design: more than 10000000 points"},
      // Under the point limit, but replicates x years x points of outputs past any memory.
      {sweep_text("design: latin_hypercube\nsamples: 5000000", kTwoRanges, "replicates: 60000\n"), "of memory at peak"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const std::string file = dir.file("s.yaml", c.text);
    const std::string out = dir.file("out.h5");
    const auto r = testing::run_cli({"sweep", file, "--out", out, "--quiet"});
    EXPECT_EQ(r.code, 2) << c.expected << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), {}), 1) << "something was written: " << c.expected;
  }
}

TEST(SweepFile, ShippedSweepsAreValid) {
  const ModelRegistry registry = make_default_registry();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(std::string(POVSIM_SOURCE_DIR) + "/scenarios/sweeps")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    SCOPED_TRACE(entry.path().string());
    const SweepSpec spec = load_sweep(entry.path().string());
    std::vector<std::string> overrides = spec.set;
    overrides.push_back("replicates=" + std::to_string(spec.replicates));
    const BatchScenario base = load_batch_scenario(spec.scenario, spec.set);
    const Scenario built = build_scenario(base.tree, spec.scenario, overrides, registry);
    EXPECT_NO_THROW(check_parameters(spec, base.tree, overrides, built.resolved_yaml, registry));
    EXPECT_LE(design_point_count(spec), 500u) << "an example should stay small";
  }
  EXPECT_GE(files, 2);
}

// ---------------------------------------------------------------------------------------------
// Designs.

TEST(SweepDesign, LatinHypercubeHasOnePointPerStratumAndIsReproducible) {
  TempDir dir;
  SweepSpec spec = spec_of(dir, sweep_text("design: latin_hypercube\nsamples: 50", kTwoRanges));
  const SweepDesign d = make_design(spec);
  ASSERT_EQ(d.points(), 50u);
  for (std::size_t j = 0; j < 2; ++j) {
    std::set<int> strata;
    for (std::size_t p = 0; p < 50; ++p) strata.insert(static_cast<int>(std::floor(d.unit[p * 2 + j] * 50)));
    EXPECT_EQ(strata.size(), 50u) << "parameter " << j;
  }
  EXPECT_EQ(make_design(spec).unit, d.unit);
  spec.seed = 4;
  EXPECT_NE(make_design(spec).unit, d.unit);
}

TEST(SweepDesign, SaltelliRowsAreAAbAndB) {
  TempDir dir;
  const SweepSpec spec = spec_of(dir, sweep_text("design: saltelli\nsamples: 8", kTwoRanges));
  const SweepDesign d = make_design(spec);
  const std::size_t k = 2, block = k + 2;
  ASSERT_EQ(d.points(), 8 * block);
  for (std::size_t i = 0; i < 8; ++i) {
    const double* a = &d.unit[(i * block) * k];
    const double* b = &d.unit[(i * block + block - 1) * k];
    EXPECT_EQ(d.matrix[i * block], kSaltelliA);
    EXPECT_EQ(d.matrix[i * block + block - 1], kSaltelliB);
    for (std::size_t j = 0; j < k; ++j) {
      EXPECT_NE(a[j], b[j]);
      const double* ab = &d.unit[(i * block + 1 + j) * k];
      EXPECT_EQ(d.matrix[i * block + 1 + j], kSaltelliAB0 + int(j));
      for (std::size_t c = 0; c < k; ++c) EXPECT_EQ(ab[c], c == j ? b[c] : a[c]);
      EXPECT_EQ(d.base_row[i * block + 1 + j], int(i));
    }
  }
}

TEST(SweepDesign, MorrisTrajectoriesMoveEachParameterOnceByDeltaOnTheGrid) {
  TempDir dir;
  const SweepSpec spec = spec_of(dir, sweep_text("design: morris\nsamples: 12\nlevels: 6", kTwoRanges +
      "  - path: shocks.job_loss.monthly_hazard_local\n    range: [0.005, 0.03]\n"));
  const SweepDesign d = make_design(spec);
  const std::size_t k = 3;
  ASSERT_EQ(d.points(), 12 * (k + 1));
  EXPECT_DOUBLE_EQ(d.delta, 6.0 / 10.0);
  for (std::size_t t = 0; t < 12; ++t) {
    std::set<int> moved;
    for (std::size_t m = 0; m <= k; ++m) {
      const std::size_t p = t * (k + 1) + m;
      EXPECT_EQ(d.trajectory[p], int(t));
      for (std::size_t j = 0; j < k; ++j) {
        const double u = d.unit[p * k + j];
        EXPECT_TRUE(u >= 0 && u <= 1);
        EXPECT_DOUBLE_EQ(u * 5, std::round(u * 5)) << "off the grid";
      }
      if (m == 0) {
        EXPECT_EQ(d.changed[p], -1);
        continue;
      }
      const int j = d.changed[p];
      moved.insert(j);
      for (std::size_t c = 0; c < k; ++c) {
        const double step = d.unit[p * k + c] - d.unit[(p - 1) * k + c];
        if (int(c) == j) EXPECT_NEAR(std::abs(step), d.delta, 1e-12);
        else EXPECT_EQ(step, 0.0);
      }
    }
    EXPECT_EQ(moved.size(), k);
  }
}

TEST(SweepDesign, GridIsEveryCombinationWithEndsAndValuesMapExactly) {
  TempDir dir;
  const SweepSpec spec = spec_of(dir, sweep_text("design: grid",
      "  - path: shocks.illness.reimbursement_rate\n    range: [0.3, 0.8]\n    levels: 3\n"
      "  - path: policies.dibao.exclusion_rate\n    values: [0.2, 0.5]\n"));
  const SweepDesign d = make_design(spec);
  ASSERT_EQ(d.points(), 6u);
  std::vector<std::string> seen;
  for (std::size_t p = 0; p < 6; ++p)
    seen.push_back(spec.parameters[0].value_at(d.unit[p * 2]) + "," + spec.parameters[1].value_at(d.unit[p * 2 + 1]));
  EXPECT_EQ(seen, (std::vector<std::string>{"0.3,0.2", "0.3,0.5", "0.55,0.2", "0.55,0.5", "0.8,0.2", "0.8,0.5"}));
  SweepParameter log_range;
  log_range.lower = 1000, log_range.upper = 100000, log_range.log = true;
  EXPECT_EQ(log_range.number_at(0), 1000);
  EXPECT_EQ(log_range.number_at(1), 100000);
  EXPECT_NEAR(log_range.number_at(0.5), 10000, 1e-9);
}

// ---------------------------------------------------------------------------------------------
// Running.

// Every dataset and the root attributes that fix the contents are equal.
void expect_same_sweep_files(const std::string& a, const std::string& b) {
  EXPECT_EQ(testing::compare_result_files(a, b), "");
  for (const char* attr : {"sweep_digest", "scenario_yaml", "sweep_yaml", "design"})
    EXPECT_EQ(h5::read_root_text_attribute(a, attr), h5::read_root_text_attribute(b, attr)) << attr;
}

const std::string kSmallSaltelli = sweep_text("design: saltelli\nsamples: 4", kTwoRanges, "replicates: 2\n");

TEST(Sweep, ThreadCountsGiveTheSameFileAndPointsEqualRuns) {
  TempDir dir;
  const std::string file = dir.file("s.yaml", kSmallSaltelli);
  const auto one = testing::run_cli({"sweep", file, "--out", dir.file("one.h5"), "--threads", "1", "--quiet"});
  ASSERT_EQ(one.code, 0) << one.err;
  const auto two = testing::run_cli({"sweep", file, "--out", dir.file("two.h5"), "--threads", "2", "--json"});
  ASSERT_EQ(two.code, 0) << two.err;
  expect_same_sweep_files(dir.file("one.h5"), dir.file("two.h5"));
  EXPECT_FALSE(fs::exists(dir.file("one.h5.partial")));
  EXPECT_NE(two.out.find("\"points\": 16"), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("\"mean_over_points\": {\"return_rate\": ["), std::string::npos) << two.out;

  // Shapes, and the axes attached as dimension scales.
  const std::string h5 = dir.file("two.h5");
  EXPECT_EQ(h5::read_root_text_attribute(h5, "format"), "povsim-sweep 1");
  EXPECT_EQ(testing::read_dataset(h5, "outputs/return_rate").size(), 16u * 2 * 2);
  EXPECT_EQ(testing::read_dataset(h5, "outputs/total_fiscal_cost").size(), 16u * 2);
  EXPECT_EQ(testing::read_dataset(h5, "design/values").size(), 16u * 2);
  {
    const hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t ds = H5Dopen2(f, "outputs/return_rate", H5P_DEFAULT);
    const hid_t year = H5Dopen2(f, "year", H5P_DEFAULT);
    const hid_t point = H5Dopen2(f, "point", H5P_DEFAULT);
    EXPECT_GT(H5DSis_attached(ds, point, 0), 0);
    EXPECT_GT(H5DSis_attached(ds, year, 2), 0);
    H5Dclose(point), H5Dclose(year), H5Dclose(ds), H5Fclose(f);
  }

  // Point 5 (an AB row) is, bit for bit, povsim run with its overrides.
  const auto values = testing::read_dataset(h5, "design/values");
  const auto run = testing::run_cli({"run", baseline(), "--out", dir.file("run.h5"), "--quiet", "--no-progress",
                                     "--set", "population.households=2000", "--set", "horizon.end=2022-12",
                                     "--set", "replicates=2",
                                     "--set", "shocks.illness.reimbursement_rate=" + format_number(values[5 * 2]),
                                     "--set", "processes.income.wage_growth=" + format_number(values[5 * 2 + 1])});
  ASSERT_EQ(run.code, 0) << run.err;
  const auto from_run = testing::read_dataset(dir.file("run.h5"), "annual/return_rate");
  const auto from_sweep = testing::read_dataset(h5, "outputs/return_rate");
  ASSERT_EQ(from_run.size(), 4u);
  EXPECT_TRUE(std::equal(from_run.begin(), from_run.end(), from_sweep.begin() + 5 * 4));
}

using testing::spawn;
using testing::wait_status;

// Waits (up to 60 s) until the log at `path` is at least `bytes` long.
bool wait_for_size(const std::string& path, std::uintmax_t bytes) {
  std::error_code ec;
  for (int i = 0; i < 60000; ++i) {
    if (fs::exists(path, ec) && fs::file_size(path, ec) >= bytes) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

TEST(Sweep, ResumesAfterSigkillAndSigtermToTheSameResults) {
  TempDir dir;
  // 40 points x 2 replicates. The log's header is under 200 bytes and a record is 16 + 8 x 6 bytes
  // (return_rate: 2 replicates x 2 years; final_cumulative_return_rate: 2 replicates).
  const std::string file =
      dir.file("s.yaml", sweep_text("design: latin_hypercube\nsamples: 40", kTwoRanges,
                                    "replicates: 2\noutputs: [return_rate, final_cumulative_return_rate]\n"));
  const std::string reference = dir.file("reference.h5");
  ASSERT_EQ(testing::run_cli({"sweep", file, "--out", reference, "--quiet"}).code, 0);

  for (int sig : {SIGKILL, SIGTERM}) {
    const std::string out = dir.file(sig == SIGKILL ? "killed.h5" : "termed.h5"), log = out + ".partial";
    const pid_t pid = spawn({"sweep", file, "--out", out, "--quiet", "--threads", "2"});
    ASSERT_TRUE(wait_for_size(log, 200 + 3 * (16 + 8 * 6))) << "no points were logged";
    kill(pid, sig);
    const int status = wait_status(pid);
    EXPECT_EQ(status, sig == SIGKILL ? 128 + SIGKILL : 75);
    if (fs::exists(out)) GTEST_SKIP() << "the sweep finished before the signal (a very fast machine)";
    EXPECT_TRUE(fs::exists(log));
    if (sig == SIGTERM) {
      for (const auto& entry : fs::directory_iterator(dir.path))
        EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
    }
    // A torn record (as a kill mid-write leaves) is dropped and its point rerun.
    if (sig == SIGKILL) {
      std::ofstream(log, std::ios::app | std::ios::binary) << "torn";
    }
    const auto again = testing::run_cli({"sweep", file, "--out", out, "--threads", "1"});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.err.find("resuming: "), std::string::npos) << again.err;
    EXPECT_FALSE(fs::exists(log));
    expect_same_sweep_files(reference, out);
    // Rerunning a finished sweep runs nothing.
    const auto done = testing::run_cli({"sweep", file, "--out", out});
    EXPECT_EQ(done.code, 0);
    EXPECT_NE(done.err.find("already holds this sweep"), std::string::npos) << done.err;
  }
}

TEST(Sweep, AnotherSweepsLogOrOutputIsRefused) {
  TempDir dir;
  const std::string file = dir.file("s.yaml", kSmallSaltelli);
  const std::string out = dir.file("out.h5");
  {
    std::ofstream(out + ".partial") << "povsim-sweep-partial 1\ndigest fnv1a64:0123456789abcdef\nvalues_per_point 6\n";
  }
  auto r = testing::run_cli({"sweep", file, "--out", out, "--quiet"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("holds an interrupted run of another sweep (digest fnv1a64:0123456789abcdef"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
  fs::remove(out + ".partial");
  ASSERT_EQ(testing::run_cli({"sweep", file, "--out", out, "--quiet"}).code, 0);
  const std::string other = dir.file("t.yaml", sweep_text("design: saltelli\nsamples: 5", kTwoRanges));
  r = testing::run_cli({"sweep", other, "--out", out, "--quiet"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("holds the results of another sweep"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace povsim

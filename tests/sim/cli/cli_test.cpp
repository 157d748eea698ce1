#include "sim/cli/cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "sim/output/hdf5_file.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

TEST(Cli, HelpDocumentsEveryRunOption) {
  const Result r = cli({"run", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--out", "--households", "--seed", "--threads", "--set", "--quiet", "--no-progress",
                          "--population", "--persons", "--counties", "--replicate", "--checkpoint",
                          "--checkpoint-every", "--restart", "--json"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  const Result p = cli({"population", "--help"});
  EXPECT_EQ(p.code, 0);
  for (const char* opt : {"--report", "--targets", "--out", "--population", "--persons", "--counties", "--households",
                          "--seed", "--threads", "--set"})
    EXPECT_NE(p.out.find(opt), std::string::npos) << opt;
  EXPECT_EQ(cli({"--help"}).code, 0);
  EXPECT_EQ(cli({}).code, 2);
}

TEST(Cli, SmallRunWritesFileAndSummary) {
  TempDir dir;
  const auto out = dir.path.string() + "/r.h5";
  const Result r = cli({"run", baseline(), "--out", out, "--households", "3000", "--threads", "2", "--seed", "4",
                        "--set", "horizon.end=2022-12"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2022"), std::string::npos);
  EXPECT_NE(r.out.find("transition_belt"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);  // no temp file left
  EXPECT_EQ(r.out.find("interval"), std::string::npos);  // one replicate: no interval to show

  // Several replicates: the summary is over all of them, with 95 % intervals (issue 12).
  const Result three = cli({"run", baseline(), "--out", out, "--households", "3000", "--set", "replicates=3",
                            "--set", "horizon.end=2022-12"});
  ASSERT_EQ(three.code, 0) << three.err;
  EXPECT_NE(three.out.find("mean over replicates 0..2 [95 % interval]"), std::string::npos) << three.out;
  const auto row = three.out.find("\n2022");
  ASSERT_NE(row, std::string::npos);
  EXPECT_EQ(std::count(three.out.begin() + row + 1, three.out.begin() + three.out.find('\n', row + 1), '['), 2);
}

// The default --out is named after the scenario: it replaces a file there only when that holds a
// rerun of the same inputs, so a run that differs by --set is refused (exit 2, the file kept)
// rather than silently replacing the other; an explicit --out replaces. The scenario's `name`
// lands in the file.
TEST(Cli, DefaultOutReplacesOnlyARerunOfTheSameInputs) {
  TempDir dir;
  const auto previous_folder = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  struct Restore {
    std::filesystem::path folder;
    ~Restore() { std::filesystem::current_path(folder); }
  } restore{previous_folder};
  const std::string scenario = dir.file("s.yaml", "extends: " + baseline() +
                                                      "\nname: My run\ndescription: a test\nhorizon:\n  end: 2021-12\n");
  const std::vector<std::string> args = {"run", scenario, "--households", "500", "--quiet", "--no-progress"};
  ASSERT_EQ(cli(args).code, 0);
  const auto out = dir.path / "s.h5";
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_EQ(h5::read_root_text_attribute(out.string(), "name"), "My run");
  EXPECT_EQ(h5::read_root_text_attribute(out.string(), "description"), "a test");
  const std::string digest = h5::read_root_text_attribute(out.string(), "inputs_digest");
  EXPECT_EQ(digest.rfind("fnv1a64:", 0), 0u) << digest;

  std::vector<std::string> rerun = args;
  rerun.insert(rerun.end(), {"--threads", "1"});  // the thread count does not change the results
  EXPECT_EQ(cli(rerun).code, 0) << cli(rerun).err;

  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--set", "seed=5"}, {"--households", "501"}, {"--set", "replicates=2"}}) {
    std::vector<std::string> changed = args;
    changed.insert(changed.end(), extra.begin(), extra.end());
    const Result r = cli(changed);
    EXPECT_EQ(r.code, 2) << extra[1];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("s.h5 exists and holds a run with other inputs"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--out FILE"), std::string::npos) << r.err;
    EXPECT_EQ(h5::read_root_text_attribute(out.string(), "inputs_digest"), digest);  // untouched
    changed.insert(changed.end(), {"--out", "s.h5"});  // named: replaced
    EXPECT_EQ(cli(changed).code, 0);
    EXPECT_NE(h5::read_root_text_attribute(out.string(), "inputs_digest"), digest);
    ASSERT_EQ(cli(args).code, 2);  // and now the first run is the different one
    ASSERT_EQ(cli({"run", scenario, "--households", "500", "--quiet", "--out", "s.h5"}).code, 0);
  }
  // A file that is not a povsim result is not replaced either.
  dir.file("t.h5", "not HDF5");
  const std::string other = dir.file("t.yaml", "extends: " + baseline() + "\nhorizon:\n  end: 2021-12\n");
  const Result r = cli({"run", other, "--households", "500", "--quiet"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("t.h5 exists and holds something other than a povsim run result"), std::string::npos) << r.err;
}

// povsim population: the report names every target; --out saves a population that a run reuses,
// and a run on it gives the same results as the run that generated it.
TEST(Cli, PopulationReportSaveAndReuse) {
  TempDir dir;
  const auto pop = dir.path.string() + "/pop.h5";
  const Result r = cli({"population", "--households", "4000", "--seed", "9", "--report", "--out", pop});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* target : {"mean_income_per_capita", "share_below_monitoring_threshold", "relocated_person_share"})
    EXPECT_NE(r.out.find(target), std::string::npos) << target;
  EXPECT_NE(r.out.find("Age pyramid"), std::string::npos);
  EXPECT_NE(r.out.find("decile"), std::string::npos);
  EXPECT_NE(r.err.find("generated 4000 households"), std::string::npos) << r.err;
  ASSERT_TRUE(std::filesystem::exists(pop));

  const auto a = dir.path.string() + "/a.h5", b = dir.path.string() + "/b.h5";
  const std::vector<std::string> common{"--seed", "9", "--quiet", "--set", "horizon.end=2022-12"};
  std::vector<std::string> generated{"run", baseline(), "--households", "4000", "--out", a};
  std::vector<std::string> reused{"run", baseline(), "--population", pop, "--out", b};
  generated.insert(generated.end(), common.begin(), common.end());
  reused.insert(reused.end(), common.begin(), common.end());
  ASSERT_EQ(cli(generated).code, 0);
  const Result rb = cli(reused);
  ASSERT_EQ(rb.code, 0) << rb.err;
  ASSERT_EQ(testing::read_dataset(a, "/annual/return_rate").size(), 2u);  // [1 replicate, 2 years]
  ASSERT_EQ(testing::read_dataset(a, "/annual/edge/new_poverty_rate").size(), 2u);
  EXPECT_EQ(testing::read_dataset(a, "/annual/return_rate"), testing::read_dataset(b, "/annual/return_rate"));
  EXPECT_EQ(testing::read_dataset(a, "/annual/edge/new_poverty_rate"),
            testing::read_dataset(b, "/annual/edge/new_poverty_rate"));

  EXPECT_EQ(cli({"population", "--targets", dir.path.string() + "/none.yaml"}).code, 2);
  EXPECT_EQ(cli({"run", baseline(), "--population", dir.path.string() + "/none.h5", "--out", a}).code, 2);  // bad input (issue 11)
}

// Microdata given as loose files: --counties brings the county table (industries) along, into the
// saved population file.
TEST(Cli, PopulationFromCsvFilesWithCountyTable) {
  TempDir dir;
  const std::string data = std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata/";
  const auto pop = dir.path.string() + "/pop.h5";
  const Result r = cli({"population", "--population", data + "households.csv", "--persons", data + "persons.csv",
                        "--counties", data + "counties.csv", "--out", pop});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::read_dataset(pop, "/counties/industry"), (std::vector<double>{2, 2, 5, 1, 1, 0}));
  const Result without =
      cli({"population", "--population", data + "households.csv", "--counties", data + "counties.csv"});
  EXPECT_EQ(without.code, 2);
  EXPECT_NE(without.err.find("--counties: needs --population HOUSEHOLDS.csv --persons PERSONS.csv"), std::string::npos)
      << without.err;
}

TEST(Cli, BadInputIsOneClearLineAndNoOutput) {
  TempDir dir;
  const auto out = dir.path.string() + "/r.h5";
  const auto bad = dir.file("bad.yaml", "shocks:\n  illness:\n    reimbursement_rate: 3\n");
  Result r = cli({"run", bad, "--out", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3:25: shocks.illness.reimbursement_rate"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_FALSE(std::filesystem::exists(out));

  r = cli({"run", baseline(), "--out", dir.path.string() + "/missing/r.h5", "--households", "100"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;

  EXPECT_EQ(cli({"run", baseline(), "--households", "zero"}).code, 2);
  EXPECT_EQ(cli({"run", baseline(), "--frobnicate"}).code, 2);
  EXPECT_EQ(cli({"run"}).code, 2);
  EXPECT_EQ(cli({"fly"}).code, 2);

  // Options that cannot apply with a population file are refused, not ignored (issue 12).
  const std::string micro = std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata";
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--households", "1000"}, std::vector<std::string>{"--set", "population.edge_share=0.5"}}) {
    std::vector<std::string> args{"run", baseline(), "--population", micro, "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    r = cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("does not apply with --population"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(extra[0]), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// The parser (CLI11) keeps the contract: every command has --help; a bad command line is one line
// on stderr and exit 2, whatever CLI11's own error (its exit codes 100-115 are never returned).
TEST(Cli, EveryCommandHasHelpAndParseErrorsAreOneLine) {
  for (const char* command : {"run", "validate", "population", "calibrate", "export"}) {
    const Result r = cli({command, "--help"});
    EXPECT_EQ(r.code, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find(std::string("povsim ") + command), std::string::npos) << command;
    EXPECT_EQ(cli({command, "-h"}).out, r.out);
  }
  const std::vector<std::vector<std::string>> bad = {
      {"run", baseline(), "--out"},                 // a value missing
      {"run", baseline(), "--quiet=maybe"},         // a flag given a value it cannot take
      {"run", baseline(), "--frobnicate", "x"},     // unknown option
      {"run", baseline(), "--threads", "2147483647"},
      {"run", baseline(), "--threads", "1e3"},
      {"run", baseline(), "--out", ""},
      {"population", "--replicate", "1"},           // an option of another command
      {"validate", baseline(), "--set"},
      {"calibrate", "--threads", "0", "x.yaml"},
      {"export", "x.h5", "--csv"},                  // a value missing
      {"export", "x.h5", "--json=maybe"},         // a flag given a value it cannot take
      {"validate", baseline(), "--set", "seed=1\n2"},
      {"validate", baseline(), "--set", "seed=" + std::string(100000, '7')},
  };
  for (const auto& args : bad) {
    const Result r = cli(args);
    EXPECT_EQ(r.code, 2) << args[1] << " " << args.back().substr(0, 40) << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_LT(r.err.size(), 1100u);
    EXPECT_EQ(r.err.rfind("povsim: error: ", 0), 0u) << r.err;
  }
}

TEST(Cli, ValidateAcceptsSetAndOptionsAnywhere) {
  Result r = cli({"validate", "--set", "population.households=1234", baseline()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("1234 households"), std::string::npos) << r.out;
  r = cli({"validate", baseline(), "--set", "shocks.illness.reimbursement_rate=3"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("reimbursement_rate"), std::string::npos) << r.err;
  // --opt=value and -- before a file name work as in other tools.
  r = cli({"validate", "--set=population.households=99", "--", baseline()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("99 households"), std::string::npos) << r.out;
}

TEST(Cli, LaterOverridesWinInCommandLineOrder) {
  // --households and --set population.households are one setting: the later one counts.
  TempDir dir;
  Result r = cli({"population", "--households", "500", "--set", "population.households=700"});
  EXPECT_NE(r.err.find("generated 700 households"), std::string::npos) << r.err;
  r = cli({"population", "--set", "population.households=700", "--households", "500"});
  EXPECT_NE(r.err.find("generated 500 households"), std::string::npos) << r.err;
}

TEST(Cli, TooLargeARunIsRefusedBeforeAllocating) {
  TempDir dir;
  const auto out = dir.path.string() + "/r.h5";
  const Result r = cli({"run", baseline(), "--out", out, "--households", "1900000000"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("of memory but only"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, ValidateChecksEveryShippedScenario) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(POVSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const Result r = cli({"validate", entry.path().string()});
    EXPECT_EQ(r.code, 0) << entry.path() << ": " << r.err;
  }
  TempDir dir;
  EXPECT_EQ(cli({"validate", dir.file("x.yaml", "seed: x\n")}).code, 2);
}

}  // namespace
}  // namespace povsim

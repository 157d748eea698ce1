#include "sim/cli/cli.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

struct Result {
  int code;
  std::string out, err;
};

Result cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = povsim_main(args, out, err);
  return {code, out.str(), err.str()};
}

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

TEST(Cli, HelpDocumentsEveryRunOption) {
  const Result r = cli({"run", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--out", "--households", "--seed", "--threads", "--set", "--quiet", "--no-progress",
                          "--population", "--persons", "--counties", "--replicate", "--checkpoint",
                          "--checkpoint-every", "--restart"})
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

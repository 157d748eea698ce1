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
  for (const char* opt : {"--out", "--households", "--seed", "--threads", "--set", "--quiet", "--no-progress"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
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

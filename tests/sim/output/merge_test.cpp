#include "sim/output/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/output/hdf5_file.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

const std::string kBaseline = std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";

std::vector<std::string> small(std::vector<std::string> extra) {
  std::vector<std::string> args{"run", kBaseline, "--households", "1500", "--set", "horizon.end=2022-12",
                                "--set", "replicates=3", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Job-array parts, given in any order, merge into the file one run of all replicates writes:
// every dataset bit for bit, replicate_index, and the root attribute inputs_digest (so the
// default --out recognises it as a rerun).
TEST(Merge, PartsMergeIntoTheFileOneRunWrites) {
  testing::TempDir dir;
  const std::string full = dir.file("full.h5"), p0 = dir.file("p0.h5"), p12 = dir.file("p12.h5"), merged = dir.file("m.h5");
  ASSERT_EQ(testing::run_cli(small({"--out", full})).code, 0);
  ASSERT_EQ(testing::run_cli(small({"--replicate", "0", "--out", p0})).code, 0);
  ASSERT_EQ(testing::run_cli(small({"--replicate", "1:2", "--out", p12})).code, 0);
  const auto r = testing::run_cli({"merge", p12, p0, "--out", merged});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::compare_result_files(full, merged), "");
  EXPECT_EQ(testing::read_dataset(merged, "replicate_index"), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(h5::read_root_text_attribute(merged, "inputs_digest"), h5::read_root_text_attribute(full, "inputs_digest"));
  EXPECT_EQ(h5::read_root_text_attribute(merged, "scenario_yaml"), h5::read_root_text_attribute(full, "scenario_yaml"));
  // A part alone is a valid (partial) merge too.
  EXPECT_EQ(testing::run_cli({"merge", p12, "--out", dir.file("only.h5")}).code, 0);
  EXPECT_EQ(testing::read_dataset(dir.file("only.h5"), "replicate_index"), (std::vector<double>{1, 2}));
}

// Parts of other runs, overlapping replicates and files that are not results: one line, exit
// status 2, nothing written.
TEST(Merge, BadPartsAreOneLineAndWriteNothing) {
  testing::TempDir dir;
  const std::string p0 = dir.file("p0.h5"), p01 = dir.file("p01.h5"), other = dir.file("other.h5");
  ASSERT_EQ(testing::run_cli(small({"--replicate", "0", "--out", p0})).code, 0);
  ASSERT_EQ(testing::run_cli(small({"--replicate", "0:1", "--out", p01})).code, 0);
  ASSERT_EQ(testing::run_cli(small({"--replicate", "2", "--set", "seed=5", "--out", other})).code, 0);
  const std::string text = dir.file("notes.txt", "not hdf5\n");
  const std::string population = dir.file("pop.h5");
  ASSERT_EQ(testing::run_cli({"population", "--households", "500", "--out", population}).code, 0);
  struct Case {
    std::vector<std::string> parts;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{p0, p01}, "p01.h5: replicate 0 is also in " + p0},
      {{p0, other}, "other.h5: a part of another run: its scenario_yaml (the resolved scenario) differs from " + p0},
      {{p0, text}, "notes.txt: cannot open as an HDF5 file"},
      {{p0, population}, "pop.h5: not a povsim result file (expected the root attribute format 'povsim-results ...'"},
      {{p0, dir.file("missing.h5")}, "missing.h5: cannot open as an HDF5 file"},
  };
  const std::string out = dir.file("m.h5");
  for (const auto& c : cases) {
    std::vector<std::string> args{"merge"};
    args.insert(args.end(), c.parts.begin(), c.parts.end());
    args.insert(args.end(), {"--out", out});
    const auto r = testing::run_cli(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << "got: " << r.err << "expected: " << c.expected;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  EXPECT_EQ(testing::run_cli({"merge", p0, "--out", p0}).code, 2);
}

}  // namespace
}  // namespace povsim

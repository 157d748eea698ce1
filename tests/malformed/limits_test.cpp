// Scenario limits (issue 11, defect 3; docs/scenarios.md): tiny hostile files that used to crash
// (self-referencing aliases) or grow without bound (alias chains, huge lists) are refused with one
// line and status 2. The child runs under a 1 GiB address-space cap, so a regression shows as a
// failure here instead of taking the machine down.
#include <string>
#include <vector>

#include "malformed/malformed_support.hpp"
#include "sim/config/config.hpp"

namespace povsim::malformed {
namespace {

class Limits : public ::testing::Test {
 protected:
  povsim::testing::TempDir dir;

  std::string out() const { return (dir.path / "out.h5").string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = dir.path / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  Outcome run(const std::string& scenario, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"run", scenario, "--out", out(), "--households", "100", "--threads", "1", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_povsim(args, dir.path, std::size_t{1} << 30);
  }
  Outcome rejects(const std::string& yaml, const std::vector<std::string>& names,
                  const std::vector<std::string>& extra = {}) const {
    const std::string f = write("s.yaml", yaml);
    const Outcome r = run(f, extra);
    expect_rejected(r, {f}, out());
    for (const auto& n : names) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
    return r;
  }
};

// "Billion laughs": ten levels of ten aliases each expand to 10^10 nodes from 600 bytes.
std::string alias_chain(int levels) {
  std::string s = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int k = 1; k < levels; ++k) {
    const std::string p = "*a" + std::to_string(k - 1);
    s += "a" + std::to_string(k) + ": &a" + std::to_string(k) + " [" + p;
    for (int j = 1; j < 10; ++j) s += ", " + p;
    s += "]\n";
  }
  return s;
}

TEST_F(Limits, SelfReferencingMergeAlias) { rejects("&b\n<: *b\n", {":2:1:", "<: ", "cycle"}); }
TEST_F(Limits, ListContainingItself) { rejects("seed: &x [*x]\n", {"seed[0]", "cycle"}); }
TEST_F(Limits, MapContainingItself) { rejects("shocks: &x {illness: *x}\n", {"shocks.illness", "cycle"}); }
TEST_F(Limits, IndirectCycle) { rejects("a: &a {b: &b {c: *a}}\n", {"a.b.c", "cycle"}); }
TEST_F(Limits, BillionLaughs) {
  const std::string yaml = alias_chain(10);
  ASSERT_LT(yaml.size(), 700u);
  rejects(yaml, {"more than 100000 YAML nodes", "docs/scenarios.md"});
}
TEST_F(Limits, DeepNestingOfMaps) {
  std::string yaml;
  for (int k = 0; k < 70; ++k) yaml += std::string(2 * k, ' ') + "k:\n";
  rejects(yaml + std::string(140, ' ') + "1\n", {"nested more than 64 levels"});
}
TEST_F(Limits, DeepNestingOfFlowLists) {
  // Past yaml-cpp's own guard (2,000 levels) as well as povsim's: one line either way.
  rejects("seed: " + std::string(5000, '[') + std::string(5000, ']') + "\n", {":1:"});
}
TEST_F(Limits, NestingJustBelowTheLimitIsNotALimitError) {
  std::string yaml = "seed: ";
  for (int k = 0; k < 60; ++k) yaml += "[";
  yaml += std::string(60, ']') + "\n";
  const Outcome r = rejects(yaml, {"seed: expected a whole number"});
  EXPECT_EQ(r.err.find("nested"), std::string::npos) << r.err;
}
TEST_F(Limits, TooManyNodes) {
  std::string yaml = "population:\n  household_size_weights: [";
  for (int k = 0; k < 150000; ++k) yaml += "1,";
  rejects(yaml + "1]\n", {":2:", "more than 100000 YAML nodes"});
}
TEST_F(Limits, FileLargerThanOneMiBIsRefusedBeforeParsing) {
  // Unparseable past the first bytes: a size error (not a syntax error) shows the size was checked first.
  std::string yaml = "seed: [\n" + std::string(kMaxScenarioFileBytes, ' ');
  rejects(yaml, {"bytes; the limit is 1048576 bytes (1 MiB)"});
}
TEST_F(Limits, HundredMegabyteFlowList) {
  std::string yaml = "population:\n  household_size_weights: [";
  yaml.reserve(100u << 20);
  while (yaml.size() < (100u << 20)) yaml += "0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, ";
  rejects(yaml + "0.1]\n", {"limit is 1048576 bytes"});
}
TEST_F(Limits, FileAtTheLimitIsParsed) {
  const std::string yaml = "seed: x\n#" + std::string(kMaxScenarioFileBytes - 10, 'c') + "\n";
  ASSERT_EQ(yaml.size(), kMaxScenarioFileBytes);
  rejects(yaml, {":1:7:", "seed: expected a whole number"});
}
TEST_F(Limits, ExtendsChainTooLong) {
  for (int k = 1; k < 40; ++k) write("f" + std::to_string(k) + ".yaml", "extends: f" + std::to_string(k + 1) + ".yaml\n");
  write("f40.yaml", "seed: 1\n");
  const std::string f1 = (dir.path / "f1.yaml").string();
  expect_rejected(run(f1), {"more than 32 files in the extends chain", ":1:1: extends:"}, out());
}
TEST_F(Limits, ExtendsChainOfThirtyOneRuns) {
  for (int k = 1; k < 32; ++k) write("f" + std::to_string(k) + ".yaml", "extends: f" + std::to_string(k + 1) + ".yaml\n");
  write("f32.yaml", "horizon: {start: 2021-01, end: 2021-12}\n");
  expect_runs(run((dir.path / "f1.yaml").string()), out());
}
TEST_F(Limits, NodesCountAcrossTheExtendsChain) {
  std::string big = "x: [";
  for (int k = 0; k < 60000; ++k) big += "1,";
  big += "1]\n";
  const std::string base = write("base.yaml", big);
  write("mid.yaml", "extends: base.yaml\ny: " + big.substr(3));
  // Each file alone is under the limit; the files are parsed from the scenario down, so the count
  // runs over in base.yaml.
  expect_rejected(run(write("s.yaml", "extends: mid.yaml\n")), {base + ":1:", "more than 100000 YAML nodes"}, out());
}
TEST_F(Limits, SetPathTooDeep) {
  std::string path = "a";
  for (int k = 0; k < 5000; ++k) path += ".a";  // an argument may not exceed 128 KiB (execve)
  const Outcome r = run(write("s.yaml", "horizon: {start: 2021-01, end: 2021-12}\n"), {"--set", path + "=1"});
  expect_rejected(r, {"--set a.a.a", "more than 64 components"}, out());
}

}  // namespace
}  // namespace povsim::malformed

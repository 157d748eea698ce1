// Malformed and unusual scenario files, run through the real binary (issue 11, defects 2, 3 and 5).
// A bad file exits 2 with one stderr line naming the file, the line and column, and the YAML path
// where one applies, and writes no output; an unusual but valid file runs.
#include <algorithm>
#include <string>
#include <vector>

#include "malformed/malformed_support.hpp"
#include "sim/config/config.hpp"

namespace povsim::malformed {
namespace {

// A horizon of one year and a handful of households keep the valid cases quick.
constexpr const char* kShort = "horizon: {start: 2021-01, end: 2021-12}\n";

class MalformedScenario : public ::testing::Test {
 protected:
  povsim::testing::TempDir dir;

  std::string out() const { return (dir.path / "out.h5").string(); }
  // Writes `bytes` exactly (TempDir::file skips empty content and writes text).
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = dir.path / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  // Runs with --households 100 unless `extra` holds "--no-households": the flag overrides
  // population.households, so the cases about that key must leave it out.
  Outcome run(const std::string& scenario, const std::vector<std::string>& extra = {}) const {
    const bool own_households = std::find(extra.begin(), extra.end(), "--no-households") != extra.end();
    std::vector<std::string> args{"run", scenario, "--out", out(), "--threads", "1", "--quiet"};
    if (!own_households) args.insert(args.end(), {"--households", "100"});
    for (const auto& e : extra)
      if (e != "--no-households") args.push_back(e);
    return run_povsim(args, dir.path, std::size_t{1} << 30);
  }
  // Runs `yaml` as s.yaml and expects the bad-input contract, the message naming the file and
  // every one of `names` (positions as ":line:col:", YAML paths, what was expected).
  Outcome rejects(const std::string& yaml, const std::vector<std::string>& names,
                  const std::vector<std::string>& extra = {}) const {
    const std::string f = write("s.yaml", yaml);
    const Outcome r = run(f, extra);
    expect_rejected(r, {f}, out());
    for (const auto& n : names) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
    return r;
  }
  // A bad --set on a good file: the message names the override instead of the file.
  Outcome rejects_set(const std::string& assignment, const std::vector<std::string>& names) const {
    const Outcome r = run(write("s.yaml", std::string(kShort) + "seed: 1\n"), {"--set", assignment});
    expect_rejected(r, {}, out());
    for (const auto& n : names) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
    return r;
  }
  void runs(const std::string& yaml, const std::vector<std::string>& extra = {}) const {
    const Outcome r = run(write("s.yaml", yaml), extra);
    expect_runs(r, out());
  }
};

// --- one document, and it is a map (defect 2) ---

TEST_F(MalformedScenario, EmptyFile) { rejects("", {":1:1:", "no YAML document"}); }
TEST_F(MalformedScenario, CommentsOnly) { rejects("# nothing here\n\n# at all\n", {"no YAML document"}); }
TEST_F(MalformedScenario, DirectiveOnly) { rejects("%FOO bar\n", {"no YAML document"}); }
TEST_F(MalformedScenario, GarbageDirective) { rejects("%%%% ][ {{\n", {"no YAML document"}); }
TEST_F(MalformedScenario, SecondDocumentIsNotDropped) {
  rejects(std::string(kShort) + "seed: 1\n---\nseed: 2\n", {":4:1:", "second YAML document"});
}
TEST_F(MalformedScenario, EmptySecondDocument) { rejects("seed: 1\n...\n---\n", {"second YAML document"}); }
TEST_F(MalformedScenario, DocumentMarkerOnly) { rejects("---\n", {"one YAML map of keys, got nothing"}); }
TEST_F(MalformedScenario, TopLevelList) { rejects("- seed: 1\n", {":1:1:", "got a list"}); }
TEST_F(MalformedScenario, TopLevelScalar) { rejects("hello\n", {":1:1:", "got 'hello'"}); }
TEST_F(MalformedScenario, DirectoryAsScenario) {
  std::filesystem::create_directory(dir.path / "d.yaml");
  const std::string d = (dir.path / "d.yaml").string();
  expect_rejected(run(d), {d, "is a directory"}, out());
}
TEST_F(MalformedScenario, MissingScenario) {
  const std::string f = (dir.path / "nope.yaml").string();
  expect_rejected(run(f), {f, "no such file"}, out());
}
TEST_F(MalformedScenario, UnsupportedYamlVersion) { rejects("%YAML 2.0\n---\nseed: 1\n", {":1:1:", "invalid YAML"}); }

// --- unusual but valid: these run ---

TEST_F(MalformedScenario, ByteOrderMarkRuns) { runs("\xEF\xBB\xBF" + std::string(kShort) + "seed: 3\n"); }
TEST_F(MalformedScenario, CrlfLineEndsRun) {
  runs("horizon:\r\n  start: 2021-01\r\n  end: 2021-12\r\nseed: 3\r\nreplicates: 1\r\n");
}
TEST_F(MalformedScenario, AcyclicAnchorsAndAliasesRun) {
  runs(std::string(kShort) +
       "poverty_line:\n  inflation: &rate {2021: 0.02, 2023: 0.03}\nprocesses:\n  market:\n    expansion: *rate\n");
}
TEST_F(MalformedScenario, YamlDirectiveWithOneDocumentRuns) { runs("%YAML 1.2\n---\n" + std::string(kShort) + "seed: 3\n"); }
TEST_F(MalformedScenario, DocumentEndMarkerRuns) { runs(std::string(kShort) + "seed: 3\n...\n"); }
TEST_F(MalformedScenario, ScheduleDatesOutOfOrderRun) {
  runs(std::string(kShort) + "poverty_line:\n  inflation:\n    2025: 0.03\n    2021-01: 0.02\n");
}
TEST_F(MalformedScenario, LargestSeedRuns) { runs(std::string(kShort) + "seed: 18446744073709551615\n"); }
TEST_F(MalformedScenario, TabAfterColonRuns) { runs(std::string(kShort) + "seed:\t3\n"); }
TEST_F(MalformedScenario, EmptyMapRunsDefaults) { runs("{}\n", {"--set", "horizon.end=2021-12"}); }

// --- text: encoding, control characters, tabs ---

TEST_F(MalformedScenario, InvalidUtf8) { rejects(std::string(kShort) + "seed: \xFF\xFE\n", {":2:7:", "invalid UTF-8", "0xff"}); }
TEST_F(MalformedScenario, Utf16File) { rejects(std::string("\xFF\xFEs\0e\0", 6), {":1:1:", "invalid UTF-8"}); }
TEST_F(MalformedScenario, OverlongUtf8) { rejects("seed: 1 # \xC0\xAF\n", {":1:11:", "invalid UTF-8"}); }
TEST_F(MalformedScenario, RawNulByte) { rejects(std::string("seed: 1\0\n", 9), {":1:8:", "NUL"}); }
TEST_F(MalformedScenario, RawControlCharacter) { rejects("seed: 1\x01\n", {":1:8:", "control character 0x01"}); }
TEST_F(MalformedScenario, TabIndentation) { rejects("shocks:\n\tillness: {}\n", {":2:", "invalid YAML"}); }
TEST_F(MalformedScenario, UnclosedFlowList) { rejects("seed: [1, 2\n", {"invalid YAML"}); }
// yaml-cpp accepts a double-quoted scalar left open at the end of the file (here '1 '); the
// value is then checked like any other.
TEST_F(MalformedScenario, UnclosedQuote) { rejects("seed: \"1\n", {":1:7:", "seed: expected a whole number"}); }
TEST_F(MalformedScenario, UnclosedQuoteInList) { rejects("seed: [\"1, 2]\n", {":1:"}); }
TEST_F(MalformedScenario, BadIndentation) { rejects("seed: 1\n  replicates: 2\n", {":2:", "invalid YAML"}); }

// --- keys ---

TEST_F(MalformedScenario, DuplicateTopLevelKey) { rejects("seed: 1\nseed: 2\n", {":2:1: duplicate key 'seed'"}); }
TEST_F(MalformedScenario, DuplicateNestedKey) {
  rejects("shocks:\n  illness:\n    cost_median: 1\n    cost_median: 2\n",
          {":4:5: shocks.illness.cost_median: duplicate key 'cost_median'"});
}
TEST_F(MalformedScenario, UnknownTopLevelKey) { rejects("sede: 1\n", {":1:1:", "sede: unknown key", "seed"}); }
TEST_F(MalformedScenario, UnknownModel) { rejects("shocks:\n  flood: {}\n", {":2:3:", "shocks.flood: unknown key"}); }
TEST_F(MalformedScenario, UnknownNestedKey) {
  rejects("shocks:\n  illness:\n    reimbursment_rate: 0.5\n",
          {":3:5:", "shocks.illness.reimbursment_rate: unknown key", "reimbursement_rate"});
}
TEST_F(MalformedScenario, NonScalarKey) { rejects("? [1, 2]\n: 3\n", {":1:3:", "map keys must be plain text"}); }
TEST_F(MalformedScenario, KeyWithoutValue) { rejects("seed:\n", {":1:1:", "seed: has no value"}); }
TEST_F(MalformedScenario, NullValue) { rejects("seed: ~\n", {":1:1:", "seed: has no value"}); }
TEST_F(MalformedScenario, MergeKeyIsNotSupported) {
  rejects("base: &b {seed: 1}\n<<: *b\n", {":1:1:", "base: unknown key"});
}

// --- types and ranges ---

TEST_F(MalformedScenario, SeedText) { rejects("seed: abc\n", {":1:7:", "seed: expected a whole number", "'abc'"}); }
TEST_F(MalformedScenario, SeedNegative) { rejects("seed: -1\n", {":1:7:", "seed: expected a whole number", "-1"}); }
TEST_F(MalformedScenario, SeedPastLargest) {
  rejects("seed: 18446744073709551616\n", {":1:7:", "seed: expected a whole number"});
}
TEST_F(MalformedScenario, SeedFraction) { rejects("seed: 1.5\n", {":1:7:", "seed: expected a whole number", "'1.5'"}); }
TEST_F(MalformedScenario, SeedHex) { rejects("seed: 0x10\n", {":1:7:", "seed: expected a whole number"}); }
TEST_F(MalformedScenario, SeedList) { rejects("seed: [1]\n", {":1:7:", "seed: expected a whole number", "got a list"}); }
TEST_F(MalformedScenario, ReplicatesZero) { rejects("replicates: 0\n", {":1:13:", "replicates: expected a whole number in [1, 65535]"}); }
TEST_F(MalformedScenario, ReplicatesTooMany) { rejects("replicates: 65536\n", {":1:13:", "replicates"}); }
TEST_F(MalformedScenario, NegativeHouseholds) { rejects("population:\n  households: -5\n", {":2:15:", "population.households"}, {"--no-households"}); }
TEST_F(MalformedScenario, HugeHouseholds) {
  rejects("population:\n  households: 99999999999999999999999\n", {":2:15:", "population.households"},
          {"--no-households"});
}
TEST_F(MalformedScenario, ProbabilityAboveOne) {
  rejects("shocks:\n  illness:\n    reimbursement_rate: 1.5\n",
          {":3:25:", "shocks.illness.reimbursement_rate: expected a number in [0, 1]", "1.5"});
}
TEST_F(MalformedScenario, NegativeShare) {
  rejects("shocks:\n  illness:\n    reimbursement_rate: -0.1\n", {":3:25:", "shocks.illness.reimbursement_rate"});
}
TEST_F(MalformedScenario, NotANumber) {
  rejects("shocks:\n  illness:\n    reimbursement_rate: .nan\n", {":3:25:", "shocks.illness.reimbursement_rate", "'.nan'"});
}
TEST_F(MalformedScenario, NanSpelledOut) {
  rejects("shocks:\n  illness:\n    cost_median: nan\n", {":3:18:", "shocks.illness.cost_median", "'nan'"});
}
TEST_F(MalformedScenario, Infinity) {
  rejects("shocks:\n  illness:\n    cost_median: .inf\n", {":3:18:", "shocks.illness.cost_median", "'.inf'"});
}
TEST_F(MalformedScenario, InfSpelledOut) {
  rejects("shocks:\n  illness:\n    cost_median: inf\n", {":3:18:", "shocks.illness.cost_median"});
}
TEST_F(MalformedScenario, HugeNumber) {
  rejects("shocks:\n  illness:\n    cost_median: 1e400\n", {":3:18:", "shocks.illness.cost_median", "'1e400'"});
}
TEST_F(MalformedScenario, NumberAsMap) {
  rejects("shocks:\n  illness:\n    cost_median: {a: 1}\n", {":3:18:", "shocks.illness.cost_median", "got a map"});
}
TEST_F(MalformedScenario, EmptyQuotedNumber) {
  rejects("shocks:\n  illness:\n    cost_median: \"\"\n", {":3:18:", "shocks.illness.cost_median", "got ''"});
}
TEST_F(MalformedScenario, FlagNotBoolean) {
  rejects("shocks:\n  illness:\n    enabled: yes\n", {":3:14:", "shocks.illness.enabled: expected true or false", "'yes'"});
}
TEST_F(MalformedScenario, SectionAsNumber) { rejects("shocks: 3\n", {":1:9:", "shocks: expected a map of models"}); }
TEST_F(MalformedScenario, ModelAsList) { rejects("shocks:\n  illness: [1]\n", {":2:12:", "shocks.illness"}); }
TEST_F(MalformedScenario, BadChoice) {
  rejects("population:\n  weights: everyone\n", {":2:12:", "population.weights: expected one of", "'everyone'"});
}
TEST_F(MalformedScenario, EmptyNumberList) {
  rejects("population:\n  household_size_weights: []\n", {":2:27:", "population.household_size_weights: expected a non-empty list"});
}
TEST_F(MalformedScenario, TextInNumberList) {
  rejects("population:\n  household_size_weights: [0.5, x]\n", {":2:33:", "population.household_size_weights[1]", "'x'"});
}
TEST_F(MalformedScenario, PerRegionUnknownRegion) {
  rejects("population:\n  chronic_share:\n    tundra: 0.1\n", {":3:5:", "population.chronic_share.tundra: unknown key"});
}
TEST_F(MalformedScenario, PerRegionNotAMap) {
  rejects("population:\n  chronic_share: 0.1\n", {":2:18:", "population.chronic_share: expected a map"});
}

// --- dates and schedules ---

TEST_F(MalformedScenario, MonthThirteen) { rejects("horizon:\n  start: 2021-13\n", {":2:10:", "horizon.start: expected a month"}); }
TEST_F(MalformedScenario, TwoDigitYear) { rejects("horizon:\n  start: 21-01\n", {":2:10:", "horizon.start: expected a month"}); }
TEST_F(MalformedScenario, DateAsList) { rejects("horizon:\n  end: [2030]\n", {":2:8:", "horizon.end", "got a list"}); }
TEST_F(MalformedScenario, StartNotJanuary) { rejects("horizon:\n  start: 2021-02\n", {":2:10:", "horizon.start: expected a January"}); }
TEST_F(MalformedScenario, EndBeforeStart) {
  rejects("horizon:\n  start: 2025-01\n  end: 2022-12\n", {":3:8:", "horizon.end: expected a month after"});
}
TEST_F(MalformedScenario, YearBefore1900) { rejects("horizon:\n  end: 1899-12\n", {":2:8:", "horizon.end"}); }
TEST_F(MalformedScenario, ScheduleBadDateKey) {
  rejects("poverty_line:\n  inflation:\n    2024-1: 0.02\n", {":3:5:", "poverty_line.inflation.2024-1: expected a date"});
}
TEST_F(MalformedScenario, ScheduleTextKey) {
  rejects("poverty_line:\n  inflation:\n    soon: 0.02\n", {":3:5:", "poverty_line.inflation.soon"});
}
TEST_F(MalformedScenario, ScheduleValueOutOfRange) {
  rejects("poverty_line:\n  inflation:\n    2024: 5\n", {":3:11:", "poverty_line.inflation.2024", "in [-0.5, 1]"});
}
TEST_F(MalformedScenario, ScheduleAsNumber) {
  rejects("poverty_line:\n  inflation: 0.02\n", {":2:14:", "poverty_line.inflation: expected a map from dates"});
}
TEST_F(MalformedScenario, ScheduleSameMonthTwice) {
  rejects("poverty_line:\n  inflation:\n    2024: 0.02\n    2024-01: 0.03\n",
          {":4:5:", "poverty_line.inflation.2024-01: a second entry for 2024-01 (the first is '2024' at "});
}

// --- extends (defect 5): errors name the file and line of the extends key ---

TEST_F(MalformedScenario, ExtendsCycle) {
  const std::string a = write("a.yaml", "seed: 1\nextends: b.yaml\n");
  write("b.yaml", "extends: a.yaml\n");
  expect_rejected(run(a), {dir.path.string() + "/b.yaml:1:1: extends:", "forms a cycle"}, out());
}
TEST_F(MalformedScenario, ExtendsItself) {
  const std::string a = write("a.yaml", "# first\nextends: a.yaml\n");
  expect_rejected(run(a), {a + ":2:1: extends:", "forms a cycle"}, out());
}
TEST_F(MalformedScenario, ExtendsMissingFile) {
  rejects("seed: 1\nextends: nowhere.yaml\n", {":2:1: extends:", "nowhere.yaml", "no such file"});
}
TEST_F(MalformedScenario, ExtendsEmpty) { rejects("seed: 1\nextends:\n", {":2:1: extends:", "expected the path"}); }
TEST_F(MalformedScenario, ExtendsEmptyString) { rejects("extends: ''\n", {":1:1: extends:", "expected the path"}); }
TEST_F(MalformedScenario, ExtendsEmptyList) { rejects("extends: []\n", {":1:1: extends:", "got a list"}); }
TEST_F(MalformedScenario, ExtendsListWithAMissingFileSaysWherePathsAreFrom) {
  rejects("extends: [a.yaml]\n", {":1:1: extends:", "'a.yaml'", "no such file", "folder of the file that extends it"});
}
TEST_F(MalformedScenario, ExtendsListOfAMap) {
  rejects("extends: [{a: 1}]\n", {":1:1: extends:", "expected the path of another scenario file", "got a map"});
}
TEST_F(MalformedScenario, ExtendsDirectory) {
  std::filesystem::create_directory(dir.path / "sub");
  rejects("seed: 1\nextends: sub\n", {":2:1: extends:", "is a directory"});
}
TEST_F(MalformedScenario, ExtendsPathWithNul) { rejects("extends: \"base\\0.yaml\"\n", {":1:1: extends:", "\\0"}); }
TEST_F(MalformedScenario, ExtendsEmptyFile) {
  const std::string base = write("base.yaml", "");
  expect_rejected(run(write("s.yaml", "extends: base.yaml\n")), {base + ":1:1:", "no YAML document"}, out());
}
TEST_F(MalformedScenario, ErrorInExtendedFileNamesThatFile) {
  const std::string base = write("base.yaml", "seed: x\n");
  const std::string child = write("child.yaml", "extends: base.yaml\n");
  expect_rejected(run(child), {base + ":1:7: seed: expected a whole number"}, out());
}
TEST_F(MalformedScenario, ExtendsValidRuns) {
  write("base.yaml", std::string(kShort) + "seed: 5\n");
  expect_runs(run(write("child.yaml", "extends: base.yaml\nreplicates: 1\n")), out());
}

// --- messages stay on one line (defect 5) ---

TEST_F(MalformedScenario, QuotedNewlineInValue) {
  const Outcome r = rejects("seed: \"1\\n2\"\n", {":1:7:", "seed:", "'1\\n2'"});
}
TEST_F(MalformedScenario, QuotedNulInValue) { rejects("seed: \"1\\0\"\n", {":1:7:", "seed:", "'1\\0'"}); }
TEST_F(MalformedScenario, LongValueIsCut) {
  const Outcome r = rejects("seed: " + std::string(100000, '7') + "\n", {":1:7:", "seed:", "cut; 100000 bytes"});
  EXPECT_LT(r.err.size(), 1000u);
}
TEST_F(MalformedScenario, LongUnknownKeyIsCut) {
  // 1,000 bytes: YAML allows no longer implicit keys (a longer one is a syntax error).
  const Outcome r = rejects(std::string(1000, 'k') + ": 1\n", {":1:1:", "unknown key", "cut; 1000 bytes"});
  EXPECT_LT(r.err.size(), 800u);
}
TEST_F(MalformedScenario, NewlineInKey) { rejects("\"a\\nb\": 1\n", {":1:1:", "a\\nb: unknown key"}); }
TEST_F(MalformedScenario, SetValueWithNewline) {
  rejects_set("seed=1\n2", {"--set seed=1\\n2: seed: expected a whole number", "'1\\n2'"});
}
TEST_F(MalformedScenario, SetLongValueIsCut) {
  const Outcome r = rejects_set("seed=" + std::string(100000, 'x'), {"--set seed=xx", "cut; 100005 bytes"});
  EXPECT_LT(r.err.size(), 1000u);
}
TEST_F(MalformedScenario, SetValueNotUtf8) { rejects_set("seed=\xFF", {"--set seed=\\xff", "not valid UTF-8"}); }
TEST_F(MalformedScenario, SetIntoScalar) { rejects_set("seed.x=1", {"--set seed.x=1", "'seed' is not a map"}); }
TEST_F(MalformedScenario, SetIntoAbsentKeyMakesAMap) {
  rejects_set("replicates.x=1", {"--set replicates.x=1: replicates: expected a whole number", "got a map"});
}
TEST_F(MalformedScenario, SetReplacesMapOnlyByScalar) { rejects_set("horizon=2021", {"'horizon' is a map"}); }
TEST_F(MalformedScenario, SetWithoutEquals) { rejects_set("seed", {"--set seed: expected PATH=VALUE"}); }
TEST_F(MalformedScenario, SetEmptyComponent) { rejects_set("shocks..x=1", {"--set shocks..x=1", "empty component"}); }
TEST_F(MalformedScenario, SetOutOfRange) {
  rejects_set("shocks.illness.reimbursement_rate=2", {"--set shocks.illness.reimbursement_rate=2: shocks.illness.reimbursement_rate: expected a number in [0, 1]"});
}

// The helper every scenario message passes through (in-process: it is a pure function).
TEST_F(MalformedScenario, OneLineEscapesAndCuts) {
  EXPECT_EQ(one_line("a\nb\r\tc"), "a\\nb\\r\\tc");
  EXPECT_EQ(one_line(std::string("x\0y", 3)), "x\\0y");
  EXPECT_EQ(one_line("\x01\x7f\xff"), "\\x01\\x7f\\xff");
  EXPECT_EQ(one_line("\xe4\xb8\xad\xe6\x96\x87"), "\xe4\xb8\xad\xe6\x96\x87");  // UTF-8 kept
  EXPECT_EQ(one_line(std::string(300, 'v'), 10), std::string(10, 'v') + "... (cut; 300 bytes in all)");
  EXPECT_EQ(one_line("a\xc2\x85" "b\xe2\x80\xa8" "c"), "a\\u0085b\\u2028c");  // NEL, line separator
  // A cut never splits a UTF-8 sequence.
  EXPECT_EQ(one_line("a\xe4\xb8\xad", 2), "a\xe4\xb8\xad");
  const ConfigError e("file.yaml:1:1: x: got '" + std::string("1\n2") + "'");
  EXPECT_EQ(std::string(e.what()), "file.yaml:1:1: x: got '1\\n2'");
}

}  // namespace
}  // namespace povsim::malformed

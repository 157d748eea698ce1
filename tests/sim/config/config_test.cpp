#include "sim/config/config.hpp"

#include <gtest/gtest.h>

#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(path, overrides, make_default_registry());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScenarioErrors, UnknownKeyNamesFileLineColumnPathAndAlternatives) {
  TempDir dir;
  const auto f = dir.file("s.yaml", "seed: 1\nshocks:\n  illness:\n    reimbursment_rate: 0.5\n");
  const std::string e = error_of(f);
  EXPECT_NE(e.find(f + ":4:5: shocks.illness.reimbursment_rate: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("reimbursement_rate"), std::string::npos) << e;
}

TEST(ScenarioErrors, UnknownModelAndTopLevelKey) {
  TempDir dir;
  EXPECT_NE(error_of(dir.file("a.yaml", "policies:\n  dibao_x: {}\n")).find(":2:3: policies.dibao_x: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("b.yaml", "sed: 3\n")).find(":1:1: sed: unknown key"), std::string::npos);
}

TEST(ScenarioErrors, ProbabilityOutOfRange) {
  TempDir dir;
  const std::string e = error_of(dir.file("s.yaml", "shocks:\n  job_loss:\n    monthly_reemployment: 1.5\n"));
  EXPECT_NE(e.find(":3:27: shocks.job_loss.monthly_reemployment: expected a number in [0, 1] (probability), got 1.5"),
            std::string::npos)
      << e;
}

TEST(ScenarioErrors, WrongTypeAndNegativeCost) {
  TempDir dir;
  EXPECT_NE(error_of(dir.file("a.yaml", "shocks:\n  illness:\n    cost_median: lots\n"))
                .find("shocks.illness.cost_median: expected a number in [0, 1e+07] (yuan per episode), got 'lots'"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("b.yaml", "shocks:\n  illness:\n    cost_median: -5\n")).find("got -5"), std::string::npos);
  EXPECT_NE(error_of(dir.file("c.yaml", "shocks:\n  illness:\n    enabled: yes please\n")).find("expected true or false"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("d.yaml", "shocks:\n  illness: 3\n")).find("shocks.illness: expected a map"),
            std::string::npos);
}

TEST(ScenarioErrors, EndBeforeStart) {
  TempDir dir;
  const std::string e = error_of(dir.file("s.yaml", "horizon:\n  start: 2025-01\n  end: 2023-12\n"));
  EXPECT_NE(e.find(":3:8: horizon.end: expected a month after horizon.start (2025-01), got 2023-12"), std::string::npos)
      << e;
}

TEST(ScenarioErrors, BadScheduleDateAndRules) {
  TempDir dir;
  EXPECT_NE(error_of(dir.file("a.yaml", "policies:\n  rural_pension:\n    monthly_amount: {2024-13: 5}\n"))
                .find("expected a date YYYY-MM or YYYY"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("b.yaml", "shocks:\n  disaster:\n    severity_min: 0.9\n    severity_max: 0.1\n"))
                .find("shocks.disaster: severity_min: expected at most severity_max"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("c.yaml",
                              "policies:\n  eco_compensation:\n    levels: {2022: 0, 2024: 0.5}\n"))
                .find("cannot restart"),
            std::string::npos);
}

TEST(ScenarioErrors, SyntaxErrorAndMissingFile) {
  TempDir dir;
  const auto f = dir.file("s.yaml", "seed: [1, 2\n");
  EXPECT_NE(error_of(f).find(f + ":"), std::string::npos);
  EXPECT_NE(error_of(f).find("invalid YAML"), std::string::npos);
  EXPECT_NE(error_of(dir.path.string() + "/nope.yaml").find("no such file"), std::string::npos);
}

TEST(ScenarioErrors, DuplicateKey) {
  TempDir dir;
  EXPECT_NE(error_of(dir.file("s.yaml", "seed: 1\nseed: 2\n")).find(":2:1: duplicate key 'seed'"), std::string::npos);
}

TEST(Scenario, ExtendsMergesAndOverrides) {
  TempDir dir;
  dir.file("base.yaml", "seed: 7\nshocks:\n  illness:\n    reimbursement_rate: 0.6\n    cost_median: 100\n");
  const auto child = dir.file("child.yaml", "extends: base.yaml\nshocks:\n  illness:\n    cost_median: 200\n");
  const Scenario s = load_scenario(child, {}, make_default_registry());
  EXPECT_EQ(s.run.seed, 7u);
  EXPECT_NE(s.resolved_yaml.find("reimbursement_rate: 0.6"), std::string::npos);
  EXPECT_NE(s.resolved_yaml.find("cost_median: 200"), std::string::npos);
  EXPECT_EQ(s.resolved_yaml.find("extends"), std::string::npos);
}

// extends: a list of files, merged in order (a later one overrides an earlier one), then the file
// itself; paths are relative to the folder of the file that names them (here a subfolder), whatever
// the current folder.
TEST(Scenario, ExtendsAListOfFilesRelativeToTheIncludingFile) {
  TempDir dir;
  std::filesystem::create_directory(dir.path / "policies");
  dir.file("base.yaml", "seed: 7\nshocks:\n  illness:\n    reimbursement_rate: 0.6\n    cost_median: 100\n");
  dir.file("policies/pension.yaml", "seed: 8\nshocks:\n  illness:\n    cost_median: 300\n");
  dir.file("policies/medical.yaml", "shocks:\n  illness:\n    reimbursement_rate: 0.7\n");
  const auto child = dir.file("policies/both.yaml",
                              "extends: [../base.yaml, pension.yaml, medical.yaml]\nreplicates: 2\n");
  const Scenario s = load_scenario(child, {}, make_default_registry());
  EXPECT_EQ(s.run.seed, 8u);  // pension.yaml after base.yaml
  EXPECT_EQ(s.run.replicates, 2u);
  EXPECT_NE(s.resolved_yaml.find("reimbursement_rate: 0.7"), std::string::npos);
  EXPECT_NE(s.resolved_yaml.find("cost_median: 300"), std::string::npos);
}

TEST(Scenario, ErrorInExtendedFileNamesThatFile) {
  TempDir dir;
  const auto base = dir.file("base.yaml", "seed: -1\n");
  const auto child = dir.file("child.yaml", "extends: base.yaml\n");
  EXPECT_NE(error_of(child).find(base + ":1:7: seed: expected a whole number"), std::string::npos) << error_of(child);
}

// An error about a value that a base file and the file extending it both touch points at the
// file that changed it last (the user's), and names the other position.
TEST(Scenario, ErrorsInMergedValuesPointAtTheFileThatSetThem) {
  TempDir dir;
  const auto base = dir.file("base.yaml",
                             "poverty_line:\n  inflation:\n    2021-01: 0.02\n    2024-01: 0.03\n"
                             "policies:\n  rural_pension:\n    local_top_up: 10\n");
  const auto month_twice = dir.file("month_twice.yaml", "extends: base.yaml\npoverty_line:\n  inflation:\n    2024: 0.04\n");
  const std::string e = error_of(month_twice);
  EXPECT_EQ(e.rfind(month_twice + ":4:5: poverty_line.inflation.2024: a second entry for 2024-01 (the first is "
                                  "'2024-01' at " + base + ":4:5)", 0), 0u) << e;
  // A rule across a section's fields: the section as the user's file wrote it.
  const auto rule = dir.file("rule.yaml", "extends: base.yaml\npolicies:\n  rural_pension:\n    budget_rule: by_need\n");
  const std::string r = error_of(rule);
  EXPECT_EQ(r.rfind(rule + ":4:5: policies.rural_pension: ", 0), 0u) << r;
  // The same rule broken in the base alone still points into the base.
  dir.file("bad_base.yaml", "policies:\n  rural_pension:\n    budget_rule: by_need\n");
  const auto child = dir.file("child.yaml", "extends: bad_base.yaml\nseed: 3\n");
  EXPECT_EQ(error_of(child).rfind((dir.path / "bad_base.yaml").string() + ":3:5: policies.rural_pension: ", 0), 0u)
      << error_of(child);
}

// `name` and `description` name the scenario in outputs; '' (the default) means the file's name,
// and neither is inherited through extends.
TEST(Scenario, NameAndDescriptionAreTheFilesOwn) {
  TempDir dir;
  dir.file("base.yaml", "name: The base\ndescription: base text\nseed: 7\n");
  const auto child = dir.file("child.yaml", "extends: base.yaml\n");
  const auto named = dir.file("named.yaml", "extends: base.yaml\nname: 'Pension: plus'\ndescription: |\n  two\n  lines\n");
  const Scenario s = load_scenario(child, {}, make_default_registry());
  EXPECT_EQ(s.run.name, "");
  EXPECT_EQ(s.run.description, "");
  EXPECT_EQ(s.display_name(), "child");
  EXPECT_EQ(load_scenario((dir.path / "base.yaml").string(), {}, make_default_registry()).display_name(), "The base");
  const Scenario n = load_scenario(named, {}, make_default_registry());
  EXPECT_EQ(n.display_name(), "Pension: plus");
  EXPECT_EQ(n.run.description, "two\nlines\n");
  EXPECT_EQ(n.run.seed, 7u);
  // The resolved scenario reads back to itself (rerunning it reproduces the run).
  TempDir again;
  const Scenario reread = load_scenario(again.file("resolved.yaml", n.resolved_yaml), {}, make_default_registry());
  EXPECT_EQ(reread.resolved_yaml, n.resolved_yaml);
  EXPECT_EQ(load_scenario(again.file("r2.yaml", s.resolved_yaml), {}, make_default_registry()).resolved_yaml, s.resolved_yaml);
  // A name is one short line.
  EXPECT_NE(error_of(dir.file("nl.yaml", "name: \"a\\nb\"\n")).find(":1:7: name: expected one line of text"),
            std::string::npos)
      << error_of((dir.path / "nl.yaml").string());
  EXPECT_NE(error_of(dir.file("long.yaml", "name: " + std::string(201, 'x') + "\n")).find("name: expected at most 200 bytes, got 201"),
            std::string::npos);
  EXPECT_NE(error_of(dir.file("map.yaml", "name: {a: 1}\n")).find("name: expected text, got a map"), std::string::npos)
      << error_of((dir.path / "map.yaml").string());
}

TEST(Scenario, ExtendsListMergesEveryFileOnceAfterItsBases) {
  // pension.yaml and medical.yaml both extend base.yaml; composing them must keep both changes
  // (medical's copy of the base must not undo pension's), and the composed file wins over both.
  TempDir dir;
  dir.file("base.yaml", "seed: 1\nreplicates: 1\npolicies:\n  rural_pension:\n    local_top_up: 0\n"
                        "  medical_assistance:\n    assistance_cap: 1000\n");
  dir.file("pension.yaml", "extends: base.yaml\npolicies:\n  rural_pension:\n    local_top_up: 30\n");
  dir.file("medical.yaml", "extends: base.yaml\nreplicates: 2\npolicies:\n  medical_assistance:\n    assistance_cap: 40000\n");
  const auto both = dir.file("both.yaml", "extends: [pension.yaml, medical.yaml]\nseed: 5\n");
  const Scenario s = load_scenario(both, {}, make_default_registry());
  const Scenario pension = load_scenario((dir.path / "pension.yaml").string(), {}, make_default_registry());
  const Scenario medical = load_scenario((dir.path / "medical.yaml").string(), {}, make_default_registry());
  EXPECT_EQ(s.run.seed, 5u);
  EXPECT_EQ(s.run.replicates, 2u);
  EXPECT_NE(s.resolved_yaml.find("local_top_up: 30"), std::string::npos) << s.resolved_yaml;
  EXPECT_NE(s.resolved_yaml.find("assistance_cap: 40000"), std::string::npos) << s.resolved_yaml;
  EXPECT_NE(pension.resolved_yaml.find("assistance_cap: 1000"), std::string::npos);
  EXPECT_NE(medical.resolved_yaml.find("local_top_up: 0"), std::string::npos);
  // A base named twice in one list is merged once, at its first place.
  const auto twice = dir.file("twice.yaml", "extends: [medical.yaml, base.yaml]\n");
  EXPECT_NE(load_scenario(twice, {}, make_default_registry()).resolved_yaml.find("assistance_cap: 40000"),
            std::string::npos);
}

TEST(Scenario, ExtendsCycleIsAnError) {
  TempDir dir;
  dir.file("a.yaml", "extends: b.yaml\n");
  dir.file("b.yaml", "extends: a.yaml\n");
  EXPECT_NE(error_of((dir.path / "a.yaml").string()).find("cycle"), std::string::npos);
}

TEST(Scenario, SetOverridesAnyScalarAndIsValidated) {
  TempDir dir;
  const auto f = dir.file("s.yaml", "seed: 1\n");
  const Scenario s = load_scenario(f, {"seed=99", "policies.rural_pension.local_top_up=20"}, make_default_registry());
  EXPECT_EQ(s.run.seed, 99u);
  EXPECT_NE(s.resolved_yaml.find("local_top_up: 20"), std::string::npos);
  EXPECT_NE(error_of(f, {"shocks.illness.reimbursement_rate=2"}).find("--set shocks.illness.reimbursement_rate=2: "
                                                                       "shocks.illness.reimbursement_rate: expected"),
            std::string::npos)
      << error_of(f, {"shocks.illness.reimbursement_rate=2"});
  EXPECT_NE(error_of(f, {"shocks.illness"}).find("expected PATH=VALUE"), std::string::npos);
  EXPECT_NE(error_of(f, {"shocks.illness=3"}).find("shocks.illness: expected a map"), std::string::npos);
  EXPECT_NE(error_of(f, {"shocks.ilness.x=3"}).find("shocks.ilness: unknown key"), std::string::npos);
}

TEST(Scenario, DisabledModelIsNotBuilt) {
  TempDir dir;
  const auto f = dir.file("s.yaml", "policies:\n  rural_pension:\n    enabled: false\n");
  const Scenario s = load_scenario(f, {}, make_default_registry());
  EXPECT_EQ(std::count(s.model_paths.begin(), s.model_paths.end(), "policies.rural_pension"), 0);
  EXPECT_EQ(s.models.size(), make_default_registry().entries().size() - 1);
}

// baseline.yaml documents every key with its default: it must resolve to exactly the defaults, and
// name every key the defaults have.
TEST(Scenario, BaselineFileEqualsBuiltInDefaults) {
  TempDir dir;
  const auto empty = dir.file("empty.yaml", "seed: 20210101\n");
  const Scenario defaults = load_scenario(empty, {}, make_default_registry());
  const Scenario baseline = load_scenario(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml", {},
                                          make_default_registry());
  EXPECT_EQ(baseline.resolved_yaml, defaults.resolved_yaml);
  const ConfigNode raw = load_yaml_with_extends(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml");
  const ConfigNode full = parse_yaml(defaults.resolved_yaml, "defaults");
  // Every default key path appears in the file.
  std::function<void(const ConfigNode&, const ConfigNode*, std::string)> walk = [&](const ConfigNode& d,
                                                                                     const ConfigNode* b,
                                                                                     std::string path) {
    ASSERT_NE(b, nullptr) << "baseline.yaml lacks " << path;
    if (!d.is_map() || d.entries().empty()) return;
    for (const auto& e : d.entries()) walk(e.value, b->is_map() ? b->find(e.key) : nullptr, path + "." + e.key);
  };
  walk(full, &raw, "");
}

TEST(YearMonth, ParsesAndFormats) {
  EXPECT_EQ(YearMonth::parse("2021-03")->str(), "2021-03");
  EXPECT_EQ(YearMonth::parse("2024")->str(), "2024-01");
  EXPECT_FALSE(YearMonth::parse("2024-1"));
  EXPECT_FALSE(YearMonth::parse("21-01"));
  EXPECT_FALSE(YearMonth::parse("2024-00"));
}

TEST(StepSchedule, HoldsEachValueUntilTheNext) {
  StepSchedule s{{{YearMonth::of(2022, 1), 10}, {YearMonth::of(2024, 6), 20}}, 1.0};
  EXPECT_EQ(s.at(YearMonth::of(2021, 12)), 1.0);
  EXPECT_EQ(s.at(YearMonth::of(2022, 1)), 10.0);
  EXPECT_EQ(s.at(YearMonth::of(2024, 5)), 10.0);
  EXPECT_EQ(s.at(YearMonth::of(2030, 1)), 20.0);
  EXPECT_EQ(s.before(YearMonth::of(2022, 1), false), 1.0);
  EXPECT_EQ(s.before(YearMonth::of(2022, 2), false), 10.0);
  EXPECT_EQ(s.before(YearMonth::of(2024, 6), true), 1.0);  // run start: the pre-horizon value
  s.initial.reset();
  EXPECT_EQ(s.at(YearMonth::of(2021, 1)), 10.0);
}

TEST(PovertyLine, IndexedByInflation) {
  PovertyLineParams p;
  p.inflation = StepSchedule{{{YearMonth::of(2021, 1), 0.02}, {YearMonth::of(2023, 1), 0.0}}, std::nullopt};
  EXPECT_DOUBLE_EQ(p.line_for(2020), 4000);
  EXPECT_DOUBLE_EQ(p.line_for(2022), 4000 * 1.02 * 1.02);
  EXPECT_DOUBLE_EQ(p.line_for(2025), 4000 * 1.02 * 1.02);
}

}  // namespace
}  // namespace povsim

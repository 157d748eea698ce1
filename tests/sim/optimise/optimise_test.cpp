#include "sim/optimise/optimise.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/cli/cli.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

const std::string kBaseline = std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml";

// A small problem (3,000 households, 2021-2023, 4 replicates): one lever, medical assistance's
// share paid above the deductible, from the baseline's 0.6 to 0.95, starting at the top.
struct Files {
  testing::TempDir dir;
  std::string scenario = dir.file("short.yaml", "extends: " + kBaseline + "\nhorizon: {end: 2023-12}\n");
  std::string with(const std::string& target, const std::string& extra = "") {
    return dir.file("o.yaml", "scenario: short.yaml\nhouseholds: 3000\nreplicates: 4\nconfirm_replicates: 2\n"
                              "evaluations: 8\n" + extra +
                              "levers:\n  - path: policies.medical_assistance.critical_illness_rate\n"
                              "    bounds: [0.6, 0.95]\n    start: 0.95\n"
                              "target:\n  measure: {dataset: annual/cumulative_return_rate, year: 2023}\n" + target);
  }
};

std::string error_of(const std::string& file) {
  try {
    const ModelRegistry registry = make_default_registry();
    (void)optimise(load_optimise(file), registry, OptimiseOptions{});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(OptimiseFile, ErrorsAreOneLineAtTheirPlace) {
  Files f;
  struct Case {
    std::string target, extra, expected;
  };
  const std::vector<Case> cases = {
      {"  at_most: 0.01\n  at_most_share_of_base: 0.8\n", "",
       "o.yaml:11:3: target: expected exactly one of at_most (the measure's units) or at_most_share_of_base"},
      {"", "", "target: expected exactly one of at_most"},
      {"  at_most_share_of_base: -1\n", "", "target.at_most_share_of_base: expected a number in [0, 10]"},
      {"  at_most: 0.01\n", "optimiser: LN_BOBYQA\n",
       "optimiser: expected a derivative-free NLopt algorithm that takes a constraint (LN_COBYLA, GN_ISRES, "
       "GN_ORIG_DIRECT), got 'LN_BOBYQA'"},
      {"  at_most: 0.01\n", "confidence: 0.3\n", "confidence: expected a number in [0.5, 0.999]"},
      {"  at_most: 0.01\n", "colour: red\n", "colour: unknown key"},
      {"  at_most: 0.01\n  colour: red\n", "", "target.colour: unknown key"},
  };
  for (const auto& c : cases) {
    const std::string message = error_of(f.with(c.target, c.extra));
    EXPECT_NE(message.find(c.expected), std::string::npos) << "got: " << message << "\nexpected: " << c.expected;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  // A measure the scenario does not write, and a lever bound the scenario refuses, before any run.
  const std::string bad_measure = f.dir.file(
      "m.yaml", "scenario: short.yaml\nhouseholds: 1000\nlevers:\n  - path: policies.rural_pension.local_top_up\n"
                "    bounds: [0, 50]\n    start: 0\ntarget:\n  measure: {dataset: annual/cumulative_return_rate, year: 2030}\n"
                "  at_most: 0.01\n");
  EXPECT_NE(error_of(bad_measure).find("target.measure.years: target.measure: years 2030..2030 are outside the "
                                       "scenario's horizon 2021..2023"),
            std::string::npos)
      << error_of(bad_measure);
  const std::string bad_lever = f.dir.file(
      "l.yaml", "scenario: short.yaml\nhouseholds: 1000\nlevers:\n  - path: policies.medical_assistance.critical_illness_rate\n"
                "    bounds: [0.6, 1.5]\n    start: 0.6\ntarget:\n  measure: {dataset: annual/cumulative_return_rate, year: 2023}\n"
                "  at_most: 0.01\n");
  EXPECT_NE(error_of(bad_lever).find("l.yaml:4:5: levers[0]: the scenario refuses "
                                     "policies.medical_assistance.critical_illness_rate = 1.5"),
            std::string::npos)
      << error_of(bad_lever);
}

// The answer is the cheapest candidate that meets the target at its one-sided bound; the frontier
// holds exactly the candidates no other one dominates; the search does not depend on threads.
TEST(Optimise, AnswerIsTheCheapestFeasibleCandidateAndTheFrontierIsNotDominated) {
  Files f;
  const OptimiseSpec spec = load_optimise(f.with("  at_most_share_of_base: 0.95\n"));
  const ModelRegistry registry = make_default_registry();
  OptimiseOptions one_thread;
  one_thread.threads = 1;
  const OptimiseResult r = optimise(spec, registry, one_thread);
  ASSERT_FALSE(r.history.empty());
  ASSERT_TRUE(r.found) << "the start (the most generous rate) should meet 95 % of the base";
  const Candidate& best = r.history[r.best];
  EXPECT_TRUE(best.feasible);
  EXPECT_LE(best.constraint_upper, 0.0);
  for (const auto& c : r.history) {
    if (c.feasible) EXPECT_LE(best.cost, c.cost);
    bool dominated = false;
    for (const auto& o : r.history)
      dominated |= o.cost <= c.cost && o.measure <= c.measure && (o.cost < c.cost || o.measure < c.measure);
    EXPECT_EQ(c.on_frontier, !dominated);
  }
  // The base on the search replicates is the scenario as written: its share of itself is 1.
  EXPECT_DOUBLE_EQ(r.base_search.share_of_base.mean, 1.0);
  EXPECT_EQ(r.answer_search.cost.mean, best.cost);
  // Fresh replicates differ from the search's.
  EXPECT_NE(r.base_confirm.measure.mean, r.base_search.measure.mean);

  OptimiseOptions two_threads;
  two_threads.threads = 2;
  const OptimiseResult again = optimise(spec, registry, two_threads);
  ASSERT_EQ(again.history.size(), r.history.size());
  for (std::size_t k = 0; k < r.history.size(); ++k) {
    EXPECT_EQ(again.history[k].levers, r.history[k].levers);
    EXPECT_EQ(again.history[k].cost, r.history[k].cost);
    EXPECT_EQ(again.history[k].measure, r.history[k].measure);
  }
}

// A start date as a lever: bounds written as months; candidates are whole months, set as YYYY-MM.
TEST(Optimise, MonthLeversAreSetAsWholeMonths) {
  Files f;
  const std::string file = f.dir.file(
      "m.yaml", "scenario: short.yaml\nhouseholds: 1000\nreplicates: 2\nconfirm_replicates: 2\nevaluations: 4\n"
                "levers:\n  - path: policies.dibao.exits_from\n    bounds: [2021-01, 2023-12]\n    start: 2022-06\n"
                "target:\n  measure: {dataset: annual/cumulative_return_rate, year: 2023}\n  at_most: 1\n");
  const auto r = testing::run_cli({"optimise", file, "--out", f.dir.file("m.h5"), "--json", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"policies.dibao.exits_from\": \"20"), std::string::npos) << r.out;
  for (double m : testing::read_dataset(f.dir.file("m.h5"), "history/levers")) {
    EXPECT_EQ(m, std::round(m));
    EXPECT_GE(m, 2021 * 12);
    EXPECT_LE(m, 2023 * 12 + 11);
  }
  const std::string mixed = f.dir.file(
      "x.yaml", "scenario: short.yaml\nhouseholds: 1000\nlevers:\n  - path: policies.dibao.exits_from\n"
                "    bounds: [2021-01, 5]\n    start: 2022-06\ntarget:\n"
                "  measure: {dataset: annual/cumulative_return_rate, year: 2023}\n  at_most: 1\n");
  EXPECT_NE(error_of(mixed).find("x.yaml:5:23: levers[0].bounds: expected a month YYYY-MM like the lower bound, got '5'"),
            std::string::npos)
      << error_of(mixed);
}

// A target no mix can meet (no returns at all): not an error; the output says so.
TEST(OptimiseCommand, ImpossibleTargetIsReportedAndBadInputIsExitTwo) {
  Files f;
  const std::string impossible = f.with("  at_most: 0\n");
  const std::string h5 = f.dir.file("o.h5");
  const auto run = testing::run_cli({"optimise", impossible, "--out", h5, "--json", "--threads", "2"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out.front(), '{');
  EXPECT_NE(run.out.find("\"found\": false"), std::string::npos) << run.out;
  EXPECT_EQ(testing::read_dataset(h5, "history/cost").size(), testing::read_dataset(h5, "history/measure").size());

  const auto bad = testing::run_cli({"optimise", f.with("  at_most: x\n"), "--out", f.dir.file("bad.h5")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("target.at_most: expected a number"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(f.dir.file("bad.h5")));
}

}  // namespace
}  // namespace povsim

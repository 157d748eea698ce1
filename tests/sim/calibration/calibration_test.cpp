#include "sim/calibration/calibrate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/cli/cli.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

const std::string kDir = std::string(POVSIM_SOURCE_DIR) + "/scenarios/calibration/";
constexpr double kTrueWageGrowth = 0.07;
constexpr double kTrueIncomeLogSd = 0.12;

// The toy calibration file with its observed moments recomputed here, at the true parameters, with
// the file's population size and replicates: the objective is then 0 at the truth, and the test
// does not depend on the numbers written in the file (which models elsewhere may shift).
CalibrationSpec toy_spec(const ModelRegistry& registry) {
  CalibrationSpec spec = load_calibration(kDir + "toy_calibration.yaml");
  BatchOptions options;
  options.replicates = spec.replicates;
  BatchRunner runner(load_batch_scenario(spec.scenario, spec.base_overrides()), registry, options);
  const auto truth = runner.run({{number_setting("processes.income.wage_growth", kTrueWageGrowth),
                                  number_setting("processes.income.annual_income_log_sd", kTrueIncomeLogSd)}});
  const MomentSummary observed = summarise_moments(spec, truth.front().arrays());
  for (std::size_t i = 0; i < spec.moments.size(); ++i) spec.moments[i].value = observed.mean[i];
  return spec;
}

// Recovery of known parameters: from a start far off (wage growth 0.12, log-sd 0.25), BOBYQA finds
// the values that generated the moments within 0.002 (wage growth) and 0.005 (log-sd), and the
// standard errors are finite and positive.
TEST(Calibrate, RecoversKnownParametersOfTheToyModel) {
  const ModelRegistry registry = make_default_registry();
  const CalibrationSpec spec = toy_spec(registry);
  ASSERT_EQ(spec.parameters.size(), 2u);
  EXPECT_NE(spec.parameters[0].start, kTrueWageGrowth);
  const CalibrationResult result = calibrate(spec, registry, CalibrationOptions{});
  EXPECT_NEAR(result.estimate[0], kTrueWageGrowth, 0.002);
  EXPECT_NEAR(result.estimate[1], kTrueIncomeLogSd, 0.005);
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_TRUE(std::isfinite(result.standard_error[j]) && result.standard_error[j] > 0) << result.standard_error[j];
    EXPECT_TRUE(result.identified[j]);
  }
  EXPECT_LT(result.objective, 0.05);
  EXPECT_LE(result.history.size(), static_cast<std::size_t>(spec.evaluations));
  EXPECT_FALSE(result.stop_reason.empty());
  std::printf("toy recovery: wage_growth %.5f +- %.5f (true %.2f), annual_income_log_sd %.5f +- %.5f (true %.2f); "
              "%zu evaluations, objective %.3g, %s, %.1f s\n",
              result.estimate[0], result.standard_error[0], kTrueWageGrowth, result.estimate[1],
              result.standard_error[1], kTrueIncomeLogSd, result.history.size(), result.objective,
              result.stop_reason.c_str(), result.seconds);
}

// One-sided moments count only when violated.
TEST(Calibrate, OneSidedMomentsPenaliseOnlyViolations) {
  MomentSpec m;
  m.value = 0.1, m.tolerance = 0.02, m.weight = 2;
  m.kind = MomentKind::at_most;
  EXPECT_EQ(m.contribution(0.05), 0.0);
  EXPECT_DOUBLE_EQ(m.distance(0.14), 2.0);
  EXPECT_DOUBLE_EQ(m.contribution(0.14), 8.0);
  m.kind = MomentKind::at_least;
  EXPECT_EQ(m.contribution(0.14), 0.0);
  EXPECT_DOUBLE_EQ(m.distance(0.06), -2.0);
  EXPECT_DOUBLE_EQ(m.contribution(0.06), 8.0);
  m.kind = MomentKind::target;
  EXPECT_DOUBLE_EQ(m.contribution(0.14), 8.0);
  EXPECT_DOUBLE_EQ(m.contribution(0.06), 8.0);
}

// A calibration file around one moment written by the test; `moment` is its YAML (indented by 4).
std::string file_with(const testing::TempDir& dir, const std::string& moment, const std::string& extra = "") {
  return dir.file("c.yaml", "scenario: " + kDir + "toy.yaml\nhouseholds: 500\nreplicates: 1\nevaluations: 5\n" + extra +
                                "parameters:\n  - path: processes.income.wage_growth\n    bounds: [0, 0.2]\n"
                                "    start: 0.1\nmoments:\n  - name: m\n    value: 0.1\n    tolerance: 0.01\n" + moment);
}

// The error calibrate (or load_calibration) gives, or "" if none.
std::string error_of(const std::string& file) {
  try {
    const ModelRegistry registry = make_default_registry();
    (void)calibrate(load_calibration(file), registry, CalibrationOptions{});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CalibrationFile, ErrorsNameTheMomentAndWhatIsValid) {
  testing::TempDir dir;
  const std::string source = "    source: test\n";
  struct Case {
    std::string yaml, extra, expected;
  };
  const std::vector<Case> cases = {
      {source + "    numerator: {dataset: annual/no_such_rate, year: 2022}\n", "",
       "c.yaml:14:16: moments[0].numerator.dataset: moment 'm': unknown dataset 'annual/no_such_rate'; expected one "
       "of: annual/return_rate"},
      {source + "    numerator: {dataset: annual/by_region_type/return_rate, year: 2022, category: desert}\n", "",
       "moments[0].numerator.category: moment 'm': unknown category 'desert' of annual/by_region_type/return_rate; "
       "expected one of: plateau, transition_belt, karst, other"},
      {source + "    numerator: {dataset: annual/by_region_type/return_rate, year: 2022}\n", "",
       "moments[0].numerator.category: moment 'm': 'annual/by_region_type/return_rate' has a category axis; "
       "expected category: one of plateau, transition_belt, karst, other"},
      {source + "    numerator: {dataset: annual/return_rate, years: [2025, 2031]}\n", "",
       "moments[0].numerator.years: moment 'm': years 2025..2031 are outside the scenario's horizon 2021..2026"},
      {source + "    numerator: {dataset: annual/poverty_dynamics/exits_1, years: [2022, 2026], reduce: sum}\n", "",
       "moment 'm': annual/poverty_dynamics/exits_1 is censored (NaN) in its last 1 year(s); expected years up to 2025"},
      {"    numerator: {dataset: annual/return_rate, year: 2022}\n", "", "c.yaml:10:5: moments[0].source: missing (required)"},
      {source + "    numerator: {dataset: annual/return_rate, year: 2022, reduce: median}\n", "",
       "moments[0].numerator.reduce: expected one of sum, mean, last, got 'median'"},
      {source + "    numerator: {dataset: annual/return_rate, year: 2022}\n    colour: red\n", "",
       "moments[0].colour: unknown key; expected one of: name, value, tolerance"},
      {source + "    numerator: {dataset: annual/return_rate, year: 2022}\n", "optimiser: LD_LBFGS\n",
       "optimiser: expected a derivative-free NLopt algorithm name"},
  };
  for (const auto& c : cases) {
    const std::string message = error_of(file_with(dir, c.yaml, c.extra));
    EXPECT_NE(message.find(c.expected), std::string::npos) << "got: " << message << "\nexpected: " << c.expected;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  // A parameter the scenario refuses, named at the calibration file's parameter.
  const std::string bad_parameter = dir.file(
      "p.yaml", "scenario: " + kDir + "toy.yaml\nhouseholds: 500\nparameters:\n  - path: processes.income.wage_growthh\n"
                "    bounds: [0, 0.2]\n    start: 0.1\nmoments:\n  - name: m\n    value: 0.1\n    tolerance: 0.01\n"
                "    source: test\n    numerator: {dataset: annual/return_rate, year: 2022}\n");
  const std::string message = error_of(bad_parameter);
  EXPECT_NE(message.find("p.yaml:4:5: parameters[0]: the scenario refuses processes.income.wage_growthh = 0"),
            std::string::npos) << message;
  EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
}

// The command: exit status 2 and one line for bad input; a short run writes the HDF5 file, the
// report, the scenario and a JSON summary.
TEST(CalibrateCommand, WritesItsOutputs) {
  testing::TempDir dir;
  const std::string file = file_with(dir, "    source: test\n    numerator: {dataset: annual/mean_income_per_capita, "
                                          "year: 2026}\n    denominator: {dataset: annual/mean_income_per_capita, year: 2021}\n"
                                          "    value: 1.4\n", "optimiser: LN_SBPLX\n");
  std::ostringstream out, err;
  // `value` twice is a YAML error: one line, status 2.
  EXPECT_EQ(povsim_main({"calibrate", file, "--out", dir.file("x.h5")}, out, err), 2);
  EXPECT_NE(err.str().find("duplicate key 'value'"), std::string::npos) << err.str();
  const std::string good = dir.file("g.yaml", "scenario: " + kDir + "toy.yaml\nhouseholds: 500\nreplicates: 2\n"
                                    "evaluations: 6\noptimiser: LN_SBPLX\nparameters:\n  - path: processes.income.wage_growth\n"
                                    "    bounds: [0, 0.2]\n    start: 0.1\nmoments:\n  - name: growth\n    value: 1.4\n"
                                    "    tolerance: 0.01\n    source: test\n"
                                    "    numerator: {dataset: annual/mean_income_per_capita, year: 2026}\n"
                                    "    denominator: {dataset: annual/mean_income_per_capita, year: 2021}\n");
  std::ostringstream out2, err2;
  const std::string h5 = dir.file("calib.h5");
  ASSERT_EQ(povsim_main({"calibrate", good, "--out", h5, "--json", "--write-scenario", dir.file("fitted.yaml")}, out2,
                        err2),
            0)
      << err2.str();
  EXPECT_EQ(out2.str().front(), '{');
  EXPECT_NE(out2.str().find("\"path\": \"processes.income.wage_growth\""), std::string::npos) << out2.str();
  EXPECT_NE(err2.str().find("evaluation 6/6"), std::string::npos) << err2.str();
  EXPECT_EQ(testing::read_dataset(h5, "/history/objective").size(), 6u);
  EXPECT_EQ(testing::read_dataset(h5, "/parameters/estimate").size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir.file("calib.md")));
  const ModelRegistry registry = make_default_registry();
  const Scenario fitted = load_scenario(dir.file("fitted.yaml"), {}, registry);
  EXPECT_EQ(fitted.population->households(), 500u);
}

}  // namespace
}  // namespace povsim

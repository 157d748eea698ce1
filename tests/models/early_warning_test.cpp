#include "models/early_warning.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/cause.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/simulation.hpp"
#include "sim/output/hdf5_output.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// Households of one person; the line is 4,000, so the threshold is 6,000 yuan/person/year.
HouseholdStore assessed(const std::vector<float>& income_pc) {
  HouseholdStore hh = make_store(static_cast<std::uint32_t>(income_pc.size()), 1, 40, Health::healthy, Work::farming);
  for (std::size_t h = 0; h < income_pc.size(); ++h) hh.assessed_income_pc[h] = income_pc[h];
  return hh;
}

void run_month(Driven<EarlyWarning>& model, HouseholdStore& hh, Month& month) {
  model.prepare(month.ctx, hh);
  step_all(model, month.ctx, hh);
}

// Detection: a household below the threshold is flagged with probability (1 - miss) / lag a month.
// 20,000 households, one month; tolerance 4 binomial standard errors. Those above are never
// flagged.
TEST(EarlyWarning, FlagsHouseholdsBelowTheThresholdAtTheDetectionRate) {
  EarlyWarning::Params p;
  p.miss_rate = 0.2, p.detection_lag_months = 4;
  Driven<EarlyWarning> model(p);
  std::vector<float> income(20000, 5000.0f);
  income.resize(25000, 7000.0f);
  HouseholdStore hh = assessed(income);
  Month month(hh, 13);  // February of the second year: an assessment has been made
  run_month(model, hh, month);
  double flagged = 0, above = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) (h < 20000 ? flagged : above) += (hh.model_flags[h] & declared_household_flag("monitored")) != 0;
  EXPECT_NEAR(flagged / 20000, 0.2, 4 * binomial_sd(0.2, 20000));
  EXPECT_EQ(above, 0);
  EXPECT_NEAR(month.tally.counters[counter_index("newly_monitored_households")], flagged * kWeightUnit, 0.5);
}

// Rationing: with a budget for about half the monitored households, the neediest are served and
// the month's spending stays within its share of the budget; January clears those now above.
TEST(EarlyWarning, BudgetServesTheNeediestFirstAndClearsTheRecovered) {
  EarlyWarning::Params p;
  p.package_per_person = 1200;  // 100 yuan a month
  p.budget.per_household = 600;  // 4 households x 600 = 2,400 a year = 200 a month: two packages
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = assessed({1000, 2000, 3000, 5000});
  for (std::size_t h = 0; h < 4; ++h) hh.model_flags[h] |= declared_household_flag("monitored");
  Month january(hh, 12);
  run_month(model, hh, january);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 100);  // neediest
  EXPECT_FLOAT_EQ(hh.acc_transfer[1], 100);
  EXPECT_FLOAT_EQ(hh.acc_transfer[2], 0);
  EXPECT_FLOAT_EQ(hh.acc_transfer[3], 0);
  EXPECT_LE(january.tally.model_cost_yuan(model.model.slot()), 2400.0 / 12 + 1e-9);

  hh.assessed_income_pc[0] = 7000;  // recovered by the next January
  Month next_january(hh, 24);
  run_month(model, hh, next_january);
  EXPECT_FALSE(hh.model_flags[0] & declared_household_flag("monitored"));
  EXPECT_EQ(next_january.tally.counters[counter_index("cleared_households")], kWeightUnit);
  EXPECT_EQ(next_january.tally.counters[counter_index("cleared_next_january")], kWeightUnit);
}

// December's annual counts: living members of monitored lifted and edge households, and lifted
// households with catastrophic health spending (out of pocket >= 40 % of net income before medical
// spending minus 4,000 per member; any spending when that is not positive). Households of 2.
TEST(EarlyWarning, CountsMonitoredPersonsAndCatastrophicHealthSpendingAtDecember) {
  EarlyWarning::Params p;
  p.package_per_person = 0;
  p.miss_rate = 1;  // nobody newly flagged
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = make_store(5, 2, 40, Health::healthy, Work::farming);
  const float operating[5] = {20000, 20000, 20000, 5000, 0}, medical[5] = {0, 4000, 4800, 100, 10000};
  for (std::size_t h = 0; h < 5; ++h) {
    hh.assessed_income_pc[h] = 9000;
    hh.acc_operating[h] = operating[h];
    hh.acc_medical[h] = medical[h];
  }
  hh.model_flags[0] |= declared_household_flag("monitored");
  hh.flags[4] = household_flag::edge;  // monitored, spends much, not counted as catastrophic
  hh.weight[4] = 3;
  hh.model_flags[4] |= declared_household_flag("monitored");
  Month december(hh, 23);
  run_month(model, hh, december);
  const auto& c = december.tally.counters;
  EXPECT_EQ(c[counter_index("monitored_persons_lifted")], 2 * kWeightUnit);
  EXPECT_EQ(c[counter_index("monitored_persons_edge")], 2 * 3 * kWeightUnit);
  EXPECT_EQ(c[counter_index("catastrophic_households")], 2 * kWeightUnit);  // households 2 and 3
}


std::uint16_t monitored() { return declared_household_flag("monitored"); }

// No cliff: clearance in January looks at the assessed income without the packages paid in the
// assessed year. Household 0 was assessed at 6,500 of which 1,200 was the package (5,300 of its
// own): it stays monitored (the old rule cleared it, and it fell back). Household 1 (7,500, of
// which 1,200 package: 6,300 of its own) is cleared. The year's package moves to last year's.
TEST(EarlyWarning, ClearsOnIncomeWithoutThePackagesPaid) {
  EarlyWarning::Params p;
  p.budget.per_household = 0;
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = assessed({6500, 7500});
  auto& ytd = declared_column<float>(hh, "package_pc_ytd");
  for (std::size_t h = 0; h < 2; ++h) hh.model_flags[h] |= monitored(), ytd[h] = 1200;
  Month january(hh, 12);
  run_month(model, hh, january);
  EXPECT_TRUE(hh.model_flags[0] & monitored());
  EXPECT_FALSE(hh.model_flags[1] & monitored());
  EXPECT_FLOAT_EQ(declared_column<float>(hh, "package_pc_last_year")[0], 1200);
  EXPECT_FLOAT_EQ(ytd[0], 100);  // January's package of household 0, yuan/person
  EXPECT_FLOAT_EQ(ytd[1], 0);
  EXPECT_FLOAT_EQ(hh.acc_transfer[0], 100);
}

// In-year signals (no misses, no lag: detection is certain). Line 4,000, threshold 6,000. In March
// of the first year (no assessment yet):
//  0: a shock this year (illness) and income so far 400 a month (4,800 a year): flagged;
//  1: the same shock, 600 a month (7,200 a year, above the threshold): not flagged;
//  2: no shock, 400 a month: flagged by the income signal from March (income_report_months = 3);
//  3: no shock, 600 a month: not flagged.
// In February household 2's income signal is not read yet; household 0 is flagged at once.
TEST(EarlyWarning, InYearShockAndIncomeSignals) {
  EarlyWarning::Params p;
  p.miss_rate = 0, p.detection_lag_months = 1, p.budget.per_household = 0;
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = assessed({0, 0, 0, 0});
  hh.last_cause[0] = hh.last_cause[1] = code(Cause::illness);
  auto earn = [&](int months) {
    const float monthly[4] = {400, 600, 400, 600};
    for (std::size_t h = 0; h < 4; ++h) hh.acc_wage[h] = monthly[h] * months;
  };
  earn(2);
  Month february(hh, 1);
  run_month(model, hh, february);
  EXPECT_TRUE(hh.model_flags[0] & monitored());
  EXPECT_FALSE(hh.model_flags[1] & monitored());
  EXPECT_FALSE(hh.model_flags[2] & monitored());
  EXPECT_FALSE(hh.model_flags[3] & monitored());
  EXPECT_EQ(february.tally.counters[counter_index("flagged_shock")], kWeightUnit);
  earn(3);
  Month march(hh, 2);
  run_month(model, hh, march);
  EXPECT_TRUE(hh.model_flags[2] & monitored());
  EXPECT_FALSE(hh.model_flags[1] & monitored());
  EXPECT_FALSE(hh.model_flags[3] & monitored());
  EXPECT_EQ(march.tally.counters[counter_index("flagged_income_drop")], kWeightUnit);
  // Flag months recorded for the evaluation (2021 is odd): February and March.
  const auto& month = declared_column<std::uint8_t>(hh, "warning_month_odd");
  EXPECT_EQ(month[0], 2);
  EXPECT_EQ(month[2], 3);
  EXPECT_EQ(month[1], 0);
  // With the signals switched off, nobody is flagged.
  p.shock_income_ratio = 0, p.income_drop_ratio = 0;
  Driven<EarlyWarning> quiet(p);
  HouseholdStore hh2 = assessed({0, 0, 0, 0});
  hh2.last_cause[0] = code(Cause::illness);
  hh2.acc_wage[0] = hh2.acc_wage[2] = 1200;
  Month march2(hh2, 2);
  run_month(quiet, hh2, march2);
  for (std::size_t h = 0; h < 4; ++h) EXPECT_FALSE(hh2.model_flags[h] & monitored()) << h;
}

// The evaluation, resolved in January 2023 for warnings of 2021 (odd year) and the newly poor of
// December 2022, by hand: household
//  0: flagged in March 2021, poor in December 2021: hit, lead 9 months, cause at December 2021;
//  1: flagged in May 2021, monitored in 2022, poor only in December 2022: hit, lead 19 months;
//  2: flagged in 2021, poor in neither December: false alarm;
//  3: not flagged, newly poor in December 2022, not monitored in 2022: miss (region karst);
//  4: as 3 but monitored at some time in 2022: not a miss;
//  5: as 3 but already poor in December 2021: not newly poor, not a miss.
// Afterwards the 2021 slot is empty and the poor-before bit holds December 2022.
TEST(EarlyWarning, CountsHitsMissesFalseAlarmsAndLeadTime) {
  EarlyWarning::Params p;
  p.budget.per_household = 0, p.shock_income_ratio = 0, p.income_drop_ratio = 0;
  Driven<EarlyWarning> model(p);
  HouseholdStore hh = assessed({9000, 9000, 9000, 9000, 9000, 9000});  // nobody triggered now
  hh.region[3] = RegionType::karst;
  auto& month = declared_column<std::uint8_t>(hh, "warning_month_odd");
  auto& cause_2021 = declared_column<std::uint8_t>(hh, "warning_cause_odd");
  auto& cause_2022 = declared_column<std::uint8_t>(hh, "warning_cause_even");
  const std::uint16_t poor_before = declared_household_flag("warning_poor_before");
  const std::uint16_t watched = declared_household_flag("warning_watched");
  month[0] = 3, month[1] = 5, month[2] = 8;
  cause_2021[0] = code(Cause::illness);
  cause_2022[1] = code(Cause::disaster);
  cause_2022[3] = code(Cause::job_loss);
  hh.model_flags[0] |= poor_before;
  hh.model_flags[5] |= poor_before;
  for (int h : {1, 3, 4, 5}) hh.flags[h] |= household_flag::poor;
  hh.model_flags[1] |= watched;  // still monitored in 2022 (were it cleared in January 2022, it would
                                 // also be a miss: its flag is more than 12 months before December 2022)
  hh.model_flags[4] |= watched;
  Month january(hh, 24);
  run_month(model, hh, january);
  const auto& c = january.tally.counters;
  EXPECT_EQ(c[counter_index("hits")], 2 * kWeightUnit);
  EXPECT_EQ(c[counter_index("false_alarms")], kWeightUnit);
  EXPECT_EQ(c[counter_index("misses")], kWeightUnit);
  EXPECT_EQ(c[counter_index("hit_lead_months")], (9 + 19) * kWeightUnit);
  EXPECT_EQ(c[counter_index("hits_cause_illness")], kWeightUnit);
  EXPECT_EQ(c[counter_index("hits_cause_disaster")], kWeightUnit);
  EXPECT_EQ(c[counter_index("misses_cause_job_loss")], kWeightUnit);
  EXPECT_EQ(c[counter_index("misses_region_karst")], kWeightUnit);
  EXPECT_EQ(c[counter_index("hits_region_other")], 2 * kWeightUnit);
  EXPECT_EQ(c[counter_index("false_alarms_region_other")], kWeightUnit);
  for (std::size_t h = 0; h < 6; ++h) {
    EXPECT_EQ(month[h], 0) << h;
    EXPECT_EQ((hh.model_flags[h] & poor_before) != 0, (hh.flags[h] & household_flag::poor) != 0) << h;
    EXPECT_FALSE(hh.model_flags[h] & watched) << h;
  }
}

Scenario small_scenario(std::vector<std::string> overrides) {
  overrides.insert(overrides.end(), {"population.households=20000", "horizon.end=2025-12"});
  return load_scenario(std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml", overrides,
                       make_default_registry());
}

// The invariant the cliff broke: with no binding budget, a bigger package never raises cumulative
// returns (lifted households ever returned by December 2025; 20,000 households, 2021-2025, seed of
// the baseline). Every draw is keyed by household and month (common random numbers) and, since
// clearance looks at income without the packages, who is flagged and cleared does not depend on
// the package either, so a bigger package only adds income: the counts are required to be
// non-increasing exactly (tolerance 0). The one channel that could still break it for a household
// is the dibao review, which counts the package as income. The old rule (clear on income with the
// package) gave 1,004 and 1,084 ever-returned households at 1,200 and 2,400 yuan: this test fails.
TEST(EarlyWarning, ABiggerPackageNeverRaisesReturnsWithoutABudget) {
  std::int64_t previous = std::numeric_limits<std::int64_t>::max();
  for (const char* package : {"0", "600", "1200", "2400"}) {
    const Scenario s = small_scenario({"policies.early_warning.budget_per_household=0",
                                       std::string("policies.early_warning.package_per_person=") + package});
    const RunResults r = simulate(s, RunOptions{});
    const std::int64_t ever = r.tallies[0].back().all.ever_returned;
    EXPECT_LE(ever, previous) << "package " << package;
    previous = ever;
  }
}

// The evaluation in a whole run: consistent counts, the two-year lag and the censored years in the
// results file. 20,000 households, 2021-2025, baseline seed. Deterministic bounds: every hit or
// false alarm of year t was flagged in year t (hits + false alarms <= newly monitored); the
// breakdowns by region type and by cause add up to the totals exactly (integer weight units).
// Statistical bounds (judgement, wide of what this seed gives: precision 0.06-0.29, recall 0.93-1.0):
// precision in (0.01, 0.9) and recall in (0.5, 1].
TEST(EarlyWarning, EvaluationCountsAreConsistentAndTheLastTwoYearsCensored) {
  // The recall bound holds for a system that takes in most triggered households (miss rate 0.3);
  // the calibrated default (0.852) takes in about one in seven, by design of the fit.
  const Scenario s = small_scenario({"policies.early_warning.miss_rate=0.3"});
  const RunResults r = simulate(s, RunOptions{});
  testing::TempDir dir;
  const std::string file = dir.file("out.h5");
  Hdf5Output out(file);
  out.commit(r, RunMetadata{"test", "test", s.resolved_yaml, s.run.seed, 1, "synthetic", "unit"});
  auto read = [&](const std::string& name) { return read_dataset(file, "/annual/monitoring/" + name); };
  const auto hits = read("hits"), misses = read("misses"), false_alarms = read("false_alarms");
  const auto flagged = read("newly_monitored_households"), lead = read("hit_lead_months");
  ASSERT_EQ(hits.size(), 5u);
  for (std::size_t y : {3u, 4u}) {
    EXPECT_TRUE(std::isnan(hits[y]) && std::isnan(misses[y]) && std::isnan(false_alarms[y])) << y;
  }
  for (std::size_t y = 0; y < 3; ++y) {
    EXPECT_LE(hits[y] + false_alarms[y], flagged[y] + 1e-9) << y;
    const double precision = hits[y] / (hits[y] + false_alarms[y]), recall = hits[y] / (hits[y] + misses[y]);
    EXPECT_GT(precision, 0.01) << y;
    EXPECT_LT(precision, 0.9) << y;
    EXPECT_GT(recall, 0.5) << y;
    EXPECT_GT(lead[y] / hits[y], 0) << y;
    EXPECT_LE(lead[y] / hits[y], 23) << y;  // flagged in January, fell the next December
    for (const char* what : {"hits", "misses", "false_alarms"}) {
      double by_region = 0, by_cause = 0;
      for (const auto& region : kRegionTypeNames) by_region += read(std::string(what) + "_region_" + std::string(region))[y];
      EXPECT_NEAR(by_region, read(what)[y], 1e-6) << what << " " << y;
      if (std::string(what) == "false_alarms") continue;
      for (const auto& cause : cause_names()) by_cause += read(std::string(what) + "_cause_" + cause)[y];
      EXPECT_NEAR(by_cause, read(what)[y], 1e-6) << what << " " << y;
    }
  }
  // The censoring is marked on the dataset.
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, "/annual/monitoring/hits", H5P_DEFAULT);
  int censored = 0;
  const hid_t attr = H5Aopen(ds, "censored_last_years", H5P_DEFAULT);
  H5Aread(attr, H5T_NATIVE_INT, &censored);
  H5Aclose(attr), H5Dclose(ds), H5Fclose(f);
  EXPECT_EQ(censored, 2);
  EXPECT_EQ(read("monitored_households")[4] == read("monitored_households")[4], true);  // lag 0: not censored
}

}  // namespace
}  // namespace povsim

#include "sim/core/simulation.hpp"

#include <gtest/gtest.h>

#include "sim/population/population_file.hpp"
#include "sim/core/registry.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

// Everything a run leaves behind: results and the final state of every household and person.
struct Outcome {
  std::vector<std::vector<YearTally>> tallies;
  std::vector<std::uint8_t> flags, person_flags, last_cause, disaster_months;
  std::vector<std::uint16_t> sick;
  std::vector<Health> health;
  std::vector<float> savings, wage;
};

Outcome run(const std::string& file, std::vector<std::string> overrides, int threads, std::uint32_t block = 4096,
            ModelTiming* timing = nullptr) {
  const Scenario s = load_scenario(file, overrides, make_default_registry());
  RunOptions options;
  options.threads = threads;
  options.block_size = block;
  options.model_timing = timing;
  Outcome o;
  options.on_replicate_end = [&](std::uint32_t, const HouseholdStore& hh) {
    o.flags = hh.flags, o.person_flags = hh.person_flags, o.sick = testing::declared_column<std::uint16_t>(const_cast<HouseholdStore&>(hh), "sick_until"), o.health = hh.health;
    o.last_cause = hh.last_cause, o.disaster_months = testing::declared_column<std::uint8_t>(const_cast<HouseholdStore&>(hh), "disaster_months_left"), o.savings = hh.savings, o.wage = hh.wage;
  };
  o.tallies = simulate(s, options).tallies;
  return o;
}

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

TEST(Determinism, BitIdenticalForOneTwoAndEightThreads) {
  const std::vector<std::string> small = {"population.households=30000", "horizon.end=2024-12"};
  const Outcome one = run(baseline(), small, 1);
  for (int threads : {2, 8}) {
    const Outcome other = run(baseline(), small, threads);
    EXPECT_EQ(one.tallies, other.tallies) << threads << " threads";
    EXPECT_EQ(one.flags, other.flags);
    EXPECT_EQ(one.person_flags, other.person_flags);
    EXPECT_EQ(one.savings, other.savings);  // float state, compared bit for bit
    EXPECT_EQ(one.wage, other.wage);
  }
  // The run is not trivially empty.
  EXPECT_GT(one.tallies[0].back().all.ever_returned, 0);
}

// Survey weights are honoured in every rate: the example microdata run with its weights tripled
// gives exactly three times every count and the same rates; with all weights set to 1 the rates
// change (the weights matter).
TEST(Weights, ScaleEveryCountAndLeaveRatesUnchanged) {
  const HouseholdStore base =
      load_population(std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata");
  auto run_with = [&](float factor, bool flat) {
    Scenario s = load_scenario(baseline(), {}, make_default_registry());
    HouseholdStore hh = base;
    for (auto& w : hh.weight) w = flat ? 1.0f : w * factor;
    s.population = std::make_unique<LoadedPopulation>(std::move(hh), "test");
    return simulate(s, RunOptions{}).tallies[0];
  };
  const auto one = run_with(1, false), three = run_with(3, false), flat = run_with(1, true);
  bool rates_differ = false;
  for (std::size_t y = 0; y < one.size(); ++y) {
    EXPECT_EQ(three[y].all.households, 3 * one[y].all.households);
    EXPECT_EQ(three[y].all.returned, 3 * one[y].all.returned);
    EXPECT_EQ(three[y].edge.returned, 3 * one[y].edge.returned);
    EXPECT_EQ(three[y].by_region[2].poor, 3 * one[y].by_region[2].poor);
    EXPECT_EQ(three[y].income_per_capita_fen_sum, 3 * one[y].income_per_capita_fen_sum);
    rates_differ |= rate(flat[y].all.ever_returned, flat[y].all.households) !=
                    rate(one[y].all.ever_returned, one[y].all.households);
  }
  EXPECT_GT(one.back().all.ever_returned, 0);
  EXPECT_TRUE(rates_differ);
}

// Annual budgets: with a budget of half or a fifth of what a policy spends unconstrained, it spends at
// most its budget in every year after the first (the first month of a run is paid in full, so the
// first year may exceed by a month's spending), and most of it (the cut is pro rata, not a stop).
// Medical assistance's and relocation support's spending varies from month to month (bills,
// sickness, unemployment) and the factor is set from last month's, so their caps hold to within
// 2 % (relocation support) and 4 % (medical assistance: hospital bills are heavy-tailed and 20,000
// households have few large bills a month); skills training cuts its capacity to the expected
// cost, so its cap holds in expectation
// (about 350 trainees here: 3 binomial sd is 15 %); the others' payments are steady and it holds
// exactly.
TEST(Budgets, BindingBudgetsCapEachPolicysYearlySpending) {
  // Unit weights: the budget per household below is the budget over the simulated households.
  const std::vector<std::string> small = {"population.households=20000", "population.weights=unit", "horizon.end=2024-12"};
  const auto unconstrained = run(baseline(), small, 2).tallies[0];
  const Scenario s = load_scenario(baseline(), small, make_default_registry());
  for (const char* policy : {"rural_pension", "medical_assistance", "dibao", "public_welfare_posts",
                             "phased_industry_support", "relocation_support", "skills_training"}) {
    std::size_t slot = 0;
    while (s.model_paths[slot] != std::string("policies.") + policy) ++slot;
    const double free_cost = unconstrained[2].model_cost_yuan(static_cast<int>(slot));  // 2023
    ASSERT_GT(free_cost, 0) << policy;
    for (double share : {0.5, 0.2}) {
    const double budget = share * free_cost;  // yuan/year for 20,000 households
    std::vector<std::string> with_budget = small;
    with_budget.push_back(std::string("policies.") + policy + ".budget_per_household=" + std::to_string(budget / 20000));
    const auto capped = run(baseline(), with_budget, 2).tallies[0];
    for (std::size_t y = 1; y < capped.size(); ++y) {
      const double cost = capped[y].model_cost_yuan(static_cast<int>(slot));
      const std::string name = policy;
      const double slack = name == "skills_training"      ? 1.15
                           : name == "medical_assistance" ? 1.04
                           : name == "relocation_support" ? 1.02
                                                          : 1.001;
      EXPECT_LE(cost, budget * slack) << policy << " budget share " << share << " year " << y;
      EXPECT_GE(cost, budget * 0.7) << policy << " budget share " << share << " year " << y;
    }
    }
  }
}

// Early warning's two rules: by need (the neediest first, whole need bands within each month's
// allowance: never over) and pro rata (every package scaled by the month's factor, set from last
// month's spending: within the month-to-month change in the number monitored, 5 %). Half the
// unconstrained 2023 cost; every year after the first. A rule the policy does not support, or an
// unknown one, is refused.
TEST(Budgets, EarlyWarningRationsByNeedOrProRata) {
  const std::vector<std::string> small = {"population.households=20000", "population.weights=unit", "horizon.end=2024-12",
                                          "policies.early_warning.budget_per_household=0"};
  const Scenario s = load_scenario(baseline(), small, make_default_registry());
  std::size_t slot = 0;
  while (s.model_paths[slot] != "policies.early_warning") ++slot;
  const double free_cost = run(baseline(), small, 2).tallies[0][2].model_cost_yuan(static_cast<int>(slot));
  ASSERT_GT(free_cost, 0);
  const double budget = 0.5 * free_cost;
  for (const char* rule : {"by_need", "pro_rata"}) {
    std::vector<std::string> with_budget = small;
    with_budget.back() = "policies.early_warning.budget_per_household=" + std::to_string(budget / 20000);
    with_budget.push_back(std::string("policies.early_warning.budget_rule=") + rule);
    const auto capped = run(baseline(), with_budget, 2).tallies[0];
    for (std::size_t y = 1; y < capped.size(); ++y) {
      const double cost = capped[y].model_cost_yuan(static_cast<int>(slot));
      EXPECT_LE(cost, budget * (rule == std::string("by_need") ? 1.0 : 1.05)) << rule << " year " << y;
      EXPECT_GE(cost, budget * 0.7) << rule << " year " << y;
    }
  }
  EXPECT_THROW(load_scenario(baseline(), {"policies.dibao.budget_rule=by_need"}, make_default_registry()), ConfigError);
  try {
    load_scenario(baseline(), {"policies.skills_training.budget_rule=sideways"}, make_default_registry());
    ADD_FAILURE() << "an unknown rule was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected one of pro_rata, by_need, by_capacity"), std::string::npos) << e.what();
  }
}

// A mechanism must not create poverty by construction: with every shock off (illness, disasters,
// job loss, deaths and ageing), no income variance and support held stable (no level cuts), no
// lifted household ever returns and no edge household becomes newly poor. Early warning is on: its
// packages end at clearance, judged on income without them, so ending them creates no poverty.
std::vector<std::string> no_shocks_stable_support() {
  return {"population.households=50000",
          "shocks.illness.enabled=false",
          "shocks.disaster.enabled=false",
          "shocks.job_loss.enabled=false",
          "processes.demography.enabled=false",
          "processes.income.annual_income_log_sd=0",
          "processes.income.persistent_log_sd=0",
          "policies.public_welfare_posts.levels.2026-01=1",
          "policies.public_welfare_posts.levels.2028-01=1",
          "policies.phased_industry_support.low_dependence.2026-01=1",
          "policies.phased_industry_support.medium_dependence.2026-01=1",
          "policies.phased_industry_support.medium_dependence.2028-01=1",
          "policies.phased_industry_support.high_dependence.2026-01=1",
          "policies.phased_industry_support.high_dependence.2028-01=1"};
}

TEST(Invariants, NoShocksAndStableSupportMeanNoReturns) {
  const auto tallies = run(baseline(), no_shocks_stable_support(), 2).tallies[0];
  for (std::size_t y = 0; y < tallies.size(); ++y) {
    EXPECT_EQ(tallies[y].all.returned, 0) << "year " << y;
    EXPECT_EQ(tallies[y].edge.returned, 0) << "year " << y;
  }
  // Dibao's targeting errors are on (at enrolment, by default), and it does pay.
  const Scenario s = load_scenario(baseline(), no_shocks_stable_support(), make_default_registry());
  std::size_t dibao = 0;
  while (s.model_paths[dibao] != "policies.dibao") ++dibao;
  EXPECT_GT(tallies.back().model_cost_yuan(static_cast<int>(dibao)), 0);
  EXPECT_GT(tallies.back().all.households, 0);
}

TEST(Determinism, IndependentOfBlockSize) {
  const std::vector<std::string> small = {"population.households=20000", "horizon.end=2023-12"};
  const Outcome a = run(baseline(), small, 2, 4096);
  const Outcome b = run(baseline(), small, 2, 777);
  EXPECT_EQ(a.tallies, b.tallies);
  EXPECT_EQ(a.savings, b.savings);
}

// Timing the models (the run benchmark's per-model table) reads the clock and nothing else: the
// results and final state are bit for bit an untimed run's, and every model's time is recorded.
TEST(Determinism, TimingModelsLeavesResultsUnchanged) {
  const std::vector<std::string> small = {"population.households=20000", "horizon.end=2022-12"};
  const Outcome plain = run(baseline(), small, 2);
  ModelTiming timing;
  const Outcome timed = run(baseline(), small, 2, 4096, &timing);
  EXPECT_EQ(plain.tallies, timed.tallies);
  EXPECT_EQ(plain.flags, timed.flags);
  EXPECT_EQ(plain.person_flags, timed.person_flags);
  EXPECT_EQ(plain.savings, timed.savings);
  EXPECT_EQ(plain.wage, timed.wage);
  const Scenario s = load_scenario(baseline(), small, make_default_registry());
  ASSERT_EQ(timing.step_ns.size(), s.models.size());
  ASSERT_EQ(timing.prepare_ns.size(), s.models.size());
  EXPECT_EQ(timing.household_months, plain.flags.size() * static_cast<std::size_t>(s.run.months()));
  std::int64_t total = 0;
  for (std::size_t m = 0; m < s.models.size(); ++m) {
    EXPECT_GE(timing.step_ns[m], 0) << s.model_paths[m];
    EXPECT_GE(timing.prepare_ns[m], 0) << s.model_paths[m];
    total += timing.step_ns[m] + timing.prepare_ns[m];
  }
  EXPECT_GT(total, 0);
}

TEST(Determinism, SeedChangesResults) {
  const std::vector<std::string> small = {"population.households=20000", "horizon.end=2022-12"};
  auto a = small, b = small;
  a.push_back("seed=1");
  b.push_back("seed=2");
  EXPECT_NE(run(baseline(), a, 2).tallies, run(baseline(), b, 2).tallies);
}

// Common random numbers: switching a policy off must not move any shock. Every state a shock
// writes (health, employment, sickness, disasters) ends identical; incomes, and so results, differ.
TEST(CommonRandomNumbers, RemovingPoliciesLeavesShockDrawsUnchanged) {
  const std::vector<std::string> small = {"population.households=20000", "horizon.end=2025-12"};
  auto without = small;
  without.push_back("policies.rural_pension.enabled=false");
  without.push_back("policies.phased_industry_support.enabled=false");
  const Outcome with_policies = run(baseline(), small, 2);
  const Outcome no_policies = run(baseline(), without, 2);
  EXPECT_EQ(with_policies.person_flags, no_policies.person_flags);  // alive, unemployed
  EXPECT_EQ(with_policies.health, no_policies.health);
  EXPECT_EQ(with_policies.sick, no_policies.sick);
  EXPECT_EQ(with_policies.disaster_months, no_policies.disaster_months);
  EXPECT_NE(with_policies.tallies, no_policies.tallies);
  // Without pension and industry support more households return.
  EXPECT_GT(no_policies.tallies[0].back().all.ever_returned, with_policies.tallies[0].back().all.ever_returned);
}

TEST(CommonRandomNumbers, DisablingOneShockLeavesTheOthersUnchanged) {
  const std::vector<std::string> small = {"population.households=20000", "horizon.end=2023-12"};
  auto without = small;
  without.push_back("shocks.illness.enabled=false");
  const Outcome a = run(baseline(), small, 2), b = run(baseline(), without, 2);
  // Job loss and deaths unchanged: the population's bits (alive, unemployed, female). Declared
  // flags differ: illness declares hospitalised_this_year, and without it the later models' flags
  // take other bits.
  auto population_bits = [](std::vector<std::uint8_t> f) {
    for (auto& v : f) v = static_cast<std::uint8_t>(v & (kFirstPersonFlag - 1));
    return f;
  };
  EXPECT_EQ(population_bits(a.person_flags), population_bits(b.person_flags));
  EXPECT_EQ(a.disaster_months, b.disaster_months);
  EXPECT_NE(a.sick, b.sick);
}

TEST(Replicates, DifferFromEachOtherButStartFromOnePopulation) {
  const Outcome o = run(baseline(), {"population.households=10000", "horizon.end=2022-12", "replicates=2"}, 2);
  ASSERT_EQ(o.tallies.size(), 2u);
  EXPECT_EQ(o.tallies[0][0].all.households, o.tallies[1][0].all.households);
  EXPECT_NE(o.tallies[0], o.tallies[1]);
}

// population_per_replicate: replicate k draws its population from (seed, k). Replicate 0 is the
// run with a shared population, bit for bit; replicate 1's households differ (their sizes and
// counties, which nothing changes during a run); a replicate run alone (--replicate 1) equals the
// same replicate run among others. A population read from a file is refused.
TEST(Replicates, PopulationPerReplicateDrawsEachReplicatesOwn) {
  const std::vector<std::string> shared = {"population.households=8000", "horizon.end=2022-12", "replicates=2"};
  std::vector<std::string> fresh = shared;
  fresh.push_back("population_per_replicate=true");
  const Scenario s_shared = load_scenario(baseline(), shared, make_default_registry());
  const Scenario s_fresh = load_scenario(baseline(), fresh, make_default_registry());
  std::vector<std::vector<std::uint8_t>> persons;
  std::vector<std::vector<std::uint32_t>> county;
  RunOptions options;
  options.threads = 2;
  options.on_replicate_end = [&](std::uint32_t, const HouseholdStore& hh) {
    persons.push_back(hh.persons);
    county.push_back(hh.county);
  };
  const RunResults a = simulate(s_shared, options);
  const RunResults b = simulate(s_fresh, options);
  ASSERT_EQ(persons.size(), 4u);
  EXPECT_EQ(a.tallies[0], b.tallies[0]);
  EXPECT_EQ(persons[0], persons[1]);  // shared: one population
  EXPECT_EQ(persons[0], persons[2]);  // fresh, replicate 0: the same population
  EXPECT_NE(persons[2], persons[3]);  // fresh, replicate 1: its own
  EXPECT_NE(county[2], county[3]);
  EXPECT_FALSE(a.population_per_replicate);
  EXPECT_TRUE(b.population_per_replicate);

  RunOptions second;
  second.threads = 1;
  second.first_replicate = 1;
  second.replicate_count = 1;
  EXPECT_EQ(simulate(s_fresh, second).tallies[0], b.tallies[1]);

  Scenario from_file = load_scenario(baseline(), fresh, make_default_registry());
  HouseholdStore hh = load_population(std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata");
  from_file.population = std::make_unique<LoadedPopulation>(std::move(hh), "test");
  EXPECT_THROW(simulate(from_file, options), ConfigError);
}

// The assessment by hand: two lifted households of two persons, line 5,000 yuan/person/year.
TEST(Assessment, ClassifiesAgainstTheLineAndCountsReturns) {
  HouseholdStore hh = testing::make_store(3, 2, 40, Health::healthy, Work::farming);
  hh.acc_operating[0] = 12000;  // 6,000 per person: above
  hh.acc_operating[1] = 12000;
  hh.acc_medical[1] = 3000;     // 4,500 per person after medical spending: returned
  hh.last_cause[1] = 1;
  hh.acc_operating[2] = 2000;   // poor already last year: poor, but not a new return
  hh.flags[2] |= household_flag::poor;
  YearTally t;
  assess_households(hh, 0, 3, 5000.0, t);
  const std::int64_t u = kWeightUnit;  // counts are in weight units
  EXPECT_EQ(t.all.households, 3 * u);
  EXPECT_EQ(t.all.at_risk, 2 * u);
  EXPECT_EQ(t.all.returned, 1 * u);
  EXPECT_EQ(t.all.poor, 2 * u);
  EXPECT_EQ(t.all.ever_returned, 1 * u);
  EXPECT_EQ(t.returned_by_cause[1], 1 * u);
  EXPECT_EQ(t.persons, 6 * u);
  EXPECT_EQ(t.income_per_capita_fen_sum, Int128{(6000 + 4500 + 1000) * 100} * u);
  EXPECT_DOUBLE_EQ(t.mean_income_per_capita(), (6000 + 4500 + 1000) / 3.0);
  EXPECT_TRUE(hh.flags[1] & household_flag::ever_returned);
  EXPECT_EQ(hh.acc_operating[0], 0.0f);  // accumulators reset for the next year
  EXPECT_EQ(hh.last_cause[1], 0);
}

TEST(Assessment, DeadMembersDoNotCountAndEmptyHouseholdsDissolve) {
  HouseholdStore hh = testing::make_store(2, 2, 70, Health::healthy, Work::farming);
  hh.acc_operating[0] = 9000;
  hh.person_flags[1] = 0;  // one of two members died: 9,000 per person
  hh.person_flags[2] = hh.person_flags[3] = 0;
  YearTally t;
  assess_households(hh, 0, 2, 5000.0, t);
  EXPECT_EQ(t.all.households, kWeightUnit);
  EXPECT_EQ(t.all.poor, 0);
  EXPECT_TRUE(hh.flags[1] & household_flag::dissolved);
}

// Survey weights scale every count, so rates are weighted means; edge households are counted apart
// from lifted ones, and their falls below the line are new poverty.
TEST(Assessment, WeightsScaleCountsAndEdgeHouseholdsAreCountedApart) {
  HouseholdStore hh = testing::make_store(3, 1, 40, Health::healthy, Work::farming);
  hh.weight = {2.5f, 1.0f, 4.0f};
  hh.acc_operating[0] = 3000;  // poor: returned, weight 2.5
  hh.acc_operating[1] = 9000;  // not poor, weight 1
  hh.flags[2] = household_flag::edge;
  hh.acc_operating[2] = 3000;  // an edge household falling below the line: newly poor, weight 4
  YearTally t;
  assess_households(hh, 0, 3, 4000.0, t);
  EXPECT_EQ(t.all.households, 3500);
  EXPECT_EQ(t.all.returned, 2500);
  EXPECT_DOUBLE_EQ(rate(t.all.returned, t.all.at_risk), 2.5 / 3.5);
  EXPECT_EQ(t.edge.households, 4000);
  EXPECT_EQ(t.edge.returned, 4000);
  EXPECT_EQ(t.returned_by_cause[0], 2500);  // edge households do not enter the return breakdowns
  EXPECT_DOUBLE_EQ(t.mean_income_per_capita(), (3000 * 2.5 + 9000) / 3.5);
}

}  // namespace
}  // namespace povsim

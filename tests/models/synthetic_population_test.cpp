#include "models/synthetic_population.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include "sim/population/population_report.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

HouseholdStore generate(std::size_t n, int threads, std::uint64_t seed = 3) {
  SyntheticPopulation::Params p;
  p.households = n;
  HouseholdStore hh;
  tbb::task_arena arena(threads);
  arena.execute([&] { SyntheticPopulation(p).generate(hh, StreamFactory(seed, 0)); });
  return hh;
}

TEST(SyntheticPopulation, IdenticalForAnyThreadCount) {
  const HouseholdStore a = generate(50000, 1), b = generate(50000, 2);
  EXPECT_EQ(a.first_person, b.first_person);
  EXPECT_EQ(a.age, b.age);
  EXPECT_EQ(a.wage, b.wage);
  EXPECT_EQ(a.operating_base, b.operating_base);
  EXPECT_EQ(a.education, b.education);
  EXPECT_EQ(a.county, b.county);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_NE(a.operating_base, generate(50000, 2, 4).operating_base);
}

// The embedded default population meets every calibration target in
// scenarios/populations/targets.yaml, each within the tolerance stated there. With 200,000
// households sampling error is far below the tolerances (e.g. share_below_monitoring_threshold: sd 0.0007 against
// a tolerance of 0.02), so a failure means the generator or the targets moved.
TEST(SyntheticPopulation, MeetsEveryCalibrationTarget) {
  const HouseholdStore hh = generate(200000, 2);
  const TargetsFile targets = load_targets(std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/targets.yaml");
  ASSERT_GE(targets.targets.size(), 10u);
  const PopulationReport report = make_report(hh, targets);
  for (const auto& row : report.targets)
    EXPECT_TRUE(row.met) << row.target.name << ": aimed " << row.target.comparison << " " << row.target.value
                         << " +- " << row.target.tolerance << ", obtained " << row.obtained;
}

// Structure: every relocated household lives at a resettlement site of its own region type,
// edge households are never registered or relocated, and counties carry an industry.
TEST(SyntheticPopulation, RelocatedHouseholdsLiveAtResettlementSites) {
  const HouseholdStore hh = generate(50000, 2);
  std::size_t relocated = 0, edge = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) {
    const County& place = hh.counties[hh.county[h]];
    EXPECT_EQ(place.region, hh.region[h]);
    EXPECT_GE(place.industry, 1);
    const bool is_relocated = hh.flags[h] & household_flag::relocated;
    EXPECT_EQ(place.resettlement_site, is_relocated) << h;
    relocated += is_relocated;
    if (hh.flags[h] & household_flag::edge) {
      ++edge;
      EXPECT_FALSE(hh.flags[h] & (household_flag::lifted | household_flag::relocated));
    }
  }
  EXPECT_GT(relocated, 1000u);
  EXPECT_GT(edge, 1000u);
}

}  // namespace
}  // namespace povsim

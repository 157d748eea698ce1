#include "models/synthetic_population.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

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

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Regions differ in income level as the source does (Income::region_level). The per-capita
// income the generator drew is recovered exactly from property income (a fixed share of it);
// above fragile_max it is the log-normal part redrawn while below fragile_max, so its median is
// the truncated log-normal's: m_r · exp(sd · Φ⁻¹(p0 + (1 − p0) / 2)), p0 = Φ((ln fragile_max − ln m_r) / sd).
// About 20,000 plateau households: the sample median's error is under 1 %; tolerance 2 %.
TEST(SyntheticPopulation, RegionIncomeLevelsFollowTheProvincialRecord) {
  SyntheticPopulation::Params p;
  const auto& inc = p.income;
  const HouseholdStore hh = generate(200000, 2);
  std::vector<double> by_region[kRegionTypes];
  for (std::size_t h = 0; h < hh.size(); ++h) {
    const double per_capita = 12.0 * hh.property_income[h] / inc.property_share / hh.persons[h];
    if ((hh.flags[h] & household_flag::lifted) && per_capita > inc.fragile_max * 1.0001)
      by_region[static_cast<int>(hh.region[h])].push_back(per_capita);
  }
  double level_norm = 0, shares = 0;
  for (int r = 0; r < kRegionTypes; ++r) level_norm += p.county_share[r] * inc.region_level[r], shares += p.county_share[r];
  const boost::math::normal standard;
  for (int r = 0; r < kRegionTypes; ++r) {
    const double m = inc.median_per_capita * inc.region_level[r] * shares / level_norm;
    const double p0 = boost::math::cdf(standard, (std::log(inc.fragile_max) - std::log(m)) / inc.log_sd);
    const double expected = m * std::exp(inc.log_sd * boost::math::quantile(standard, p0 + (1 - p0) / 2));
    EXPECT_NEAR(median(by_region[r]) / expected, 1.0, 0.02) << kRegionTypeNames[r];
  }
}

// Dependence on industry support is a property of the place's industry: every supported household
// of a place has the place's class; remote region types and resettlement sites have more dependent
// industries; and a more dependent industry draws a larger share of its operating income from
// support, so that phasing by dependence targets those who would lose most.
TEST(SyntheticPopulation, IndustryDependenceIsThePlacesAndTracksRemotenessAndSites) {
  SyntheticPopulation::Params p;
  const HouseholdStore hh = generate(200000, 2);
  std::vector<int> place_class(hh.counties.size(), -1);
  double high[2][kRegionTypes] = {}, supported[2][kRegionTypes] = {};  // [site][region]
  for (std::size_t h = 0; h < hh.size(); ++h) {
    const int d = static_cast<int>(hh.dependence[h]);
    if (d == 0) {
      EXPECT_EQ(hh.industry_subsidy[h], 0.0f);
      continue;
    }
    int& seen = place_class[hh.county[h]];
    if (seen < 0) seen = d;
    EXPECT_EQ(seen, d) << "household " << h << " differs from its place's class";
    const double share = hh.industry_subsidy[h] / (double(hh.operating_base[h]) + hh.industry_subsidy[h]);
    EXPECT_NEAR(share, p.industry.subsidy_share[d - 1], 1e-5);
    const int site = hh.counties[hh.county[h]].resettlement_site;
    const int r = static_cast<int>(hh.region[h]);
    supported[site][r] += 1;
    high[site][r] += d == static_cast<int>(Dependence::high);
  }
  const int plateau = static_cast<int>(RegionType::plateau), other = static_cast<int>(RegionType::other);
  // Counties: P(high) = P(u + shift > 0.75); 0.45 on the plateau, 0.25 in other areas; whole
  // counties are drawn, so the tolerance is wide (about 100 plateau counties).
  EXPECT_NEAR(high[0][plateau] / supported[0][plateau], 0.45, 0.15);
  EXPECT_NEAR(high[0][other] / supported[0][other], 0.25, 0.10);
  double site_high = 0, site_supported = 0, county_high = 0, county_supported = 0;
  for (int r = 0; r < kRegionTypes; ++r) {
    site_high += high[1][r], site_supported += supported[1][r];
    county_high += high[0][r], county_supported += supported[0][r];
  }
  EXPECT_GT(site_high / site_supported, county_high / county_supported + 0.2);
}

// Transfers besides posts and dibao are split into ecological compensation
// (eco_compensation_share) and other transfers, which no programme pays for.
TEST(SyntheticPopulation, EcoCompensationIsItsShareOfTheRemainingTransfers) {
  SyntheticPopulation::Params p;
  const HouseholdStore hh = generate(20000, 2);
  const auto& eco = hh.transfer[static_cast<int>(Programme::ecological_compensation)];
  const auto& other = hh.transfer[static_cast<int>(Programme::other)];
  std::size_t checked = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) {
    if (eco[h] + other[h] <= 0) continue;
    EXPECT_NEAR(eco[h] / (eco[h] + other[h]), p.income.eco_compensation_share, 1e-5);
    ++checked;
  }
  EXPECT_GT(checked, 10000u);
}

// National weights: whatever the number of simulated households, weighted persons are the
// national figures (lifted and edge separately), each group's households share one weight, and
// `unit` weights count each household once.
TEST(SyntheticPopulation, NationalWeightsGiveNationalTotalsAtAnySize) {
  for (std::size_t n : {5000u, 40000u}) {
    const HouseholdStore hh = generate(n, 2);
    double lifted = 0, edge = 0;
    float group_weight[2] = {0, 0};  // lifted, edge: the first seen
    for (std::size_t h = 0; h < hh.size(); ++h) {
      const bool is_edge = hh.flags[h] & household_flag::edge;
      (is_edge ? edge : lifted) += double(hh.weight[h]) * hh.persons[h];
      if (group_weight[is_edge] == 0) group_weight[is_edge] = hh.weight[h];
      ASSERT_EQ(hh.weight[h], group_weight[is_edge]) << h;
    }
    EXPECT_GT(group_weight[0], 1.0f);
    SyntheticPopulation::Params p;
    EXPECT_NEAR(lifted / p.national_lifted_persons, 1.0, 1e-6) << n;
    EXPECT_NEAR(edge / p.national_edge_persons, 1.0, 1e-6) << n;
  }
  SyntheticPopulation::Params p;
  p.households = 5000;
  p.weights = WeightRule::unit;
  HouseholdStore hh;
  SyntheticPopulation(p).generate(hh, StreamFactory(3, 0));
  for (float w : hh.weight) ASSERT_EQ(w, 1.0f);
}

}  // namespace
}  // namespace povsim

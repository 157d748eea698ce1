#include "sim/population/population_build.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace povsim::schema {
namespace {

// Messages as "households[ROW].COLUMN: ...", so that tests see which row and column is named.
class TestLocator final : public Locator {
 public:
  std::string row(Table t, std::size_t r) const override {
    return std::string(kTableNames[static_cast<int>(t)]) + "[" + std::to_string(r) + "]";
  }
  std::string cell(Table t, std::size_t r, std::string_view column) const override {
    return row(t, r) + "." + std::string(column);
  }
  std::string row_name(Table, std::size_t r) const override { return "row " + std::to_string(r); }
  std::string table(Table t) const override { return std::string(kTableNames[static_cast<int>(t)]); }
  std::string shown(std::string_view value) const override { return "<" + std::string(value) + ">"; }

 protected:
  void throw_error(const std::string& message) const override { throw PopulationError("test: " + message); }
};

// Households with the given ids, county codes and region types; persons with the given ids and
// households, told apart by age (10, 11, ...).
StagedPopulation staged(const std::vector<std::uint64_t>& households, const std::vector<std::uint32_t>& codes,
                        const std::vector<RegionType>& regions, const std::vector<std::uint64_t>& persons,
                        const std::vector<std::uint64_t>& of) {
  StagedPopulation s;
  s.store.resize(households.size(), persons.size());
  s.household_id = households;
  s.person_id = persons;
  s.person_household = of;
  for (std::size_t h = 0; h < households.size(); ++h) {
    s.store.county[h] = codes[h];
    s.store.region[h] = regions[h];
    s.store.savings[h] = static_cast<float>(households[h]);  // to see where a household went
  }
  for (std::size_t q = 0; q < persons.size(); ++q) s.store.age[q] = static_cast<std::uint8_t>(10 + q);
  return s;
}

std::string error_of(StagedPopulation s) {
  try {
    build_population(std::move(s), TestLocator());
  } catch (const PopulationError& e) {
    return e.what();
  }
  return "no error";
}

constexpr RegionType kOther = RegionType::other, kKarst = RegionType::karst;

// Households by id, persons by (household, id), counties by code; county indices, the region,
// alive flags and counts, and income_factor set.
TEST(BuildPopulation, CanonicalOrder) {
  HouseholdStore hh = build_population(
      staged({30, 10, 20}, {7, 5, 7}, {kKarst, kOther, kKarst}, {8, 3, 1, 2, 9}, {20, 30, 20, 10, 30}), TestLocator());
  ASSERT_EQ(hh.size(), 3u);
  EXPECT_EQ(hh.savings, (std::vector<float>{10, 20, 30}));
  EXPECT_EQ(hh.first_person, (std::vector<std::uint32_t>{0, 1, 3}));
  EXPECT_EQ(hh.persons, (std::vector<std::uint8_t>{1, 2, 2}));
  EXPECT_EQ(hh.alive_members, hh.persons);
  // Persons: 2 (household 10) | 1, 8 (household 20) | 3, 9 (household 30), by age.
  const std::vector<std::uint8_t> ages = {13, 12, 10, 11, 14};
  for (std::size_t q = 0; q < 5; ++q) {
    EXPECT_EQ(hh.age[q], ages[q]) << q;
    EXPECT_EQ(hh.person_flags[q], person_flag::alive);
  }
  EXPECT_EQ(hh.age.size(), 5 + kMemberWindow);
  for (std::size_t q = 5; q < hh.age.size(); ++q) EXPECT_EQ(hh.age[q], 0);  // padding zeroed
  ASSERT_EQ(hh.counties.size(), 2u);
  EXPECT_EQ(hh.counties[0].code, 5u);
  EXPECT_EQ(hh.counties[0].region, kOther);
  EXPECT_EQ(hh.counties[1].code, 7u);
  EXPECT_EQ(hh.counties[1].industry, 0);
  EXPECT_EQ(hh.county, (std::vector<std::uint32_t>{0, 1, 1}));
  EXPECT_EQ(hh.region, (std::vector<RegionType>{kOther, kKarst, kKarst}));
  EXPECT_EQ(hh.income_factor, (std::vector<float>{1, 1, 1}));
}

// With a county table: counties by code, a county without households kept.
TEST(BuildPopulation, CountyTable) {
  StagedPopulation s = staged({1, 2}, {7, 5}, {kKarst, kOther}, {1, 2}, {1, 2});
  s.has_county_table = true;
  s.store.counties = {County{kKarst, 7, 3, true}, County{kOther, 9, 4, false}, County{kOther, 5, 1, false}};
  HouseholdStore hh = build_population(std::move(s), TestLocator());
  ASSERT_EQ(hh.counties.size(), 3u);
  EXPECT_EQ(hh.counties[0].code, 5u);
  EXPECT_EQ(hh.counties[1].code, 7u);
  EXPECT_EQ(hh.counties[1].industry, 3);
  EXPECT_TRUE(hh.counties[1].resettlement_site);
  EXPECT_EQ(hh.counties[2].code, 9u);
  EXPECT_EQ(hh.county, (std::vector<std::uint32_t>{1, 0}));
}

// The first problem in file order is reported: of two repeated ids, the one met again first.
TEST(BuildPopulation, RepeatedIdsReportTheFirstRepeatInFileOrder) {
  EXPECT_EQ(error_of(staged({5, 3, 5, 3}, {1, 1, 1, 1}, {kOther, kOther, kOther, kOther}, {1}, {5})),
            "test: households[2].household_id: expected an id not used before, got <5> (first used on row 0)");
  EXPECT_EQ(error_of(staged({1}, {1}, {kOther}, {4, 2, 2, 4}, {1, 1, 1, 1})),
            "test: persons[2].person_id: expected an id not used before, got <2> (first used on row 1)");
}

// Of the households without persons, the first in file order is named (not the lowest id).
TEST(BuildPopulation, FirstHouseholdWithoutPersonsInFileOrder) {
  EXPECT_EQ(error_of(staged({9, 1, 5}, {1, 1, 1}, {kOther, kOther, kOther}, {1}, {1})),
            "test: households[0]: household 9 has no persons in persons");
}

TEST(BuildPopulation, LinksAndCounties) {
  EXPECT_EQ(error_of(staged({1, 2}, {1, 1}, {kOther, kOther}, {1, 2, 3}, {1, 2, 4})),
            "test: persons[2].household_id: expected a household_id of households, got <4>");
  EXPECT_EQ(error_of(staged({1, 2}, {1, 1}, {kOther, kKarst}, {1, 2}, {1, 2})),
            "test: households[1].region_type: expected other like county 1 on row 0, got <karst>");
  StagedPopulation missing = staged({1, 2}, {1, 2}, {kOther, kOther}, {1, 2}, {1, 2});
  missing.has_county_table = true;
  missing.store.counties = {County{kOther, 1, 0, false}};
  EXPECT_EQ(error_of(std::move(missing)), "test: households[1].county: expected a code of counties, got <2>");
  StagedPopulation unlike = staged({1, 2}, {1, 1}, {kOther, kOther}, {1, 2}, {1, 2});
  unlike.has_county_table = true;
  unlike.store.counties = {County{kKarst, 1, 0, false}};
  EXPECT_EQ(error_of(std::move(unlike)),
            "test: households[0].region_type: expected karst like county 1 in counties[0], got <other>");
}

TEST(BuildPopulation, AtMost255PersonsAHousehold) {
  std::vector<std::uint64_t> ids, of;
  for (std::uint64_t q = 0; q < 255; ++q) ids.push_back(q), of.push_back(1);
  EXPECT_EQ(build_population(staged({1}, {1}, {kOther}, ids, of), TestLocator()).persons[0], 255);
  ids.push_back(255), of.push_back(1);
  EXPECT_EQ(error_of(staged({1}, {1}, {kOther}, ids, of)),
            "test: persons[255]: household 1 (households[0]) has more than 255 persons");
}

// A locator whose error type does not throw still ends the reading, with a PopulationError.
TEST(BuildPopulation, LocatorThatDoesNotThrowStillStops) {
  class Returning final : public Locator {
   public:
    std::string row(Table, std::size_t) const override { return "r"; }
    std::string cell(Table, std::size_t, std::string_view) const override { return "c"; }
    std::string row_name(Table, std::size_t) const override { return "n"; }
    std::string table(Table) const override { return "t"; }
    std::string shown(std::string_view v) const override { return std::string(v); }

   protected:
    void throw_error(const std::string&) const override {}
  };
  EXPECT_THROW(build_population(staged({1, 1}, {1, 1}, {kOther, kOther}, {1}, {1}), Returning()), PopulationError);
}

}  // namespace
}  // namespace povsim::schema

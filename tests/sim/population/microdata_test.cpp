#include "sim/population/microdata.hpp"

#include <gtest/gtest.h>

#include "sim/population/population_file.hpp"

#include <fstream>
#include <string>
#include <vector>

#include "population_test_support.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

const std::string kExampleDir = std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata/";

// Smallest valid tables: two households of one county, one person each.
const std::string kHouseholds = "household_id,county,region_type,lifted\n1,100,plateau,1\n2,100,plateau,0\n";
const std::string kPersons =
    "person_id,household_id,age,sex,health,work\n1,1,40,male,healthy,farming\n2,2,35,female,chronic,migrant\n";

// Paths of the two tables written into `dir`.
struct Tables {
  std::string households;
  std::string persons;
};

Tables write(const TempDir& dir, const std::string& households, const std::string& persons) {
  return {dir.file("households.csv", households), dir.file("persons.csv", persons)};
}

std::string error_of(const Tables& t) {
  HouseholdStore hh;
  try {
    read_microdata_csv(t.households, t.persons, hh);
  } catch (const MicrodataError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Microdata, ExampleSetLoads) {
  HouseholdStore hh;
  read_microdata_csv(kExampleDir + "households.csv", kExampleDir + "persons.csv", hh);
  ASSERT_EQ(hh.size(), 40u);
  ASSERT_EQ(hh.person_count(), 135u);
  EXPECT_EQ(hh.age.size(), 135u + kMemberWindow);  // padded for member windows

  // Counties sorted by code, whatever the household order (the last two rows go back to earlier counties).
  ASSERT_EQ(hh.counties.size(), 6u);
  const std::uint32_t codes[] = {900101, 900102, 900201, 900301, 900302, 900401};
  const RegionType regions[] = {RegionType::plateau, RegionType::plateau, RegionType::transition_belt,
                                RegionType::karst,   RegionType::karst,   RegionType::other};
  for (std::size_t c = 0; c < 6; ++c) {
    EXPECT_EQ(hh.counties[c].code, codes[c]);
    EXPECT_EQ(hh.counties[c].region, regions[c]);
    EXPECT_FALSE(hh.counties[c].resettlement_site);
  }
  EXPECT_EQ(hh.county[38], 0u);  // 10115, county 900101
  EXPECT_EQ(hh.county[39], 3u);  // 10118, county 900301
  EXPECT_EQ(hh.region[39], RegionType::karst);

  // 10001: lifted, weight 120, industry subsidy 2,400 yuan/year (medium dependence), ecological
  // compensation 1,800, operating income 1,500, savings 8,000.
  EXPECT_EQ(hh.flags[0], household_flag::lifted);
  EXPECT_FLOAT_EQ(hh.weight[0], 120.0f);
  EXPECT_FLOAT_EQ(hh.operating_base[0], 1500.0f / 12);
  EXPECT_FLOAT_EQ(hh.industry_subsidy[0], 200.0f);
  EXPECT_EQ(hh.dependence[0], Dependence::medium);
  EXPECT_FLOAT_EQ(hh.transfer[static_cast<int>(Programme::ecological_compensation)][0], 150.0f);
  EXPECT_FLOAT_EQ(hh.transfer[static_cast<int>(Programme::dibao)][0], 0.0f);
  EXPECT_FLOAT_EQ(hh.savings[0], 8000.0f);
  EXPECT_EQ(hh.first_person[0], 0u);
  EXPECT_EQ(hh.persons[0], 4);
  EXPECT_EQ(hh.age[0], 45);
  EXPECT_EQ(hh.work[0], Work::migrant);
  EXPECT_FLOAT_EQ(hh.wage[0], 28000.0f / 12);
  EXPECT_EQ(hh.person_flags[0], person_flag::alive);
  EXPECT_EQ(hh.person_flags[1], person_flag::alive | person_flag::female);
  EXPECT_EQ(hh.health[3], Health::chronic);

  // 10013: relocated, public welfare post 6,000 yuan/year.
  EXPECT_EQ(hh.flags[4], household_flag::lifted | household_flag::relocated);
  EXPECT_FLOAT_EQ(hh.transfer[static_cast<int>(Programme::public_welfare_post)][4], 500.0f);
  // 10028: edge household with an unemployed local wage worker (person 34, the household's first).
  EXPECT_EQ(hh.flags[9], household_flag::edge);
  EXPECT_EQ(hh.first_person[9], 33u);
  EXPECT_EQ(hh.person_flags[33], person_flag::alive | person_flag::unemployed);
  EXPECT_FLOAT_EQ(hh.savings[9], -3000.0f);
  // 10106: a fractional weight.
  EXPECT_FLOAT_EQ(hh.weight[35], 12.5f);
  // 10115 (6 persons) and 10118 (2 persons) end the person table.
  EXPECT_EQ(hh.first_person[38], 127u);
  EXPECT_EQ(hh.persons[38], 6);
  EXPECT_EQ(hh.first_person[39], 133u);
  EXPECT_EQ(hh.education[44], Education::tertiary);  // person 45, a student

  for (std::size_t h = 0; h < hh.size(); ++h) {
    EXPECT_FLOAT_EQ(hh.income_factor[h], 1.0f);
    EXPECT_NE(hh.flags[h] & (household_flag::lifted | household_flag::edge), 0);
  }
}

// Microdata counties carry their local specialty industry from the county table (counties.csv in a
// population directory); without one they have none.
TEST(Microdata, CountiesCarryTheirIndustryFromTheCountyTable) {
  const HouseholdStore hh = load_population(kExampleDir);  // finds counties.csv
  ASSERT_EQ(hh.counties.size(), 6u);
  const std::uint32_t codes[] = {900101, 900102, 900201, 900301, 900302, 900401};
  const std::uint8_t industries[] = {2, 2, 5, 1, 1, 0};
  for (std::size_t c = 0; c < 6; ++c) {
    EXPECT_EQ(hh.counties[c].code, codes[c]);
    EXPECT_EQ(hh.counties[c].industry, industries[c]) << c;
    EXPECT_FALSE(hh.counties[c].resettlement_site);
  }
  EXPECT_EQ(hh.counties[hh.county[39]].industry, 1);  // 10118, county 900301

  TempDir dir;
  const auto t = write(dir, kHouseholds + "3,200,karst,1\n", kPersons + "3,3,50,female,healthy,farming\n");
  const std::string counties =
      dir.file("counties.csv", "code,region_type,resettlement_site,industry\n200,karst,1,7\n100,plateau,,\n300,other,0,9\n");
  HouseholdStore small;
  read_microdata_csv(t.households, t.persons, counties, small);
  ASSERT_EQ(small.counties.size(), 3u);  // a county without households is kept
  EXPECT_EQ(testing::county_text(small), (std::vector<std::string>{"100 0 0 0", "200 2 7 1", "300 3 9 0"}));
  EXPECT_EQ(small.county[2], 1u);
  read_microdata_csv(t.households, t.persons, small);
  EXPECT_EQ(testing::county_text(small), (std::vector<std::string>{"100 0 0 0", "200 2 0 0"}));
}

// Canonical order (the order random streams will be keyed by): households by ascending
// household_id, each household's persons contiguous by ascending person_id, whatever the rows'
// order in the files.
TEST(Microdata, RowsAreStoredInCanonicalOrder) {
  TempDir dir;
  // Households 7, 3, 5 (counties 30, 10, 30); persons interleaved and, within household 5, in
  // descending id order; told apart by age.
  const auto t = write(dir, "household_id,county,region_type,lifted\n7,30,karst,1\n3,10,other,0\n5,30,karst,1\n",
                       "person_id,household_id,age,sex,health,work\n"
                       "9,5,11,male,healthy,student\n2,7,22,female,healthy,farming\n3,5,33,male,healthy,farming\n"
                       "4,3,44,female,healthy,farming\n1,7,55,male,healthy,farming\n");
  HouseholdStore hh;
  read_microdata_csv(t.households, t.persons, hh);
  ASSERT_EQ(hh.size(), 3u);
  ASSERT_EQ(hh.person_count(), 5u);
  // Households 3, 5, 7.
  const std::uint32_t first[] = {0, 1, 3};
  const std::uint8_t count[] = {1, 2, 2};
  for (int h = 0; h < 3; ++h) {
    EXPECT_EQ(hh.first_person[h], first[h]);
    EXPECT_EQ(hh.persons[h], count[h]);
    EXPECT_EQ(hh.alive_members[h], count[h]);
  }
  // Persons 4 | 3, 9 | 1, 2.
  const int ages[] = {44, 33, 11, 55, 22};
  for (int q = 0; q < 5; ++q) EXPECT_EQ(hh.age[q], ages[q]) << q;
  ASSERT_EQ(hh.counties.size(), 2u);
  EXPECT_EQ(hh.counties[0].code, 10u);
  EXPECT_EQ(hh.counties[1].code, 30u);
  EXPECT_EQ(hh.county[0], 0u);
  EXPECT_EQ(hh.county[1], 1u);
  EXPECT_EQ(hh.county[2], 1u);
  EXPECT_EQ(hh.region[0], RegionType::other);
  EXPECT_EQ(hh.flags[0], household_flag::edge);
  EXPECT_EQ(hh.flags[2], household_flag::lifted);
}

// The example data with its rows reversed (and the county table's too) gives the same store,
// column for column.
TEST(Microdata, SameDataInAnyRowOrderGivesTheSameStore) {
  TempDir dir;
  // Comment lines first, then the header, then the rows in reverse order.
  auto reversed = [](const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> comments, rows;
    std::string header, line;
    while (std::getline(in, line)) {
      if (line.starts_with("#")) comments.push_back(line);
      else if (header.empty()) header = line;
      else rows.push_back(line);
    }
    std::string out;
    for (const auto& c : comments) out += c + "\n";
    out += header + "\n";
    for (auto r = rows.rbegin(); r != rows.rend(); ++r) out += *r + "\n";
    return out;
  };
  HouseholdStore in_order, reordered;
  read_microdata_csv(kExampleDir + "households.csv", kExampleDir + "persons.csv", kExampleDir + "counties.csv",
                     in_order);
  const std::string households = dir.file("h.csv", reversed(kExampleDir + "households.csv"));
  const std::string persons = dir.file("p.csv", reversed(kExampleDir + "persons.csv"));
  const std::string counties = dir.file("c.csv", reversed(kExampleDir + "counties.csv"));
  ASSERT_NE(households, kExampleDir + "households.csv");
  read_microdata_csv(households, persons, counties, reordered);
  EXPECT_EQ(testing::column_bytes(reordered), testing::column_bytes(in_order));
  EXPECT_EQ(testing::county_text(reordered), testing::county_text(in_order));
  EXPECT_EQ(in_order.age[0], 45);  // household 10001's first person, as in the files
}

TEST(Microdata, DialectBomCrlfCommentsQuotesSpacesAndColumnOrder) {
  TempDir dir;
  const auto t =
      write(dir,
            "\xEF\xBB\xBF# a comment\r\n\r\nlifted, \"region_type\" ,household_id,county,weight,savings\r\n"
            "  1 ,\"plateau\", 4 ,9,\"2.5e2\",-1.5e3\r\n   \r\n# another\r\n0,plateau,8,9,,\r\n",
            "household_id,work,person_id,health,age,sex,wage_income,education\n"
            "4,\"migrant\",1,healthy,30,female,\"12000\",senior_secondary\n8,farming,2,disabled,70,male,,\n");
  HouseholdStore hh;
  read_microdata_csv(t.households, t.persons, hh);
  ASSERT_EQ(hh.size(), 2u);
  EXPECT_FLOAT_EQ(hh.weight[0], 250.0f);
  EXPECT_FLOAT_EQ(hh.savings[0], -1500.0f);
  EXPECT_FLOAT_EQ(hh.weight[1], 1.0f);  // empty optional fields take the defaults
  EXPECT_FLOAT_EQ(hh.savings[1], 0.0f);
  EXPECT_EQ(hh.flags[0], household_flag::lifted);
  EXPECT_EQ(hh.flags[1], household_flag::edge);
  EXPECT_EQ(hh.dependence[0], Dependence::none);  // absent column
  EXPECT_EQ(hh.work[0], Work::migrant);
  EXPECT_FLOAT_EQ(hh.wage[0], 1000.0f);
  EXPECT_EQ(hh.education[0], Education::senior_secondary);
  EXPECT_EQ(hh.education[1], Education::none);
  EXPECT_EQ(hh.health[1], Health::disabled);
  EXPECT_EQ(hh.age[1], 70);
}

TEST(Microdata, QuotedFieldWithDoubledQuoteIsUnescaped) {
  TempDir dir;
  // The unescaped value is shown in the error, so the quote handling is visible there.
  const auto t = write(dir, "household_id,county,region_type,lifted\n1,100,\"pla\"\"teau\",1\n", kPersons);
  EXPECT_TRUE(contains(error_of(t), "got 'pla\"teau'")) << error_of(t);
}

TEST(Microdata, ReplacesPreviousContentAndKeepsItOnError) {
  TempDir dir;
  HouseholdStore hh = testing::make_store(5, 2, 30, Health::healthy, Work::farming);
  const auto good = write(dir, kHouseholds, kPersons);
  read_microdata_csv(good.households, good.persons, hh);
  EXPECT_EQ(hh.size(), 2u);
  EXPECT_EQ(hh.person_count(), 2u);
  EXPECT_EQ(hh.counties.size(), 1u);

  const std::string bad =
      dir.file("bad.csv", "person_id,household_id,age,sex,health,work\n1,1,400,male,healthy,farming\n");
  EXPECT_THROW(read_microdata_csv(good.households, bad, hh), MicrodataError);
  EXPECT_EQ(hh.size(), 2u);
  EXPECT_EQ(hh.age[0], 40);
}

// ---- errors: each names the file, the line and (where there is one) the column ----------------

TEST(MicrodataErrors, MissingRequiredColumn) {
  TempDir dir;
  const auto t = write(dir, "# comment\nhousehold_id,county,lifted\n1,100,1\n", kPersons);
  const std::string e = error_of(t);
  EXPECT_TRUE(contains(e, t.households + ":2: column region_type: required column missing from the header")) << e;
}

TEST(MicrodataErrors, UnknownColumnListsTheAllowedOnes) {
  TempDir dir;
  const auto t = write(dir, "household_id,county,region_type,lifted,wieght\n1,100,plateau,1,3\n", kPersons);
  const std::string e = error_of(t);
  EXPECT_TRUE(contains(e, t.households + ":1: column wieght: unknown column (did you mean weight?); allowed columns: "
                                         "household_id, county, region_type, lifted, relocated, weight,"))
      << e;
  EXPECT_TRUE(contains(e, "transfer_dibao, transfer_other, savings")) << e;
}

TEST(MicrodataErrors, DuplicatedColumn) {
  TempDir dir;
  const auto t =
      write(dir, kHouseholds, "person_id,household_id,age,sex,health,work,age\n1,1,40,male,healthy,farming,40\n");
  const std::string e = error_of(t);
  EXPECT_TRUE(contains(e, t.persons + ":1: column age: duplicated (fields 3 and 7 of the header)")) << e;
}

TEST(MicrodataErrors, WrongFieldCount) {
  TempDir dir;
  const auto more =
      write(dir, "household_id,county,region_type,lifted\n1,100,plateau,1\n\n2,100,plateau,0,\n", kPersons);
  EXPECT_TRUE(contains(error_of(more), more.households + ":4: expected 4 fields as in the header (line 1), got 5"))
      << error_of(more);
  TempDir dir2;
  const auto fewer = write(dir2, kHouseholds, "person_id,household_id,age,sex,health,work\n1,1,40,male,healthy\n");
  EXPECT_TRUE(contains(error_of(fewer), fewer.persons + ":2: expected 6 fields as in the header (line 1), got 5"))
      << error_of(fewer);
}

TEST(MicrodataErrors, UnparseableNumber) {
  const struct {
    std::string row;  // person on line 2, of household 1
    std::string message;
  } cases[] = {
      {"1,1,3.5,male,healthy,farming,", "column age: expected an integer in [0, 120] (years), got '3.5'"},
      {"1,1,4e1,male,healthy,farming,", "column age: expected an integer in [0, 120] (years), got '4e1'"},
      {"1,1,+40,male,healthy,farming,", "column age: expected an integer in [0, 120] (years), got '+40'"},
      {"x1,1,40,male,healthy,farming,", "column person_id: expected an integer in [0, 9223372036854775807], got 'x1'"},
      {"1,1,40,male,healthy,migrant,12000yuan",
       "column wage_income: expected a number in [0, 1e+08] (yuan per year), got '12000yuan'"},
      {"1,1,40,male,healthy,migrant,nan",
       "column wage_income: expected a number in [0, 1e+08] (yuan per year), got 'nan'"},
      {"1,1,40,male,healthy,migrant,inf",
       "column wage_income: expected a number in [0, 1e+08] (yuan per year), got 'inf'"},
      {"1,1,40,male,healthy,migrant,1 200",
       "column wage_income: expected a number in [0, 1e+08] (yuan per year), got '1 200'"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const auto t = write(dir, "household_id,county,region_type,lifted\n1,100,plateau,1\n",
                         "person_id,household_id,age,sex,health,work,wage_income\n" + c.row + "\n");
    const std::string e = error_of(t);
    EXPECT_TRUE(contains(e, t.persons + ":2: " + c.message)) << e;
  }
}

TEST(MicrodataErrors, OutOfRangeValue) {
  const std::string header = "household_id,county,region_type,lifted,weight,operating_income,savings\n";
  const struct {
    std::string row;
    std::string message;
  } cases[] = {
      {"1,100,plateau,1,0,,",
       "column weight: expected a number in (0, 1e+07] (households), got '0'"},
      {"1,100,plateau,1,2e7,,", "column weight: expected a number in (0, 1e+07]"},
      {"1,100,plateau,1,1e-300,,",
       "column weight: expected a number in (0, 1e+07] of at least 1.17549e-38 (households), got '1e-300'"},
      {"1,100,plateau,1,,-5,", "column operating_income: expected a number in [0, 1e+08] (yuan per year), got '-5'"},
      {"1,100,plateau,1,,,-2e8", "column savings: expected a number in [-1e+08, 1e+09] (yuan), got '-2e8'"},
      {"1,4294967296,plateau,1,,,",
       "column county: expected an integer in [0, 4294967295] (county code), got '4294967296'"},
      {"1,100,plateau,2,,,", "column lifted: expected 0 or 1, got '2'"},
      {"-1,100,plateau,1,,,", "column household_id: expected an integer in [0, 9223372036854775807], got '-1'"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const auto t = write(dir, header + c.row + "\n", kPersons);
    const std::string e = error_of(t);
    EXPECT_TRUE(contains(e, t.households + ":2: " + c.message)) << e;
  }
  TempDir dir;
  const auto age =
      write(dir, kHouseholds, "person_id,household_id,age,sex,health,work\n1,1,130,male,healthy,retired\n");
  EXPECT_TRUE(
      contains(error_of(age), age.persons + ":2: column age: expected an integer in [0, 120] (years), got '130'"))
      << error_of(age);
}

TEST(MicrodataErrors, EmptyRequiredField) {
  TempDir dir;
  const auto t = write(dir, "household_id,county,region_type,lifted\n1,,plateau,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(t), t.households + ":2: column county: expected an integer in [0, 4294967295] "
                                                   "(county code), got an empty field"))
      << error_of(t);
}

TEST(MicrodataErrors, BadCategory) {
  TempDir dir;
  const auto region = write(dir, "household_id,county,region_type,lifted\n1,100,Plateau,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(region), region.households + ":2: column region_type: expected one of plateau, "
                                                             "transition_belt, karst, other, got 'Plateau'"))
      << error_of(region);
  TempDir dir2;
  const auto health = write(dir2, kHouseholds, "person_id,household_id,age,sex,health,work\n1,1,40,m,sick,farming\n");
  EXPECT_TRUE(contains(error_of(health), health.persons + ":2: column sex: expected one of male, female, got 'm'"))
      << error_of(health);
  TempDir dir3;
  const auto dependence =
      write(dir3, "household_id,county,region_type,lifted,industry_dependence\n1,100,karst,1,some\n", kPersons);
  EXPECT_TRUE(contains(error_of(dependence), dependence.households + ":2: column industry_dependence: expected one of "
                                                                     "none, low, medium, high, got 'some'"))
      << error_of(dependence);
}

TEST(MicrodataErrors, DuplicateHouseholdId) {
  TempDir dir;
  const auto t =
      write(dir, "household_id,county,region_type,lifted\n# c\n1,100,plateau,1\n2,100,plateau,1\n1,100,plateau,0\n",
            kPersons);
  EXPECT_TRUE(contains(error_of(t), t.households + ":5: column household_id: expected an id not used before, got '1' "
                                                   "(first used on line 3)"))
      << error_of(t);
}

TEST(MicrodataErrors, DuplicatePersonId) {
  TempDir dir;
  const auto t = write(dir, kHouseholds,
                       "person_id,household_id,age,sex,health,work\n1,1,40,male,healthy,farming\n"
                       "1,2,35,female,chronic,migrant\n");
  EXPECT_TRUE(contains(error_of(t), t.persons + ":3: column person_id: expected an id not used before, got '1' "
                                                "(first used on line 2)"))
      << error_of(t);
}

TEST(MicrodataErrors, PersonOfUnknownHousehold) {
  TempDir dir;
  const auto t = write(dir, kHouseholds, kPersons + "3,9,12,male,healthy,student\n");
  EXPECT_TRUE(contains(error_of(t),
                       t.persons + ":4: column household_id: expected a household_id of " + t.households + ", got '9'"))
      << error_of(t);
}

TEST(MicrodataErrors, HouseholdWithoutPersons) {
  TempDir dir;
  const auto t = write(dir, kHouseholds + "3,100,plateau,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(t), t.households + ":4: household 3 has no persons in " + t.persons)) << error_of(t);
}

TEST(MicrodataErrors, HouseholdWithMoreThan255Persons) {
  TempDir dir;
  std::string persons = "person_id,household_id,age,sex,health,work\n2,2,35,female,chronic,migrant\n";
  for (int i = 0; i < 255; ++i) persons += std::to_string(100 + i) + ",1,30,male,healthy,farming\n";
  const auto fits = write(dir, kHouseholds, persons);
  EXPECT_EQ(error_of(fits), "no error");
  TempDir dir2;
  const auto t = write(dir2, kHouseholds, persons + "999,1,30,male,healthy,farming\n");
  EXPECT_TRUE(contains(error_of(t), t.persons + ":258: household 1 (" + t.households + ":2) has more than 255 persons"))
      << error_of(t);
}

TEST(MicrodataErrors, InconsistentRegionWithinCounty) {
  TempDir dir;
  const auto t = write(dir, "household_id,county,region_type,lifted\n1,100,plateau,1\n2,100,karst,0\n", kPersons);
  EXPECT_TRUE(contains(error_of(t), t.households + ":3: column region_type: expected plateau like county 100 on "
                                                   "line 2, got 'karst'"))
      << error_of(t);
}

TEST(MicrodataErrors, WageOrUnemploymentForNonEarner) {
  TempDir dir;
  const auto wage = write(dir, kHouseholds,
                          "person_id,household_id,age,sex,health,work,wage_income\n1,1,40,male,healthy,farming,1200\n"
                          "2,2,35,female,chronic,migrant,30000\n");
  EXPECT_TRUE(contains(error_of(wage), wage.persons + ":2: column wage_income: expected 0 for work farming (only "
                                                      "local_wage and migrant earn wages), got '1200'"))
      << error_of(wage);
  TempDir dir2;
  const auto unemployed = write(dir2, kHouseholds,
                                "person_id,household_id,age,sex,health,work,unemployed\n1,1,40,male,healthy,migrant,1\n"
                                "2,2,70,female,chronic,retired,1\n");
  EXPECT_TRUE(contains(error_of(unemployed), unemployed.persons + ":3: column unemployed: expected 0 for work retired"))
      << error_of(unemployed);
}

TEST(MicrodataErrors, IndustrySubsidyWithoutDependence) {
  TempDir dir;
  const auto t =
      write(dir, "household_id,county,region_type,lifted,industry_subsidy\n1,100,plateau,1,2400\n2,100,plateau,1,0\n",
            kPersons);
  EXPECT_TRUE(contains(error_of(t), t.households + ":2: column industry_subsidy: expected 0 when industry_dependence "
                                                   "is none (or empty), got '2400'"))
      << error_of(t);
}

TEST(MicrodataErrors, EmptyTable) {
  TempDir dir;
  const auto no_rows = write(dir, "# only a header\nhousehold_id,county,region_type,lifted\n\n", kPersons);
  EXPECT_TRUE(contains(error_of(no_rows), no_rows.households + ":2: no data rows after the header"))
      << error_of(no_rows);
  TempDir dir2;
  const auto no_persons = write(dir2, kHouseholds, "person_id,household_id,age,sex,health,work\n");
  EXPECT_TRUE(contains(error_of(no_persons), no_persons.persons + ":1: no data rows after the header"))
      << error_of(no_persons);
  TempDir dir3;
  const auto empty = write(dir3, "# nothing\n", kPersons);
  EXPECT_TRUE(contains(error_of(empty), empty.households + ":1: expected a header line naming the columns"))
      << error_of(empty);
}

TEST(MicrodataErrors, BadQuoting) {
  TempDir dir;
  const auto open = write(dir, "household_id,county,region_type,lifted\n1,100,\"plateau,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(open), open.households + ":2: column region_type: a quoted field must end with a quote "
                                                         "on the same line"))
      << error_of(open);
  TempDir dir2;
  const auto stray = write(dir2, "household_id,county,region_type,lifted\n1,100,pla\"teau,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(stray), stray.households + ":2: column region_type: a quote inside an unquoted field"))
      << error_of(stray);
  TempDir dir3;
  const auto after = write(dir3, "household_id,county,region_type,lifted\n1,100,\"plateau\"x,1\n", kPersons);
  EXPECT_TRUE(contains(error_of(after), after.households + ":2: column region_type: expected a comma after the closing "
                                                           "quote, got 'x'"))
      << error_of(after);
}

TEST(MicrodataErrors, CountyTable) {
  const struct {
    std::string counties;
    std::string message;  // after "FILE:"
  } cases[] = {
      {"code,region_type\n100,plateau\n", "households.csv:4: column county: expected a code of COUNTIES, got '200'"},
      {"code,region_type\n100,plateau\n200,other\n",
       "households.csv:4: column region_type: expected other like county 200 in COUNTIES:3, got 'karst'"},
      {"code,region_type\n100,plateau\n# c\n200,karst\n100,plateau\n",
       "counties.csv:5: column code: expected a code not used before, got '100' (first used on line 2)"},
      {"code,region_type,industry\n100,plateau,256\n200,karst,1\n",
       "counties.csv:2: column industry: expected an integer in [0, 255] (product id), got '256'"},
      {"code,region_type,resettlement_site\n100,plateau,yes\n200,karst,1\n",
       "counties.csv:2: column resettlement_site: expected 0 or 1, got 'yes'"},
      {"code,industry\n100,1\n", "counties.csv:1: column region_type: required column missing from the header"},
      {"code,region_type\n", "counties.csv:1: no data rows after the header"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const auto t = write(dir, kHouseholds + "3,200,karst,1\n", kPersons + "3,3,50,female,healthy,farming\n");
    const std::string counties = dir.file("counties.csv", c.counties);
    std::string e = "no error";
    try {
      HouseholdStore hh;
      read_microdata_csv(t.households, t.persons, counties, hh);
    } catch (const MicrodataError& error) {
      e = error.what();
    }
    std::string expected = (dir.path / "").string() + c.message;
    if (const auto at = expected.find("COUNTIES"); at != std::string::npos) expected.replace(at, 8, counties);
    EXPECT_TRUE(contains(e, expected)) << e << "\n  expected: " << expected;
  }
}

TEST(MicrodataErrors, MissingFile) {
  TempDir dir;
  const std::string e = error_of({(dir.path / "nope.csv").string(), (dir.path / "persons.csv").string()});
  EXPECT_TRUE(contains(e, (dir.path / "nope.csv").string() + ": cannot read: ")) << e;
}

}  // namespace
}  // namespace povsim

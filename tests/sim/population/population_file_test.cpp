#include "sim/population/population_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include "models/synthetic_population.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

HouseholdStore synthetic(std::size_t n) {
  SyntheticPopulation::Params p;
  p.households = n;
  HouseholdStore hh;
  SyntheticPopulation(p).generate(hh, StreamFactory(7, 0));
  return hh;
}

// Saving and reading back gives the same store, column for column (amounts go through yuan/year
// and back exactly).
TEST(PopulationFile, RoundTripIsExact) {
  const TempDir dir;
  HouseholdStore hh = synthetic(3000);
  hh.weight[5] = 2.5f;
  hh.person_flags[hh.first_person[7]] |= person_flag::unemployed;
  hh.work[hh.first_person[7]] = Work::migrant;
  write_population_file(dir.file("pop.h5"), hh, PopulationFileInfo{"test", "synthetic"}, nullptr);
  HouseholdStore back;
  read_population_file(dir.file("pop.h5"), back);
  ASSERT_EQ(back.size(), hh.size());
  ASSERT_EQ(back.person_count(), hh.person_count());
  EXPECT_EQ(back.first_person, hh.first_person);
  EXPECT_EQ(back.county, hh.county);
  EXPECT_EQ(back.flags, hh.flags);
  EXPECT_EQ(back.weight, hh.weight);
  EXPECT_EQ(back.operating_base, hh.operating_base);
  EXPECT_EQ(back.industry_subsidy, hh.industry_subsidy);
  EXPECT_EQ(back.transfer[2], hh.transfer[2]);
  EXPECT_EQ(back.savings, hh.savings);
  EXPECT_EQ(back.age, hh.age);
  EXPECT_EQ(back.education, hh.education);
  EXPECT_EQ(back.person_flags, hh.person_flags);
  EXPECT_EQ(back.wage, hh.wage);
  ASSERT_EQ(back.counties.size(), hh.counties.size());
  for (std::size_t c = 0; c < hh.counties.size(); ++c) {
    EXPECT_EQ(back.counties[c].code, hh.counties[c].code);
    EXPECT_EQ(back.counties[c].industry, hh.counties[c].industry);
    EXPECT_EQ(back.counties[c].resettlement_site, hh.counties[c].resettlement_site);
  }
}

// A bad value in a population file is reported with the file, the dataset and the row.
TEST(PopulationFile, BadValuesNameDatasetAndRow) {
  const TempDir dir;
  HouseholdStore hh = synthetic(100);
  hh.age[hh.first_person[3]] = 130;
  write_population_file(dir.file("bad.h5"), hh, PopulationFileInfo{"test", "synthetic"}, nullptr);
  HouseholdStore back;
  try {
    read_population_file(dir.file("bad.h5"), back);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.h5: /persons/age[" + std::to_string(hh.first_person[3]) + "]: expected an age 0-120, got 130"),
              std::string::npos)
        << m;
  }
  EXPECT_THROW(read_population_file(dir.file("missing.h5"), back), std::runtime_error);
  EXPECT_THROW(read_population_file(dir.file("text.h5", "not hdf5"), back), std::runtime_error);
}

TEST(PopulationFile, LoadPopulationExplainsWhatItNeeds) {
  const TempDir dir;
  try {
    load_population(dir.file("households.csv", "household_id\n1\n"));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--persons"), std::string::npos) << e.what();
  }
  try {
    load_population(dir.path.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("expected persons.csv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace povsim

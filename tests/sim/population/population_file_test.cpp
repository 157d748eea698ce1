#include "sim/population/population_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

#include "models/synthetic_population.hpp"
#include "population_test_support.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/population/population_schema.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

const std::string kExampleDir = std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata";

HouseholdStore synthetic(std::size_t n) {
  SyntheticPopulation::Params p;
  p.households = n;
  p.counties = static_cast<std::uint32_t>(std::max<std::size_t>(1, n / 50));  // 50 households a county
  HouseholdStore hh;
  SyntheticPopulation(p).generate(hh, StreamFactory(7, 0));
  hh.count_alive(0, hh.size());  // as the reader sets it
  return hh;
}

std::string write(const TempDir& dir, const HouseholdStore& hh, const std::string& name = "pop.h5") {
  const std::string path = dir.file(name);
  write_population_file(path, hh, PopulationFileInfo{"test", "synthetic"}, nullptr);
  return path;
}

std::string error_of(const std::string& path) {
  HouseholdStore hh;
  try {
    read_population_file(path, hh);
  } catch (const PopulationError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The file at `path` reads back to `hh`: every column and every county, bit for bit.
void expect_reads_back(const std::string& path, HouseholdStore& hh) {
  HouseholdStore back;
  read_population_file(path, back);
  EXPECT_EQ(column_bytes(back), column_bytes(hh));
  EXPECT_EQ(county_text(back), county_text(hh));
}

// Saving and reading back gives the same store, column for column and bit for bit (amounts go
// through yuan/year and back exactly), counties with their industries included.
TEST(PopulationFile, RoundTripIsExact) {
  const TempDir dir;
  HouseholdStore hh = synthetic(3000);
  hh.weight[5] = 2.5f;
  hh.person_flags[hh.first_person[7]] |= person_flag::unemployed;
  hh.work[hh.first_person[7]] = Work::migrant;
  HouseholdStore back;
  read_population_file(write(dir, hh), back);
  ASSERT_EQ(back.size(), hh.size());
  EXPECT_EQ(column_bytes(back), column_bytes(hh));
  EXPECT_EQ(county_text(back), county_text(hh));
  int with_industry = 0;
  for (const County& c : back.counties) with_industry += c.industry > 0;
  EXPECT_EQ(with_industry, static_cast<int>(back.counties.size()));
}

// Microdata read from CSV (counties with their industries) round-trips through a population file.
TEST(PopulationFile, MicrodataRoundTripKeepsCountyIndustries) {
  const TempDir dir;
  HouseholdStore hh = load_population(kExampleDir);
  HouseholdStore back = load_population(write(dir, hh));
  EXPECT_EQ(column_bytes(back), column_bytes(hh));
  EXPECT_EQ(county_text(back), county_text(hh));
  EXPECT_EQ(back.counties[0].industry, 2);
}

// The writer writes every column of the schema, with its units and description; the reader reads
// them all (the round trip above), so the two cannot drift apart.
TEST(PopulationFile, WritesEverySchemaColumn) {
  const TempDir dir;
  const std::string path = write(dir, synthetic(50));
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int t = 0; t < schema::kTables; ++t)
    for (const schema::Column& c : schema::columns(static_cast<schema::Table>(t))) {
      std::string p = "/";
      p.append(schema::kTableNames[t]).append("/").append(c.name);
      ASSERT_GT(H5Lexists(f, p.c_str(), H5P_DEFAULT), 0) << p;
      const hid_t ds = H5Dopen2(f, p.c_str(), H5P_DEFAULT);
      EXPECT_GT(H5Aexists(ds, "units"), 0) << p;
      EXPECT_GT(H5Aexists(ds, "description"), 0) << p;
      EXPECT_EQ(H5Aexists(ds, "categories") > 0, c.kind == schema::Kind::category) << p;
      H5Dclose(ds);
    }
  H5Fclose(f);
}

// Every column of the tables is chunked (64 Ki values, fewer for a shorter table) and compressed
// with shuffle and deflate; a population with more persons than a chunk holds (a ragged last
// chunk, a chunk starting inside a household) still round-trips bit for bit.
TEST(PopulationFile, ColumnsAreChunkedAndCompressed) {
  const TempDir dir;
  HouseholdStore hh = synthetic(30000);
  ASSERT_GT(hh.person_count(), h5::kColumnChunk);
  const std::string path = write(dir, hh);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int t = 0; t < schema::kTables; ++t)
    for (const schema::Column& c : schema::columns(static_cast<schema::Table>(t))) {
      std::string p = "/";
      p.append(schema::kTableNames[t]).append("/").append(c.name);
      const hid_t ds = H5Dopen2(f, p.c_str(), H5P_DEFAULT);
      const hid_t space = H5Dget_space(ds);
      const hsize_t rows = static_cast<hsize_t>(H5Sget_simple_extent_npoints(space));
      const hid_t create = H5Dget_create_plist(ds);
      ASSERT_EQ(H5Pget_layout(create), H5D_CHUNKED) << p;
      hsize_t chunk = 0;
      ASSERT_EQ(H5Pget_chunk(create, 1, &chunk), 1) << p;
      EXPECT_EQ(chunk, std::min(rows, h5::kColumnChunk)) << p;
      ASSERT_EQ(H5Pget_nfilters(create), 2) << p;
      unsigned flags = 0, level = 0;
      std::size_t values = 1;
      EXPECT_EQ(H5Pget_filter2(create, 0, &flags, &values, &level, 0, nullptr, nullptr), H5Z_FILTER_SHUFFLE) << p;
      values = 1;
      EXPECT_EQ(H5Pget_filter2(create, 1, &flags, &values, &level, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE) << p;
      EXPECT_EQ(level, h5::kColumnDeflateLevel) << p;
      H5Pclose(create);
      H5Sclose(space);
      H5Dclose(ds);
    }
  H5Fclose(f);
  expect_reads_back(path, hh);
}

// Files written before the columns were compressed (contiguous, unfiltered datasets) read as
// before: the same store.
TEST(PopulationFile, ContiguousFilesAreStillRead) {
  const TempDir dir;
  HouseholdStore hh = synthetic(3000);
  const std::string path = write(dir, hh);
  for (const char* group : {"/households", "/persons", "/counties"}) make_contiguous(path, group);
  {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t ds = H5Dopen2(f, "/persons/age", H5P_DEFAULT);
    const hid_t create = H5Dget_create_plist(ds);
    EXPECT_EQ(H5Pget_layout(create), H5D_CONTIGUOUS);
    H5Pclose(create);
    H5Dclose(ds);
    H5Fclose(f);
  }
  expect_reads_back(path, hh);
}

// Canonical order: the same rows in any order (every table shuffled, ids kept) give the same store.
TEST(PopulationFile, SameDataInAnyRowOrderGivesTheSameStore) {
  const TempDir dir;
  HouseholdStore hh = synthetic(500);
  const std::string path = write(dir, hh);
  std::mt19937 rng(3);
  for (const auto& [group, rows] : {std::pair<std::string, std::size_t>{"/households", hh.size()},
                                    {"/persons", hh.person_count()},
                                    {"/counties", hh.counties.size()}}) {
    std::vector<std::size_t> order(rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    reorder_rows(path, group, order);
  }
  ASSERT_NE(read_dataset(path, "/households/household_id")[0], 0.0);  // reordered indeed
  expect_reads_back(path, hh);
}

// Wider or other numeric types are read when every value converts exactly: int32 ages, float32
// incomes, h5py's booleans (an enum over int8) for flags; a survey weight of 1e-4 as in CSV;
// without /counties, counties come from the households (no industry).
TEST(PopulationFile, OtherTypesWhoseValuesFitAreRead) {
  const TempDir dir;
  HouseholdStore hh = synthetic(200);
  const std::string path = write(dir, hh);
  std::vector<std::int32_t> age(hh.age.begin(), hh.age.begin() + hh.person_count());
  replace_dataset(path, "/persons/age", H5T_NATIVE_INT32, age);
  std::vector<float> operating(hh.size());
  for (std::size_t h = 0; h < hh.size(); ++h) operating[h] = 12.0f * hh.operating_base[h];
  replace_dataset(path, "/households/operating_income", H5T_NATIVE_FLOAT, operating);
  std::vector<double> weight(hh.size(), 1.0);
  weight[3] = 1e-4;
  replace_dataset(path, "/households/weight", H5T_NATIVE_DOUBLE, weight);
  {
    const hid_t boolean = H5Tenum_create(H5T_NATIVE_INT8);
    std::int8_t value = 0;
    H5Tenum_insert(boolean, "FALSE", &value);
    value = 1;
    H5Tenum_insert(boolean, "TRUE", &value);
    std::vector<std::int8_t> lifted(hh.size());
    for (std::size_t h = 0; h < hh.size(); ++h) lifted[h] = (hh.flags[h] & household_flag::lifted) != 0;
    replace_dataset(path, "/households/lifted", boolean, lifted);
    H5Tclose(boolean);
  }
  remove_object(path, "/counties");
  HouseholdStore back;
  read_population_file(path, back);
  EXPECT_EQ(back.age, hh.age);
  EXPECT_EQ(back.flags, hh.flags);
  EXPECT_FLOAT_EQ(back.weight[3], 1e-4f);
  for (std::size_t h = 0; h < hh.size(); ++h) EXPECT_FLOAT_EQ(back.operating_base[h], hh.operating_base[h]);
  // One county per code the households name, without industry; sites are ordinary counties then.
  ASSERT_GT(back.counties.size(), 1u);
  ASSERT_LE(back.counties.size(), hh.counties.size());
  for (const County& c : back.counties) {
    EXPECT_EQ(c.industry, 0);
    EXPECT_FALSE(c.resettlement_site);
  }
  for (std::size_t h = 0; h < hh.size(); ++h) EXPECT_EQ(back.counties[back.county[h]].code, hh.counties[hh.county[h]].code);
}

// Each kind of bad value or inconsistency is an error naming the file, the dataset and the row,
// with what was expected and what was found. `edit` changes a valid file of the population `hh`.
struct Case {
  std::string name;
  std::function<void(const std::string& path, const HouseholdStore& hh)> edit;
  std::string message;  // after "FILE: "
};

void expect_errors(const std::vector<Case>& cases, const HouseholdStore& hh) {
  for (const Case& c : cases) {
    const TempDir dir;
    const std::string path = write(dir, hh);
    c.edit(path, hh);
    const std::string e = error_of(path);
    EXPECT_TRUE(contains(e, path + ": " + c.message)) << c.name << ": " << e << "\n  expected: " << c.message;
    EXPECT_EQ(e.find('\n'), std::string::npos) << c.name;
  }
}

template <class T>
std::vector<T> persons_of(const HouseholdStore& hh, T value, std::size_t row) {
  std::vector<T> v(hh.person_count(), T{30});
  v[row] = value;
  return v;
}

TEST(PopulationFileErrors, ValuesThatDoNotConvertExactly) {
  const HouseholdStore hh = synthetic(300);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = hh.size();
  auto ids = [&](double bad) {
    std::vector<double> v(n);
    std::iota(v.begin(), v.end(), 0.0);
    v[4] = bad;
    return v;
  };
  const std::vector<Case> cases = {
      {"negative int8 age", [&](auto& p, auto&) { replace_dataset(p, "/persons/age", H5T_NATIVE_INT8, persons_of<std::int8_t>(hh, -5, 1)); },
       "/persons/age[1]: expected an integer in [0, 120] (years), got -5"},
      {"fractional age", [&](auto& p, auto&) { replace_dataset(p, "/persons/age", H5T_NATIVE_DOUBLE, persons_of<double>(hh, 40.7, 2)); },
       "/persons/age[2]: expected an integer in [0, 120] (years), got 40.7"},
      {"fractional float32 age", [&](auto& p, auto&) { replace_dataset(p, "/persons/age", H5T_NATIVE_FLOAT, persons_of<float>(hh, 40.7f, 2)); },
       "/persons/age[2]: expected an integer in [0, 120] (years), got 40.7"},
      {"NaN age", [&](auto& p, auto&) { replace_dataset(p, "/persons/age", H5T_NATIVE_DOUBLE, persons_of<double>(hh, nan, 3)); },
       "/persons/age[3]: expected an integer in [0, 120] (years), got nan"},
      {"uint16 age 300", [&](auto& p, auto&) { replace_dataset(p, "/persons/age", H5T_NATIVE_UINT16, persons_of<std::uint16_t>(hh, 300, 0)); },
       "/persons/age[0]: expected an integer in [0, 120] (years), got 300"},
      {"NaN wage", [&](auto& p, auto&) { replace_dataset(p, "/persons/wage_income", H5T_NATIVE_DOUBLE, persons_of<double>(hh, nan, 5)); },
       "/persons/wage_income[5]: expected a number in [0, 1e+08] (yuan per year), got nan"},
      {"infinite savings",
       [&](auto& p, auto&) { replace_dataset(p, "/households/savings", H5T_NATIVE_DOUBLE, std::vector<double>(n, HUGE_VAL)); },
       "/households/savings[0]: expected a number in [-1e+08, 1e+09] (yuan), got inf"},
      {"lifted -1",
       [&](auto& p, auto&) {
         std::vector<std::int8_t> v(n, 1);
         v[6] = -1;
         replace_dataset(p, "/households/lifted", H5T_NATIVE_INT8, v);
       },
       "/households/lifted[6]: expected 0 or 1, got -1"},
      {"household_id 0.5", [&](auto& p, auto&) { replace_dataset(p, "/households/household_id", H5T_NATIVE_DOUBLE, ids(0.5)); },
       "/households/household_id[4]: expected an integer in [0, 9223372036854775807], got 0.5"},
      {"negative household_id",
       [&](auto& p, auto&) {
         std::vector<std::int64_t> v(n);
         std::iota(v.begin(), v.end(), 0);
         v[4] = -1;
         replace_dataset(p, "/households/household_id", H5T_NATIVE_INT64, v);
       },
       "/households/household_id[4]: expected an integer in [0, 9223372036854775807], got -1"},
      {"person_id 2^63",
       [&](auto& p, auto&) {
         std::vector<std::uint64_t> v(hh.person_count());
         std::iota(v.begin(), v.end(), 0);
         v[7] = std::uint64_t{1} << 63;
         replace_dataset(p, "/persons/person_id", H5T_NATIVE_UINT64, v);
       },
       "/persons/person_id[7]: expected an integer in [0, 9223372036854775807], got 9223372036854775808"},
      {"region code 4",
       [&](auto& p, auto&) {
         std::vector<std::uint8_t> v(n, 3);
         v[8] = 4;
         replace_dataset(p, "/households/region_type", H5T_NATIVE_UINT8, v);
       },
       "/households/region_type[8]: expected a code in [0, 3] (plateau, transition_belt, karst, other), got 4"},
      {"weight 0",
       [&](auto& p, auto&) {
         std::vector<double> v(n, 1.0);
         v[9] = 0;
         replace_dataset(p, "/households/weight", H5T_NATIVE_DOUBLE, v);
       },
       "/households/weight[9]: expected a number in (0, 1e+07] (households), got 0"},
      {"weight 1e-40",
       [&](auto& p, auto&) {
         std::vector<double> v(n, 1.0);
         v[9] = 1e-40;
         replace_dataset(p, "/households/weight", H5T_NATIVE_DOUBLE, v);
       },
       "/households/weight[9]: expected a number in (0, 1e+07] of at least 1.17549e-38 (households), got 1e-40"},
      {"industry 256",
       [&](auto& p, auto& h) {
         std::vector<std::int32_t> v(h.counties.size(), 1);
         v[0] = 256;
         replace_dataset(p, "/counties/industry", H5T_NATIVE_INT32, v);
       },
       "/counties/industry[0]: expected an integer in [0, 255] (product id), got 256"},
  };
  expect_errors(cases, hh);
}

TEST(PopulationFileErrors, DatasetsThatDoNotFitTheTable) {
  const HouseholdStore hh = synthetic(300);
  const std::size_t k = hh.counties.size(), n = hh.size();
  const std::vector<Case> cases = {
      {"short industry",
       [&](auto& p, auto&) { replace_dataset(p, "/counties/industry", H5T_NATIVE_UINT8, std::vector<std::uint8_t>(k - 1, 1)); },
       "/counties/industry: expected " + std::to_string(k) + " rows as /counties/code, got " + std::to_string(k - 1)},
      {"long savings",
       [&](auto& p, auto&) { replace_dataset(p, "/households/savings", H5T_NATIVE_DOUBLE, std::vector<double>(n + 1, 0.0)); },
       "/households/savings: expected " + std::to_string(n) + " rows as /households/household_id, got " +
           std::to_string(n + 1)},
      {"missing sex", [](auto& p, auto&) { remove_object(p, "/persons/sex"); }, "/persons/sex: required dataset missing"},
      {"missing persons", [](auto& p, auto&) { remove_object(p, "/persons"); }, "/persons: required group missing"},
      {"no households",
       [](auto& p, auto&) {
         remove_object(p, "/households");
         const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
         H5Gclose(H5Gcreate2(f, "/households", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
         H5Fclose(f);
         for (const char* d : {"/households/household_id", "/households/county", "/households/region_type", "/households/lifted"})
           replace_dataset(p, d, H5T_NATIVE_UINT8, std::vector<std::uint8_t>{});
       },
       "/households: no rows"},
      {"two-dimensional age",
       [&](auto& p, auto&) {
         remove_object(p, "/persons/age");
         const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
         const hsize_t dims[2] = {hh.person_count(), 1};
         const hid_t space = H5Screate_simple(2, dims, nullptr);
         H5Dclose(H5Dcreate2(f, "/persons/age", H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
         H5Sclose(space);
         H5Fclose(f);
       },
       "/persons/age: expected a one-dimensional dataset, got 2 dimensions"},
      {"text work",
       [&](auto& p, auto&) {
         remove_object(p, "/persons/work");
         const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
         const hid_t type = H5Tcopy(H5T_C_S1);
         H5Tset_size(type, 8);
         const hsize_t m = hh.person_count();
         const hid_t space = H5Screate_simple(1, &m, nullptr);
         H5Dclose(H5Dcreate2(f, "/persons/work", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
         H5Sclose(space);
         H5Tclose(type);
         H5Fclose(f);
       },
       "/persons/work: expected an integer or floating-point dataset (a code in [0, 6] (child, student, farming, "
       "local_wage, migrant, not_working, retired)), got another type"},
      {"other category names",
       [&](auto& p, auto& h) {
         std::vector<std::uint8_t> sex(h.person_count(), 0);
         replace_dataset(p, "/persons/sex", H5T_NATIVE_UINT8, sex);
         const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
         const hid_t ds = H5Dopen2(f, "/persons/sex", H5P_DEFAULT);
         h5::attr_strings(ds, "categories", {"female", "male"});
         H5Dclose(ds);
         H5Fclose(f);
       },
       "/persons/sex: expected the attribute categories to be (male, female), got (female, male)"},
      {"category names with a line break",
       [&](auto& p, auto&) {
         const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
         const hid_t ds = H5Dopen2(f, "/persons/health", H5P_DEFAULT);
         H5Adelete(ds, "categories");
         h5::attr_strings(ds, "categories", {"healthy", "chronic\nill", "disabled"});
         H5Dclose(ds);
         H5Fclose(f);
       },
       "/persons/health: expected the attribute categories to be (healthy, chronic, disabled), got (healthy, "
       "chronic\\x0aill, disabled)"},
  };
  expect_errors(cases, hh);
}

TEST(PopulationFileErrors, RowsAndTablesThatDoNotAgree) {
  HouseholdStore hh = synthetic(300);
  const std::size_t n = hh.size(), m = hh.person_count();
  auto household_ids = [&](std::size_t row, std::uint64_t id) {
    std::vector<std::uint64_t> v(n);
    std::iota(v.begin(), v.end(), 0);
    v[row] = id;
    return v;
  };
  auto person_households = [&] {
    std::vector<std::uint64_t> v(m);
    for (std::size_t h = 0; h < n; ++h)
      for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) v[q] = h;
    return v;
  };
  const std::uint32_t code = hh.counties[hh.county[10]].code;
  const std::string region = std::string(kRegionTypeNames[static_cast<int>(hh.region[10])]);
  const auto other = static_cast<std::uint8_t>((static_cast<int>(hh.region[10]) + 1) % kRegionTypes);
  std::size_t first_of_county = 0;
  while (hh.county[first_of_county] != hh.county[10]) ++first_of_county;
  auto regions = [&] {
    std::vector<std::uint8_t> v(n);
    for (std::size_t h = 0; h < n; ++h) v[h] = static_cast<std::uint8_t>(hh.region[h]);
    v[10] = other;
    return v;
  };
  const std::vector<Case> cases = {
      {"duplicate household id",
       [&](auto& p, auto&) { replace_dataset(p, "/households/household_id", H5T_NATIVE_UINT64, household_ids(5, 2)); },
       "/households/household_id[5]: expected an id not used before, got 2 (first used on row 2)"},
      {"duplicate person id",
       [&](auto& p, auto&) {
         std::vector<std::uint64_t> v(m);
         std::iota(v.begin(), v.end(), 0);
         v[9] = 4;
         replace_dataset(p, "/persons/person_id", H5T_NATIVE_UINT64, v);
       },
       "/persons/person_id[9]: expected an id not used before, got 4 (first used on row 4)"},
      {"person of no household",
       [&](auto& p, auto&) {
         auto v = person_households();
         v[3] = 999999;
         replace_dataset(p, "/persons/household_id", H5T_NATIVE_UINT64, v);
       },
       "/persons/household_id[3]: expected a household_id of /households, got 999999"},
      {"household without persons",
       [&](auto& p, auto&) {
         auto v = person_households();
         for (auto& h : v)
           if (h == 7) h = 8;
         replace_dataset(p, "/persons/household_id", H5T_NATIVE_UINT64, v);
       },
       "/households[7]: household 7 has no persons in /persons"},
      {"household of 256 persons",
       [&](auto& p, auto&) {
         auto v = person_households();
         std::fill(v.begin(), v.begin() + 256, 0);
         replace_dataset(p, "/persons/household_id", H5T_NATIVE_UINT64, v);
       },
       "/persons[255]: household 0 (" + std::string("PATH") + ": /households[0]) has more than 255 persons"},
      {"county not in /counties",
       [&](auto& p, auto&) {
         std::vector<std::uint32_t> v(n);
         for (std::size_t h = 0; h < n; ++h) v[h] = hh.counties[hh.county[h]].code;
         v[11] = 99999;
         replace_dataset(p, "/households/county", H5T_NATIVE_UINT32, v);
       },
       "/households/county[11]: expected a code of /counties, got 99999"},
      {"region unlike /counties",
       [&](auto& p, auto&) { replace_dataset(p, "/households/region_type", H5T_NATIVE_UINT8, regions()); },
       "/households/region_type[10]: expected " + region + " like county " + std::to_string(code) + " in PATH: /counties[" +
           std::to_string(hh.county[10]) + "], got " + std::string(kRegionTypeNames[other])},
      {"region unlike the county's first household",
       [&](auto& p, auto&) {
         remove_object(p, "/counties");
         replace_dataset(p, "/households/region_type", H5T_NATIVE_UINT8, regions());
       },
       "/households/region_type[10]: expected " + region + " like county " + std::to_string(code) + " on row " +
           std::to_string(first_of_county) + ", got " + std::string(kRegionTypeNames[other])},
      {"duplicate county code",
       [&](auto& p, auto& h) {
         std::vector<std::uint32_t> v(h.counties.size());
         for (std::size_t c = 0; c < v.size(); ++c) v[c] = h.counties[c].code;
         v.back() = v.front();
         replace_dataset(p, "/counties/code", H5T_NATIVE_UINT32, v);
       },
       "/counties/code[" + std::to_string(hh.counties.size() - 1) + "]: expected a code not used before, got " +
           std::to_string(hh.counties[0].code) + " (first used on row 0)"},
  };
  ASSERT_LT(first_of_county, 10u);  // the county has a household before 10
  // PATH: the file, in messages that name another table's row.
  for (const Case& c : cases) {
    const TempDir dir;
    const std::string path = write(dir, hh);
    c.edit(path, hh);
    std::string expected = path + ": " + c.message;
    if (const auto at = expected.find("PATH"); at != std::string::npos) expected.replace(at, 4, path);
    const std::string e = error_of(path);
    EXPECT_TRUE(contains(e, expected)) << c.name << ": " << e << "\n  expected: " << expected;
  }
}

// The checks across the columns of a row (population_schema.cpp's row rules), from a store the
// writer saves as it is.
TEST(PopulationFileErrors, RowRules) {
  const TempDir dir;
  const HouseholdStore base = synthetic(300);
  std::size_t farmer = 0;
  while (base.work[farmer] != Work::farming) ++farmer;
  std::size_t without = 0;
  while (base.dependence[without] != Dependence::none) ++without;
  {
    HouseholdStore hh = base;
    hh.wage[farmer] = 100;
    EXPECT_TRUE(contains(error_of(write(dir, hh)),
                         "/persons/wage_income[" + std::to_string(farmer) +
                             "]: expected 0 for work farming (only local_wage and migrant earn wages), got 1200"))
        << error_of(write(dir, hh));
  }
  {
    HouseholdStore hh = base;
    hh.person_flags[farmer] |= person_flag::unemployed;
    EXPECT_TRUE(contains(error_of(write(dir, hh)), "/persons/unemployed[" + std::to_string(farmer) +
                                                       "]: expected 0 for work farming (only local_wage and migrant "
                                                       "workers can be unemployed), got 1"))
        << error_of(write(dir, hh));
  }
  {
    HouseholdStore hh = base;
    hh.industry_subsidy[without] = 250.5f;
    EXPECT_TRUE(contains(error_of(write(dir, hh)), "/households/industry_subsidy[" + std::to_string(without) +
                                                       "]: expected 0 when industry_dependence is none (or empty), "
                                                       "got 3006"))
        << error_of(write(dir, hh));
  }
}

TEST(PopulationFile, ReadingKeepsTheStoreOnError) {
  const TempDir dir;
  HouseholdStore hh = synthetic(100);
  hh.age[hh.first_person[3]] = 130;
  HouseholdStore back = synthetic(20);
  EXPECT_THROW(read_population_file(write(dir, hh, "bad.h5"), back), PopulationError);
  EXPECT_EQ(back.size(), 20u);
  EXPECT_TRUE(contains(error_of(dir.file("bad.h5")), "bad.h5: /persons/age[" + std::to_string(hh.first_person[3]) +
                                                        "]: expected an integer in [0, 120] (years), got 130"));
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
  EXPECT_THROW(load_population(kExampleDir, "", "counties.csv"), PopulationError);
  EXPECT_THROW(load_population(write(dir, synthetic(20)), "", "counties.csv"), PopulationError);
}

}  // namespace
}  // namespace povsim

// Malformed HDF5 population files (docs/population.md, "Population files (HDF5)"): the real
// binary, given a population file with one thing wrong, exits 2 with one stderr line naming the
// file, the dataset and the row, and writes no output. Nothing is coerced: a value that does not
// convert exactly to its column's type and range is an error. Unusual but valid files (other
// integer and float types whose values fit, big-endian data, h5py booleans, rows in any order)
// must keep running. The files are written here with the HDF5 C API, dataset by dataset.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "malformed/malformed_support.hpp"

namespace povsim::malformed {
namespace {

using povsim::testing::TempDir;

// One dataset: its HDF5 type (file and memory alike) and its values as raw bytes.
struct Column {
  hid_t type;
  std::vector<unsigned char> bytes;
  hsize_t rows;
};

// A population file as a map from dataset path to content; write() creates the groups.
struct Population {
  std::map<std::string, Column> datasets;

  template <class T>
  void set(const std::string& path, hid_t type, const std::vector<T>& values) {
    Column c{type, std::vector<unsigned char>(values.size() * sizeof(T)), values.size()};
    if (!values.empty()) std::memcpy(c.bytes.data(), values.data(), c.bytes.size());
    EXPECT_EQ(H5Tget_size(type), sizeof(T)) << path;
    datasets[path] = std::move(c);
  }
  void erase(const std::string& path) { EXPECT_EQ(datasets.erase(path), 1u) << path; }

  void write(const std::string& file) const {
    const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (const auto& [path, c] : datasets) {
      const hid_t space = H5Screate_simple(1, &c.rows, nullptr);
      const hid_t ds = H5Dcreate2(f, path.c_str(), c.type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      EXPECT_GE(ds, 0) << path;
      if (c.rows > 0) H5Dwrite(ds, c.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.bytes.data());
      H5Dclose(ds);
      H5Sclose(space);
    }
    H5Pclose(lcpl);
    H5Fclose(f);
  }
};

// A small valid population: 2 counties, 3 households, 5 persons (household 3 has persons 13, 14).
Population valid() {
  Population p;
  p.set<std::uint32_t>("/counties/code", H5T_NATIVE_UINT32, {101, 102});
  p.set<std::uint8_t>("/counties/region_type", H5T_NATIVE_UINT8, {0, 2});
  p.set<std::uint8_t>("/counties/industry", H5T_NATIVE_UINT8, {2, 0});
  p.set<std::uint8_t>("/counties/resettlement_site", H5T_NATIVE_UINT8, {0, 1});
  p.set<std::uint64_t>("/households/household_id", H5T_NATIVE_UINT64, {1, 2, 3});
  p.set<std::uint32_t>("/households/county", H5T_NATIVE_UINT32, {101, 101, 102});
  p.set<std::uint8_t>("/households/region_type", H5T_NATIVE_UINT8, {0, 0, 2});
  p.set<std::uint8_t>("/households/lifted", H5T_NATIVE_UINT8, {1, 0, 1});
  p.set<double>("/households/weight", H5T_NATIVE_DOUBLE, {1, 2.5, 1});
  p.set<double>("/households/operating_income", H5T_NATIVE_DOUBLE, {1000, 2000, 0});
  p.set<double>("/households/industry_subsidy", H5T_NATIVE_DOUBLE, {0, 600, 0});
  p.set<std::uint8_t>("/households/industry_dependence", H5T_NATIVE_UINT8, {0, 2, 0});
  p.set<double>("/households/savings", H5T_NATIVE_DOUBLE, {100, -50, 0});
  p.set<std::uint64_t>("/persons/person_id", H5T_NATIVE_UINT64, {10, 11, 12, 13, 14});
  p.set<std::uint64_t>("/persons/household_id", H5T_NATIVE_UINT64, {1, 1, 2, 3, 3});
  p.set<std::uint8_t>("/persons/age", H5T_NATIVE_UINT8, {40, 12, 70, 30, 5});
  p.set<std::uint8_t>("/persons/sex", H5T_NATIVE_UINT8, {0, 1, 1, 0, 1});
  p.set<std::uint8_t>("/persons/health", H5T_NATIVE_UINT8, {0, 0, 1, 0, 0});
  p.set<std::uint8_t>("/persons/work", H5T_NATIVE_UINT8, {4, 1, 6, 3, 0});  // migrant student retired local_wage child
  p.set<double>("/persons/wage_income", H5T_NATIVE_DOUBLE, {20000, 0, 0, 15000, 0});
  p.set<std::uint8_t>("/persons/unemployed", H5T_NATIVE_UINT8, {0, 0, 0, 1, 0});
  return p;
}

// Runs a one-year simulation of `population` (a file), writing dir/out.h5.
Outcome run_on(const TempDir& dir, const std::string& population) {
  return run_povsim({"run", std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml", "--out",
                     (dir.path / "out.h5").string(), "--set", "horizon.end=2021-12", "--threads", "1", "--quiet",
                     "--no-progress", "--population", population},
                    dir.path);
}

// Writes `p` as dir/pop.h5, then lets `edit` change the file with the C API (for what the map
// cannot say: groups, links, attributes, shapes).
template <class Edit>
std::string write(const TempDir& dir, const Population& p, Edit&& edit) {
  const std::string file = dir.file("pop.h5");
  p.write(file);
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  edit(f);
  H5Fclose(f);
  return file;
}

// The contract: exit 2, one line naming the file and everything in `names`, no output.
template <class Edit>
void expect_bad(const Population& p, std::initializer_list<std::string> names, Edit&& edit) {
  const TempDir dir;
  const std::string file = write(dir, p, edit);
  const Outcome r = run_on(dir, file);
  expect_rejected(r, {file + ": "}, (dir.path / "out.h5").string());
  for (const auto& s : names) EXPECT_NE(r.err.find(s), std::string::npos) << "missing '" << s << "' in: " << r.err;
}
void expect_bad(const Population& p, std::initializer_list<std::string> names) {
  expect_bad(p, names, [](hid_t) {});
}

template <class Edit>
void expect_good(const Population& p, Edit&& edit) {
  const TempDir dir;
  expect_runs(run_on(dir, write(dir, p, edit)), (dir.path / "out.h5").string());
}
void expect_good(const Population& p) {
  expect_good(p, [](hid_t) {});
}

// The five ages with row `row` replaced.
template <class T>
std::vector<T> ages(std::size_t row, T value) {
  std::vector<T> v{40, 12, 70, 30, 5};
  v[row] = value;
  return v;
}

// Removes the link at `path`, for the caller to put another object there.
void remove_link(hid_t f, const char* path) { H5Ldelete(f, path, H5P_DEFAULT); }

// Writes the variable-length string attribute `categories` on dataset `path`.
void categories(hid_t f, const char* path, const std::vector<const char*>& names) {
  const hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hsize_t n = names.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t a = H5Acreate2(ds, "categories", type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, type, names.data());
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- values that do not convert exactly ---------------------------------------------------

TEST(MalformedPopulationFile, NegativeInt8Age) {
  Population p = valid();
  p.set<std::int8_t>("/persons/age", H5T_NATIVE_INT8, ages<std::int8_t>(1, -5));
  expect_bad(p, {"/persons/age[1]", "got -5"});
}
TEST(MalformedPopulationFile, FractionalDoubleAge) {
  Population p = valid();
  p.set<double>("/persons/age", H5T_NATIVE_DOUBLE, ages<double>(2, 40.7));
  expect_bad(p, {"/persons/age[2]", "got 40.7"});
}
TEST(MalformedPopulationFile, FractionalFloatAge) {
  Population p = valid();
  p.set<float>("/persons/age", H5T_NATIVE_FLOAT, ages<float>(2, 40.7f));
  expect_bad(p, {"/persons/age[2]", "got 40.7"});
}
TEST(MalformedPopulationFile, NaNAge) {
  Population p = valid();
  p.set<double>("/persons/age", H5T_NATIVE_DOUBLE, ages<double>(3, kNaN));
  expect_bad(p, {"/persons/age[3]", "got nan"});
}
TEST(MalformedPopulationFile, InfiniteAge) {
  Population p = valid();
  p.set<double>("/persons/age", H5T_NATIVE_DOUBLE, ages<double>(3, -HUGE_VAL));
  expect_bad(p, {"/persons/age[3]", "got -inf"});
}
TEST(MalformedPopulationFile, Uint16Age300) {
  Population p = valid();
  p.set<std::uint16_t>("/persons/age", H5T_NATIVE_UINT16, ages<std::uint16_t>(0, 300));
  expect_bad(p, {"/persons/age[0]", "got 300"});
}
TEST(MalformedPopulationFile, BigEndianInt32Age300) {
  Population p = valid();
  std::vector<std::int32_t> v = ages<std::int32_t>(4, 300);
  H5Tconvert(H5T_NATIVE_INT32, H5T_STD_I32BE, v.size(), v.data(), nullptr, H5P_DEFAULT);
  p.set<std::int32_t>("/persons/age", H5T_STD_I32BE, v);
  expect_bad(p, {"/persons/age[4]", "got 300"});
}
TEST(MalformedPopulationFile, Uint64AgePast32Bits) {
  Population p = valid();
  p.set<std::uint64_t>("/persons/age", H5T_NATIVE_UINT64, ages<std::uint64_t>(1, std::uint64_t{1} << 40));
  expect_bad(p, {"/persons/age[1]", "got 1099511627776"});
}
TEST(MalformedPopulationFile, Int32Age121) {
  Population p = valid();
  p.set<std::int32_t>("/persons/age", H5T_NATIVE_INT32, ages<std::int32_t>(1, 121));
  expect_bad(p, {"/persons/age[1]", "got 121", "[0, 120]"});
}
TEST(MalformedPopulationFile, LiftedMinusOne) {
  Population p = valid();
  p.set<std::int8_t>("/households/lifted", H5T_NATIVE_INT8, {1, -1, 1});
  expect_bad(p, {"/households/lifted[1]", "got -1"});
}
TEST(MalformedPopulationFile, LiftedTwo) {
  Population p = valid();
  p.set<std::uint8_t>("/households/lifted", H5T_NATIVE_UINT8, {1, 0, 2});
  expect_bad(p, {"/households/lifted[2]", "got 2"});
}
TEST(MalformedPopulationFile, LiftedMinusOneInAnH5pyBoolean) {
  Population p = valid();
  const hid_t boolean = H5Tenum_create(H5T_NATIVE_INT8);
  for (std::int8_t k : {0, 1}) H5Tenum_insert(boolean, k ? "TRUE" : "FALSE", &k);
  p.set<std::int8_t>("/households/lifted", boolean, {1, -1, 1});
  expect_bad(p, {"/households/lifted[1]", "got -1"});
}
TEST(MalformedPopulationFile, FractionalHouseholdId) {
  Population p = valid();
  p.set<double>("/households/household_id", H5T_NATIVE_DOUBLE, {1, 0.5, 3});
  expect_bad(p, {"/households/household_id[1]", "got 0.5"});
}
TEST(MalformedPopulationFile, NegativeHouseholdId) {
  Population p = valid();
  p.set<std::int64_t>("/households/household_id", H5T_NATIVE_INT64, {1, 2, -3});
  expect_bad(p, {"/households/household_id[2]", "got -3"});
}
TEST(MalformedPopulationFile, NaNPersonLink) {
  Population p = valid();
  p.set<double>("/persons/household_id", H5T_NATIVE_DOUBLE, {1, 1, kNaN, 3, 3});
  expect_bad(p, {"/persons/household_id[2]", "got nan"});
}
TEST(MalformedPopulationFile, PersonIdPastSignedSixtyFourBits) {
  Population p = valid();
  p.set<std::uint64_t>("/persons/person_id", H5T_NATIVE_UINT64, {10, 11, 12, 13, std::uint64_t{1} << 63});
  expect_bad(p, {"/persons/person_id[4]", "got 9223372036854775808"});
}
TEST(MalformedPopulationFile, NegativeCountyBlamedOnCounty) {
  Population p = valid();
  p.set<std::int32_t>("/households/county", H5T_NATIVE_INT32, {101, -7, 102});
  expect_bad(p, {"/households/county[1]", "got -7"});
}
TEST(MalformedPopulationFile, NegativeCountyWithoutCountyTable) {
  Population p = valid();
  for (const char* d : {"/counties/code", "/counties/region_type", "/counties/industry", "/counties/resettlement_site"})
    p.erase(d);
  p.set<std::int32_t>("/households/county", H5T_NATIVE_INT32, {101, -7, 102});
  expect_bad(p, {"/households/county[1]", "got -7"});
}
TEST(MalformedPopulationFile, CountyPast32Bits) {
  Population p = valid();
  p.set<std::uint64_t>("/households/county", H5T_NATIVE_UINT64, {101, 101, std::uint64_t{1} << 32});
  expect_bad(p, {"/households/county[2]", "got 4294967296"});
}
TEST(MalformedPopulationFile, RegionCodePastTheList) {
  Population p = valid();
  p.set<std::uint8_t>("/households/region_type", H5T_NATIVE_UINT8, {0, 4, 2});
  expect_bad(p, {"/households/region_type[1]", "got 4"});
}
TEST(MalformedPopulationFile, SexCodeTwo) {
  Population p = valid();
  p.set<std::uint8_t>("/persons/sex", H5T_NATIVE_UINT8, {0, 1, 2, 0, 1});
  expect_bad(p, {"/persons/sex[2]", "got 2"});
}
TEST(MalformedPopulationFile, FractionalHealthCode) {
  Population p = valid();
  p.set<float>("/persons/health", H5T_NATIVE_FLOAT, {0, 0.5f, 1, 0, 0});
  expect_bad(p, {"/persons/health[1]", "got 0.5"});
}
TEST(MalformedPopulationFile, EducationCodePastTheList) {
  Population p = valid();
  p.set<std::int16_t>("/persons/education", H5T_NATIVE_INT16, {0, 1, 5, 0, 0});
  expect_bad(p, {"/persons/education[2]", "got 5"});
}
TEST(MalformedPopulationFile, ZeroWeight) {
  Population p = valid();
  p.set<double>("/households/weight", H5T_NATIVE_DOUBLE, {1, 0, 1});
  expect_bad(p, {"/households/weight[1]", "got 0"});
}
TEST(MalformedPopulationFile, NaNWeight) {
  Population p = valid();
  p.set<float>("/households/weight", H5T_NATIVE_FLOAT, {1, 1, std::numeric_limits<float>::quiet_NaN()});
  expect_bad(p, {"/households/weight[2]", "got nan"});
}
TEST(MalformedPopulationFile, WeightThatRoundsToZeroInFloat) {
  Population p = valid();
  p.set<double>("/households/weight", H5T_NATIVE_DOUBLE, {1e-40, 1, 1});
  expect_bad(p, {"/households/weight[0]", "got 1e-40"});
}
TEST(MalformedPopulationFile, WeightAboveRange) {
  Population p = valid();
  p.set<double>("/households/weight", H5T_NATIVE_DOUBLE, {1, 1e8, 1});
  expect_bad(p, {"/households/weight[1]", "got 1e+08"});
}
TEST(MalformedPopulationFile, InfiniteSavings) {
  Population p = valid();
  p.set<double>("/households/savings", H5T_NATIVE_DOUBLE, {0, HUGE_VAL, 0});
  expect_bad(p, {"/households/savings[1]", "got inf"});
}
TEST(MalformedPopulationFile, IndustryPastEightBits) {
  Population p = valid();
  p.set<std::int32_t>("/counties/industry", H5T_NATIVE_INT32, {1, 256});
  expect_bad(p, {"/counties/industry[1]", "got 256"});
}
TEST(MalformedPopulationFile, ResettlementSiteMinusOne) {
  Population p = valid();
  p.set<std::int16_t>("/counties/resettlement_site", H5T_NATIVE_INT16, {-1, 0});
  expect_bad(p, {"/counties/resettlement_site[0]", "got -1"});
}

// ---- datasets that do not fit their table -------------------------------------------------

TEST(MalformedPopulationFile, ShortCountyIndustry) {
  Population p = valid();
  p.set<std::uint8_t>("/counties/industry", H5T_NATIVE_UINT8, {2});
  expect_bad(p, {"/counties/industry", "expected 2 rows as /counties/code, got 1"});
}
TEST(MalformedPopulationFile, ShortResettlementSite) {
  Population p = valid();
  p.set<std::uint8_t>("/counties/resettlement_site", H5T_NATIVE_UINT8, {});
  expect_bad(p, {"/counties/resettlement_site", "expected 2 rows as /counties/code, got 0"});
}
TEST(MalformedPopulationFile, LongCountyRegionType) {
  Population p = valid();
  p.set<std::uint8_t>("/counties/region_type", H5T_NATIVE_UINT8, {0, 2, 3});
  expect_bad(p, {"/counties/region_type", "expected 2 rows as /counties/code, got 3"});
}
TEST(MalformedPopulationFile, LongSavings) {
  Population p = valid();
  p.set<double>("/households/savings", H5T_NATIVE_DOUBLE, {0, 0, 0, 0});
  expect_bad(p, {"/households/savings", "expected 3 rows as /households/household_id, got 4"});
}
TEST(MalformedPopulationFile, ShortAges) {
  Population p = valid();
  p.set<std::uint8_t>("/persons/age", H5T_NATIVE_UINT8, {40, 12});
  expect_bad(p, {"/persons/age", "expected 5 rows as /persons/person_id, got 2"});
}
TEST(MalformedPopulationFile, RequiredDatasetMissing) {
  Population p = valid();
  p.erase("/persons/sex");
  expect_bad(p, {"/persons/sex: required dataset missing"});
}
TEST(MalformedPopulationFile, PersonsGroupMissing) {
  Population p = valid();
  for (const char* d : {"/persons/person_id", "/persons/household_id", "/persons/age", "/persons/sex",
                        "/persons/health", "/persons/work", "/persons/wage_income", "/persons/unemployed"})
    p.erase(d);
  expect_bad(p, {"/persons: required group missing"});
}
TEST(MalformedPopulationFile, HouseholdsIsADataset) {
  Population p = valid();
  expect_bad(p, {"/households", "expected a group"}, [](hid_t f) {
    H5Ldelete(f, "/households", H5P_DEFAULT);
    const hsize_t n = 3;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    H5Dclose(H5Dcreate2(f, "/households", H5T_NATIVE_INT32, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  });
}
TEST(MalformedPopulationFile, AgeIsAGroup) {
  expect_bad(valid(), {"/persons/age", "expected a dataset"}, [](hid_t f) {
    remove_link(f, "/persons/age");
    H5Gclose(H5Gcreate2(f, "/persons/age", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  });
}
TEST(MalformedPopulationFile, AgeIsADanglingLink) {
  expect_bad(valid(), {"/persons/age"}, [](hid_t f) {
    remove_link(f, "/persons/age");
    H5Lcreate_soft("/nowhere", f, "/persons/age", H5P_DEFAULT, H5P_DEFAULT);
  });
}
TEST(MalformedPopulationFile, AgeIsALinkIntoAMissingFile) {
  expect_bad(valid(), {"/persons/age"}, [](hid_t f) {
    remove_link(f, "/persons/age");
    H5Lcreate_external("/no/such/file.h5", "/persons/age", f, "/persons/age", H5P_DEFAULT, H5P_DEFAULT);
  });
}
TEST(MalformedPopulationFile, TwoDimensionalAge) {
  expect_bad(valid(), {"/persons/age", "one-dimensional", "2 dimensions"}, [](hid_t f) {
    remove_link(f, "/persons/age");
    const hsize_t dims[2] = {5, 1};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    H5Dclose(H5Dcreate2(f, "/persons/age", H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  });
}
TEST(MalformedPopulationFile, ScalarAge) {
  expect_bad(valid(), {"/persons/age", "one-dimensional"}, [](hid_t f) {
    remove_link(f, "/persons/age");
    const hid_t space = H5Screate(H5S_SCALAR);
    H5Dclose(H5Dcreate2(f, "/persons/age", H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  });
}
TEST(MalformedPopulationFile, TextWork) {
  expect_bad(valid(), {"/persons/work", "expected an integer or floating-point dataset"}, [](hid_t f) {
    remove_link(f, "/persons/work");
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    const hsize_t n = 5;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    H5Dclose(H5Dcreate2(f, "/persons/work", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
    H5Tclose(type);
  });
}
TEST(MalformedPopulationFile, CompoundWork) {
  expect_bad(valid(), {"/persons/work", "expected an integer or floating-point dataset"}, [](hid_t f) {
    remove_link(f, "/persons/work");
    const hid_t type = H5Tcreate(H5T_COMPOUND, 2);
    H5Tinsert(type, "a", 0, H5T_NATIVE_UINT8);
    H5Tinsert(type, "b", 1, H5T_NATIVE_UINT8);
    const hsize_t n = 5;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    H5Dclose(H5Dcreate2(f, "/persons/work", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
    H5Tclose(type);
  });
}
TEST(MalformedPopulationFile, CategoriesInAnotherOrder) {
  expect_bad(valid(), {"/persons/sex", "categories", "(female, male)"},
             [](hid_t f) { categories(f, "/persons/sex", {"female", "male"}); });
}
TEST(MalformedPopulationFile, CategoriesWithALineBreak) {
  expect_bad(valid(), {"/persons/health", "chronic\\x0aill"},
             [](hid_t f) { categories(f, "/persons/health", {"healthy", "chronic\nill", "disabled"}); });
}
TEST(MalformedPopulationFile, CategoriesThatAreNumbers) {
  expect_bad(valid(), {"/persons/sex", "the attribute categories", "strings"}, [](hid_t f) {
    const hid_t ds = H5Dopen2(f, "/persons/sex", H5P_DEFAULT);
    const hsize_t n = 2;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(ds, "categories", H5T_NATIVE_INT32, space, H5P_DEFAULT, H5P_DEFAULT);
    const std::int32_t codes[2] = {0, 1};
    H5Awrite(a, H5T_NATIVE_INT32, codes);
    H5Aclose(a);
    H5Sclose(space);
    H5Dclose(ds);
  });
}
TEST(MalformedPopulationFile, BillionsOfRowsDeclared) {
  // Chunked and never written: a few hundred bytes on disk for 3e9 rows.
  expect_bad(valid(), {"/persons/person_id", "3000000000 rows", "limit"}, [](hid_t f) {
    remove_link(f, "/persons/person_id");
    const hsize_t n = 3'000'000'000, chunk = 1 << 16;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Dclose(H5Dcreate2(f, "/persons/person_id", H5T_NATIVE_UINT64, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    H5Pclose(dcpl);
    H5Sclose(space);
  });
}

// ---- rows and tables that do not agree ----------------------------------------------------

TEST(MalformedPopulationFile, RepeatedHouseholdId) {
  Population p = valid();
  p.set<std::uint64_t>("/households/household_id", H5T_NATIVE_UINT64, {1, 2, 2});
  expect_bad(p, {"/households/household_id[2]", "got 2", "row 1"});
}
TEST(MalformedPopulationFile, PersonOfNoHousehold) {
  Population p = valid();
  p.set<std::uint64_t>("/persons/household_id", H5T_NATIVE_UINT64, {1, 1, 2, 3, 9});
  expect_bad(p, {"/persons/household_id[4]", "got 9"});
}
TEST(MalformedPopulationFile, HouseholdWithoutPersons) {
  Population p = valid();
  p.set<std::uint64_t>("/persons/household_id", H5T_NATIVE_UINT64, {1, 1, 3, 3, 3});
  expect_bad(p, {"/households[1]", "household 2 has no persons"});
}
TEST(MalformedPopulationFile, CountyNotInCountyTable) {
  Population p = valid();
  p.set<std::uint32_t>("/households/county", H5T_NATIVE_UINT32, {101, 101, 103});
  expect_bad(p, {"/households/county[2]", "got 103"});
}
TEST(MalformedPopulationFile, RegionUnlikeItsCounty) {
  Population p = valid();
  p.set<std::uint8_t>("/households/region_type", H5T_NATIVE_UINT8, {0, 0, 0});
  expect_bad(p, {"/households/region_type[2]", "/counties[1]"});
}
TEST(MalformedPopulationFile, RepeatedCountyCode) {
  Population p = valid();
  p.set<std::uint32_t>("/counties/code", H5T_NATIVE_UINT32, {101, 101});
  expect_bad(p, {"/counties/code[1]", "got 101"});
}
TEST(MalformedPopulationFile, WageOfAStudent) {
  Population p = valid();
  p.set<double>("/persons/wage_income", H5T_NATIVE_DOUBLE, {20000, 3000, 0, 15000, 0});
  expect_bad(p, {"/persons/wage_income[1]", "got 3000"});
}
TEST(MalformedPopulationFile, SubsidyWithoutDependence) {
  Population p = valid();
  p.set<std::uint8_t>("/households/industry_dependence", H5T_NATIVE_UINT8, {0, 0, 0});
  expect_bad(p, {"/households/industry_subsidy[1]", "got 600"});
}
TEST(MalformedPopulationFile, NoHouseholds) {
  Population p = valid();
  for (const char* d : {"/households/household_id", "/households/county", "/households/region_type", "/households/lifted",
                        "/households/weight", "/households/operating_income", "/households/industry_subsidy",
                        "/households/industry_dependence", "/households/savings"})
    p.set<std::uint8_t>(d, H5T_NATIVE_UINT8, {});
  expect_bad(p, {"/households: no rows"});
}

// ---- files that are not population files --------------------------------------------------

TEST(MalformedPopulationFile, TextFile) {
  const TempDir dir;
  const std::string file = dir.file("pop.h5", "household_id,county\n1,2\n");
  expect_rejected(run_on(dir, file), {file, "not an HDF5 file"}, (dir.path / "out.h5").string());
}
TEST(MalformedPopulationFile, EmptyFile) {
  const TempDir dir;
  const std::string file = dir.file("pop.h5");
  std::ofstream{file};
  expect_rejected(run_on(dir, file), {file, "not an HDF5 file"}, (dir.path / "out.h5").string());
}
TEST(MalformedPopulationFile, TruncatedFile) {
  const TempDir dir;
  const std::string file = dir.file("pop.h5");
  valid().write(file);
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
  expect_rejected(run_on(dir, file), {file}, (dir.path / "out.h5").string());
}
TEST(MalformedPopulationFile, DamagedBytes) {
  const TempDir dir;
  const std::string file = dir.file("pop.h5");
  valid().write(file);
  std::string bytes = slurp(file);
  for (std::size_t k = 600; k < bytes.size(); k += 97) bytes[k] = static_cast<char>(bytes[k] ^ 0x5a);
  std::ofstream(file, std::ios::binary) << bytes;
  const Outcome r = run_on(dir, file);
  // Some damage may hit only unused bytes; whatever it hits, the run must not crash or coerce.
  if (r.status != 0) expect_rejected(r, {file}, (dir.path / "out.h5").string());
}
TEST(MalformedPopulationFile, MissingFile) {
  const TempDir dir;
  expect_rejected(run_on(dir, dir.file("nowhere.h5")), {dir.file("nowhere.h5")}, (dir.path / "out.h5").string());
}
TEST(MalformedPopulationFile, FileNameWithANewline) {
  const TempDir dir;
  Population p = valid();
  p.set<std::int8_t>("/persons/age", H5T_NATIVE_INT8, ages<std::int8_t>(1, -5));
  const std::string file = dir.file("pop\nx.h5");
  p.write(file);
  expect_rejected(run_on(dir, file), {"pop\\x0ax.h5: /persons/age[1]", "got -5"}, (dir.path / "out.h5").string());
}

// ---- unusual but valid --------------------------------------------------------------------

TEST(MalformedPopulationFile, ValidFileRuns) { expect_good(valid()); }
TEST(MalformedPopulationFile, Int32AgesRun) {
  Population p = valid();
  p.set<std::int32_t>("/persons/age", H5T_NATIVE_INT32, ages<std::int32_t>(0, 40));
  expect_good(p);
}
TEST(MalformedPopulationFile, WholeFloatAgesAndNegativeZeroRun) {
  Population p = valid();
  p.set<double>("/persons/age", H5T_NATIVE_DOUBLE, ages<double>(4, -0.0));
  p.set<float>("/persons/sex", H5T_NATIVE_FLOAT, {0, 1, 1, 0, 1});
  expect_good(p);
}
TEST(MalformedPopulationFile, Int64IdsThatFitRun) {
  Population p = valid();
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  p.set<std::int64_t>("/households/household_id", H5T_NATIVE_INT64, {big - 2, big - 1, big});
  p.set<std::int64_t>("/persons/household_id", H5T_NATIVE_INT64, {big - 2, big - 2, big - 1, big, big});
  p.set<std::int64_t>("/persons/person_id", H5T_NATIVE_INT64, {big, 0, 1, (std::int64_t{1} << 53) + 1, 7});
  expect_good(p);
}
TEST(MalformedPopulationFile, TinyWeightRuns) {
  Population p = valid();
  p.set<double>("/households/weight", H5T_NATIVE_DOUBLE, {1e-4, 1, 1});
  expect_good(p);
}
TEST(MalformedPopulationFile, BigEndianAndH5pyBooleansRun) {
  Population p = valid();
  std::vector<std::uint32_t> codes{101, 101, 102};
  H5Tconvert(H5T_NATIVE_UINT32, H5T_STD_U32BE, codes.size(), codes.data(), nullptr, H5P_DEFAULT);
  p.set<std::uint32_t>("/households/county", H5T_STD_U32BE, codes);
  const hid_t boolean = H5Tenum_create(H5T_NATIVE_INT8);
  for (std::int8_t k : {0, 1}) H5Tenum_insert(boolean, k ? "TRUE" : "FALSE", &k);
  p.set<std::int8_t>("/households/lifted", boolean, {1, 0, 1});
  expect_good(p);
}
TEST(MalformedPopulationFile, CategoryAttributesRun) {
  expect_good(valid(), [](hid_t f) {
    categories(f, "/persons/sex", {"male", "female"});
    // Fixed-length, NUL-padded, as numpy's 'S' strings.
    const hid_t ds = H5Dopen2(f, "/counties/region_type", H5P_DEFAULT);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 16);
    const hsize_t n = 4;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(ds, "categories", type, space, H5P_DEFAULT, H5P_DEFAULT);
    char names[4][16] = {"plateau", "transition_belt", "karst", "other"};
    H5Awrite(a, type, names);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(ds);
  });
}
TEST(MalformedPopulationFile, RowsInAnyOrderRun) {
  Population p = valid();
  p.set<std::uint64_t>("/persons/person_id", H5T_NATIVE_UINT64, {14, 11, 12, 13, 10});
  p.set<std::uint64_t>("/persons/household_id", H5T_NATIVE_UINT64, {3, 1, 2, 3, 1});
  p.set<std::uint8_t>("/persons/age", H5T_NATIVE_UINT8, {5, 12, 70, 30, 40});
  p.set<std::uint8_t>("/persons/sex", H5T_NATIVE_UINT8, {1, 1, 1, 0, 0});
  p.set<std::uint8_t>("/persons/work", H5T_NATIVE_UINT8, {0, 1, 6, 3, 4});
  p.set<double>("/persons/wage_income", H5T_NATIVE_DOUBLE, {0, 0, 0, 15000, 20000});
  expect_good(p);
}
TEST(MalformedPopulationFile, WithoutCountyTableAndOptionalColumnsRun) {
  Population p = valid();
  for (const char* d : {"/counties/code", "/counties/region_type", "/counties/industry", "/counties/resettlement_site",
                        "/households/weight", "/households/savings", "/persons/wage_income", "/persons/unemployed"})
    p.erase(d);
  p.set<double>("/households/industry_subsidy", H5T_NATIVE_DOUBLE, {0, 0, 0});
  expect_good(p);
}
TEST(MalformedPopulationFile, CompressedChunkedDatasetsAndExtraObjectsRun) {
  expect_good(valid(), [](hid_t f) {
    remove_link(f, "/persons/age");
    const hsize_t n = 5, chunk = 2;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_deflate(dcpl, 6);
    const hid_t ds = H5Dcreate2(f, "/persons/age", H5T_NATIVE_UINT8, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    const std::uint8_t a[5] = {40, 12, 70, 30, 5};
    H5Dwrite(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, a);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Gclose(H5Gcreate2(f, "/notes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  });
}

}  // namespace
}  // namespace povsim::malformed

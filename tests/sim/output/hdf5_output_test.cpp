#include "sim/output/hdf5_output.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>

#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

RunResults sample_results() {
  RunResults r;
  r.years = {2021, 2022};
  r.poverty_line = {4080, 4161.6};
  r.cause_names = {"none", "illness"};
  r.households = 10;
  r.tallies.resize(1);
  for (int y = 0; y < 2; ++y) {
    YearTally t;
    t.all = HouseholdCounts{10, 8 - y, 2 + y, 3, 2 + 2 * y};
    t.by_region[2] = HouseholdCounts{4, 4, 1, 1, 1};
    t.returned_by_cause[1] = 2;
    t.at_risk_by_cause[1] = 5;
    t.income_per_capita_fen_sum = 10000000;
    r.tallies[0].push_back(t);
  }
  return r;
}

std::vector<double> read_doubles(hid_t file, const char* name, std::vector<hsize_t>& dims) {
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(ds, 0) << name;
  const hid_t space = H5Dget_space(ds);
  dims.resize(H5Sget_simple_extent_ndims(space));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<double> v(n);
  H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

TEST(Hdf5Output, RoundTripOfRatesShapesAndAttributes) {
  TempDir dir;
  const auto path = dir.file("out.h5");
  {
    Hdf5Output out(path);
    out.commit(sample_results(), RunMetadata{"9.9.9", "s.yaml", "seed: 5\n", 5, 1, "synthetic", "unit"});
  }
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  std::vector<hsize_t> dims;
  const auto ret = read_doubles(f, "/annual/return_rate", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{1, 2}));
  EXPECT_DOUBLE_EQ(ret[0], 2.0 / 8);
  EXPECT_DOUBLE_EQ(ret[1], 3.0 / 7);
  const auto cum = read_doubles(f, "/annual/cumulative_return_rate", dims);
  EXPECT_DOUBLE_EQ(cum[1], 4.0 / 10);
  const auto region = read_doubles(f, "/annual/by_region_type/return_rate", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{1, 4, 2}));
  EXPECT_DOUBLE_EQ(region[2 * 2 + 0], 0.25);  // karst, 2021
  const auto cause = read_doubles(f, "/annual/by_cause/return_rate", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{1, 2, 2}));
  EXPECT_DOUBLE_EQ(cause[1 * 2 + 0], 2.0 / 8);
  const auto line = read_doubles(f, "/annual/poverty_line", dims);
  EXPECT_DOUBLE_EQ(line[1], 4161.6);

  // Root attributes.
  const hid_t seed_attr = H5Aopen(f, "seed", H5P_DEFAULT);
  std::uint64_t seed = 0;
  H5Aread(seed_attr, H5T_NATIVE_UINT64, &seed);
  H5Aclose(seed_attr);
  EXPECT_EQ(seed, 5u);
  const hid_t yaml_attr = H5Aopen(f, "scenario_yaml", H5P_DEFAULT);
  const hid_t type = H5Aget_type(yaml_attr);
  char* text = nullptr;
  H5Aread(yaml_attr, type, &text);
  EXPECT_STREQ(text, "seed: 5\n");
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(yaml_attr);
  EXPECT_GT(H5Aexists_by_name(f, "/annual/by_region_type", "categories", H5P_DEFAULT), 0);
  EXPECT_GT(H5Aexists_by_name(f, "/annual/return_rate", "units", H5P_DEFAULT), 0);
  H5Fclose(f);
  // Only the final file remains.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);
}

TEST(Hdf5Output, UncommittedOutputLeavesNoFile) {
  TempDir dir;
  const auto path = dir.file("out.h5");
  { Hdf5Output out(path); }  // e.g. the simulation threw
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 0);
}

TEST(Hdf5Output, UnwritableDestinationFailsBeforeTheRun) {
  TempDir dir;
  try {
    Hdf5Output out(dir.path.string() + "/no/such/dir/out.h5");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Hdf5Output{dir.path.string()}, std::runtime_error);  // a directory
}

}  // namespace
}  // namespace povsim

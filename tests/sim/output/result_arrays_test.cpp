#include "sim/output/result_arrays.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstring>

#include "sim/output/hdf5_output.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

RunResults sample() {
  RunResults r;
  r.years = {2021, 2022, 2023};
  r.poverty_line = {4080, 4161.6, 4244.8};
  r.cause_names = {"none", "illness"};
  r.model_paths = {"processes.income", "policies.dibao"};
  r.counters = {CounterSpec{"/annual/monitoring", "hits", "a lagged count", "policies.early_warning", 1}};
  r.households = 10;
  r.replicate_index = {0, 1};
  r.tallies.resize(2);
  for (int rep = 0; rep < 2; ++rep)
    for (int y = 0; y < 3; ++y) {
      YearTally t;
      t.all = HouseholdCounts{10000, 8000 - 1000 * y, 2000 + rep * 1000, 3000, 2000 + 2000 * y};
      t.by_region[2] = HouseholdCounts{4000, 4000, 1000 * rep, 1000, 1000};
      t.returned_by_cause[1] = 2000;
      t.model_cost_fen[1] = 123456 * (y + 1);
      t.counters[0] = 7000 * (rep + 1) + y;
      r.tallies[rep].push_back(t);
    }
  return r;
}

// The results file holds exactly the arrays result_arrays builds, same shapes and values: the
// writer has no layout of its own.
TEST(ResultArrays, TheResultsFileHoldsExactlyTheArrays) {
  testing::TempDir dir;
  const std::string path = dir.file("out.h5");
  const RunResults res = sample();
  Hdf5Output(path).commit(res, RunMetadata{"9.9.9", "s.yaml", "seed: 5\n", 5, 1, "synthetic"});
  const ResultArrays arrays = result_arrays(res);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const ResultArray& a : arrays.arrays) {
    const std::string name = "/" + a.path;
    ASSERT_GT(H5Lexists(f, name.c_str(), H5P_DEFAULT), 0) << a.path;
    const hid_t ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t space = H5Dget_space(ds);
    std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(space));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    EXPECT_EQ(std::vector<std::size_t>(dims.begin(), dims.end()), a.shape) << a.path;
    std::vector<double> values(a.values.size());
    if (!values.empty()) H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    for (std::size_t i = 0; i < values.size(); ++i)
      EXPECT_TRUE(values[i] == a.values[i] || (std::isnan(values[i]) && std::isnan(a.values[i]))) << a.path << " " << i;
    H5Sclose(space);
    H5Dclose(ds);
  }
  H5Fclose(f);
  const ResultArray* hits = arrays.find("/annual/monitoring/hits");
  ASSERT_NE(hits, nullptr);
  EXPECT_EQ(hits->int_attribute("censored_last_years", 0), 1);
  EXPECT_TRUE(std::isnan(hits->values[2]));
  const ResultArray* by_region = arrays.find("annual/by_region_type/returned_households");
  ASSERT_NE(by_region, nullptr);
  EXPECT_EQ(arrays.categories(*by_region), (std::vector<std::string>{"plateau", "transition_belt", "karst", "other"}));
  EXPECT_EQ(by_region->shape, (std::vector<std::size_t>{2, 4, 3}));
  EXPECT_EQ(by_region->values[(1 * 4 + 2) * 3 + 0], 1.0);  // replicate 1, karst, 2021
  EXPECT_EQ(arrays.categories(*arrays.find("annual/policies/fiscal_cost")), (std::vector<std::string>{"dibao"}));
}

}  // namespace
}  // namespace povsim

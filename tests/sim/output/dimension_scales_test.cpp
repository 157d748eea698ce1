// Every axis of the run result file is a dimension scale (docs/output.md, "Dimension scales"), so
// that h5py and xarray name the axes: every dataset that is not itself a scale has each axis
// labelled and attached to exactly one scale of that name and length.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <map>

#include "sim/output/hdf5_file.hpp"
#include "sim/output/hdf5_output.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;

// Two replicates, three years, one declared counter, two causes; `policies` policies.
RunResults sample(bool with_policy) {
  RunResults r;
  r.years = {2021, 2022, 2023};
  r.poverty_line = {4080, 4161.6, 4244.8};
  r.cause_names = {"none", "illness"};
  r.model_paths = {"processes.income"};
  if (with_policy) r.model_paths.push_back("policies.dibao");
  r.counters = {CounterSpec{"/annual/monitoring", "hits", "a lagged count", "policies.early_warning", 1}};
  r.households = 10;
  r.replicate_index = {3, 4};
  r.tallies.assign(2, std::vector<YearTally>(3));
  return r;
}

std::string scale_name(hid_t scale) {
  char name[256] = {};
  return H5DSget_scale_name(scale, name, sizeof name) > 0 ? name : "";
}

// What is attached to one axis of a dataset: the scales' names and lengths.
struct Attached {
  std::vector<std::string> names;
  std::vector<hsize_t> lengths;
};
Attached attached(hid_t ds, unsigned axis) {
  Attached out;
  H5DSiterate_scales(ds, axis, nullptr,
                     [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
                       auto* a = static_cast<Attached*>(data);
                       a->names.push_back(scale_name(scale));
                       const hid_t space = H5Dget_space(scale);
                       a->lengths.push_back(static_cast<hsize_t>(H5Sget_simple_extent_npoints(space)));
                       H5Sclose(space);
                       return 0;
                     },
                     &out);
  return out;
}

// Checks every dataset of the file; returns the number of datasets whose axes were checked, and
// the scales found by name.
std::size_t check_every_axis(const std::string& path, std::map<std::string, std::string>& scales) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0);
  std::size_t checked = 0;
  for (const std::string& name : testing::dataset_paths(path)) {
    const hid_t ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    if (H5DSis_scale(ds) > 0) {
      scales[scale_name(ds)] = name;
      H5Dclose(ds);
      continue;
    }
    const hid_t space = H5Dget_space(ds);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    for (unsigned axis = 0; axis < dims.size(); ++axis) {
      char label[256] = {};
      EXPECT_GT(H5DSget_label(ds, axis, label, sizeof label), 0) << name << " axis " << axis << " has no label";
      const Attached a = attached(ds, axis);
      EXPECT_EQ(a.names.size(), 1u) << name << " axis " << axis;
      if (a.names.size() != 1) continue;
      EXPECT_EQ(a.names[0], label) << name << " axis " << axis << ": the label names the scale";
      EXPECT_EQ(a.lengths[0], dims[axis]) << name << " axis " << axis;
    }
    ++checked;
    H5Sclose(space);
    H5Dclose(ds);
  }
  H5Fclose(f);
  return checked;
}

std::vector<std::string> labels_of(const std::string& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  std::vector<std::string> labels;
  const hid_t space = H5Dget_space(ds);
  for (int axis = 0; axis < H5Sget_simple_extent_ndims(space); ++axis) {
    char label[256] = {};
    H5DSget_label(ds, unsigned(axis), label, sizeof label);
    labels.emplace_back(label);
  }
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  return labels;
}

std::vector<std::string> strings_dataset(const std::string& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  std::vector<char*> text(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  std::vector<std::string> out;
  {
    const h5::Handle type = h5::string_type();
    if (!text.empty() && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) >= 0) {
      out.assign(text.begin(), text.end());
      H5Dvlen_reclaim(type, space, H5P_DEFAULT, text.data());
    }
  }
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  return out;
}

TEST(DimensionScales, EveryAxisOfTheRunFileIsLabelledAndAttached) {
  for (const bool with_policy : {true, false}) {  // no policy enabled: the policy axis is empty
    SCOPED_TRACE(with_policy ? "one policy" : "no policy");
    TempDir dir;
    const std::string path = dir.file("out.h5");
    Hdf5Output(path).commit(sample(with_policy), RunMetadata{"9.9.9", "s.yaml", "seed: 5\n", 5, 1, "synthetic", "unit", ""});
    std::map<std::string, std::string> scales;
    const std::size_t checked = check_every_axis(path, scales);
    EXPECT_GT(checked, 30u);  // the check ran over the file's datasets, not over nothing
    EXPECT_EQ(scales, (std::map<std::string, std::string>{{"replicate", "replicate"},
                                                          {"year", "annual/year"},
                                                          {"region_type", "annual/by_region_type/region_type"},
                                                          {"cause", "annual/by_cause/cause"},
                                                          {"policy", "annual/policies/policy"}}));
    EXPECT_EQ(labels_of(path, "/annual/return_rate"), (std::vector<std::string>{"replicate", "year"}));
    EXPECT_EQ(labels_of(path, "/annual/by_region_type/return_rate"),
              (std::vector<std::string>{"replicate", "region_type", "year"}));
    EXPECT_EQ(labels_of(path, "/annual/policies/fiscal_cost"), (std::vector<std::string>{"replicate", "policy", "year"}));
    EXPECT_EQ(labels_of(path, "/annual/poverty_line"), (std::vector<std::string>{"year"}));
    EXPECT_EQ(labels_of(path, "/replicate_index"), (std::vector<std::string>{"replicate"}));
    // The scales hold the entries: the categories (also kept as the `categories` attribute), the
    // years and the replicate numbers.
    EXPECT_EQ(strings_dataset(path, "/annual/by_cause/cause"), (std::vector<std::string>{"none", "illness"}));
    EXPECT_EQ(strings_dataset(path, "/annual/by_region_type/region_type"),
              (std::vector<std::string>{"plateau", "transition_belt", "karst", "other"}));
    EXPECT_EQ(strings_dataset(path, "/annual/policies/policy"),
              with_policy ? std::vector<std::string>{"dibao"} : std::vector<std::string>{});
    EXPECT_EQ(testing::read_dataset(path, "/replicate"), (std::vector<double>{3, 4}));
    EXPECT_EQ(testing::read_dataset(path, "/annual/year"), (std::vector<double>{2021, 2022, 2023}));
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t g = H5Gopen2(f, "/annual/by_cause", H5P_DEFAULT);
    EXPECT_EQ(h5::read_strings_attr(g, "categories"), (std::vector<std::string>{"none", "illness"}));
    H5Gclose(g);
    H5Fclose(f);
  }
}

// The same over a real run: every model's declared outputs, several replicates.
TEST(DimensionScales, EveryAxisOfARealRunIsLabelledAndAttached) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const testing::CliResult r =
      testing::run_cli({"run", std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml", "--out", path,
                        "--households", "1000", "--set", "replicates=2", "--set", "horizon.end=2022-12", "--quiet",
                        "--no-progress"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::map<std::string, std::string> scales;
  EXPECT_GT(check_every_axis(path, scales), 60u);
  EXPECT_EQ(scales.size(), 5u);
}

}  // namespace
}  // namespace povsim

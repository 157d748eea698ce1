#include "sim/output/hdf5_output.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/output/hdf5_file.hpp"
#include "sim/output/result_arrays.hpp"

namespace povsim {

namespace {

using namespace h5;

void write_attribute(hid_t obj, const ResultAttribute& a) {
  if (const auto* s = std::get_if<std::string>(&a.value)) attr_string(obj, a.name.c_str(), *s);
  else if (const auto* list = std::get_if<std::vector<std::string>>(&a.value)) attr_strings(obj, a.name.c_str(), *list);
  else attr_scalar<std::int32_t>(obj, a.name.c_str(), H5T_NATIVE_INT32, std::get<std::int32_t>(a.value));
}

template <class T>
std::vector<T> converted(const std::vector<double>& values) {
  return std::vector<T>(values.begin(), values.end());
}

// The group at `path` below `parent` (relative; "" is parent itself), created where missing.
Handle group_below(hid_t parent, std::string_view path) {
  if (path.empty()) return Handle(H5Oopen(parent, ".", H5P_DEFAULT), H5Oclose, "group .");
  return open_or_create_group(parent, std::string(path));
}

// One array of result_arrays() as a dataset, in the type it names.
void write_array(hid_t parent, const ResultArray& a) {
  Handle g = group_below(parent, a.group());
  const std::string name(a.name());
  const std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
  switch (a.type) {
    case ArrayType::float64:
      dataset(g, name.c_str(), H5T_NATIVE_DOUBLE, dims, a.values, a.units, a.description);
      break;
    case ArrayType::int32:
      dataset(g, name.c_str(), H5T_NATIVE_INT32, dims, converted<std::int32_t>(a.values), a.units, a.description);
      break;
    case ArrayType::uint32:
      dataset(g, name.c_str(), H5T_NATIVE_UINT32, dims, converted<std::uint32_t>(a.values), a.units, a.description);
      break;
  }
  if (a.attributes.empty()) return;
  Handle ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + a.path);
  for (const auto& attribute : a.attributes) write_attribute(ds, attribute);
}

}  // namespace

Hdf5Output::Hdf5Output(std::string path) : file_(std::move(path)) {}

void Hdf5Output::commit(const RunResults& res, const RunMetadata& meta) {
  try {
    write(res, meta);
  } catch (const WriteError& e) {
    // The caller's message names the target, not the temporary file; the destructor removes that.
    throw std::runtime_error(e.naming(file_.path()));
  }
  file_.commit();
}

void Hdf5Output::write(const RunResults& res, const RunMetadata& meta) {
  const hid_t f = file_.id();
  attr_string(f, "povsim_version", meta.version);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, meta.seed);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, res.households);
  attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(res.tallies.size()));
  attr_string(f, "name", res.name);
  attr_string(f, "description", res.description);
  attr_string(f, "scenario_file", meta.scenario_file);
  attr_string(f, "scenario_yaml", meta.scenario_yaml);
  attr_string(f, "population", meta.population);
  attr_string(f, "weights", meta.weights);
  attr_string(f, "inputs_digest", meta.inputs_digest);
  // Which noise the replicates' spread covers (docs/output.md, "Which noise an interval covers").
  attr_string(f, "population_noise", res.population_per_replicate
                                         ? "each replicate drew its own population: intervals include population sampling"
                                         : "replicates share one population: intervals cover the shocks given it");
  attr_scalar<std::uint8_t>(f, "population_per_replicate", H5T_NATIVE_UINT8, res.population_per_replicate ? 1 : 0);
  attr_string(f, "format", "povsim-results 2 (docs/output.md)");

  write_result_arrays(f, result_arrays(res));
}

void write_result_arrays(hid_t parent, const ResultArrays& arrays) {
  // The datasets and groups: one layout, shared with in-memory readers (sim/output/result_arrays.hpp).
  for (const ResultGroup& g : arrays.groups) {
    Handle group = group_below(parent, g.path);
    for (const auto& attribute : g.attributes) write_attribute(group, attribute);
  }
  for (const ResultArray& a : arrays.arrays) write_array(parent, a);
}

}  // namespace povsim

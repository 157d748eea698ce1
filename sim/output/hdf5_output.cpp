#include "sim/output/hdf5_output.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
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

// Every axis a dimension scale (docs/output.md, "Dimension scales"): the arrays that list an
// axis's entries (/replicate, /annual/year) and each category group's string dataset become scales
// named after their axis, and every other array has each axis attached to its scale and labelled.
// Paths are relative to `parent`: a file's root, or a comparison file's /runs/K.
void attach_dimension_scales(hid_t parent, const ResultArrays& arrays) {
  std::map<std::string, Handle> scale_of_axis;
  for (const ResultArray& a : arrays.arrays)
    if (a.is_scale()) scale_of_axis.emplace(a.dimensions.front(), make_scale(parent, a.path, a.dimensions.front()));
  for (const ResultGroup& g : arrays.groups)
    if (!g.category_axis.empty())
      scale_of_axis.emplace(g.category_axis, make_scale(parent, g.path + "/" + g.category_axis, g.category_axis));
  for (const ResultArray& a : arrays.arrays) {
    if (a.is_scale()) continue;
    std::vector<hid_t> scales;
    for (const std::string& axis : a.dimensions) {
      const auto found = scale_of_axis.find(axis);
      if (found == scale_of_axis.end()) throw std::logic_error("results layout: " + a.path + ": no scale for axis " + axis);
      scales.push_back(found->second);
    }
    Handle ds(H5Dopen2(parent, a.path.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + a.path);
    attach_scales(ds, scales, a.path);
  }
}

}  // namespace

std::string inputs_digest(const std::string& inputs) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a offset basis
  for (const unsigned char c : inputs) hash = (hash ^ c) * 1099511628211ull;  // FNV prime
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("fnv1a64:") + hex;
}

std::string run_inputs_digest(const std::string& resolved_yaml, const std::string& population, std::uint32_t first,
                              std::uint32_t count) {
  return inputs_digest(resolved_yaml + "\npopulation: " + population + "\nreplicates: " + std::to_string(first) + "+" +
                       std::to_string(count));
}

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
  write_run_file(file_.id(), run_file_header(res, meta), result_arrays(res));
}

RunFileHeader run_file_header(const RunResults& res, const RunMetadata& meta) {
  RunFileHeader h;
  h.version = meta.version;
  h.seed = meta.seed;
  h.households = res.households;
  h.replicates = static_cast<std::uint32_t>(res.tallies.size());
  h.name = res.name;
  h.description = res.description;
  h.scenario_file = meta.scenario_file;
  h.scenario_yaml = meta.scenario_yaml;
  h.population = meta.population;
  h.weights = meta.weights;
  h.inputs_digest = meta.inputs_digest;
  h.threads = meta.threads;
  h.mpi_ranks = meta.mpi_ranks;
  h.population_per_replicate = res.population_per_replicate;
  return h;
}

void write_run_file(hid_t f, const RunFileHeader& h, const ResultArrays& arrays) {
  attr_string(f, "povsim_version", h.version);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, h.seed);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, h.households);
  attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, h.replicates);
  attr_string(f, "name", h.name);
  attr_string(f, "description", h.description);
  attr_string(f, "scenario_file", h.scenario_file);
  attr_string(f, "scenario_yaml", h.scenario_yaml);
  attr_string(f, "population", h.population);
  attr_string(f, "weights", h.weights);
  attr_string(f, "inputs_digest", h.inputs_digest);
  attr_scalar<std::int32_t>(f, "threads", H5T_NATIVE_INT32, h.threads);
  attr_scalar<std::int32_t>(f, "mpi_ranks", H5T_NATIVE_INT32, h.mpi_ranks);
  // Which noise the replicates' spread covers (docs/output.md, "Which noise an interval covers").
  attr_string(f, "population_noise", h.population_per_replicate
                                         ? "each replicate drew its own population: intervals include population sampling"
                                         : "replicates share one population: intervals cover the shocks given it");
  attr_scalar<std::uint8_t>(f, "population_per_replicate", H5T_NATIVE_UINT8, h.population_per_replicate ? 1 : 0);
  attr_string(f, "format", "povsim-results 2 (docs/output.md)");
  write_result_arrays(f, arrays);
}

void write_result_arrays(hid_t parent, const ResultArrays& arrays) {
  // The datasets and groups: one layout, shared with in-memory readers (sim/output/result_arrays.hpp).
  for (const ResultGroup& g : arrays.groups) {
    Handle group = group_below(parent, g.path);
    for (const auto& attribute : g.attributes) write_attribute(group, attribute);
    if (!g.category_axis.empty())  // the entries of its category axis, as a dataset (kept as `categories` too)
      string_dataset(group, g.category_axis.c_str(), arrays.categories_of(g),
                     "the entries of the " + g.category_axis + " axis (the group's `categories`)");
  }
  for (const ResultArray& a : arrays.arrays) write_array(parent, a);
  attach_dimension_scales(parent, arrays);
}

}  // namespace povsim

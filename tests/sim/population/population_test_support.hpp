// Helpers for the population tests: comparing stores exactly, and editing population files (a
// dataset replaced by one of another type or value, a table's rows reordered).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "sim/core/household_store.hpp"

namespace povsim::testing {

// Every household and person column of a store as raw bytes, so that two stores compare exactly
// (floats bit for bit, padding included).
inline std::vector<std::string> column_bytes(HouseholdStore& hh) {
  std::vector<std::string> out;
  auto add = [&](const char*, auto& v) { out.emplace_back(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])); };
  hh.for_each_household_column(add);
  hh.for_each_person_column(add);
  out.push_back(std::to_string(hh.person_count()));
  return out;
}

// Every county as "code region industry site".
inline std::vector<std::string> county_text(const HouseholdStore& hh) {
  std::vector<std::string> out;
  for (const County& c : hh.counties)
    out.push_back(std::to_string(c.code) + " " + std::to_string(static_cast<int>(c.region)) + " " +
                  std::to_string(c.industry) + " " + std::to_string(c.resettlement_site));
  return out;
}

// Replaces the dataset at `path` by a one-dimensional one of HDF5 type `type` holding `values`
// (T matching the type), or creates it.
template <class T>
void replace_dataset(const std::string& file, const std::string& path, hid_t type, const std::vector<T>& values) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0) H5Ldelete(f, path.c_str(), H5P_DEFAULT);
  const hsize_t n = values.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t ds = H5Dcreate2(f, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (n > 0) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(ds);
  H5Sclose(space);
  H5Fclose(f);
}

// Removes the object at `path`.
inline void remove_object(const std::string& file, const std::string& path) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  H5Ldelete(f, path.c_str(), H5P_DEFAULT);
  H5Fclose(f);
}

// Calls f(group, name) for every dataset of `group` (the file open read-write), by name order.
template <class F>
void for_each_dataset(const std::string& file, const std::string& group, F&& f) {
  const hid_t fid = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t g = H5Gopen2(fid, group.c_str(), H5P_DEFAULT);
  H5G_info_t info;
  H5Gget_info(g, &info);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    f(g, name);
  }
  H5Gclose(g);
  H5Fclose(fid);
}

// Rewrites every dataset of `group` contiguous and unfiltered, as povsim wrote population files
// before their columns were compressed. Only the values are kept: the reader needs no attribute.
inline void make_contiguous(const std::string& file, const std::string& group) {
  for_each_dataset(file, group, [](hid_t g, const char* name) {
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    const hid_t type = H5Dget_type(ds);
    const hid_t space = H5Dget_space(ds);
    std::vector<char> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)) * H5Tget_size(type));
    if (!values.empty()) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(ds);
    H5Ldelete(g, name, H5P_DEFAULT);
    ds = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!values.empty()) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(type);
  });
}

// Rewrites every dataset of `group` with its rows reordered: row k becomes the old row order[k].
inline void reorder_rows(const std::string& file, const std::string& group, const std::vector<std::size_t>& order) {
  for_each_dataset(file, group, [&](hid_t g, const char* name) {
    const hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    const hid_t type = H5Dget_type(ds);
    const std::size_t size = H5Tget_size(type);
    std::vector<char> in(order.size() * size), out(in.size());
    H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, in.data());
    for (std::size_t k = 0; k < order.size(); ++k) std::memcpy(&out[k * size], &in[order[k] * size], size);
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    H5Tclose(type);
    H5Dclose(ds);
  });
}

}  // namespace povsim::testing

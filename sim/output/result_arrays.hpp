// A run's results as named arrays: every dataset of the results file (docs/output.md) with its
// path, shape, values and attributes, and the groups with theirs. The one definition of the
// layout: the HDF5 writer (sim/output/hdf5_output.cpp) writes exactly these, and the batch runner
// and calibration read results in memory by the same paths ("annual/return_rate",
// "annual/poverty_dynamics/exits_1", "annual/by_region_type/return_rate", ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/results.hpp"

namespace povsim {

// An attribute: a string, a list of strings (e.g. `categories`) or a 32-bit integer.
struct ResultAttribute {
  std::string name;
  std::variant<std::string, std::vector<std::string>, std::int32_t> value;
};

// The names of the axes (docs/output.md, "Dimension scales"): every array's axes are named, and the
// file has one dataset per name that lists the axis's entries (its dimension scale).
inline constexpr const char* kReplicateAxis = "replicate";  // the dataset /replicate
inline constexpr const char* kYearAxis = "year";            // the dataset /annual/year

// A group (no leading slash: "annual/by_region_type"); parents are listed before their children.
struct ResultGroup {
  std::string path;
  std::vector<ResultAttribute> attributes;
  // The name of the category axis of the group's [R, K, Y] arrays ("region_type"), whose entries
  // are the `categories` attribute; empty for a group without one. The file lists the entries in a
  // string dataset of this name in the group, the axis's dimension scale.
  std::string category_axis;
};

// How the values are stored in the file. In memory every value is a double (the integer types'
// values are exact in a double).
enum class ArrayType { float64, int32, uint32 };

struct ResultArray {
  std::string path;                // "annual/by_region_type/return_rate"
  std::vector<std::size_t> shape;  // [R, Y], [R, K, Y], [Y] or [R]
  // The name of each axis of `shape`: kReplicateAxis, kYearAxis or the group's category_axis. A
  // one-dimensional array named after its axis (/replicate, /annual/year) lists that axis's
  // entries: it is the axis's dimension scale.
  std::vector<std::string> dimensions;
  ArrayType type = ArrayType::float64;
  std::vector<double> values;      // row-major (C order)
  std::string units;
  std::string description;
  std::vector<ResultAttribute> attributes;  // besides units and description (censored_last_years)

  std::string_view name() const { return std::string_view(path).substr(path.rfind('/') + 1); }
  std::string_view group() const {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
  }
  // The attribute's integer value, or `fallback` when it has none.
  std::int32_t int_attribute(std::string_view attribute, std::int32_t fallback) const;
  // Whether this array lists the entries of the axis it is named after (a dimension scale).
  bool is_scale() const { return dimensions.size() == 1 && dimensions.front() == name(); }
};

struct ResultArrays {
  std::vector<ResultGroup> groups;
  std::vector<ResultArray> arrays;

  const ResultArray* find(std::string_view path) const;  // a leading '/' is ignored; null if absent
  const ResultGroup* find_group(std::string_view path) const;
  // The names along the category axis of an array of shape [R, K, Y]: its group's `categories`.
  std::vector<std::string> categories(const ResultArray& array) const;
  // A group's `categories` attribute (empty if it has none).
  static std::vector<std::string> categories_of(const ResultGroup& group);
};

// Every dataset and group of the results file, built from the run's results.
ResultArrays result_arrays(const RunResults& results);

}  // namespace povsim

// Typed model parameters, read from and written back to the scenario tree by one description.
//
// Each Params struct lists its fields once, in `template <class V> void visit(V& v)`:
//     v.number("reimbursement_rate", reimbursement_rate, kShare);
// ParamReader fills the struct from YAML (strictly: wrong types, out-of-range values and unknown
// keys are errors naming file, line, column and YAML path); ParamWriter turns the struct back into
// YAML, which is how the fully resolved scenario (defaults included) lands in the output file.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/calendar.hpp"
#include "sim/config/config.hpp"
#include "sim/core/region.hpp"

namespace povsim {

// Allowed range and unit of a real-valued parameter; the unit appears in error messages.
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  const char* unit = "";
};

inline constexpr Bounds kProbability{0.0, 1.0, "probability"};
inline constexpr Bounds kShare{0.0, 1.0, "share, 0 to 1"};
inline constexpr Bounds kYuan{0.0, 1e9, "yuan"};
inline constexpr Bounds kPositiveMultiplier{0.0, 1e6, "multiplier"};

class ParamReader {
 public:
  // `node` may be null (section absent: every field keeps its default).
  ParamReader(const ConfigNode* node, std::string path, SourceMark where);

  void number(std::string_view key, double& value, Bounds bounds);
  template <std::integral T>
  void integer(std::string_view key, T& value, T min, T max) {
    if (const ConfigNode* n = take(key)) value = static_cast<T>(parse_integer(*n, key, min, max));
  }
  void flag(std::string_view key, bool& value);
  // Free text (a name, a path, a source); `required`: absent is an error; `may_be_empty`: '' is a
  // value (e.g. a scenario's name, where '' means "the file's name"), not an error.
  void text(std::string_view key, std::string& value, bool required = false, bool may_be_empty = false);
  // One of a fixed list of names, stored as its index (an enum).
  template <class E, std::size_t N>
  void choice(std::string_view key, E& value, const std::array<std::string_view, N>& names) {
    int index = static_cast<int>(value);
    choice_index(key, index, names.data(), N);
    value = static_cast<E>(index);
  }
  void month(std::string_view key, YearMonth& value);
  void schedule(std::string_view key, StepSchedule& value, Bounds bounds);
  void per_region(std::string_view key, PerRegion& value, Bounds bounds);
  void numbers(std::string_view key, std::vector<double>& value, Bounds bounds);
  template <class S>
  void section(std::string_view key, S& value) {
    const ConfigNode* n = take(key);
    if (n && !n->is_map() && !n->is_null()) fail(*n, key, "expected a map of keys");
    ParamReader child(n && n->is_map() ? n : nullptr, join(key), n ? n->mark() : where_);
    value.visit(child);
    child.finish();
  }
  // The raw node at `key` (null when absent), which counts as consumed: for shapes the typed
  // readers do not cover, such as lists of maps.
  const ConfigNode* raw(std::string_view key) { return take(key); }
  // "path.key" of this section.
  std::string path_of(std::string_view key) const { return join(key); }
  const SourceMark& where() const { return where_; }
  // Errors on any key of this section that no field consumed.
  void finish() const;

  // Formats "file:line:col: path.key: message" and throws ConfigError.
  [[noreturn]] void fail(const ConfigNode& at, std::string_view key, const std::string& message) const;

 private:
  const ConfigNode* take(std::string_view key);
  std::string join(std::string_view key) const;
  double parse_number(const ConfigNode& n, std::string_view key, Bounds bounds, std::string_view what) const;
  void choice_index(std::string_view key, int& index, const std::string_view* names, std::size_t count);
  long double parse_integer(const ConfigNode& n, std::string_view key, long double min, long double max) const;

  const ConfigNode* node_;
  std::string path_;
  SourceMark where_;
  std::vector<std::string> known_;
};

class ParamWriter {
 public:
  ParamWriter() : node_(ConfigNode::make_map({})) {}

  void number(std::string_view key, const double& value, Bounds);
  template <std::integral T>
  void integer(std::string_view key, const T& value, T, T) {
    put(key, std::to_string(value));
  }
  void flag(std::string_view key, const bool& value);
  void text(std::string_view key, const std::string& value, bool = false, bool = false) { put(key, value); }
  template <class E, std::size_t N>
  void choice(std::string_view key, const E& value, const std::array<std::string_view, N>& names) {
    put(key, std::string(names[static_cast<std::size_t>(value)]));
  }
  void month(std::string_view key, const YearMonth& value);
  void schedule(std::string_view key, const StepSchedule& value, Bounds);
  void per_region(std::string_view key, const PerRegion& value, Bounds);
  void numbers(std::string_view key, const std::vector<double>& value, Bounds);
  template <class S>
  void section(std::string_view key, const S& value) {
    ParamWriter child;
    const_cast<S&>(value).visit(child);  // visit() only reads through a writer
    node_.set(std::string(key), std::move(child.node_));
  }

  ConfigNode& node() { return node_; }

 private:
  void put(std::string_view key, std::string text);
  ConfigNode node_;
};

std::string format_number(double value);  // shortest text that reads back to the same double

// Reads `node` (may be null) at `path` into a default-constructed S, strictly. A Params type may
// add `std::string check() const` for rules that tie fields together; a non-empty answer is an error.
template <class S>
S read_params(const ConfigNode* node, const std::string& path, const SourceMark& where) {
  S params;
  if (node && !node->is_map() && !node->is_null())
    throw ConfigError(node->mark().str() + ": " + path + ": expected a map of keys");
  ParamReader reader(node && node->is_map() ? node : nullptr, path, where);
  params.visit(reader);
  reader.finish();
  if constexpr (requires { params.check(); }) {
    if (const std::string problem = params.check(); !problem.empty())
      throw ConfigError((node ? node->mark() : where).str() + ": " + path + ": " + problem);
  }
  return params;
}

template <class S>
ConfigNode write_params(const S& params) {
  ParamWriter writer;
  const_cast<S&>(params).visit(writer);
  return std::move(writer.node());
}

}  // namespace povsim

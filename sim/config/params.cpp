#include "sim/config/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace povsim {

namespace {

std::string describe_bounds(Bounds b) {
  std::ostringstream out;
  const bool has_min = std::isfinite(b.min);
  const bool has_max = std::isfinite(b.max);
  if (has_min && has_max)
    out << "in [" << format_number(b.min) << ", " << format_number(b.max) << "]";
  else if (has_min)
    out << ">= " << format_number(b.min);
  else if (has_max)
    out << "<= " << format_number(b.max);
  if (b.unit && *b.unit) out << (out.tellp() > 0 ? " " : "") << "(" << b.unit << ")";
  return out.str();
}

std::string shown(const ConfigNode& n) {
  if (n.is_scalar()) return "'" + one_line(n.scalar()) + "'";
  if (n.is_map()) return "a map";
  if (n.is_sequence()) return "a list";
  return "nothing";
}

}  // namespace

std::string format_number(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

ParamReader::ParamReader(const ConfigNode* node, std::string path, SourceMark where)
    : node_(node), path_(std::move(path)), where_(std::move(where)) {}

std::string ParamReader::join(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ParamReader::fail(const ConfigNode& at, std::string_view key, const std::string& message) const {
  const SourceMark& mark = at.is_null() && !at.mark().origin ? where_ : at.mark();
  throw ConfigError(mark.str() + ": " + join(key) + ": " + message);
}

const ConfigNode* ParamReader::take(std::string_view key) {
  known_.emplace_back(key);
  if (!node_) return nullptr;
  const ConfigNode* n = node_->find(key);
  if (n && n->is_null()) fail(*n, key, "has no value; remove the key to keep the default");
  return n;
}

void ParamReader::finish() const {
  if (!node_) return;
  for (const auto& e : node_->entries()) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    std::string expected;
    for (const auto& k : known_) expected += (expected.empty() ? "" : ", ") + k;
    const SourceMark& mark = e.key_mark.origin ? e.key_mark : e.value.mark();
    throw ConfigError(mark.str() + ": " + one_line(join(e.key)) + ": unknown key; expected one of: " + expected);
  }
}

double ParamReader::parse_number(const ConfigNode& n, std::string_view key, Bounds bounds,
                                 std::string_view what) const {
  const std::string expected = std::string("expected ") + std::string(what) + " " + describe_bounds(bounds);
  if (!n.is_scalar()) fail(n, key, expected + ", got " + shown(n));
  const std::string& s = n.scalar();
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    fail(n, key, expected + ", got " + shown(n));
  if (v < bounds.min || v > bounds.max) fail(n, key, expected + ", got " + s);
  return v;
}

long double ParamReader::parse_integer(const ConfigNode& n, std::string_view key, long double min,
                                       long double max) const {
  std::ostringstream range;
  range.precision(20);
  range << "expected a whole number in [" << min << ", " << max << "], got ";
  if (!n.is_scalar()) fail(n, key, range.str() + shown(n));
  const std::string& s = n.scalar();
  long long v = 0;
  unsigned long long u = 0;
  long double value = 0;
  if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      ec == std::errc() && end == s.data() + s.size()) {
    value = static_cast<long double>(v);
  } else if (auto [end2, ec2] = std::from_chars(s.data(), s.data() + s.size(), u);
             ec2 == std::errc() && end2 == s.data() + s.size()) {
    value = static_cast<long double>(u);
  } else {
    fail(n, key, range.str() + shown(n));
  }
  if (value < min || value > max) fail(n, key, range.str() + s);
  return value;
}

void ParamReader::number(std::string_view key, double& value, Bounds bounds) {
  if (const ConfigNode* n = take(key)) value = parse_number(*n, key, bounds, "a number");
}

void ParamReader::flag(std::string_view key, bool& value) {
  const ConfigNode* n = take(key);
  if (!n) return;
  if (n->is_scalar() && (n->scalar() == "true" || n->scalar() == "false")) {
    value = n->scalar() == "true";
    return;
  }
  fail(*n, key, "expected true or false, got " + shown(*n));
}

void ParamReader::text(std::string_view key, std::string& value, bool required, bool may_be_empty) {
  const ConfigNode* n = take(key);
  if (!n) {
    if (required) throw ConfigError(where_.str() + ": " + join(key) + ": missing (required)");
    return;
  }
  if (!n->is_scalar() || (n->scalar().empty() && !may_be_empty)) fail(*n, key, "expected text, got " + shown(*n));
  value = n->scalar();
}

void ParamReader::choice_index(std::string_view key, int& index, const std::string_view* names, std::size_t count) {
  const ConfigNode* n = take(key);
  if (!n) return;
  std::string list;
  for (std::size_t k = 0; k < count; ++k) {
    if (n->is_scalar() && n->scalar() == names[k]) {
      index = static_cast<int>(k);
      return;
    }
    list += (k ? ", " : "") + std::string(names[k]);
  }
  fail(*n, key, "expected one of " + list + ", got " + shown(*n));
}

void ParamReader::month(std::string_view key, YearMonth& value) {
  const ConfigNode* n = take(key);
  if (!n) return;
  const auto m = n->is_scalar() ? YearMonth::parse(n->scalar()) : std::nullopt;
  if (!m) fail(*n, key, "expected a month as YYYY-MM (or a year YYYY), got " + shown(*n));
  value = *m;
}

void ParamReader::schedule(std::string_view key, StepSchedule& value, Bounds bounds) {
  const ConfigNode* n = take(key);
  if (!n) return;
  if (!n->is_map())
    fail(*n, key, "expected a map from dates (YYYY-MM or YYYY) to values " + describe_bounds(bounds) + ", got " +
                      shown(*n));
  StepSchedule parsed;
  parsed.initial = value.initial;
  std::vector<std::size_t> entry_of;  // the entry each step came from
  for (std::size_t k = 0; k < n->entries().size(); ++k) {
    const ConfigNode::Entry& e = n->entries()[k];
    const auto from = YearMonth::parse(e.key);
    if (!from) {
      const ConfigNode at = ConfigNode::make_scalar(e.key, e.key_mark);
      fail(at, std::string(key) + "." + one_line(e.key), "expected a date YYYY-MM or YYYY as the key");
    }
    const std::string sub = std::string(key) + "." + e.key;
    parsed.steps.push_back({*from, parse_number(e.value, sub, bounds, "a number")});
    entry_of.push_back(k);
  }
  std::vector<std::size_t> order(parsed.steps.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return parsed.steps[a].from != parsed.steps[b].from ? parsed.steps[a].from < parsed.steps[b].from : a < b;
  });
  // One month written twice ('2024' and '2024-01'), perhaps one in a base file and one in the file
  // extending it: point at the later entry (the overlay's, as merging appends its new keys).
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (parsed.steps[order[i]].from != parsed.steps[order[i - 1]].from) continue;
    const ConfigNode::Entry& first = n->entries()[entry_of[order[i - 1]]];
    const ConfigNode::Entry& second = n->entries()[entry_of[order[i]]];
    const ConfigNode at = ConfigNode::make_scalar(second.key, second.key_mark.origin ? second.key_mark : n->mark());
    fail(at, std::string(key) + "." + one_line(second.key),
         "a second entry for " + parsed.steps[order[i]].from.str() + " (the first is '" + one_line(first.key) +
             "' at " + (first.key_mark.origin ? first.key_mark : n->mark()).str() + ")");
  }
  std::vector<StepSchedule::Step> sorted;
  for (const std::size_t i : order) sorted.push_back(parsed.steps[i]);
  parsed.steps = std::move(sorted);
  value = std::move(parsed);
}

void ParamReader::per_region(std::string_view key, PerRegion& value, Bounds bounds) {
  const ConfigNode* n = take(key);
  if (!n) return;
  ParamReader child(n->is_map() ? n : nullptr, join(key), n->mark());
  if (!n->is_map()) fail(*n, key, "expected a map with keys plateau, transition_belt, karst, other");
  for (int r = 0; r < kRegionTypes; ++r) child.number(kRegionTypeNames[r], value[r], bounds);
  child.finish();
}

void ParamReader::numbers(std::string_view key, std::vector<double>& value, Bounds bounds) {
  const ConfigNode* n = take(key);
  if (!n) return;
  if (!n->is_sequence() || n->items().empty())
    fail(*n, key, "expected a non-empty list of numbers " + describe_bounds(bounds) + ", got " + shown(*n));
  std::vector<double> parsed;
  for (std::size_t i = 0; i < n->items().size(); ++i)
    parsed.push_back(parse_number(n->items()[i], std::string(key) + "[" + std::to_string(i) + "]", bounds,
                                  "a number"));
  value = std::move(parsed);
}

void ParamWriter::put(std::string_view key, std::string text) {
  node_.set(std::string(key), ConfigNode::make_scalar(std::move(text), {}));
}

void ParamWriter::number(std::string_view key, const double& value, Bounds) { put(key, format_number(value)); }

void ParamWriter::flag(std::string_view key, const bool& value) { put(key, value ? "true" : "false"); }

void ParamWriter::month(std::string_view key, const YearMonth& value) { put(key, value.str()); }

void ParamWriter::schedule(std::string_view key, const StepSchedule& value, Bounds) {
  ConfigNode map = ConfigNode::make_map({});
  for (const auto& s : value.steps) map.set(s.from.str(), ConfigNode::make_scalar(format_number(s.value), {}));
  node_.set(std::string(key), std::move(map));
}

void ParamWriter::per_region(std::string_view key, const PerRegion& value, Bounds) {
  ConfigNode map = ConfigNode::make_map({});
  for (int r = 0; r < kRegionTypes; ++r)
    map.set(std::string(kRegionTypeNames[r]), ConfigNode::make_scalar(format_number(value[r]), {}));
  node_.set(std::string(key), std::move(map));
}

void ParamWriter::numbers(std::string_view key, const std::vector<double>& value, Bounds) {
  ConfigNode seq = ConfigNode::make_sequence({});
  for (double v : value) seq.push_back(ConfigNode::make_scalar(format_number(v), {}));
  node_.set(std::string(key), std::move(seq));
}

}  // namespace povsim

#include "sim/calibration/calibration_file.hpp"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/config/calendar.hpp"
#include "sim/config/params.hpp"

namespace povsim {

namespace {

constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();
constexpr Bounds kAnyNumber{-1e300, 1e300, ""};
constexpr Bounds kNonNegative{0.0, 1e300, ""};

[[noreturn]] void fail_at(const SourceMark& mark, const std::string& path, const std::string& message) {
  throw ConfigError(mark.str() + ": " + path + ": " + message);
}

std::string describe_scalar(const ConfigNode& n) {
  return n.is_scalar() ? "'" + n.scalar() + "'" : (n.is_map() ? std::string("a map") : std::string("a list"));
}

const SourceMark& mark_of(const ConfigNode* node, const SourceMark& fallback) {
  return node && node->mark().origin ? node->mark() : fallback;
}

// A required number: absent is an error at the enclosing map.
double required_number(ParamReader& r, std::string_view key, Bounds bounds) {
  double value = kUnset;
  r.number(key, value, bounds);
  if (std::isnan(value)) fail_at(r.where(), r.path_of(key), "missing (required)");
  return value;
}

// `years: [first, last]` or `year: Y` (exactly one of them).
void read_years(ParamReader& r, const ConfigNode& map, DatasetRef& ref) {
  const ConfigNode* years = map.find("years");
  const ConfigNode* year = map.find("year");
  if (years && year) fail_at(year->mark(), r.path_of("year"), "give either year or years, not both");
  if (!years && !year) fail_at(map.mark(), r.path_of("years"), "missing: expected years: [first, last] or year: Y");
  if (year) {
    r.integer("year", ref.first_year, 1900, 2200);
    ref.last_year = ref.first_year;
    r.raw("years");
    return;
  }
  r.raw("year");
  const ConfigNode* n = r.raw("years");
  auto whole_year = [&](const ConfigNode& item) {
    double v = 0;
    std::istringstream in(item.is_scalar() ? item.scalar() : std::string("x"));
    if (!(in >> v) || !in.eof() || v != std::floor(v) || v < 1900 || v > 2200)
      fail_at(item.mark(), r.path_of("years"), "expected a year in [1900, 2200], got " +
                                                   (item.is_scalar() ? "'" + item.scalar() + "'" : std::string("a list or map")));
    return static_cast<int>(v);
  };
  if (!n->is_sequence() || n->items().size() != 2)
    fail_at(n->mark(), r.path_of("years"), "expected [first, last], two years");
  ref.first_year = whole_year(n->items()[0]);
  ref.last_year = whole_year(n->items()[1]);
  if (ref.last_year < ref.first_year)
    fail_at(n->mark(), r.path_of("years"), "expected first <= last, got [" + std::to_string(ref.first_year) + ", " +
                                               std::to_string(ref.last_year) + "]");
}

MomentSpec read_moment(const ConfigNode& node, const std::string& path) {
  MomentSpec m;
  m.yaml_path = path;
  m.mark = node.mark();
  if (!node.is_map()) fail_at(node.mark(), path, "expected a map with name, value, tolerance, source, numerator");
  ParamReader r(&node, path, node.mark());
  r.text("name", m.name, true);
  m.value = required_number(r, "value", kAnyNumber);
  m.tolerance = required_number(r, "tolerance", kNonNegative);
  if (!(m.tolerance > 0)) fail_at(node.find("tolerance")->mark(), path + ".tolerance", "expected a number > 0, got 0");
  r.number("weight", m.weight, kNonNegative);
  r.choice("kind", m.kind, kMomentKindNames);
  r.text("period", m.period);
  r.text("source", m.source, true);
  r.number("scale", m.scale, kAnyNumber);
  const ConfigNode* num = r.raw("numerator");
  if (!num) fail_at(node.mark(), path + ".numerator", "missing: expected {dataset: ..., years: [first, last], reduce: ...}");
  m.numerator = read_dataset_ref(r, "numerator", *num);
  if (const ConfigNode* den = r.raw("denominator")) m.denominator = read_dataset_ref(r, "denominator", *den);
  r.finish();
  return m;
}

// A list of maps under `key`, each read by `read(item, "key[k]")`.
template <class T, class Read>
std::vector<T> read_list(ParamReader& r, std::string_view key, const ConfigNode& root, Read read) {
  const ConfigNode* n = r.raw(key);
  if (!n) fail_at(root.mark(), std::string(key), "missing: expected a list");
  if (!n->is_sequence() || n->items().empty()) fail_at(n->mark(), std::string(key), "expected a non-empty list");
  std::vector<T> out;
  for (std::size_t k = 0; k < n->items().size(); ++k)
    out.push_back(read(n->items()[k], std::string(key) + "[" + std::to_string(k) + "]"));
  return out;
}

bool derivative_free(std::string_view name) { return name.rfind("LN_", 0) == 0 || name.rfind("GN_", 0) == 0; }

}  // namespace

DatasetRef read_dataset_ref(ParamReader& parent, std::string_view key, const ConfigNode& node) {
  DatasetRef ref;
  ref.yaml_path = parent.path_of(key);
  ref.mark = node.mark();
  if (!node.is_map())
    fail_at(node.mark(), ref.yaml_path, "expected a map with dataset, years (or year), reduce, category");
  ParamReader r(&node, ref.yaml_path, node.mark());
  r.text("dataset", ref.dataset, true);
  read_years(r, node, ref);
  r.choice("reduce", ref.reduce, kReduceNames);
  r.text("category", ref.category);
  r.finish();
  while (!ref.dataset.empty() && ref.dataset.front() == '/') ref.dataset.erase(0, 1);
  return ref;
}

ParameterSpec read_parameter_spec(const ConfigNode& node, const std::string& path) {
  ParameterSpec p;
  p.yaml_path = path;
  p.mark = node.mark();
  if (!node.is_map()) fail_at(node.mark(), path, "expected a map with path, bounds, start");
  const ConfigNode* b = node.find("bounds");
  if (!b) fail_at(node.mark(), path + ".bounds", "missing: expected [lower, upper]");
  // Bounds written as months ([2021-01, 2026-01]) make a month-valued parameter.
  auto month_of = [](const ConfigNode& n) -> std::optional<YearMonth> {
    if (!n.is_scalar() || n.scalar().size() != 7) return std::nullopt;
    return YearMonth::parse(n.scalar());
  };
  p.month = b->is_sequence() && !b->items().empty() && month_of(b->items().front()).has_value();
  ParamReader r(&node, path, node.mark());
  r.text("path", p.path, true);
  if (p.month) {
    r.raw("bounds");
    std::vector<double> months;
    for (const auto& item : b->items()) {
      const auto m = month_of(item);
      if (!m) fail_at(item.mark(), path + ".bounds", "expected a month YYYY-MM like the lower bound, got " + describe_scalar(item));
      months.push_back(m->index);
    }
    if (months.size() != 2 || !(months[0] < months[1]))
      fail_at(b->mark(), path + ".bounds", "expected [first month, last month] with first < last");
    p.lower = months[0], p.upper = months[1];
    const ConfigNode* s = r.raw("start");
    if (!s) fail_at(node.mark(), path + ".start", "missing (required)");
    const auto m = month_of(*s);
    if (!m) fail_at(s->mark(), path + ".start", "expected a month YYYY-MM (the bounds are months), got " + describe_scalar(*s));
    p.start = m->index;
  } else {
    std::vector<double> bounds;
    r.numbers("bounds", bounds, kAnyNumber);
    if (bounds.size() != 2 || !(bounds[0] < bounds[1]))
      fail_at(b->mark(), path + ".bounds", "expected [lower, upper] with lower < upper (numbers, or months YYYY-MM)");
    p.lower = bounds[0], p.upper = bounds[1];
    p.start = required_number(r, "start", kAnyNumber);
  }
  if (p.start < p.lower || p.start > p.upper)
    fail_at(node.find("start")->mark(), path + ".start",
            "expected a value inside bounds [" + p.text(p.lower) + ", " + p.text(p.upper) + "], got " + p.text(p.start));
  r.finish();
  return p;
}

std::string ParameterSpec::text(double v) const {
  return month ? YearMonth{static_cast<int>(std::lround(v))}.str() : format_number(v);
}

double MomentSpec::distance(double simulated) const {
  double gap = simulated - value;
  if (kind == MomentKind::at_most) gap = std::max(gap, 0.0);
  if (kind == MomentKind::at_least) gap = std::min(gap, 0.0);
  return gap / tolerance;
}

std::vector<std::string> population_overrides(std::uint64_t households, const std::optional<std::uint64_t>& seed) {
  std::vector<std::string> overrides{"population.households=" + std::to_string(households)};
  if (seed) overrides.push_back("seed=" + std::to_string(*seed));
  return overrides;
}

std::vector<std::string> CalibrationSpec::base_overrides() const { return population_overrides(households, seed); }

std::string read_spec_file(const std::string& path, const std::string& kind) {
  std::ifstream in(path);
  if (!in)
    throw ConfigError(path + ": cannot open " + kind + " (" +
                      (std::filesystem::exists(path) ? "permission denied" : "no such file") + ")");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CalibrationSpec load_calibration(const std::string& path) {
  CalibrationSpec spec;
  spec.file = path;
  spec.text = read_spec_file(path, "calibration file");
  const ConfigNode root = parse_yaml(spec.text, path);
  const SourceMark file_mark{std::make_shared<const std::string>(path), 1, 1};
  if (!root.is_map()) throw ConfigError(mark_of(&root, file_mark).str() + ": a calibration file must be a YAML map of keys");

  ParamReader r(&root, "", root.mark());
  std::string scenario;
  r.text("scenario", scenario, true);
  spec.scenario = (std::filesystem::path(path).parent_path() / scenario).lexically_normal().string();
  r.integer("households", spec.households, std::uint64_t{1}, std::uint64_t{1} << 32);
  if (!root.find("households")) fail_at(root.mark(), "households", "missing (required): the population size of the fit");
  r.integer("replicates", spec.replicates, std::uint32_t{1}, std::uint32_t{10000});
  r.integer("evaluations", spec.evaluations, 1, 1000000);
  r.text("optimiser", spec.optimiser);
  std::uint64_t seed = 0;
  if (root.find("seed")) {
    r.integer("seed", seed, std::uint64_t{0}, ~std::uint64_t{0});
    spec.seed = seed;
  } else {
    r.raw("seed");
  }
  r.number("jacobian_step", spec.jacobian_step, Bounds{1e-6, 0.5, "share of the bound range"});
  spec.parameters = read_list<ParameterSpec>(r, "parameters", root, read_parameter_spec);
  spec.moments = read_list<MomentSpec>(r, "moments", root, read_moment);
  r.finish();

  if (const ConfigNode* o = root.find("optimiser")) {
    if (nlopt_algorithm_from_string(spec.optimiser.c_str()) < 0 || !derivative_free(spec.optimiser))
      fail_at(o->mark(), "optimiser",
              "expected a derivative-free NLopt algorithm name (LN_... or GN_...), e.g. LN_BOBYQA, LN_NELDERMEAD, "
              "LN_SBPLX, LN_COBYLA; got '" + spec.optimiser + "'");
  }
  for (std::size_t i = 0; i < spec.parameters.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (spec.parameters[i].path == spec.parameters[j].path)
        fail_at(spec.parameters[i].mark, spec.parameters[i].yaml_path + ".path",
                "'" + spec.parameters[i].path + "' is already " + spec.parameters[j].yaml_path);
  for (std::size_t i = 0; i < spec.moments.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (spec.moments[i].name == spec.moments[j].name)
        fail_at(spec.moments[i].mark, spec.moments[i].yaml_path + ".name",
                "'" + spec.moments[i].name + "' is already " + spec.moments[j].yaml_path);
  return spec;
}

namespace {

void check_ref(const std::string& moment, const DatasetRef& ref, const ResultArrays& frame, int first_year, int last_year) {
  const std::string where = ref.yaml_path;
  const ResultArray* a = frame.find(ref.dataset);
  if (!a) {
    // Name what is valid: the datasets of the group named, or the groups.
    std::string group = ref.dataset.substr(0, ref.dataset.find_last_of('/') == std::string::npos ? 0 : ref.dataset.find_last_of('/'));
    std::string valid;
    for (const auto& other : frame.arrays)
      if (other.group() == group && other.shape.size() >= 2) valid += (valid.empty() ? "" : ", ") + other.path;
    if (valid.empty()) {
      for (const auto& g : frame.groups) valid += (valid.empty() ? "" : ", ") + g.path + "/...";
      fail_at(ref.mark, where + ".dataset",
              moment + "unknown dataset '" + ref.dataset + "' (this scenario writes none in that group); groups: " + valid +
                  " (docs/output.md)");
    }
    fail_at(ref.mark, where + ".dataset", moment + "unknown dataset '" + ref.dataset + "'; expected one of: " + valid);
  }
  if (a->shape.size() < 2 && a->path != "annual/poverty_line")
    fail_at(ref.mark, where + ".dataset", moment + "'" + ref.dataset + "' has no year axis; expected a dataset of shape [R, Y] or [R, K, Y]");
  const bool has_category = a->shape.size() == 3;
  if (has_category) {
    const auto names = frame.categories(*a);
    std::string valid;
    for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
    if (ref.category.empty())
      fail_at(ref.mark, where + ".category", moment + "'" + ref.dataset + "' has a category axis; expected category: one of " + valid);
    if (std::find(names.begin(), names.end(), ref.category) == names.end())
      fail_at(ref.mark, where + ".category",
              moment + "unknown category '" + ref.category + "' of " + ref.dataset + "; expected one of: " + valid);
  } else if (!ref.category.empty()) {
    fail_at(ref.mark, where + ".category", moment + "'" + ref.dataset + "' has no category axis; remove category");
  }
  if (ref.first_year < first_year || ref.last_year > last_year)
    fail_at(ref.mark, where + ".years",
            moment + "years " + std::to_string(ref.first_year) + ".." + std::to_string(ref.last_year) +
                " are outside the scenario's horizon " + std::to_string(first_year) + ".." + std::to_string(last_year));
  const int censored = a->int_attribute("censored_last_years", 0);
  if (censored > 0 && ref.last_year > last_year - censored)
    fail_at(ref.mark, where + ".years",
            moment + ref.dataset + " is censored (NaN) in its last " + std::to_string(censored) +
                " year(s); expected years up to " + std::to_string(last_year - censored));
}

}  // namespace

void check_moments(const CalibrationSpec& spec, const ResultArrays& frame) {
  const ResultArray* years = frame.find("annual/year");
  const int first = static_cast<int>(years->values.front()), last = static_cast<int>(years->values.back());
  for (const auto& m : spec.moments) {
    check_ref("moment '" + m.name + "': ", m.numerator, frame, first, last);
    if (m.denominator) check_ref("moment '" + m.name + "': ", *m.denominator, frame, first, last);
  }
}

void check_dataset_ref(const std::string& what, const DatasetRef& ref, const ResultArrays& frame) {
  const ResultArray* years = frame.find("annual/year");
  check_ref(what, ref, frame, static_cast<int>(years->values.front()), static_cast<int>(years->values.back()));
}

}  // namespace povsim

#include "sim/sweep/sweep_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "sim/config/params.hpp"
#include "sim/core/scenario.hpp"
#include "sim/sweep/sweep_results.hpp"

namespace povsim {

namespace {

constexpr Bounds kAnyNumber{-1e300, 1e300, ""};
// The least samples each design can estimate anything from (judgement): a Latin hypercube needs two
// strata; Saltelli's estimators take variances over the N base rows, and the bootstrap resamples
// them, so a handful; Morris's sigma is a standard deviation over trajectories.
constexpr std::uint64_t kMinLatinHypercube = 2, kMinSaltelli = 4, kMinMorris = 2;
constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 31;  // design indices stay 32-bit

[[noreturn]] void fail_at(const SourceMark& mark, const std::string& path, const std::string& message) {
  throw ConfigError(mark.str() + ": " + path + ": " + message);
}

std::optional<double> as_number(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

SweepParameter read_parameter(const ConfigNode& node, const std::string& path, DesignKind design) {
  SweepParameter p;
  p.yaml_path = path;
  p.mark = node.mark();
  if (!node.is_map()) fail_at(node.mark(), path, "expected a map with path and range: [lower, upper] or values: [...]");
  ParamReader r(&node, path, node.mark());
  r.text("path", p.path, true);
  p.path_mark = node.find("path")->mark();
  const ConfigNode* range = r.raw("range");
  const ConfigNode* values = r.raw("values");
  if (range && values) fail_at(values->mark(), path + ".values", "give either range or values, not both");
  if (!range && !values) fail_at(node.mark(), path + ".range", "missing: expected range: [lower, upper] or values: [...]");
  r.flag("log", p.log);
  p.value_mark = (range ? range : values)->mark();
  if (range) {
    std::vector<double> ends;
    r.numbers("range", ends, kAnyNumber);
    if (ends.size() != 2) fail_at(range->mark(), path + ".range", "expected [lower, upper], two numbers");
    p.lower = ends[0], p.upper = ends[1];
    if (!(p.lower < p.upper))
      fail_at(range->mark(), path + ".range", "expected lower < upper, got [" + format_number(p.lower) + ", " +
                                                  format_number(p.upper) + "]");
    if (p.log && !(p.lower > 0))
      fail_at(range->mark(), path + ".range", "log: true needs lower > 0, got " + format_number(p.lower));
    const ConfigNode* levels = node.find("levels");
    if (design == DesignKind::grid) {
      if (!levels) fail_at(node.mark(), path + ".levels", "missing: a grid design needs levels: n (n >= 2) for each range");
      r.integer("levels", p.levels, 2, 1000000);
    } else if (levels) {
      fail_at(levels->mark(), path + ".levels", "levels per parameter is for the grid design only");
    }
  } else {
    p.is_range = false;
    if (const ConfigNode* log = node.find("log"))
      fail_at(log->mark(), path + ".log", "log applies to a range, not to values");
    if (const ConfigNode* levels = node.find("levels"))
      fail_at(levels->mark(), path + ".levels", "levels applies to a range; values are the levels");
    if (!values->is_sequence() || values->items().empty())
      fail_at(values->mark(), path + ".values", "expected a non-empty list of scalars");
    for (const auto& item : values->items()) {
      if (!item.is_scalar() || item.scalar().empty())
        fail_at(item.mark(), path + ".values", "expected scalars (numbers or names), got a list, map or nothing");
      if (std::find(p.values.begin(), p.values.end(), item.scalar()) != p.values.end())
        fail_at(item.mark(), path + ".values", "'" + one_line(item.scalar()) + "' is listed twice");
      p.values.push_back(item.scalar());
    }
  }
  r.finish();
  return p;
}

// The node at a dotted path of a resolved scenario, or null.
const ConfigNode* node_at(const ConfigNode& root, const std::string& path) {
  const ConfigNode* n = &root;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = path.find('.', begin);
    const std::string key = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (!n->is_map()) return nullptr;
    n = n->find(key);
    if (!n) return nullptr;
    if (dot == std::string::npos) return n;
    begin = dot + 1;
  }
}

}  // namespace

std::string SweepParameter::value_at(double u) const {
  if (!is_range) {
    const auto n = values.size();
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(std::floor(u * double(n))), n - 1);
    return values[i];
  }
  return format_number(number_at(u));
}

double SweepParameter::number_at(double u) const {
  if (!is_range) {
    const auto v = as_number(value_at(u));
    return v ? *v : std::numeric_limits<double>::quiet_NaN();
  }
  // The ends exactly (no rounding in exp(log(x)) or lower + (upper - lower)), so a range's ends are
  // the values checked against the scenario's bounds.
  if (u <= 0) return lower;
  if (u >= 1) return upper;
  const double v = log ? std::exp(std::log(lower) + u * (std::log(upper) - std::log(lower))) : lower + u * (upper - lower);
  return std::clamp(v, lower, upper);
}

SweepSpec load_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw ConfigError(path + ": cannot open sweep file (" +
                      (std::filesystem::exists(path) ? "permission denied" : "no such file") + ")");
  std::stringstream buffer;
  buffer << in.rdbuf();
  SweepSpec spec;
  spec.file = path;
  spec.text = buffer.str();
  if (spec.text.size() > kMaxScenarioFileBytes)
    throw ConfigError(path + ": sweep file of " + std::to_string(spec.text.size()) + " bytes; expected at most " +
                      std::to_string(kMaxScenarioFileBytes));
  const ConfigNode root = parse_yaml(spec.text, path);
  const SourceMark file_mark{std::make_shared<const std::string>(path), 1, 1};
  spec.mark = root.mark().origin ? root.mark() : file_mark;
  if (!root.is_map()) throw ConfigError(spec.mark.str() + ": a sweep file must be a YAML map of keys");
  spec.canonical = to_yaml(root);

  ParamReader r(&root, "", root.mark());
  std::string scenario;
  r.text("scenario", scenario, true);
  spec.scenario = (std::filesystem::path(path).parent_path() / scenario).lexically_normal().string();
  if (!root.find("design")) fail_at(spec.mark, "design", "missing: expected one of grid, latin_hypercube, saltelli, morris");
  r.choice("design", spec.design, kDesignNames);

  if (const ConfigNode* set = r.raw("set")) {
    if (!set->is_map()) fail_at(set->mark(), "set", "expected a map of scenario paths to values, e.g. population.households: 2000");
    for (const auto& e : set->entries()) {
      const SourceMark& at = e.key_mark.origin ? e.key_mark : e.value.mark();
      if (!e.value.is_scalar()) fail_at(e.value.mark(), "set." + one_line(e.key), "expected a scalar value");
      if (e.key == "replicates") fail_at(at, "set.replicates", "give the sweep's replicates: at the top level");
      spec.set.push_back(e.key + "=" + e.value.scalar());
    }
  }
  const bool sampled = spec.design != DesignKind::grid;
  if (const ConfigNode* n = root.find("samples"); n && !sampled)
    fail_at(n->mark(), "samples", "a grid has no samples: its points are every combination of the parameters' levels");
  if (sampled && !root.find("samples"))
    fail_at(spec.mark, "samples",
            std::string("missing: expected ") +
                (spec.design == DesignKind::saltelli ? "the base rows N (N (k + 2) points)"
                 : spec.design == DesignKind::morris ? "the trajectories r (r (k + 1) points)"
                                                     : "the number of points"));
  r.integer("samples", spec.samples, std::uint64_t{0}, kMaxSamples);
  if (const ConfigNode* n = root.find("levels"); n && spec.design != DesignKind::morris)
    fail_at(n->mark(), "levels",
            spec.design == DesignKind::grid ? "a grid's levels go with each range parameter" : "levels is for the morris design only");
  r.integer("levels", spec.morris_levels, 2, 1000);
  if (spec.design == DesignKind::morris && spec.morris_levels % 2 != 0)
    fail_at(root.find("levels")->mark(), "levels",
            "expected an even number of levels p (the step is p / (2 (p - 1)), Morris 1991), got " +
                std::to_string(spec.morris_levels));
  r.integer("replicates", spec.replicates, std::uint32_t{1}, std::uint32_t{65535});
  r.integer("seed", spec.seed, std::uint64_t{0}, ~std::uint64_t{0});

  const ConfigNode* params = r.raw("parameters");
  if (!params) fail_at(spec.mark, "parameters", "missing: expected a list of {path, range or values}");
  if (!params->is_sequence() || params->items().empty()) fail_at(params->mark(), "parameters", "expected a non-empty list");
  for (std::size_t k = 0; k < params->items().size(); ++k)
    spec.parameters.push_back(read_parameter(params->items()[k], "parameters[" + std::to_string(k) + "]", spec.design));

  if (const ConfigNode* outputs = r.raw("outputs")) {
    if (!outputs->is_sequence() || outputs->items().empty()) fail_at(outputs->mark(), "outputs", "expected a non-empty list of output names");
    std::string known;
    for (const auto& o : sweep_output_definitions()) known += (known.empty() ? "" : ", ") + std::string(o.name);
    for (const auto& item : outputs->items()) {
      if (!item.is_scalar() || !find_sweep_output(item.scalar()))
        fail_at(item.mark(), "outputs",
                "unknown output " + (item.is_scalar() ? "'" + one_line(item.scalar()) + "'" : std::string("(not a name)")) +
                    "; expected one of: " + known);
      if (std::find(spec.outputs.begin(), spec.outputs.end(), item.scalar()) != spec.outputs.end())
        fail_at(item.mark(), "outputs", "'" + item.scalar() + "' is listed twice");
      spec.outputs.push_back(item.scalar());
    }
  } else {
    spec.outputs = default_sweep_outputs();
  }
  r.finish();

  // Rules that tie keys together.
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& p = spec.parameters[i];
    for (std::size_t j = 0; j < i; ++j)
      if (p.path == spec.parameters[j].path)
        fail_at(p.path_mark, p.yaml_path + ".path", "'" + p.path + "' is already " + spec.parameters[j].yaml_path);
    for (const auto& s : spec.set)
      if (s.substr(0, s.find('=')) == p.path)
        fail_at(p.path_mark, p.yaml_path + ".path", "'" + p.path + "' is also fixed under set:; vary it or fix it, not both");
    if (p.path == "replicates")
      fail_at(p.path_mark, p.yaml_path + ".path", "replicates cannot vary; the sweep's replicates: applies to every point");
  }
  const std::uint64_t minimum = spec.design == DesignKind::saltelli ? kMinSaltelli
                                : spec.design == DesignKind::morris ? kMinMorris
                                                                    : kMinLatinHypercube;
  if (sampled && spec.samples < minimum)
    fail_at(root.find("samples")->mark(), "samples",
            "expected at least " + std::to_string(minimum) + " for the " + std::string(kDesignNames[int(spec.design)]) +
                " design, got " + std::to_string(spec.samples));
  return spec;
}

void check_parameters(const SweepSpec& spec, const ConfigNode& base_tree, const std::vector<std::string>& base_overrides,
                      const std::string& resolved_base_yaml, const ModelRegistry& registry) {
  const ConfigNode resolved = parse_yaml(resolved_base_yaml, "(resolved scenario)");
  for (const SweepParameter& p : spec.parameters) {
    const ConfigNode* at = node_at(resolved, p.path);
    if (!at)
      fail_at(p.path_mark, p.yaml_path + ".path",
              "'" + one_line(p.path) + "' is not a parameter of " + spec.scenario +
                  " (no such key in the resolved scenario; scenarios/baseline.yaml documents every key)");
    if (!at->is_scalar())
      fail_at(p.path_mark, p.yaml_path + ".path",
              "'" + one_line(p.path) + "' is a " + (at->is_map() ? "section" : "list") +
                  " of the scenario; expected the path of one scalar, e.g. " + p.path + "." +
                  (at->is_map() && !at->entries().empty() ? at->entries().front().key : std::string("KEY")));
    if (p.is_range && !as_number(at->scalar()))
      fail_at(p.value_mark, p.yaml_path + ".range",
              "'" + p.path + "' is not a number in the scenario (its value is '" + one_line(at->scalar()) +
                  "'); a range needs a numeric parameter: list its values with values: [...]");
    // Build the scenario with the parameter at each value the check must cover: the range's ends
    // (bounds are intervals, so the ends decide) and an interior point that is not a whole number,
    // or every listed value.
    auto build_at = [&](const std::string& value, const std::string& what) {
      std::vector<std::string> overrides = base_overrides;
      overrides.push_back(p.path + "=" + value);
      try {
        (void)build_scenario(base_tree, spec.scenario, overrides, registry);
      } catch (const ConfigError& e) {
        fail_at(p.value_mark, p.yaml_path + (p.is_range ? ".range" : ".values"),
                what + " " + value + " is not a valid value of " + p.path + ": " + e.what());
      }
    };
    if (p.is_range) {
      build_at(format_number(p.lower), "the lower end");
      build_at(format_number(p.upper), "the upper end");
      // A whole-number parameter (a year, a count) cannot take the range's interior values.
      const double inside = p.number_at(0.3183098861837907);  // 1/pi: an interior point unlikely to be whole
      std::vector<std::string> overrides = base_overrides;
      overrides.push_back(p.path + "=" + format_number(inside));
      try {
        (void)build_scenario(base_tree, spec.scenario, overrides, registry);
      } catch (const ConfigError& e) {
        const std::string what = e.what();
        if (what.find("whole number") != std::string::npos)
          fail_at(p.value_mark, p.yaml_path + ".range",
                  "'" + p.path + "' takes whole numbers, so a range cannot vary it continuously; list its values with values: [...]");
        fail_at(p.value_mark, p.yaml_path + ".range", "the value " + format_number(inside) + " inside the range is not valid: " + what);
      }
    } else {
      for (const auto& v : p.values) build_at(v, "the value");
    }
  }
}

}  // namespace povsim

#include "sim/core/scenario.hpp"

#include <algorithm>
#include <filesystem>

namespace povsim {

double PovertyLineParams::line_for(int year) const {
  double line = base_yuan;
  for (int y = base_year + 1; y <= year; ++y) line *= 1.0 + inflation.at(YearMonth::of(y, 1));
  return line;
}

namespace {

// Top-level keys that are not model groups.
constexpr std::string_view kRunKeys[] = {"name",       "description", "horizon", "seed", "replicates",
                                         "population_per_replicate", "poverty_line"};

std::string group_of(const std::string& path) { return path.substr(0, path.find('.')); }
std::string name_of(const std::string& path) { return path.substr(path.find('.') + 1); }

void check_keys(const ConfigNode& map, const std::string& path, const std::vector<std::string>& allowed) {
  for (const auto& e : map.entries()) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string expected;
    for (const auto& k : allowed) expected += (expected.empty() ? "" : ", ") + k;
    const SourceMark& mark = e.key_mark.origin ? e.key_mark : e.value.mark();
    throw ConfigError(mark.str() + ": " + (path.empty() ? "" : path + ".") + one_line(e.key) +
                      ": unknown key; expected one of: " + expected);
  }
}

}  // namespace

std::string Scenario::display_name() const {
  return run.name.empty() ? std::filesystem::path(source).stem().string() : run.name;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const ModelRegistry& registry) {
  return build_scenario(load_yaml_with_extends(path), path, overrides, registry);
}

Scenario default_scenario(const std::vector<std::string>& overrides, const ModelRegistry& registry) {
  return build_scenario(parse_yaml("{}", "(built-in defaults)"), "(built-in defaults)", overrides, registry);
}

Scenario build_scenario(ConfigNode root, const std::string& path, const std::vector<std::string>& overrides,
                        const ModelRegistry& registry) {
  for (const auto& o : overrides) apply_override(root, o);
  const SourceMark file_mark = root.mark();

  // Which keys may appear at the top level and inside each group.
  std::vector<std::string> top(std::begin(kRunKeys), std::end(kRunKeys));
  top.push_back(registry.population().path);
  std::vector<std::string> groups;
  for (const auto& e : registry.entries())
    if (std::find(groups.begin(), groups.end(), group_of(e.path)) == groups.end()) groups.push_back(group_of(e.path));
  top.insert(top.end(), groups.begin(), groups.end());
  check_keys(root, "", top);
  for (const auto& g : groups) {
    const ConfigNode* section = root.find(g);
    if (!section) continue;
    if (!section->is_map() && !section->is_null())
      throw ConfigError(section->mark().str() + ": " + g + ": expected a map of models");
    std::vector<std::string> names;
    for (const auto& e : registry.entries())
      if (group_of(e.path) == g) names.push_back(name_of(e.path));
    check_keys(*section, g, names);
  }

  Scenario scenario;
  scenario.source = path;
  ConfigNode resolved = ConfigNode::make_map({});

  // Run settings live at the top level beside the model groups; read them through a filtered view.
  ConfigNode run_view = ConfigNode::make_map(file_mark);
  for (const auto& e : root.entries())
    if (std::find(std::begin(kRunKeys), std::end(kRunKeys), e.key) != std::end(kRunKeys))
      run_view.set(e.key, e.value, e.key_mark);
  scenario.run = read_params<RunSettings>(&run_view, "", file_mark);
  const ConfigNode run_resolved = write_params(scenario.run);
  for (const auto& e : run_resolved.entries()) resolved.set(e.key, e.value);

  const RunSettings& run = scenario.run;
  auto text_error = [&](const char* key, const std::string& message) {
    const ConfigNode* at = root.find(key);
    throw ConfigError((at ? at->mark() : file_mark).str() + ": " + key + ": " + message);
  };
  if (run.name.size() > kMaxScenarioNameBytes)
    text_error("name", "expected at most " + std::to_string(kMaxScenarioNameBytes) + " bytes, got " +
                           std::to_string(run.name.size()));
  for (const char c : run.name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      text_error("name", "expected one line of text, got '" + one_line(run.name) + "' (it holds a control character)");
  if (run.description.size() > kMaxScenarioDescriptionBytes)
    text_error("description", "expected at most " + std::to_string(kMaxScenarioDescriptionBytes) + " bytes, got " +
                                  std::to_string(run.description.size()));
  auto horizon_error = [&](const char* key, const std::string& message) {
    const ConfigNode* h = root.find("horizon");
    const ConfigNode* at = h && h->is_map() ? h->find(key) : nullptr;
    throw ConfigError((at ? at->mark() : file_mark).str() + ": horizon." + key + ": " + message);
  };
  if (run.horizon.start.month() != 1)
    horizon_error("start", "expected a January (assessments are annual), got " + run.horizon.start.str());
  if (run.horizon.end.month() != 12)
    horizon_error("end", "expected a December (assessments are annual), got " + run.horizon.end.str());
  if (run.horizon.end < run.horizon.start)
    horizon_error("end", "expected a month after horizon.start (" + run.horizon.start.str() + "), got " +
                             run.horizon.end.str());
  if (run.horizon.start.year() <= run.poverty_line.base_year)
    horizon_error("start", "expected a year after poverty_line.base_year (" +
                               std::to_string(run.poverty_line.base_year) + ")");

  const auto& pop = registry.population();
  ConfigNode pop_resolved;
  scenario.population = pop.build(root.find(pop.path), file_mark, pop_resolved);
  resolved.set(pop.path, std::move(pop_resolved));

  std::vector<ColumnAccess> registry_access;  // every registered model's, enabled or not
  std::vector<std::string> registry_order;
  for (const auto& e : registry.entries()) {
    const ConfigNode* group = root.find(group_of(e.path));
    const ConfigNode* section = group && group->is_map() ? group->find(name_of(e.path)) : nullptr;
    auto built = e.build(section, section ? section->mark() : file_mark);
    ConfigNode* resolved_group = resolved.find(group_of(e.path));
    if (!resolved_group) resolved_group = &resolved.set(group_of(e.path), ConfigNode::make_map({}));
    resolved_group->set(name_of(e.path), std::move(built.resolved));
    // Every registered model declares what it reads and writes, enabled or not: the step order is
    // the registry's, and a wrong order is an error whatever a scenario switches off.
    if (!built.enabled) {
      DeclaredLayout scratch = scenario.layout;
      ModelDeclarations declarations(scratch, e.path);
      built.model->declare(declarations);
      for (std::size_t k = scenario.layout.access.size(); k < scratch.access.size(); ++k)
        registry_access.push_back(scratch.access[k]);
      registry_order.push_back(e.path);
      continue;
    }
    {
      if (scenario.models.size() == kMaxModels)
        throw ConfigError(file_mark.str() + ": more than " + std::to_string(kMaxModels) + " models enabled");
      built.model->set_slot(static_cast<std::uint32_t>(scenario.models.size()));
      const std::size_t first_access = scenario.layout.access.size();
      ModelDeclarations declarations(scenario.layout, e.path);
      built.model->declare(declarations);
      scenario.layout.model_order.push_back(e.path);
      registry_access.insert(registry_access.end(), scenario.layout.access.begin() + static_cast<std::ptrdiff_t>(first_access),
                             scenario.layout.access.end());
      registry_order.push_back(e.path);
      scenario.models.push_back(std::move(built.model));
      scenario.model_paths.push_back(e.path);
    }
  }
  check_step_order(registry_access, registry_order);
  scenario.cause_names = registry.causes();
  scenario.resolved_yaml = to_yaml(resolved);
  return scenario;
}

}  // namespace povsim

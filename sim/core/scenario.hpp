// A scenario: run settings plus the configured models, loaded strictly from YAML.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/calendar.hpp"
#include "sim/config/config.hpp"
#include "sim/core/model.hpp"
#include "sim/core/registry.hpp"

namespace povsim {

// The official line and how it is carried forward: line(y) = line(y-1) * (1 + inflation(y)).
struct PovertyLineParams {
  int base_year = 2020;
  double base_yuan = 4000.0;  // yuan/person/year in base_year (domain brief: about 4,000 in 2020)
  // Annual price growth by year; a judgement (the brief gives no path): 2 % a year.
  StepSchedule inflation{{{YearMonth::of(2021, 1), 0.02}}, std::nullopt};

  template <class V>
  void visit(V& v) {
    v.integer("base_year", base_year, 1990, 2100);
    v.number("base_yuan_per_person_year", base_yuan, Bounds{1.0, 1e6, "yuan/person/year"});
    v.schedule("inflation", inflation, Bounds{-0.5, 1.0, "annual rate"});
  }
  // The line for `year` (>= base_year), yuan/person/year.
  double line_for(int year) const;
};

struct HorizonParams {
  YearMonth start = YearMonth::of(2021, 1);
  YearMonth end = YearMonth::of(2030, 12);
  template <class V>
  void visit(V& v) {
    v.month("start", start);
    v.month("end", end);
  }
};

struct RunSettings {
  // What outputs, tables and plot legends call the scenario; '' means the scenario file's name
  // without folder and extension. Neither is inherited through `extends` (a base's name describes
  // the base). One line of at most kMaxScenarioNameBytes; the description at most
  // kMaxScenarioDescriptionBytes, any text.
  std::string name;
  std::string description;
  HorizonParams horizon;
  std::uint64_t seed = 20210101;
  std::uint32_t replicates = 1;
  // false: every replicate starts from one population (replicate 0's), so intervals across
  // replicates cover the shocks' noise only; true: replicate k draws its own population from
  // (seed, k), so they also cover the sampling noise of the population (synthetic populations
  // only). Replicate 0 is the same either way.
  bool population_per_replicate = false;
  PovertyLineParams poverty_line;

  template <class V>
  void visit(V& v) {
    v.text("name", name, false, true);
    v.text("description", description, false, true);
    v.section("horizon", horizon);
    v.integer("seed", seed, std::uint64_t{0}, ~std::uint64_t{0});
    v.integer("replicates", replicates, std::uint32_t{1}, std::uint32_t{65535});
    v.flag("population_per_replicate", population_per_replicate);
    v.section("poverty_line", poverty_line);
  }
  int months() const { return horizon.end.index - horizon.start.index + 1; }
};

inline constexpr std::size_t kMaxScenarioNameBytes = 200;
inline constexpr std::size_t kMaxScenarioDescriptionBytes = 10000;

struct Scenario {
  std::string source;  // the file it was loaded from
  RunSettings run;
  std::unique_ptr<PopulationSource> population;
  std::vector<std::unique_ptr<Model>> models;  // enabled models, in step order
  std::vector<std::string> model_paths;        // their YAML paths, same order
  DeclaredLayout layout;  // the columns, flags and outputs the models declared, and who reads what
  std::vector<std::string> cause_names;
  std::string resolved_yaml;  // the scenario with extends merged, overrides applied, defaults filled

  // run.name, or the file's name without folder and extension when that is ''.
  std::string display_name() const;
};

// Loads `path` (following extends), applies `overrides` ("a.b=v"), validates everything and builds
// the models. Throws ConfigError with a complete message on any problem.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const ModelRegistry& registry);
// The built-in defaults (what scenarios/baseline.yaml spells out), with overrides.
Scenario default_scenario(const std::vector<std::string>& overrides, const ModelRegistry& registry);
// The same from an already parsed tree; `path` names it in messages.
Scenario build_scenario(ConfigNode root, const std::string& path, const std::vector<std::string>& overrides,
                        const ModelRegistry& registry);

}  // namespace povsim

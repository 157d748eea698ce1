// libFuzzer target: the scenario loader and validator on arbitrary bytes (issue 11).
// Any input may be refused with ConfigError; a crash, a sanitizer report, any other exception, or a
// scenario that does not survive its own round trip is a finding. The round trip: an accepted
// scenario's resolved YAML (what the output file records) must load again to the same resolved
// YAML, or a value was coerced or lost on the way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/config/config.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"

namespace {

// Mirrors load_yaml_with_extends for one file in memory (no extends: targets would be other files):
// a scenario is exactly one YAML map.
void load_and_check(const std::string& text, const povsim::ModelRegistry& registry) {
  povsim::ConfigNode root = povsim::parse_yaml(text, "fuzz.yaml");
  if (!root.is_map() || root.find("extends")) return;
  const povsim::Scenario s = povsim::build_scenario(std::move(root), "fuzz.yaml", {}, registry);
  try {
    const povsim::Scenario again =
        povsim::build_scenario(povsim::parse_yaml(s.resolved_yaml, "resolved"), "resolved", {}, registry);
    if (again.resolved_yaml != s.resolved_yaml) std::abort();  // the resolved scenario does not reproduce itself
  } catch (const povsim::ConfigError&) {
    std::abort();  // an accepted scenario whose resolved form is refused: something was written back wrongly
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Built once: the registry is immutable and building it on every input would dominate the run.
  static const povsim::ModelRegistry registry = povsim::make_default_registry();
  try {
    load_and_check(std::string(reinterpret_cast<const char*>(data), size), registry);
  } catch (const povsim::ConfigError& e) {
    // Refused input must be reported on one line.
    const std::string message = e.what();
    if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) std::abort();
  }
  return 0;
}

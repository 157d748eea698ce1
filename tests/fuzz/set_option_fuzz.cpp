// libFuzzer target: `--set PATH=VALUE` overrides (issue 11). The input is a list of assignments
// separated by NUL bytes (a value may hold a newline: the command line allows it), applied to a
// small scenario and then validated as `povsim run --set ...` does. Any input may be refused with
// ConfigError on one line; a crash, a sanitizer report, any other exception, or an accepted
// scenario whose resolved YAML does not reproduce itself is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"

namespace {

constexpr const char* kBase =
    "horizon: {start: 2021-01, end: 2025-12}\n"
    "seed: 7\n"
    "poverty_line:\n  inflation: {2021: 0.02, 2024: 0.03}\n"
    "population:\n  households: 1000\n  household_size_weights: [0.2, 0.3, 0.5]\n"
    "shocks:\n  illness:\n    reimbursement_rate: 0.6\n";

void apply_and_check(const std::vector<std::string>& overrides, const povsim::ModelRegistry& registry) {
  const povsim::Scenario s = povsim::build_scenario(povsim::parse_yaml(kBase, "base.yaml"), "base.yaml", overrides, registry);
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
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    overrides.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  try {
    apply_and_check(overrides, registry);
  } catch (const povsim::ConfigError& e) {
    const std::string message = e.what();
    if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) std::abort();
  }
  return 0;
}

#include "sim/optimise/optimise_file.hpp"

#include <algorithm>
#include <filesystem>

#include "sim/config/params.hpp"

namespace povsim {

namespace {

[[noreturn]] void fail_at(const SourceMark& mark, const std::string& path, const std::string& message) {
  throw ConfigError(mark.str() + ": " + path + ": " + message);
}

}  // namespace

std::vector<std::string> OptimiseSpec::base_overrides() const { return population_overrides(households, seed); }

OptimiseSpec load_optimise(const std::string& path) {
  OptimiseSpec spec;
  spec.file = path;
  spec.text = read_spec_file(path, "optimise file");
  const ConfigNode root = parse_yaml(spec.text, path);
  if (!root.is_map())
    throw ConfigError(path + ":1:1: an optimise file must be a YAML map of keys (docs/optimise.md)");

  ParamReader r(&root, "", root.mark());
  std::string scenario;
  r.text("scenario", scenario, true);
  spec.scenario = (std::filesystem::path(path).parent_path() / scenario).lexically_normal().string();
  if (!root.find("households")) fail_at(root.mark(), "households", "missing (required): the population size of the search");
  r.integer("households", spec.households, std::uint64_t{1}, std::uint64_t{1} << 32);
  r.integer("replicates", spec.replicates, std::uint32_t{2}, std::uint32_t{10000});
  r.integer("confirm_replicates", spec.confirm_replicates, std::uint32_t{2}, std::uint32_t{10000});
  r.integer("evaluations", spec.evaluations, 1, 100000);
  r.text("optimiser", spec.optimiser);
  if (root.find("seed")) {
    std::uint64_t seed = 0;
    r.integer("seed", seed, std::uint64_t{0}, ~std::uint64_t{0});
    spec.seed = seed;
  } else {
    r.raw("seed");
  }
  r.number("confidence", spec.confidence, Bounds{0.5, 0.999, "one-sided level"});

  const ConfigNode* levers = r.raw("levers");
  if (!levers) fail_at(root.mark(), "levers", "missing: expected a list of {path, bounds: [lower, upper], start}");
  if (!levers->is_sequence() || levers->items().empty()) fail_at(levers->mark(), "levers", "expected a non-empty list");
  for (std::size_t k = 0; k < levers->items().size(); ++k)
    spec.levers.push_back(read_parameter_spec(levers->items()[k], "levers[" + std::to_string(k) + "]"));
  for (std::size_t i = 0; i < spec.levers.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (spec.levers[i].path == spec.levers[j].path)
        fail_at(spec.levers[i].mark, spec.levers[i].yaml_path + ".path",
                "'" + spec.levers[i].path + "' is already " + spec.levers[j].yaml_path);

  const ConfigNode* target = r.raw("target");
  if (!target || !target->is_map())
    fail_at(target ? target->mark() : root.mark(), "target",
            "expected a map: {measure: {dataset: ..., year: Y}, at_most: VALUE} or {measure: ..., at_most_share_of_base: SHARE}");
  {
    ParamReader t(target, "target", target->mark());
    const ConfigNode* measure = t.raw("measure");
    if (!measure) fail_at(target->mark(), "target.measure", "missing: expected {dataset: ..., year: Y}");
    spec.measure = read_dataset_ref(t, "measure", *measure);
    const ConfigNode* absolute = target->find("at_most");
    const ConfigNode* share = target->find("at_most_share_of_base");
    if ((absolute != nullptr) == (share != nullptr))
      fail_at(target->mark(), "target", "expected exactly one of at_most (the measure's units) or at_most_share_of_base (a share of the base's value)");
    if (absolute) {
      spec.kind = TargetKind::at_most;
      t.number("at_most", spec.limit, Bounds{-1e300, 1e300, "the measure's units"});
      t.raw("at_most_share_of_base");
    } else {
      spec.kind = TargetKind::at_most_share_of_base;
      t.number("at_most_share_of_base", spec.limit, Bounds{0.0, 10.0, "share of the base's value"});
      t.raw("at_most");
      if (!(spec.limit > 0)) fail_at(share->mark(), "target.at_most_share_of_base", "expected a share > 0");
    }
    t.finish();
  }
  r.finish();

  if (std::find(kConstrainedOptimisers.begin(), kConstrainedOptimisers.end(), spec.optimiser) ==
      kConstrainedOptimisers.end()) {
    std::string valid;
    for (auto name : kConstrainedOptimisers) valid += (valid.empty() ? "" : ", ") + std::string(name);
    fail_at(root.find("optimiser") ? root.find("optimiser")->mark() : root.mark(), "optimiser",
            "expected a derivative-free NLopt algorithm that takes a constraint (" + valid + "), got '" +
                spec.optimiser + "'");
  }
  return spec;
}

}  // namespace povsim

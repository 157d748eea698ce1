// The list of models a scenario can configure. The list itself (and so the monthly step order)
// is written in models/registry.cpp; this is only the mechanism.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// A model type M provides:
//   struct M::Params { bool enabled; template <class V> void visit(V&); };  // with defaults
//   static constexpr std::uint32_t M::kStreamId;  // fixed forever: changing it changes results
//   explicit M(const M::Params&);
class ModelRegistry {
 public:
  struct Built {
    std::unique_ptr<Model> model;  // built even when disabled: its declarations check the step order
    ConfigNode resolved;           // its parameters with every default filled in
    bool enabled = true;
  };
  struct Entry {
    std::string path;  // YAML path of its section, "group.name", e.g. "shocks.illness"
    std::uint32_t stream_id;
    std::function<Built(const ConfigNode* section, const SourceMark& where)> build;
  };
  struct PopulationEntry {
    std::string path;
    std::function<std::unique_ptr<PopulationSource>(const ConfigNode*, const SourceMark&, ConfigNode&)> build;
  };

  // Appends M; models step in the order they were added.
  template <class M>
  void add(std::string path) {
    check_new(path, M::kStreamId);
    entries_.push_back(Entry{path, M::kStreamId, [path](const ConfigNode* section, const SourceMark& where) {
                               auto params = read_params<typename M::Params>(section, path, where);
                               return Built{std::make_unique<M>(params), write_params(params), params.enabled};
                             }});
  }

  template <class P>
  void set_population(std::string path) {
    population_ = PopulationEntry{path, [path](const ConfigNode* section, const SourceMark& where, ConfigNode& out) {
                                    auto params = read_params<typename P::Params>(section, path, where);
                                    out = write_params(params);
                                    return std::unique_ptr<PopulationSource>(std::make_unique<P>(params));
                                  }};
  }

  // Names of the shock causes households record (index = code stored in last_cause).
  void set_causes(std::vector<std::string> names) { causes_ = std::move(names); }

  const std::vector<Entry>& entries() const { return entries_; }
  const PopulationEntry& population() const { return population_; }
  const std::vector<std::string>& causes() const { return causes_; }

 private:
  void check_new(const std::string& path, std::uint32_t stream_id) const;

  std::vector<Entry> entries_;
  PopulationEntry population_;
  std::vector<std::string> causes_;
};

// Defined in models/registry.cpp: the models, in step order.
ModelRegistry make_default_registry();

}  // namespace povsim

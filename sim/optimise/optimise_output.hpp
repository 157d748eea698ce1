// What `povsim optimise` writes: the HDF5 file (atomically; layout in docs/optimise.md), the
// terminal summary and the --json document.
#pragma once

#include <ostream>
#include <string>

#include "sim/optimise/optimise.hpp"

namespace povsim {

struct OptimiseInfo {
  std::string version;
  int threads = 0;
};

// Writes /levers, /history, /answer, /base and the root attributes. Throws h5::WriteError.
void write_optimise_h5(const std::string& path, const OptimiseSpec& spec, const OptimiseResult& result,
                       const OptimiseInfo& info);
// The answer in words and numbers, for the terminal.
void print_optimise_summary(std::ostream& out, const OptimiseSpec& spec, const OptimiseResult& result,
                            const std::string& h5_path);
// One JSON document: the mix, its cost and measure with intervals (search and fresh replicates),
// the frontier explored.
void print_optimise_json(std::ostream& out, const OptimiseSpec& spec, const OptimiseResult& result,
                         const std::string& h5_path);

}  // namespace povsim

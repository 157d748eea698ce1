// `povsim merge`: result files of one scenario run in parts (`--replicate K` per job of a job
// array) combined into the file one run of all their replicates would have written, every dataset
// bit for bit (docs/output.md, "Merging job-array parts").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/registry.hpp"

namespace povsim {

struct MergeSummary {
  std::vector<std::uint32_t> replicates;  // the merged file's replicate_index, ascending
  bool complete = false;                  // they are 0 .. N-1 of the scenario's N replicates
};

// Checks that the parts are povsim result files of one resolved scenario, version, population and
// seed, with disjoint replicates, then writes `out` atomically. The layout comes from the resolved
// scenario the parts record, so a dataset a part lacks or holds in another shape is an error.
// Throws ConfigError (one line, naming the part) for bad input; nothing is written then.
MergeSummary merge_result_files(const std::vector<std::string>& parts, const std::string& out,
                                const ModelRegistry& registry);

}  // namespace povsim

// Memory budgeting: estimate a run's footprint before allocating, and read what the machine has.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sim/core/columns.hpp"

namespace povsim {

// Bytes a run of `households` needs: household and person state plus the generator's scratch.
// `declared`: the columns the scenario's models declare (counted per household or per person).
std::size_t estimate_run_bytes(std::size_t households, double persons_per_household,
                               const std::vector<ColumnSpec>& declared = {});

// MemAvailable from /proc/meminfo (or cgroup limit if lower); nullopt when unknown.
std::optional<std::size_t> available_memory_bytes();

// Peak resident set size of this process so far, bytes.
std::size_t peak_rss_bytes();

}  // namespace povsim

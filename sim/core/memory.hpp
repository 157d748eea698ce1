// Memory budgeting: estimate a run's footprint before allocating, and read what the process may use.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/columns.hpp"

namespace povsim {

// Bytes a run of `households` needs: household and person state plus the generator's scratch.
// `declared`: the columns the scenario's models declare (counted per household or per person).
std::size_t estimate_run_bytes(std::size_t households, double persons_per_household,
                               const std::vector<ColumnSpec>& declared = {});

// Bytes the results of `replicates` x `years` take: the tallies, the arrays built from them for the
// output file and HDF5's conversion buffers (each of the three about one tally's size).
std::size_t estimate_results_bytes(std::size_t replicates, std::size_t years);

// The tightest memory limit on this process, and where it comes from ("MemAvailable in
// /proc/meminfo", "cgroup v2 memory.max of /user.slice/x", "ulimit -v"), so that a refusal can name
// the cause.
struct MemoryLimit {
  std::size_t bytes = 0;
  std::string source;
};

// Where the limits are read from. Injectable so that tests can feed fake files; the defaults are
// the real ones. `address_space_limit`: RLIMIT_AS in bytes (nullopt: read it with getrlimit);
// `address_space_used`: the process's current virtual size (nullopt: read /proc/self/statm).
struct MemorySources {
  std::string meminfo = "/proc/meminfo";
  std::string self_cgroup = "/proc/self/cgroup";
  std::string cgroup_root = "/sys/fs/cgroup";  // cgroup v2 unified mount; v1 controllers below it
  std::optional<std::size_t> address_space_limit;
  std::optional<std::size_t> address_space_used;
};

// The lowest of: MemAvailable; the cgroup v2 memory.max (minus memory.current) of this process's
// cgroup and each of its ancestors; the cgroup v1 memory.limit_in_bytes (minus usage_in_bytes) of
// the same; RLIMIT_AS minus the address space already in use. nullopt when none is known.
std::optional<MemoryLimit> memory_limit(const MemorySources& sources = {});

// memory_limit()'s bytes; kept for callers that need no cause.
std::optional<std::size_t> available_memory_bytes();

// Peak resident set size of this process so far, bytes.
std::size_t peak_rss_bytes();

}  // namespace povsim

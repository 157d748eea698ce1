#include "sim/core/memory.hpp"

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

#include "sim/core/household_store.hpp"

namespace povsim {

std::size_t estimate_run_bytes(std::size_t households, double persons_per_household,
                               const std::vector<ColumnSpec>& declared) {
  double declared_per_household = 0, declared_per_person = 0;
  for (const ColumnSpec& c : declared) (c.per_person ? declared_per_person : declared_per_household) += double(c.element_size());
  const double per_household = double(HouseholdStore::bytes_per_household()) + declared_per_household +
                               persons_per_household * (double(HouseholdStore::bytes_per_person()) + declared_per_person) +
                               1.0;  // the generator's household-size scratch
  return static_cast<std::size_t>(double(households) * per_household * 1.05) + (64u << 20);
}

std::optional<std::size_t> available_memory_bytes() {
  std::optional<std::size_t> available;
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream in(line.substr(13));
      std::size_t kib = 0;
      if (in >> kib) available = kib * 1024;
    }
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  std::string limit;
  if (cgroup >> limit && limit != "max") {
    try {
      const std::size_t bytes = std::stoull(limit);
      if (!available || bytes < *available) available = bytes;
    } catch (...) {
    }
  }
  return available;
}

std::size_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

}  // namespace povsim

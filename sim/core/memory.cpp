#include "sim/core/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/core/household_store.hpp"
#include "sim/core/results.hpp"

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

std::size_t estimate_results_bytes(std::size_t replicates, std::size_t years) {
  // In double so that 65,535 x 210 x a few KiB cannot overflow before it is compared.
  const double bytes = double(replicates) * double(years) * double(sizeof(YearTally)) * 3.0;
  return bytes >= 1.8e19 ? std::size_t(-1) : static_cast<std::size_t>(bytes);
}

namespace {

// The first whole number in `path` ("max" and missing files give nullopt).
std::optional<std::size_t> read_bytes(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Limits this large mean none (cgroup v1 reports "unlimited" as 9223372036854771712).
constexpr std::size_t kUnlimited = std::size_t{1} << 62;

void lower(std::optional<MemoryLimit>& best, std::size_t bytes, std::string source) {
  if (!best || bytes < best->bytes) best = MemoryLimit{bytes, std::move(source)};
}

// A limit file in `dir` and each ancestor of it up to `root`: a nested cgroup is bounded by every
// group above it, and inside a container the path in /proc/self/cgroup may name groups above the
// mounted one, whose files are then simply missing. What is left is the limit minus the usage.
void cgroup_limits(std::optional<MemoryLimit>& best, const std::string& root, std::string group, const char* limit_file,
                   const char* usage_file, const std::string& label) {
  while (true) {
    const std::string dir = root + (group == "/" ? "" : group);
    if (const auto limit = read_bytes(dir + "/" + limit_file); limit && *limit < kUnlimited) {
      const std::size_t used = read_bytes(dir + "/" + usage_file).value_or(0);
      lower(best, *limit > used ? *limit - used : 0, label + " " + limit_file + " of " + group);
    }
    if (group.empty() || group == "/") break;
    const auto slash = group.find_last_of('/');
    group = slash == 0 || slash == std::string::npos ? "/" : group.substr(0, slash);
  }
}

}  // namespace

std::optional<MemoryLimit> memory_limit(const MemorySources& sources) {
  std::optional<MemoryLimit> best;
  {
    std::ifstream meminfo(sources.meminfo);
    std::string line;
    while (std::getline(meminfo, line)) {
      if (line.rfind("MemAvailable:", 0) == 0) {
        std::istringstream in(line.substr(13));
        std::size_t kib = 0;
        if (in >> kib) lower(best, kib * 1024, "memory available (MemAvailable in /proc/meminfo)");
      }
    }
  }
  // /proc/self/cgroup: "0::/path" for cgroup v2, "N:memory:/path" (controllers comma-separated)
  // for the v1 memory controller, mounted at ROOT/memory.
  std::ifstream self(sources.self_cgroup);
  std::string line;
  bool v2_seen = false;
  while (std::getline(self, line)) {
    const auto first = line.find(':'), second = line.find(':', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
    if (line.compare(0, first, "0") == 0 && controllers.empty()) {
      v2_seen = true;
      cgroup_limits(best, sources.cgroup_root, path, "memory.max", "memory.current", "cgroup");
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      cgroup_limits(best, sources.cgroup_root + "/memory", path, "memory.limit_in_bytes", "memory.usage_in_bytes",
                    "cgroup v1");
    }
  }
  // Without /proc/self/cgroup (or without a v2 line), the unified mount's own limit still applies.
  if (!v2_seen) cgroup_limits(best, sources.cgroup_root, "/", "memory.max", "memory.current", "cgroup");

  std::optional<std::size_t> as_limit = sources.address_space_limit;
  if (!as_limit) {
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) as_limit = limit.rlim_cur;
  }
  if (as_limit && *as_limit < kUnlimited) {
    std::optional<std::size_t> used = sources.address_space_used;
    if (!used) {
      std::ifstream statm("/proc/self/statm");
      std::size_t pages = 0;
      if (statm >> pages) used = pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    }
    const std::size_t in_use = used.value_or(0);
    lower(best, *as_limit > in_use ? *as_limit - in_use : 0, "address space (ulimit -v)");
  }
  return best;
}

std::optional<std::size_t> available_memory_bytes() {
  if (const auto limit = memory_limit()) return limit->bytes;
  return std::nullopt;
}

std::size_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

}  // namespace povsim

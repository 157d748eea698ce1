// The memory check's sources, read from fake /proc and /sys/fs/cgroup trees: the tightest of
// MemAvailable, cgroup v2 (nested: every ancestor binds), cgroup v1 and ulimit -v, with its cause.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/core/memory.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kGiB = std::size_t{1} << 30;

struct FakeSystem {
  testing::TempDir dir;
  MemorySources sources;
  FakeSystem() {
    sources.meminfo = dir.file("meminfo", "MemTotal: 67108864 kB\nMemAvailable: 33554432 kB\n");  // 32 GiB
    sources.self_cgroup = dir.file("cgroup", "0::/\n");
    sources.cgroup_root = (dir.path / "sys").string();
    sources.address_space_limit = std::size_t(-1);  // no ulimit -v unless a test sets one
    sources.address_space_used = 0;
    fs::create_directories(sources.cgroup_root);
  }
  void write(const std::string& relative, const std::string& content) {
    const fs::path p = fs::path(sources.cgroup_root) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }
};

TEST(MemoryLimit, MemAvailableWhenNothingElseBinds) {
  FakeSystem sys;
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, 32 * kGiB);
  EXPECT_NE(limit->source.find("MemAvailable"), std::string::npos) << limit->source;
}

TEST(MemoryLimit, NestedCgroupV2LimitOfAnAncestorBinds) {
  FakeSystem sys;
  sys.sources.self_cgroup = sys.dir.file("cgroup", "0::/user.slice/job.scope/inner\n");
  sys.write("user.slice/memory.max", "max\n");
  sys.write("user.slice/job.scope/memory.max", std::to_string(4 * kGiB) + "\n");
  sys.write("user.slice/job.scope/memory.current", std::to_string(kGiB) + "\n");
  sys.write("user.slice/job.scope/inner/memory.max", "max\n");
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, 3 * kGiB);  // the limit minus what the group already uses
  EXPECT_NE(limit->source.find("memory.max of /user.slice/job.scope"), std::string::npos) << limit->source;
}

TEST(MemoryLimit, CgroupV2OwnGroupTighterThanItsParent) {
  FakeSystem sys;
  sys.sources.self_cgroup = sys.dir.file("cgroup", "0::/a/b\n");
  sys.write("a/memory.max", std::to_string(8 * kGiB));
  sys.write("a/b/memory.max", std::to_string(2 * kGiB));
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, 2 * kGiB);
  EXPECT_NE(limit->source.find("of /a/b"), std::string::npos) << limit->source;
}

TEST(MemoryLimit, CgroupV1MemoryController) {
  FakeSystem sys;
  sys.sources.self_cgroup = sys.dir.file("cgroup", "12:cpu,cpuacct:/docker/x\n11:memory:/docker/x\n");
  sys.write("memory/docker/x/memory.limit_in_bytes", std::to_string(kGiB));
  sys.write("memory/memory.limit_in_bytes", "9223372036854771712");  // v1's "unlimited"
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, kGiB);
  EXPECT_NE(limit->source.find("cgroup v1 memory.limit_in_bytes"), std::string::npos) << limit->source;
}

TEST(MemoryLimit, CgroupV1UnlimitedIsNoLimit) {
  FakeSystem sys;
  sys.sources.self_cgroup = sys.dir.file("cgroup", "4:memory,hugetlb:/\n");
  sys.write("memory/memory.limit_in_bytes", "9223372036854771712");
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, 32 * kGiB);
}

TEST(MemoryLimit, UlimitVMinusTheAddressSpaceInUse) {
  FakeSystem sys;
  sys.write("memory.max", std::to_string(16 * kGiB));
  sys.sources.address_space_limit = 2 * kGiB;
  sys.sources.address_space_used = kGiB / 2;
  const auto limit = memory_limit(sys.sources);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->bytes, kGiB + kGiB / 2);
  EXPECT_NE(limit->source.find("ulimit -v"), std::string::npos) << limit->source;
}

TEST(MemoryLimit, GarbageAndMissingFilesAreIgnored) {
  FakeSystem sys;
  sys.sources.meminfo = sys.dir.file("meminfo", "MemAvailable: lots\n");
  sys.sources.self_cgroup = sys.dir.file("cgroup", "nonsense\n0::/g\n");
  sys.write("g/memory.max", "12abc");
  EXPECT_FALSE(memory_limit(sys.sources));
}

TEST(MemoryLimit, ResultsOfManyReplicatesAndYearsAreCounted) {
  // 65,535 replicates over 210 years must not fit in any machine this runs on.
  EXPECT_GT(estimate_results_bytes(65535, 210), 64 * kGiB);
  EXPECT_LT(estimate_results_bytes(1, 11), std::size_t{1} << 20);
  EXPECT_EQ(estimate_results_bytes(0, 11), 0u);
}

}  // namespace
}  // namespace povsim

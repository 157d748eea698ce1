// The povsim binary under the signals a batch scheduler sends: it finishes its month, saves a
// checkpoint, removes its temporary output and exits 75; --restart continues to the same results
// as an uninterrupted run; a second SIGINT aborts at once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/cli.hpp"
#include "process_support.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

// A run long enough to be caught mid-way (about a second), with budgets that bind.
std::vector<std::string> run_args(const std::string& out) {
  return {"run", baseline(), "--out", out, "--households", "100000", "--quiet", "--no-progress", "--threads", "2",
          "--set", "replicates=2", "--set", "policies.rural_pension.budget_per_household=150"};
}

using testing::spawn;
using testing::wait_status;

// Waits (up to 60 s) until `file` exists.
bool wait_for(const std::string& file) {
  for (int i = 0; i < 6000 && !fs::exists(file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return fs::exists(file);
}

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(RunSignals, EachStopSignalCheckpointsAndTheRestartEqualsAnUninterruptedRun) {
  TempDir dir;
  const std::string reference = dir.file("reference.h5");
  {
    std::ostringstream out, err;
    ASSERT_EQ(povsim_main(run_args(reference), out, err), 0) << err.str();
  }
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) {
    const std::string out = dir.file("out.h5"), checkpoint = dir.file("run.ckpt");
    auto args = run_args(out);
    args.insert(args.end(), {"--checkpoint", checkpoint, "--checkpoint-every", "5"});
    const pid_t pid = spawn(args);
    ASSERT_TRUE(wait_for(checkpoint)) << "no checkpoint appeared";
    kill(pid, sig);
    EXPECT_EQ(wait_status(pid), 75) << "signal " << sig;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(files_in(dir.path), 2u) << "a temporary file was left behind";  // reference + checkpoint

    auto again = run_args(out);
    again.insert(again.end(), {"--checkpoint", checkpoint, "--restart", checkpoint, "--threads", "1"});
    std::ostringstream o, e;
    ASSERT_EQ(povsim_main(again, o, e), 0) << e.str();
    EXPECT_EQ(testing::compare_result_files(reference, out), "") << "signal " << sig;
    fs::remove(out);
    fs::remove(checkpoint);
  }
}

TEST(RunSignals, ASecondSigintAbortsAtOnceAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string out = dir.file("out.h5"), checkpoint = dir.file("run.ckpt");
  auto args = run_args(out);
  args.insert(args.end(), {"--checkpoint", checkpoint, "--checkpoint-every", "1000"});
  // Both signals must arrive before the first month ends (else the run stops at it, exit 75). A
  // month of 400,000 households lasts about 25 ms, too close to the signals' 20 ms gap; building
  // 4 M households takes seconds, and the signals arrive while it goes on: the temporary output
  // exists from before the population is built, and the signals follow it by 0.2 s.
  args[5] = "4000000";
  const pid_t pid = spawn(args);
  for (int i = 0; i < 6000 && files_in(dir.path) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGINT);
  EXPECT_EQ(wait_status(pid), 130);
  for (const auto& f : fs::directory_iterator(dir.path))
    if (f.path().filename() != "run.ckpt") ADD_FAILURE() << "left behind: " << f.path();
}

TEST(RunSignals, ReplicateOptionWritesOnlyThoseReplicates) {
  TempDir dir;
  const std::string all = dir.file("all.h5"), second = dir.file("second.h5");
  std::ostringstream o, e;
  auto args = run_args(all);
  args[5] = "20000";
  ASSERT_EQ(povsim_main(args, o, e), 0) << e.str();
  args[3] = second;
  args.insert(args.end(), {"--replicate", "1"});
  ASSERT_EQ(povsim_main(args, o, e), 0) << e.str();
  EXPECT_EQ(testing::read_dataset(second, "replicate_index"), std::vector<double>{1});
  EXPECT_EQ(testing::read_dataset(all, "replicate_index"), (std::vector<double>{0, 1}));
  const auto a = testing::read_dataset(all, "annual/return_rate"), s = testing::read_dataset(second, "annual/return_rate");
  ASSERT_EQ(a.size(), 2 * s.size());
  EXPECT_EQ(std::vector<double>(a.begin() + static_cast<long>(s.size()), a.end()), s);
  args.back() = "2";
  std::ostringstream o2, e2;
  EXPECT_EQ(povsim_main(args, o2, e2), 2);
  EXPECT_NE(e2.str().find("replicate 2 does not exist"), std::string::npos) << e2.str();
  args.back() = "1:0";
  EXPECT_EQ(povsim_main(args, o2, e2), 2);
}

}  // namespace
}  // namespace povsim

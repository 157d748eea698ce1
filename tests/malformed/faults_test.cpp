// Faults while writing results: a full disk (tests/malformed/enospc_shim.c preloaded into the
// binary), kill -9 and stop signals mid-run or mid-write, unwritable destinations, an empty --out,
// and two runs writing one --out. Whatever happens, the target path never holds a half-written
// file, the temporary file .NAME.tmp.PID is gone (except after kill -9, which nothing can catch),
// and nothing crashes.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <thread>

#include "malformed/malformed_support.hpp"

namespace povsim::malformed {
namespace {

namespace fs = std::filesystem;
using povsim::testing::TempDir;

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

// A small run: a fraction of a second, but a results file of several hundred KiB.
std::vector<std::string> small_run(const std::string& out) {
  return {"run", baseline(), "--out", out, "--households", "2000", "--quiet", "--no-progress", "--threads", "1"};
}

// A run long enough (a few seconds) to be stopped mid-way.
std::vector<std::string> long_run(const std::string& out) {
  return {"run", baseline(), "--out", out, "--households", "100000", "--quiet", "--no-progress", "--threads", "2",
          "--set", "replicates=3"};
}

using Env = std::map<std::string, std::string>;

// The binary started in the background with `env` added (LD_PRELOAD and the shim's settings),
// stdout and stderr to files in `dir`.
struct Child {
  pid_t pid = -1;
  fs::path dir;
  std::string name;
  Outcome wait() const {
    int status = 0;
    waitpid(pid, &status, 0);
    Outcome r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp((dir / (name + ".out")).string());
    r.err = slurp((dir / (name + ".err")).string());
    fs::remove(dir / (name + ".out"));
    fs::remove(dir / (name + ".err"));
    return r;
  }
};

Child start(const std::vector<std::string>& args, const fs::path& dir, const Env& env,
            const std::string& name = "child") {
  Child c{-1, dir, name};
  const std::string out_path = (dir / (name + ".out")).string(), err_path = (dir / (name + ".err")).string();
  c.pid = fork();
  if (c.pid == 0) {
    dup2(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(POVSIM_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(POVSIM_BINARY, argv.data());
    _exit(127);
  }
  return c;
}

Outcome run(const std::vector<std::string>& args, const fs::path& dir, const Env& env = {}) {
  return start(args, dir, env).wait();
}

// The shim's settings: writes to the temporary output fail with ENOSPC after `bytes` bytes.
Env full_disk_after(long bytes) {
  // Under the sanitizers (scripts/test.sh --sanitize): ASan insists on coming first among preloaded
  // libraries, which the shim does not need; and HDF5 1.10 cannot free a file whose flush failed
  // (see sim/cli/main.cpp), a leak of the library's that LeakSanitizer would report at exit.
  const char* inherited = std::getenv("ASAN_OPTIONS");
  return {{"LD_PRELOAD", POVSIM_ENOSPC_SHIM},
          {"POVSIM_ENOSPC_PATH", ".tmp."},
          {"POVSIM_ENOSPC_AFTER", std::to_string(bytes)},
          {"ASAN_OPTIONS", std::string(inherited ? inherited : "") + ":verify_asan_link_order=0:detect_leaks=0"}};
}

// The shim's settings: the write to the temporary output past `bytes` bytes stalls for `ms`
// milliseconds, after creating `marker`.
Env stall_after(long bytes, int ms, const std::string& marker) {
  Env env = full_disk_after(bytes);
  env["POVSIM_STALL_MS"] = std::to_string(ms);
  env["POVSIM_STALL_MARKER"] = marker;
  return env;
}

// Files in `dir` whose name marks a temporary output (".NAME.tmp.PID").
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(f.path().filename());
  return found;
}

bool wait_for(const std::function<bool()>& condition, int seconds = 120) {
  for (int i = 0; i < seconds * 100; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// A complete results file: it opens and holds the last dataset written.
bool complete_results(const std::string& file) {
  return !povsim::testing::read_dataset(file, "annual/return_rate").empty();
}

TEST(Faults, ShimFailsWritesWithEnospc) {
  // The fault injection itself must work, or every full-disk test below would pass vacuously.
  TempDir dir;
  const std::string out = dir.file("out.h5");
  const Outcome r = run(small_run(out), dir.path, full_disk_after(0));
  EXPECT_NE(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
}

TEST(Faults, FullDiskIsOneLineNamingTheFileAndTheReasonThenExit1) {
  // Fails at each stage of the file: its creation, the first data, the middle, the final flush.
  for (long after : {0L, 2048L, 65536L, 100000L}) {
    SCOPED_TRACE("ENOSPC after " + std::to_string(after) + " bytes");
    TempDir dir;
    const std::string out = dir.file("out.h5");
    const Outcome r = run(small_run(out), dir.path, full_disk_after(after));
    EXPECT_EQ(r.status, 1) << r.err;  // a run-time failure, not a crash (139) nor bad input
    EXPECT_EQ(r.stderr_lines(), 1) << r.err;
    EXPECT_NE(r.err.find("cannot write " + out + ": No space left on device"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
  }
}

TEST(Faults, FullDiskLeavesAnEarlierResultUntouched) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  ASSERT_EQ(run(small_run(out), dir.path).status, 0);
  const std::string before = slurp(out);
  const Outcome r = run(small_run(out), dir.path, full_disk_after(65536));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(slurp(out), before);
  EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
}

TEST(Faults, FullDiskWritingAPopulationFile) {
  TempDir dir;
  const std::string out = dir.file("population.h5");
  const Outcome r = run({"population", baseline(), "--households", "2000", "--out", out}, dir.path,
                        full_disk_after(65536));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write " + out + ": No space left on device"), std::string::npos) << r.err;
  // One error line (after the line saying how the population was generated).
  EXPECT_EQ(r.err.find("povsim: error", r.err.find("povsim: error") + 1), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
}

TEST(Faults, KillNineMidWriteNeverLeavesAHalfWrittenTarget) {
  TempDir dir;
  const std::string out = dir.file("out.h5"), marker = dir.file("stalled");
  ASSERT_EQ(run(small_run(out), dir.path).status, 0);
  const std::string before = slurp(out);
  const Child c = start(small_run(out), dir.path, stall_after(65536, 60000, marker));
  ASSERT_TRUE(wait_for([&] { return fs::exists(marker); })) << "the run never reached its write";
  kill(c.pid, SIGKILL);
  EXPECT_EQ(c.wait().status, 128 + SIGKILL);
  EXPECT_EQ(slurp(out), before) << "the target changed";
  // Only the temporary file is left, under its hidden name, never the target's.
  EXPECT_EQ(temporaries(dir.path).size(), 1u);
}

TEST(Faults, StopSignalsMidRunExit75AndLeaveNoFile) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    SCOPED_TRACE("signal " + std::to_string(sig));
    TempDir dir;
    const std::string out = dir.file("out.h5");
    const Child c = start(long_run(out), dir.path, {});
    ASSERT_TRUE(wait_for([&] { return !temporaries(dir.path).empty(); })) << "the run never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(c.pid, sig);
    const Outcome r = c.wait();
    EXPECT_EQ(r.status, 75) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
  }
}

TEST(Faults, StopSignalsWhileBuildingAPopulationExit75AndLeaveNoFile) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    SCOPED_TRACE("signal " + std::to_string(sig));
    TempDir dir;
    const std::string out = dir.file("population.h5");
    const Child c = start({"population", baseline(), "--households", "3000000", "--threads", "2", "--out", out},
                          dir.path, {});
    ASSERT_TRUE(wait_for([&] { return !temporaries(dir.path).empty(); })) << "the command never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // well before 3 M households are built
    kill(c.pid, sig);
    const Outcome r = c.wait();
    EXPECT_EQ(r.status, 75) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
  }
}

TEST(Faults, StopSignalMidWriteFinishesTheFileOrLeavesNone) {
  // The results are complete once the write starts: the run finishes writing them (exit 0) rather
  // than throwing them away, and in no case leaves a partial target or a temporary file.
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    SCOPED_TRACE("signal " + std::to_string(sig));
    TempDir dir;
    const std::string out = dir.file("out.h5"), marker = dir.file("stalled");
    const Child c = start(small_run(out), dir.path, stall_after(65536, 1500, marker));
    ASSERT_TRUE(wait_for([&] { return fs::exists(marker); })) << "the run never reached its write";
    kill(c.pid, sig);
    const Outcome r = c.wait();
    EXPECT_TRUE(r.status == 0 || r.status == 75) << r.status << ": " << r.err;
    if (fs::exists(out)) EXPECT_TRUE(complete_results(out));
    EXPECT_EQ(r.status == 0, fs::exists(out));
    EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
  }
}

TEST(Faults, UnwritableDestinationsAreRefusedBeforeTheRun) {
  TempDir dir;
  const std::string file = dir.file("a_file", "not a directory\n");
  for (const std::string& out : {dir.path.string() + "/missing/out.h5", file + "/out.h5", dir.path.string()}) {
    SCOPED_TRACE(out);
    const Outcome r = run(small_run(out), dir.path);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.stderr_lines(), 1) << r.err;
    EXPECT_NE(r.err.find("cannot write " + out + ": "), std::string::npos) << r.err;
  }
  EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});
}

TEST(Faults, ReadOnlyFolderIsRefused) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  TempDir dir;
  const fs::path locked = dir.path / "locked";
  fs::create_directory(locked);
  chmod(locked.c_str(), 0555);
  const Outcome r = run(small_run((locked / "out.h5").string()), dir.path);
  chmod(locked.c_str(), 0755);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.stderr_lines(), 1) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST(Faults, EmptyOutIsBadUsage) {
  TempDir dir;
  expect_rejected(run_povsim(small_run(""), dir.path), {"--out"});
  expect_rejected(run_povsim({"population", "--households", "100", "--out", ""}, dir.path), {"--out"});
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), {}), 0) << "a file was written";
}

TEST(Faults, SecondOfTwoRunsOnOneOutSaysItReplacedTheFile) {
  TempDir dir;
  const std::string out = dir.file("out.h5"), marker = dir.file("stalled");
  // The first run stalls in its write while the second runs to completion on the same --out.
  const Child slow = start(small_run(out), dir.path, stall_after(65536, 3000, marker), "slow");
  ASSERT_TRUE(wait_for([&] { return fs::exists(marker); }));
  const Outcome fast = run(small_run(out), dir.path);
  EXPECT_EQ(fast.status, 0) << fast.err;
  EXPECT_EQ(fast.err, "");
  const Outcome second = slow.wait();
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.stderr_lines(), 1) << second.err;
  EXPECT_NE(second.err.find(out + " was written by another process"), std::string::npos) << second.err;
  EXPECT_TRUE(complete_results(out));
  EXPECT_EQ(temporaries(dir.path), std::vector<std::string>{});

  // Rewriting a file that was there before the run started is ordinary: nothing said.
  const Outcome again = run(small_run(out), dir.path);
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(again.err, "");
}

TEST(Faults, ThreadsAreBounded) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  for (const char* threads : {"2147483647", "100000000", "1025", "0"}) {
    auto args = small_run(out);
    args[9] = threads;
    expect_rejected(run_povsim(args, dir.path), {"--threads", "1024"}, out);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), {}), 0) << "a file was written";
}

TEST(Faults, ManyReplicatesOverLongHorizonsAreRefusedUpFront) {
  // The most replicates over the longest horizon the scenario allows (2021-2200): about 100 GB of
  // tallies, with a population that fits easily.
  TempDir dir;
  const std::string out = dir.file("out.h5");
  auto args = small_run(out);
  args.insert(args.end(), {"--set", "replicates=65535", "--set", "horizon.end=2200-12"});
  const Outcome r = run_povsim(args, dir.path);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.stderr_lines(), 1) << r.err;
  EXPECT_NE(r.err.find("65535 replicates"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--households"), std::string::npos) << "households are not the cause: " << r.err;
  EXPECT_FALSE(fs::exists(out));
}

// povsim export on a full disk: whether the first table or a later one fails, the command says so
// in one line naming the table and the reason, exits 1, and removes every file it wrote (the
// tables already complete too) and the folder it created.
TEST(Faults, ExportOnAFullDiskLeavesNoTable) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  ASSERT_EQ(run(small_run(out), dir.path).status, 0);
  const fs::path tables = dir.path / "tables";
  const Outcome whole = run({"export", out, "--csv", tables.string()}, dir.path);
  ASSERT_EQ(whole.status, 0) << whole.err;
  ASSERT_GT(fs::file_size(tables / "annual.csv"), 1000u);
  std::uintmax_t total = 0;
  for (const auto& f : fs::directory_iterator(tables)) total += f.file_size();
  ASSERT_GT(total, 30000u);  // so that 20000 bytes in, a later table fails
  fs::remove_all(tables);
  for (const long after : {0L, 1000L, 20000L}) {  // the first table, inside it, a later table
    SCOPED_TRACE("ENOSPC after " + std::to_string(after) + " bytes");
    const Outcome r = run({"export", out, "--csv", tables.string()}, dir.path, full_disk_after(after));
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.stderr_lines(), 1) << r.err;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(tables.string() + "/"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(".tmp."), std::string::npos) << "names the table, not the temporary file: " << r.err;
    EXPECT_FALSE(fs::exists(tables)) << "the folder export created is removed with what it wrote";
  }
}

}  // namespace
}  // namespace povsim::malformed

// The malformed-input suite's one check: the real povsim binary, run on a bad input, exits with
// status 2, prints exactly one line on stderr that names what it must name (the file, and the line,
// row, dataset or YAML path where it applies), and leaves no output file behind.
//
// Every case runs the binary in a child process (not povsim_main in-process) so that a crash, an
// abort or a runaway allocation shows as what it is. Suites are named by category
// (MalformedScenario, MalformedPopulationFile, MalformedMicrodata, Limits, Faults); the closing note
// of issue 11 counts cases per suite.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace povsim::malformed {

struct Outcome {
  int status = -1;       // exit status, or 128 + signal number when the process was killed
  std::string err;       // everything written to stderr
  std::string out;       // everything written to stdout
  int stderr_lines() const { return static_cast<int>(std::count(err.begin(), err.end(), '\n')); }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs POVSIM_BINARY with `args`, stdout and stderr captured to files in `dir`. `memory_limit_bytes`
// (0: none) caps the child's address space, so a runaway allocation fails inside the child instead
// of taking the test machine down. Sanitizer builds reserve huge shadow mappings, so there the cap is
// not applied (ASan's own allocator limits catch the same defects).
inline Outcome run_povsim(const std::vector<std::string>& args, const std::filesystem::path& dir,
                          std::size_t memory_limit_bytes = std::size_t{4} << 30) {
  const std::string out_path = (dir / "stdout.txt").string(), err_path = (dir / "stderr.txt").string();
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
#if !defined(__SANITIZE_ADDRESS__) && !defined(POVSIM_UNDER_SANITIZER)
    if (memory_limit_bytes > 0) {
      rlimit limit{memory_limit_bytes, memory_limit_bytes};
      setrlimit(RLIMIT_AS, &limit);
    }
#else
    (void)memory_limit_bytes;
#endif
    std::vector<char*> argv{const_cast<char*>(POVSIM_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(POVSIM_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

// The contract for bad input: exit status 2, one line on stderr holding every one of `must_name`,
// and `output` (the --out path given to the run, if any) not created.
inline void expect_rejected(const Outcome& r, std::initializer_list<std::string> must_name,
                            const std::string& output = "") {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.stderr_lines(), 1) << r.err;
  for (const auto& s : must_name) EXPECT_NE(r.err.find(s), std::string::npos) << "missing '" << s << "' in: " << r.err;
  if (!output.empty()) EXPECT_FALSE(std::filesystem::exists(output)) << output << " was written";
}

// The contract for an unusual but valid input: it runs (exit 0) and writes its output.
inline void expect_runs(const Outcome& r, const std::string& output = "") {
  EXPECT_EQ(r.status, 0) << r.err;
  if (!output.empty()) EXPECT_TRUE(std::filesystem::exists(output)) << r.err;
}

}  // namespace povsim::malformed

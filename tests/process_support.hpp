// The povsim binary as a child process, for tests that signal or kill it mid-run.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace povsim::testing {

// Starts POVSIM_BINARY with `args` (no shell) and returns its pid.
inline pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(POVSIM_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(POVSIM_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// Its exit status, or 128 + the signal that ended it.
inline int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace povsim::testing

// What the povsim commands share (defined in cli.cpp): the memory check before allocating, the
// progress bar on a terminal, and the stop signals of a long command.
#pragma once

#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <iomanip>
#include <ostream>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"
#include "sim/core/columns.hpp"
#include "sim/core/model.hpp"

namespace povsim {

// Estimates the memory a run needs before anything is allocated: the population, and the tallies of
// `replicates` x `years` (0 for a population alone). False (with one line on stderr naming the
// larger of the two as the cause, and the limit that binds) if the process may not have it.
// Under MPI, `share` of the households are this rank's and `node_ranks` ranks share the node's
// memory: the limit is divided among them.
bool fits_in_memory(const PopulationSource& population, const std::vector<ColumnSpec>& declared, std::ostream& err,
                    std::size_t replicates = 0, std::size_t years = 0, std::size_t households_here = SIZE_MAX,
                    int node_ranks = 1);

// Runs `f` on rank 0 alone and gives what it returns to every rank of `processes`: for what only one
// process may do (open a resume log, check or create the output). An exception `f` throws is
// thrown on every rank, bad input (UsageError, ConfigError, DataFileError) as a UsageError (exit
// status 2), anything else as std::runtime_error, so the ranks fail together instead of some
// waiting for the others in a collective.
std::string on_rank0(const Processes& processes, const std::function<std::string()>& f);
// Whether this process writes the command's files and prints its report (rank 0, or the only one).
bool writes_output(const Processes& processes);

std::string gib(std::size_t bytes);

// The default --out is named after the scenario, so a run that differs only by --set or
// --households would land on the same file: it replaces `path` only when the file there holds a
// rerun of the same inputs (the same digest). Otherwise throws UsageError (exit 2, nothing
// written). An --out the user gives replaces whatever is there.
void check_default_output(const std::string& path, const std::string& digest, const std::string& command);

class ProgressBar {
 public:
  ProgressBar(std::ostream& err, bool enabled, std::string unit = "months")
      : err_(err), enabled_(enabled), unit_(std::move(unit)), start_(clock::now()) {}
  void operator()(long done, long total) {
    if (!enabled_ || total <= 0) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    const double secs = std::chrono::duration<double>(clock::now() - start_).count();
    err_ << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << "/" << total
         << " " << unit_ << ", " << std::fixed << std::setprecision(1) << secs << " s" << std::flush;
    if (done == total) err_ << "\n";
  }

 private:
  using clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool enabled_;
  std::string unit_;
  clock::time_point start_;
};

// Exit status of a command stopped by a signal: EX_TEMPFAIL, "try again later" (with a checkpoint:
// --restart).
inline constexpr int kExitStopped = 75;

// Signals that ask a command to stop (what batch schedulers send before a time limit): SIGTERM,
// SIGINT, SIGHUP, SIGUSR1. Installed for one command and restored when it ends. A run finishes its
// month, saves a checkpoint if asked and exits with kExitStopped; a second SIGINT aborts at once,
// removing the temporary files. With at_once (work that cannot stop at a month's end), the first
// signal removes the temporary files and exits kExitStopped at once.
class StopSignals {
 public:
  StopSignals(const std::string& temp_output, const std::string& temp_checkpoint, bool at_once = false);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  // The signal received (0: none), for RunOptions::stop_signal.
  static std::atomic<int>& requested();

 private:
  static constexpr std::array<int, 4> kSignals = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
  std::array<struct sigaction, 4> previous_{};
};

}  // namespace povsim

// The povsim command line, callable in-process (tests) or from main().
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/core/reducer.hpp"

namespace povsim {

// The processes a command runs on (sim/parallel/mpi.hpp): one by default.
class JobDistributor;

struct Processes {
  const Reducer* world = &local_reducer();  // every process of the job; part() is this one's rank
  int node_ranks = 1;                       // processes of the job on this node, sharing its memory
  // Shares the jobs of sweep, compare, calibrate and optimise over the ranks (null: one process).
  JobDistributor* jobs = nullptr;
  // Ends every process of the job with a status (MPI_Abort): called when one rank fails while the
  // others may be waiting for it in a collective. Null for one process.
  std::function<void(int)> abort_job;
};

// Exit codes: 0 success, 1 runtime failure (I/O, memory), 2 bad usage or bad input, 75 stopped by a
// signal. Under MPI with more than one rank, `run` splits the households over the ranks; `sweep`,
// `compare`, `calibrate` and `optimise` share their runs out; the other commands refuse to start.
int povsim_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const Processes& processes = {});

}  // namespace povsim

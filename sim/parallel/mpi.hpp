// Running on the ranks of an MPI job (Open MPI: mpirun, or srun --mpi=pmix under Slurm).
// One scenario (`povsim run`): each rank holds one contiguous part of the population (population_part: cut between
// counties, balanced by household count), generates only that part, and steps it; everything that
// crosses households goes through MpiReducer, whose sums are integer MPI_Allreduce calls: exact and
// independent of the order in which ranks combine, so the results equal the single-process run's
// bit for bit for any rank and thread count. Rank 0 writes the output file; the others write
// nothing but their own checkpoint part. Many runs (`povsim sweep|compare|calibrate|optimise`):
// every rank holds whole populations and the batch's jobs (point, replicate) go to whichever rank
// asks next (MpiJobDistributor); the results are those of a single process, bit for bit.
//
// Built only when CMake finds MPI (option POVSIM_MPI); a povsim started without an MPI launcher
// never initialises MPI, so the non-MPI commands behave exactly as in a build without it.
#pragma once

#include <memory>

#include "sim/batch/batch_runner.hpp"
#include "sim/core/reducer.hpp"

namespace povsim {

// Whether an MPI launcher started this process (it set the variables Open MPI's mpirun or a PMIx
// launcher such as srun --mpi=pmix gives every rank).
bool launched_by_mpi();

// MPI_Init_thread (calls from one thread at a time) for the life of the object, then MPI_Finalize.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  // The reducer over MPI_COMM_WORLD: part() is the rank, parts() the size.
  const Reducer& world() const;
  // Shares a batch's jobs (sweep, compare, calibrate, optimise) out over the ranks.
  JobDistributor& jobs() const;
  // Ranks of this job on this node (they share its memory: the memory check divides by them).
  int node_ranks() const { return node_ranks_; }
  // Ends every rank of the job with `status` (a rank that fails alone would leave the others
  // waiting in a collective).
  [[noreturn]] void abort(int status) const;

 private:
  std::unique_ptr<Reducer> world_;
  std::unique_ptr<JobDistributor> jobs_;
  int node_ranks_ = 1;
};

}  // namespace povsim

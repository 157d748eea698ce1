#include <hdf5.h>

#include <iostream>
#include <optional>
#include <sstream>

#include "sim/cli/cli.hpp"
#ifdef POVSIM_HAVE_MPI
#include "sim/parallel/mpi.hpp"
#endif

int main(int argc, char** argv) {
  // HDF5 1.10 cannot close a file once a flush to it has failed (a full disk): its cache is left
  // half-flushed, H5Fclose fails and the file stays registered, and the library's own exit handler
  // (H5close) then closes it again and segfaults (exit 139). Files this program writes are closed,
  // or abandoned and removed, explicitly (h5::AtomicFile), so the exit handler has nothing to do
  // that matters: it is turned off, before anything initialises the library.
  H5dont_atexit();
  povsim::Processes processes;
#ifdef POVSIM_HAVE_MPI
  // MPI only when an MPI launcher started this process: a plain `povsim ...` never touches it.
  std::optional<povsim::MpiSession> mpi;
  if (povsim::launched_by_mpi()) {
    mpi.emplace(argc, argv);
    processes.world = &mpi->world();
    processes.node_ranks = mpi->node_ranks();
    processes.jobs = &mpi->jobs();
    processes.abort_job = [&](int status) { mpi->abort(status); };
  }
#endif
  std::vector<std::string> args(argv + 1, argv + argc);
  return povsim::povsim_main(args, std::cout, std::cerr, processes);
}

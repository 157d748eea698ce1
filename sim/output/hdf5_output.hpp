// Writes a run's results to HDF5, atomically: the data goes to a temporary file beside the target,
// which is renamed over the target only once complete. The layout is documented in docs/output.md.
#pragma once

#include <cstdint>
#include <string>

#include "sim/output/hdf5_file.hpp"
#include "sim/core/results.hpp"
#include "sim/output/result_arrays.hpp"

namespace povsim {

struct RunMetadata {
  std::string version;
  std::string scenario_file;
  std::string scenario_yaml;  // fully resolved
  std::uint64_t seed = 0;
  int threads = 0;  // worker threads per process
  std::string population;  // where the households came from
  std::string weights;     // what the households' weights stand for (PopulationSource::weights)
  std::string inputs_digest;  // of everything that fixes the contents (inputs_digest in command_support.hpp)
  int mpi_ranks = 1;          // processes (MPI ranks) the run was split over
};

// A short fingerprint (64-bit FNV-1a, hex) of `inputs`: the text that fixes an output's contents
// (every resolved scenario, where the population came from, the replicates). Stored as the root
// attribute inputs_digest of run and comparison files.
std::string inputs_digest(const std::string& inputs);
// A run's: its resolved scenario, population and replicates first .. first+count-1.
std::string run_inputs_digest(const std::string& resolved_yaml, const std::string& population, std::uint32_t first,
                              std::uint32_t count);

// The root attributes of a results file (docs/output.md, "Root attributes").
struct RunFileHeader {
  std::string version;
  std::uint64_t seed = 0, households = 0;
  std::uint32_t replicates = 0;
  // How the run was executed (root attributes `threads`, `mpi_ranks`): the only things that may
  // differ between files with the same results. 0: not one run (`povsim merge` of parts).
  std::int32_t threads = 0, mpi_ranks = 0;
  std::string name, description, scenario_file, scenario_yaml, population, weights, inputs_digest;
  bool population_per_replicate = false;
};
RunFileHeader run_file_header(const RunResults& results, const RunMetadata& meta);
// Writes the root attributes and every group and dataset of `arrays` into the open file: the one
// writer of results files (a run's, and `povsim merge`'s).
void write_run_file(hid_t file, const RunFileHeader& header, const ResultArrays& arrays);
// Writes the datasets and groups of a results file (result_arrays(), the /annual tree and
// /replicate_index) below `parent`, a file or a group: a results file's root, or a comparison file's
// /runs/K (sim/output/comparison_output.cpp).
void write_result_arrays(hid_t parent, const ResultArrays& arrays);

class Hdf5Output {
 public:
  // Creates the temporary file now, so an unwritable destination fails before any simulation.
  // Throws std::runtime_error with a one-line message.
  // The temporary file is removed unless commit() succeeds.
  explicit Hdf5Output(std::string path);

  // Writes everything, closes and renames the file into place. A failed write (a full disk) throws
  // std::runtime_error naming path() and the system's reason, the temporary file removed.
  void commit(const RunResults& results, const RunMetadata& meta);
  // After commit(): another process wrote path() while this run was going, and commit() replaced it.
  bool replaced_another_write() const { return file_.replaced_another_write(); }
  const std::string& path() const { return file_.path(); }
  const std::string& temp_path() const { return file_.temp_path(); }

 private:
  void write(const RunResults& results, const RunMetadata& meta);
  h5::AtomicFile file_;
};

}  // namespace povsim

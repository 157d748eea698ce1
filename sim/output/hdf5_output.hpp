// Writes a run's results to HDF5, atomically: the data goes to a temporary file beside the target,
// which is renamed over the target only once complete. The layout is documented in docs/output.md.
#pragma once

#include <cstdint>
#include <string>

#include "sim/output/hdf5_file.hpp"
#include "sim/output/result_arrays.hpp"
#include "sim/core/results.hpp"

namespace povsim {

struct RunMetadata {
  std::string version;
  std::string scenario_file;
  std::string scenario_yaml;  // fully resolved
  std::uint64_t seed = 0;
  int threads = 0;
  std::string population;  // where the households came from
  std::string weights;     // what the households' weights stand for (PopulationSource::weights)
  std::string inputs_digest;  // of everything that fixes the contents (inputs_digest in command_support.hpp)
};

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

// Writes a run's results to HDF5, atomically: the data goes to a temporary file beside the target,
// which is renamed over the target only once complete. The layout is documented in docs/output.md.
#pragma once

#include <cstdint>
#include <string>

#include "sim/results.hpp"

namespace povsim {

struct RunMetadata {
  std::string version;
  std::string scenario_file;
  std::string scenario_yaml;  // fully resolved
  std::uint64_t seed = 0;
  int threads = 0;
};

class Hdf5Output {
 public:
  // Creates the temporary file now, so an unwritable destination fails before any simulation.
  // Throws std::runtime_error with a one-line message.
  explicit Hdf5Output(std::string path);
  ~Hdf5Output();  // removes the temporary file unless commit() succeeded
  Hdf5Output(const Hdf5Output&) = delete;
  Hdf5Output& operator=(const Hdf5Output&) = delete;

  // Writes everything, closes and renames the file into place.
  void commit(const RunResults& results, const RunMetadata& meta);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::int64_t file_ = -1;  // hid_t
  bool committed_ = false;
};

}  // namespace povsim

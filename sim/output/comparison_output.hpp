// The file `povsim compare` writes (layout: docs/output.md, "Comparison files"): per scenario,
// replicate and year the measures and their paired differences from the base, and their estimates
// (mean, standard error, 95 % interval) per scenario and year. Every axis is an HDF5 dimension
// scale (`scenario`, `replicate`, `year`), so xarray and h5py name the axes. Written atomically.
#pragma once

#include <string>
#include <vector>

#include "sim/batch/comparison.hpp"
#include "sim/output/hdf5_file.hpp"

namespace povsim {

struct ComparisonMetadata {
  std::string version;
  std::uint64_t seed = 0;
  std::uint64_t households = 0;
  std::string population;        // where the households came from
  std::string weights;           // what the weights stand for
  bool population_per_replicate = false;
  std::string inputs_digest;     // of everything that fixes the contents (inputs_digest in command_support.hpp)
};

class ComparisonOutput {
 public:
  // Creates the temporary file now, so an unwritable destination fails before anything runs.
  explicit ComparisonOutput(std::string path);
  // Writes, closes and renames into place; a failed write throws naming path() and the reason.
  // `runs` are the scenarios' results the comparison was made of (base first), written whole under /runs.
  void commit(const Comparison& comparison, const ComparisonMetadata& meta, const std::vector<PointResults>& runs);
  const std::string& path() const { return file_.path(); }
  bool replaced_another_write() const { return file_.replaced_another_write(); }

 private:
  h5::AtomicFile file_;
};

}  // namespace povsim

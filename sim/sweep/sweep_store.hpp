// Where a sweep's results go: the resume log beside the output, one record per completed point,
// and the final HDF5 file written atomically once every point is done (docs/sweeps.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_file.hpp"

namespace povsim {

// The resume log OUT.partial: a text header (format, the sweep's digest, values per point) and
// then one binary record per completed point: the point's index (uint64), its values (doubles) and
// an FNV-1a checksum (uint64) of both, in this machine's byte order. Each record is written with one
// write(2) as soon as the point is done, so a process that is killed (even by SIGKILL) loses only
// the points still running; a record cut short or garbled (a crash mid-write) fails its checksum and
// is dropped, with anything after it. The log is not synced to disk per record: a machine crash
// may lose the last points written (they rerun).
class PartialLog {
 public:
  // Opens `path`: reads the points a previous attempt of the same sweep completed, or creates the
  // log (its header written atomically). A log of another sweep (digest differs) or not a sweep
  // log throws ConfigError (exit 2, nothing changed).
  PartialLog(std::string path, std::string digest, std::size_t values_per_point, std::size_t points);
  ~PartialLog();
  PartialLog(const PartialLog&) = delete;
  PartialLog& operator=(const PartialLog&) = delete;

  bool done(std::size_t point) const { return done_[point] != 0; }
  std::size_t done_count() const { return done_count_; }
  std::size_t resumed() const { return resumed_; }  // points found in the log when opened
  // The values of a completed point.
  const double* values(std::size_t point) const { return values_.data() + point * values_per_point_; }
  // Records a completed point (throws std::runtime_error naming the log if the write fails).
  void append(std::size_t point, const std::vector<double>& values);
  // Removes the log (after the final file is in place).
  void remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::size_t values_per_point_;
  std::vector<double> values_;  // [points, values_per_point]
  std::vector<char> done_;
  std::size_t done_count_ = 0, resumed_ = 0;
  int fd_ = -1;
};

struct SweepFileInfo {
  std::string version;
  std::string digest;
  std::string resolved_base_yaml;  // the base scenario resolved (set: and replicates applied)
  std::uint64_t simulation_seed = 0;
  std::uint64_t households = 0;
  std::vector<int> years;
};

// Writes OUT.h5 atomically: the design (values, unit coordinates, structure), every output as
// [points, replicates, years] or [points, replicates], with dimension scales; the values of point
// p come from log.values(p) (every point must be done).
void write_sweep_h5(const std::string& path, const SweepSpec& spec, const SweepDesign& design, const PartialLog& log,
                    const SweepFileInfo& info);

// The root attribute sweep_digest of an HDF5 file: "" when it is not an HDF5 file or has none.
std::string sweep_digest_of(const std::string& path);

}  // namespace povsim

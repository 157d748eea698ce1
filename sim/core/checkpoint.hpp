// Checkpoints: the complete state of a multi-replicate run (the replicates finished so far and the
// Run in progress), saved atomically to one file and read back so that the restarted run's
// results equal an uninterrupted run's bit for bit.
//
// A checkpoint records the resolved scenario (with a hash of it), the population it ran on, the
// replicates asked for, the povsim version and a hash of the state layout; a restart with anything
// different is refused. Threads and the output path may differ: results do not depend on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/results.hpp"
#include "sim/core/run.hpp"

namespace povsim {

// What must match between a checkpoint and the run that restarts from it.
struct CheckpointIdentity {
  std::string version;           // povsim version
  std::string resolved_scenario;  // the scenario with extends merged, overrides and defaults applied
  std::string population;        // where the households came from
  std::uint32_t first_replicate = 0, replicate_count = 0;
  std::uint64_t layout_hash = 0;  // Run::layout_hash()
  // The part of the population saved (MPI rank) and the number of parts (ranks): a restart needs
  // the same rank count, each rank reading its own part.
  std::uint32_t part = 0, parts = 1;
  std::uint64_t scenario_hash() const;
};

// The file that holds one part's checkpoint: `path` itself for a single process; under MPI with
// `parts` ranks, PATH.rank0 .. PATH.rank<parts-1>, one per rank.
std::string checkpoint_part_path(const std::string& path, std::uint32_t part, std::uint32_t parts);

// The temporary file save_checkpoint writes before renaming it over `path` (for this process).
std::string checkpoint_temp_path(const std::string& path);

// Writes `done` (the tallies of the replicates finished, in order) and `run` (the replicate in
// progress; null between replicates) to `path` atomically: a temporary file beside it is written,
// flushed to disk and renamed over `path`, so `path` always holds a complete checkpoint.
void save_checkpoint(const std::string& path, const CheckpointIdentity& identity,
                     const std::vector<std::vector<YearTally>>& done, const Run* run);

// Reads a checkpoint written by save_checkpoint for the same identity: fills `done` and, when the
// checkpoint holds a replicate in progress, loads it into `run` (constructed for that replicate:
// see in_progress_replicate) and returns true. Throws CheckpointError naming the file and what
// differs.
struct CheckpointReader {
  explicit CheckpointReader(const std::string& path, const CheckpointIdentity& expected);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  std::vector<std::vector<YearTally>> done;       // finished replicates, in order
  std::optional<std::uint32_t> in_progress;       // the replicate in progress, if any
  // Loads the replicate in progress into `run` (which must be for replicate *in_progress).
  void load_run(Run& run);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<ByteReader> in_;
};

}  // namespace povsim

#include "sim/core/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace povsim {

namespace {

constexpr char kMagic[8] = {'P', 'O', 'V', 'S', 'I', 'M', 'C', 'K'};
constexpr char kEnd[8] = {'P', 'O', 'V', 'S', 'I', 'M', 'E', 'N'};
constexpr std::uint32_t kFormat = 2;  // 2: the MPI part (rank) and parts (ranks)

std::string system_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

std::uint64_t CheckpointIdentity::scenario_hash() const {
  LayoutHash h;
  h.add(std::string_view(resolved_scenario));
  h.add(std::string_view(population));
  return h.value();
}

std::string checkpoint_part_path(const std::string& path, std::uint32_t part, std::uint32_t parts) {
  return parts <= 1 ? path : path + ".rank" + std::to_string(part);
}

std::string checkpoint_temp_path(const std::string& path) {
  const std::filesystem::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()))).string();
}

void save_checkpoint(const std::string& path, const CheckpointIdentity& id,
                     const std::vector<std::vector<YearTally>>& done, const Run* run) {
  const std::filesystem::path target(path), tmp(checkpoint_temp_path(path));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(system_error("cannot create checkpoint", tmp.string()));
  try {
    ByteWriter out(f, tmp.string());
    out.raw(kMagic, sizeof kMagic);
    out(kFormat);
    out(id.version);
    out(id.layout_hash);
    out(id.scenario_hash());
    out(id.resolved_scenario);
    out(id.population);
    out(id.first_replicate);
    out(id.replicate_count);
    out(id.part);
    out(id.parts);
    out(static_cast<std::uint32_t>(done.size()));
    for (const auto& tallies : done) out(tallies);
    const std::uint8_t has_run = run != nullptr;
    out(has_run);
    if (run) run->save(out);
    out.raw(kEnd, sizeof kEnd);
    if (std::fflush(f) != 0 || fsync(fileno(f)) != 0)
      throw std::runtime_error(system_error("cannot write checkpoint", tmp.string()));
  } catch (...) {
    std::fclose(f);
    std::remove(tmp.c_str());
    throw;
  }
  if (std::fclose(f) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(system_error("cannot write checkpoint", tmp.string()));
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string message = system_error("cannot replace checkpoint", path);
    std::remove(tmp.c_str());
    throw std::runtime_error(message);
  }
}

CheckpointReader::CheckpointReader(const std::string& path, const CheckpointIdentity& expected) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw CheckpointError("cannot open checkpoint " + path + ": " + std::strerror(errno));
  in_ = std::make_unique<ByteReader>(file_, path);
  ByteReader& in = *in_;
  char magic[8];
  in.raw(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) in.fail("not a povsim checkpoint");
  std::uint32_t format = 0;
  in(format);
  if (format != kFormat) in.fail("checkpoint format " + std::to_string(format) + ", this povsim reads " + std::to_string(kFormat));
  std::string version;
  in(version);
  if (version != expected.version)
    in.fail("written by povsim " + version + ", this is povsim " + expected.version + "; rerun from the start");
  std::uint64_t layout = 0, scenario = 0;
  in(layout);
  if (layout != expected.layout_hash)
    in.fail("its state layout differs from this build's (models enabled or columns changed); rerun from the start");
  in(scenario);
  std::string resolved, population;
  in(resolved);
  in(population);
  if (population != expected.population)
    in.fail("it ran on population '" + population + "', not '" + expected.population + "'");
  if (scenario != expected.scenario_hash() || resolved != expected.resolved_scenario)
    in.fail("its resolved scenario differs from this run's (scenario file, --set, --seed or --households changed); "
            "restart with the same options");
  std::uint32_t first = 0, count = 0;
  in(first);
  in(count);
  if (first != expected.first_replicate || count != expected.replicate_count)
    in.fail("it holds replicates " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
            ", not the ones asked for");
  std::uint32_t part = 0, parts = 0;
  in(part);
  in(parts);
  if (parts != expected.parts)
    in.fail("it was saved by a run on " + std::to_string(parts) + " MPI rank(s), this one has " +
            std::to_string(expected.parts) + "; restart on " + std::to_string(parts));
  if (part != expected.part)
    in.fail("it is rank " + std::to_string(part) + "'s part, not rank " + std::to_string(expected.part) + "'s");
  std::uint32_t finished = 0;
  in(finished);
  if (finished > count) in.fail("more finished replicates than asked for");
  done.resize(finished);
  for (auto& tallies : done) in(tallies);
  std::uint8_t has_run = 0;
  in(has_run);
  if (has_run) {
    if (finished >= count) in.fail("a replicate in progress after the last one");
    in_progress = first + finished;
  } else {
    char end[8];
    in.raw(end, sizeof end);
    if (std::memcmp(end, kEnd, sizeof end) != 0) in.fail("no end marker (truncated or corrupt)");
  }
}

void CheckpointReader::load_run(Run& run) {
  run.load(*in_);
  char end[8];
  in_->raw(end, sizeof end);
  if (std::memcmp(end, kEnd, sizeof end) != 0) in_->fail("no end marker (truncated or corrupt)");
}

CheckpointReader::~CheckpointReader() {
  if (file_) std::fclose(file_);
}

}  // namespace povsim

// Helpers shared by the libFuzzer targets: a scratch directory for the files a target writes, and
// the checks every target makes on what the code under test does with an input - it may reject it
// (a PopulationError whose message is one line), never crash, never throw anything else.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "sim/core/household_store.hpp"
#include "sim/population/population_schema.hpp"

namespace povsim::fuzz {

// A private directory for one fuzzing process (removed at exit). A target keeps one for its
// lifetime (a function-local static): creating a directory per input would dominate the run time.
class ScratchDir {
 public:
  ScratchDir() {
    // /dev/shm when there is one: files there never touch a disk.
    const std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string pattern = base + "/povsim_fuzz_XXXXXX";
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) std::abort();  // the scratch directory is full or gone: not a finding in povsim
}

// A finding: print why and abort, so that libFuzzer keeps the input.
[[noreturn]] inline void finding(const std::string& why) {
  std::fprintf(stderr, "fuzz finding: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

// The contract for a rejected input: the message is one non-empty line of bounded length.
inline void check_message(const PopulationError& e) {
  const std::string_view m = e.what();
  if (m.empty()) finding("empty error message");
  for (const char ch : m)
    if (ch == '\n' || ch == '\r' || ch == '\0') finding("error message of more than one line: " + std::string(m));
  if (m.size() > PopulationError::kMaxMessage) finding("error message too long: " + std::string(m));
}

// The contract for an accepted population: households and persons consistent with each other
// (what the simulation relies on without checking).
inline void check_store(const HouseholdStore& hh) {
  std::uint64_t persons = 0;
  for (std::size_t h = 0; h < hh.size(); ++h) {
    if (hh.persons[h] == 0) finding("accepted a household without persons");
    if (hh.first_person[h] != persons) finding("members not contiguous");
    persons += hh.persons[h];
    if (hh.county[h] >= hh.counties.size()) finding("county index out of range");
    if (hh.region[h] != hh.counties[hh.county[h]].region) finding("household region unlike its county's");
    if (!(hh.weight[h] > 0)) finding("accepted a weight that is not positive");
  }
  if (persons != hh.person_count()) finding("person count unlike the households' members");
  for (std::size_t q = 0; q < hh.person_count(); ++q)
    if (hh.age[q] > 120) finding("accepted an age above 120");
}

}  // namespace povsim::fuzz

// libFuzzer target, not gating (run by hand: scripts/fuzz.sh runs only *_fuzz.cpp): raw bytes as a
// population file, read by read_population_file(). Most inputs are refused by HDF5's signature
// check; mutations of the seed files (tests/fuzz/corpus/population_image_fuzz_extra/, small valid
// population files) reach libhdf5's parsers, which may crash inside the library itself - a finding
// there is libhdf5's (Debian ships 1.10.8), to be listed, not a povsim defect, unless the stack
// shows povsim code. Whatever HDF5 reports, povsim must answer with a one-line PopulationError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "sim/population/population_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const povsim::fuzz::ScratchDir dir;  // one per process: see ScratchDir
  const std::string path = dir.file("pop.h5");
  povsim::fuzz::write_bytes(path, std::string_view(reinterpret_cast<const char*>(data), size));
  povsim::HouseholdStore hh;
  try {
    povsim::read_population_file(path, hh);
  } catch (const povsim::PopulationError& e) {
    povsim::fuzz::check_message(e);
    return 0;
  }
  povsim::fuzz::check_store(hh);
  return 0;
}

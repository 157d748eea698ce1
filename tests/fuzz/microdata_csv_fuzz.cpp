// libFuzzer target: the microdata CSV reader (sim/population/microdata.hpp) on fuzzed household,
// person and county tables. An input is the three files separated by a line "%%" (a county table
// only when there is a second separator), so that the seed corpus (tests/fuzz/corpus/
// microdata_csv_fuzz/) holds readable CSV and mutations reach every file. Any input may be
// rejected; the reader must not crash, must throw nothing but a one-line PopulationError, and what
// it accepts must be a consistent store.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "sim/population/microdata.hpp"

namespace {

// The parts of `input` between "\n%%\n" separators (at most 3).
std::vector<std::string_view> parts(std::string_view input) {
  constexpr std::string_view kSeparator = "\n%%\n";
  std::vector<std::string_view> out;
  while (out.size() < 2) {
    const auto at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    out.push_back(input.substr(0, at + 1));  // keep the line end
    input.remove_prefix(at + kSeparator.size());
  }
  out.push_back(input);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const povsim::fuzz::ScratchDir dir;  // one per process: see ScratchDir
  const std::vector<std::string_view> files = parts(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string households = dir.file("households.csv"), persons = dir.file("persons.csv");
  const std::string counties = files.size() > 2 ? dir.file("counties.csv") : std::string();
  povsim::fuzz::write_bytes(households, files[0]);
  povsim::fuzz::write_bytes(persons, files.size() > 1 ? files[1] : std::string_view());
  if (!counties.empty()) povsim::fuzz::write_bytes(counties, files[2]);
  povsim::HouseholdStore hh;
  try {
    povsim::read_microdata_csv(households, persons, counties, hh);
  } catch (const povsim::PopulationError& e) {
    povsim::fuzz::check_message(e);
    return 0;
  }
  povsim::fuzz::check_store(hh);
  return 0;
}

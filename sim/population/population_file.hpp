// Population files (HDF5, docs/population.md): the household, person and county tables of a
// population, in the columns and units of the population schema (population_schema.hpp, shared
// with the microdata CSV reader), plus optionally its calibration report. Written by
// `povsim population --out`, read by `povsim run --population FILE.h5` (and usable for any
// microdata converted to HDF5).
#pragma once

#include <string>

#include "sim/core/household_store.hpp"
#include "sim/core/model.hpp"
#include "sim/population/population_report.hpp"
#include "sim/population/population_schema.hpp"

namespace povsim {

struct PopulationFileInfo {
  std::string version;  // povsim version that wrote it
  std::string source;   // how the population was made, e.g. "synthetic: scenarios/baseline.yaml, seed 42"
};

// Writes atomically (temporary file + rename). `report` may be null.
void write_population_file(const std::string& path, const HouseholdStore& hh, const PopulationFileInfo& info,
                           const PopulationReport* report);

// Reads a population file into hh: every value converted exactly to its column's type and range,
// then the checks and the canonical order of the CSV reader (population_build.hpp). Throws
// PopulationError (a std::runtime_error) naming the file, the dataset and the row; `hh` is left
// unchanged then.
void read_population_file(const std::string& path, HouseholdStore& hh);

// Reads a population given on the command line: a directory holding households.csv,
// persons.csv and optionally counties.csv, a population file (.h5), or a household CSV with its
// person CSV in `persons_csv` (and optionally its county CSV in `counties_csv`). Throws
// PopulationError (MicrodataError for CSV problems) with a one-line message.
HouseholdStore load_population(const std::string& path, const std::string& persons_csv = "",
                               const std::string& counties_csv = "");

// A population read once and copied into each replicate's store.
class LoadedPopulation final : public PopulationSource {
 public:
  LoadedPopulation(HouseholdStore store, std::string origin) : store_(std::move(store)), origin_(std::move(origin)) {}
  std::size_t households() const override { return store_.size(); }
  double persons_per_household() const override {
    return store_.size() ? double(store_.person_count()) / double(store_.size()) : 0.0;
  }
  void generate(HouseholdStore& hh, const StreamFactory&) const override { hh = store_; }
  const std::string& origin() const { return origin_; }

 private:
  HouseholdStore store_;
  std::string origin_;
};

}  // namespace povsim

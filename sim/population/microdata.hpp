// Household survey microdata from CSV files (a household table, a person table and optionally a
// county table) into a HouseholdStore. The columns are those of the population schema
// (sim/population/population_schema.hpp); they, the CSV dialect and every check are documented in
// docs/population.md ("Microdata (CSV)"); scenarios/populations/example_microdata/ is a small example.
#pragma once

#include <filesystem>

#include "sim/core/household_store.hpp"
#include "sim/population/population_build.hpp"

namespace povsim {

// Bad or unreadable microdata. The message is one line, "FILE:LINE: column NAME: expected ..., got
// 'VALUE'" ("FILE:LINE: ..." when the problem is a whole row or file; "FILE: ..." when the file
// cannot be read). LINE is 1-based and counts comment and blank lines.
class MicrodataError : public PopulationError {
 public:
  using PopulationError::PopulationError;
};

// Reads the tables and replaces the content of `hh` with them, in canonical order: households by
// ascending household_id, each household's members contiguous and by ascending person_id,
// counties by ascending code - so that the same data in any row order gives the same store. The
// county table (`counties_csv`, optional: an empty path for none) gives each county's region
// type, local specialty industry and whether it is a resettlement site; without it there is one
// County per distinct county code, without industry. Amounts given per year in the files are
// stored per month. Throws MicrodataError on the first problem found; `hh` is left unchanged then.
void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        const std::filesystem::path& counties_csv, HouseholdStore& hh);
// The same without a county table.
void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        HouseholdStore& hh);

}  // namespace povsim

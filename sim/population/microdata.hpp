// Household survey microdata from two CSV files (a household table and a person table) into a
// HouseholdStore. The schema, the CSV dialect and every check are documented in docs/population.md
// ("Microdata (CSV)"); scenarios/populations/example_microdata/ is a small example.
#pragma once

#include <filesystem>
#include <stdexcept>

#include "sim/core/household_store.hpp"

namespace povsim {

// Bad or unreadable microdata. The message is one line, "FILE:LINE: column NAME: expected ..., got
// 'VALUE'" ("FILE:LINE: ..." when the problem is a whole row or file; "FILE: ..." when the file
// cannot be read). LINE is 1-based and counts comment and blank lines.
class MicrodataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads both tables and replaces the content of `hh` with them: households in household-table
// order, each household's members contiguous and in person-table order, one County per distinct
// county code (sorted by code). Amounts given per year in the files are stored per month.
// Throws MicrodataError on the first problem found; `hh` is left unchanged then.
void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        HouseholdStore& hh);

}  // namespace povsim

// From tables to a HouseholdStore, shared by the microdata CSV reader and the population-file
// reader: each reader stages the rows of its tables as read (StagedPopulation, values already
// checked against the schema, sim/population/population_schema.hpp), and build_population() runs
// the checks across rows and tables and puts the rows in canonical order. Its messages name the
// place through the reader's Locator, so both readers report alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/household_store.hpp"
#include "sim/population/population_schema.hpp"

namespace povsim {

namespace schema {

// Where a row came from, in a reader's terms. Rows are 0-based, in file order.
class Locator {
 public:
  virtual ~Locator() = default;
  // A row, e.g. "households.csv:12" (file and line) or "pop.h5: /households[11]".
  virtual std::string row(Table table, std::size_t row) const = 0;
  // A value, e.g. "households.csv:12: column county" or "pop.h5: /households/county[11]".
  virtual std::string cell(Table table, std::size_t row, std::string_view column) const = 0;
  // A row named within its own table, e.g. "line 12" or "row 11".
  virtual std::string row_name(Table table, std::size_t row) const = 0;
  // A table, e.g. "households.csv" or "/households".
  virtual std::string table(Table table) const = 0;
  // A value found, as shown: quoted for CSV ('karst'), bare for HDF5 (karst).
  virtual std::string shown(std::string_view value) const = 0;
  // Throws the reader's error type (PopulationError or a subclass) with `message`.
  [[noreturn]] void raise(const std::string& message) const {
    throw_error(message);
    throw PopulationError(message);  // for an override that returns
  }

  // "CELL: expected EXPECTED, got FOUND[NOTE]"
  [[noreturn]] void fail(Table t, std::size_t r, std::string_view column, std::string_view expected,
                         std::string_view found, std::string_view note = {}) const;
  // "ROW: WHAT"
  [[noreturn]] void fail_row(Table t, std::size_t r, std::string_view what) const;

 protected:
  virtual void throw_error(const std::string& message) const = 0;
};

// The tables as read, in file order.
struct StagedPopulation {
  // Households and persons in file order (person i = row i of the person table; first_person and
  // persons not set yet), with every schema column set; `county` holds county codes. `counties`
  // holds the county table's rows when there is one.
  HouseholdStore store;
  bool has_county_table = false;
  std::vector<std::uint64_t> household_id;      // per household row
  std::vector<std::uint64_t> person_id;         // per person row
  std::vector<std::uint64_t> person_household;  // per person row: its household_id
};

// The staged vector an id column's values go to: a table's own ids (household_id of households,
// person_id of persons) or the persons' links to their households (household_id of persons).
std::vector<std::uint64_t>& id_column(StagedPopulation& staged, Table table, const Column& column);

// Checks what no single row shows, in this order: household ids unique; counties (with a county
// table: codes unique, every household's county in it with the same region type; without one:
// one region type per county code); person ids unique; every person's household exists; each
// household has 1 to kMaxMembers persons. Then returns the store in canonical order: households
// by ascending household_id, each household's persons contiguous by ascending person_id, counties
// by ascending code (without a county table, one per distinct code: the households' region type,
// industry 0, not a resettlement site); `county` holds county indices, `region` the county's
// region type, income_factor is 1, every person is alive and alive_members counts them.
// Throws through `where` on the first problem.
HouseholdStore build_population(StagedPopulation staged, const Locator& where);

}  // namespace schema
}  // namespace povsim

// The population schema, declared once: for each table of a population (households, persons,
// counties) its columns - name, type, unit, allowed range or codes, required or optional with a
// default - and how each maps to the HouseholdStore (sim/core/household_store.hpp). The microdata
// CSV reader (microdata.cpp), the population-file reader and writer (population_file.cpp) all
// iterate over these lists, so adding a column is one line in population_schema.cpp.
// docs/population.md documents the tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/config/config.hpp"
#include "sim/core/household_store.hpp"

namespace povsim {

// A population that cannot be read: the message is one line naming the file, the dataset or
// column, the row (a line for CSV), what was expected and what was found. It is bad input like a
// bad scenario, so a ConfigError: the command line reports it and exits with status 2. The message
// is made one line here, whatever went into it (a file name or a value holding a newline or a NUL
// byte: control bytes escaped as \xNN), and cut to kMaxMessage bytes, so that no caller can break
// the one-line contract.
class PopulationError : public ConfigError {
 public:
  static constexpr std::size_t kMaxMessage = 1000;
  explicit PopulationError(const std::string& message);
};

}  // namespace povsim

namespace povsim::schema {

enum class Table : std::uint8_t { households = 0, persons = 1, counties = 2 };
inline constexpr int kTables = 3;
inline constexpr std::string_view kTableNames[kTables] = {"households", "persons", "counties"};

enum class Kind : std::uint8_t {
  id,        // a row's key or a link to another table's key: 0 to kMaxId, not stored in the store
  integer,   // whole number in [min, max]
  number,    // real number in [min, max] (or (min, max])
  flag,      // 0 or 1
  category,  // a code 0..n-1 (HDF5) or its name (CSV), from `categories`
};

// The HDF5 type the writer gives a column (any integer or floating-point type is read).
enum class Storage : std::uint8_t { u8, u32, u64, f64 };

// Rows a table may have (docs/population.md, "Limits"): far above any survey or province, and
// checked before anything is allocated, so that a file declaring billions of rows is refused
// with this message rather than running out of memory.
inline constexpr std::uint64_t kMaxHouseholdRows = 100'000'000;
inline constexpr std::uint64_t kMaxPersonRows = 500'000'000;
inline constexpr std::uint64_t kMaxCountyRows = 100'000'000;
inline constexpr std::uint64_t kMaxRows[3] = {kMaxHouseholdRows, kMaxPersonRows, kMaxCountyRows};

// Ids must fit a signed 64-bit integer, so that any tool (numpy, pandas, SQL) can hold them.
inline constexpr std::uint64_t kMaxId = std::numeric_limits<std::int64_t>::max();
// Persons are indexed by uint32 and a member window reads up to kMemberWindow persons past a
// household's first member, so the count stays below 2^32 with room to spare.
inline constexpr std::uint64_t kMaxPersons = 4'294'967'280;
static_assert(kMaxPersons + kMemberWindow <= std::numeric_limits<std::uint32_t>::max());
static_assert(kMaxPersonRows <= kMaxPersons && kMaxHouseholdRows <= kMaxPersons);
// HouseholdStore::persons is a uint8.
inline constexpr std::uint32_t kMaxMembers = std::numeric_limits<std::uint8_t>::max();

// Sex codes of the files (HouseholdStore keeps sex as the person flag `female`).
inline constexpr std::string_view kSexNames[2] = {"male", "female"};

struct Column {
  std::string_view name;
  Kind kind;
  Storage storage;
  bool required;
  double fallback;  // the value of an absent column or an empty CSV field, in file units
  // Allowed values (integer, number), in file units. Whole numbers up to 2^32, so exact as doubles.
  double min;
  double max;
  bool min_excluded;                             // (min, max] instead of [min, max]
  std::span<const std::string_view> categories;  // category: the names; a code is an index
  std::string_view unit;                         // HDF5 `units` attribute; shown in messages
  std::string_view description;                  // HDF5 `description` attribute
  // How the column maps to the store: `set` writes a checked value (file units) into row `i` of
  // the table (household, person or county index) and `get` reads it back, so that get(set(x)) ==
  // x for every stored value (amounts per year in the file, per month in the store). Null for ids.
  // While a population is being read, the household column `county` holds the county's code;
  // build_population() turns it into the county's index (see population_build.hpp).
  void (*set)(HouseholdStore& hh, std::size_t i, double value);
  double (*get)(const HouseholdStore& hh, std::size_t i);
};

// The columns of a table, in the order of docs/population.md (also the order in which a row's
// values are checked and listed in messages).
std::span<const Column> columns(Table table);
// The column named `name` of the table, or null.
const Column* find_column(Table table, std::string_view name);

// How a value is written: CSV fields give category names, HDF5 datasets give codes.
enum class Form : std::uint8_t { text, code };

// What the column allows, as the "expected ..." part of an error message, e.g. "an integer in [0,
// 120] (years)", "a number in [0, 1e+08] (yuan per year)", "0 or 1", "one of male, female" (text)
// or "a code in [0, 1] (male, female)" (code).
std::string expected(const Column& column, Form form);

// Checks a value converted exactly from the file (integers and codes already whole): returns the
// empty string when the column allows it, else what was expected (as expected(), with a note when
// the value is in range but cannot be stored, e.g. a weight that would round to 0 in float).
// Not for ids: a double holds only 53 bits of one, so readers check ids as 64-bit integers against
// kMaxId.
std::string check_value(const Column& column, double value, Form form);

// A check across the columns of one row (e.g. wages only for wage earners): `broken` returns the
// empty string when row i of the table (as stored so far) passes, else what was expected; the
// error names `column` and shows its value.
struct RowRule {
  Table table;
  std::string_view column;
  std::string (*broken)(const HouseholdStore& hh, std::size_t i);
};
std::span<const RowRule> row_rules();

// "more than N rows (the limit of TABLE rows, docs/population.md)": a table's row limit as said
// in messages.
std::string row_limit_text(Table table);

// Names separated by ", ", for messages.
std::string join(std::span<const std::string_view> names);

}  // namespace povsim::schema

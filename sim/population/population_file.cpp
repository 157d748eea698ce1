#include "sim/population/population_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <type_traits>

#include "sim/output/hdf5_file.hpp"
#include "sim/population/microdata.hpp"
#include "sim/population/population_build.hpp"
#include "sim/population/population_schema.hpp"

namespace povsim {

namespace {

using namespace h5;

constexpr const char* kFormat = "povsim-population 1 (docs/population.md)";

void write_report(hid_t f, const PopulationReport& rep) {
  Handle g = group(f, "report");
  std::vector<std::int32_t> sizes;
  for (int k = 1; k <= PopulationReport::kMaxSize; ++k) sizes.push_back(k);
  dataset(g, "household_size", H5T_NATIVE_INT32, {sizes.size()}, sizes, "persons",
          "household size (the last: that many or more)");
  dataset(g, "household_size_share", H5T_NATIVE_DOUBLE, {sizes.size()},
          std::vector<double>(rep.household_size_share.begin(), rep.household_size_share.end()), "share of households",
          "weighted share of households of each size");
  std::vector<std::int32_t> bands;
  std::vector<double> pyramid;
  for (int b = 0; b < PopulationReport::kAgeBands; ++b) {
    bands.push_back(5 * b);
    pyramid.push_back(rep.persons_by_age_sex[b][0]), pyramid.push_back(rep.persons_by_age_sex[b][1]);
  }
  dataset(g, "age_band_lower", H5T_NATIVE_INT32, {bands.size()}, bands, "years", "lower bound of 5-year age bands; last open");
  dataset(g, "persons_by_age_sex", H5T_NATIVE_DOUBLE, {bands.size(), 2}, pyramid, "persons (weighted)",
          "living persons by age band and sex");
  { Handle ds(H5Dopen2(g, "persons_by_age_sex", H5P_DEFAULT), H5Dclose, "persons_by_age_sex");
    attr_strings(ds, "categories", {"male", "female"}); }
  std::vector<std::int32_t> deciles;
  std::vector<double> upper, by_source;
  for (int d = 0; d < 10; ++d) {
    deciles.push_back(d + 1), upper.push_back(rep.decile_upper[d]);
    for (double v : rep.income_by_source_decile[d]) by_source.push_back(v);
  }
  dataset(g, "income_decile", H5T_NATIVE_INT32, {10}, deciles, "decile", "deciles of per-capita normal-year income, lifted households");
  dataset(g, "income_decile_upper", H5T_NATIVE_DOUBLE, {10}, upper, "yuan/person/year", "upper bound of each decile");
  dataset(g, "income_by_source_decile", H5T_NATIVE_DOUBLE, {10, PopulationReport::kSources}, by_source,
          "yuan/person/year", "mean per-capita income by source within each decile");
  { Handle ds(H5Dopen2(g, "income_by_source_decile", H5P_DEFAULT), H5Dclose, "income_by_source_decile");
    attr_strings(ds, "categories", std::vector<std::string>(PopulationReport::kSourceNames.begin(),
                                                            PopulationReport::kSourceNames.end())); }
  std::vector<std::string> tname, tcmp, tunit, tsource;
  std::vector<double> tvalue, tobtained, ttol;
  for (const auto& row : rep.targets) {
    tname.push_back(row.target.name), tcmp.push_back(row.target.comparison), tunit.push_back(row.target.unit);
    tsource.push_back(row.target.source), tvalue.push_back(row.target.value), tobtained.push_back(row.obtained);
    ttol.push_back(row.target.tolerance);
  }
  string_dataset(g, "target_name", tname, "calibration target: the statistic");
  dataset(g, "target_value", H5T_NATIVE_DOUBLE, {tvalue.size()}, tvalue, "see target_unit", "value aimed at");
  dataset(g, "target_obtained", H5T_NATIVE_DOUBLE, {tobtained.size()}, tobtained, "see target_unit", "value obtained");
  dataset(g, "target_tolerance", H5T_NATIVE_DOUBLE, {ttol.size()}, ttol, "see target_unit", "tolerance");
  string_dataset(g, "target_comparison", tcmp, "=, >= or <=");
  string_dataset(g, "target_unit", tunit, "unit of the target");
  string_dataset(g, "target_source", tsource, "source of the target value");
}

}  // namespace

namespace {

using schema::Column;
using schema::Kind;
using schema::Table;

std::string table_path(Table t) {
  std::string path = "/";
  return path.append(schema::kTableNames[static_cast<int>(t)]);
}
std::string column_path(Table t, const Column& c) { return table_path(t) + "/" + std::string(c.name); }

std::size_t rows_of(const HouseholdStore& hh, Table t) {
  switch (t) {
    case Table::households:
      return hh.size();
    case Table::persons:
      return hh.person_count();
    case Table::counties:
      return hh.counties.size();
  }
  return 0;
}

// The ids povsim writes, for rows [first, first + ids.size()): a household's and a person's
// position in the store (its canonical order, so reading back gives the same order), and each
// person's household.
void fill_ids(const HouseholdStore& hh, Table t, const Column& c, std::size_t first, std::span<std::uint64_t> ids) {
  if (t == Table::persons && c.name == "household_id") {
    // Persons are contiguous by household in household order: the first row's household is the
    // last one starting at or before it, and later rows walk on from there.
    const auto starts = std::span<const std::uint32_t>(hh.first_person.data(), hh.size());
    std::size_t h = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), first) - starts.begin());
    h = h > 0 ? h - 1 : 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const std::size_t q = first + k;
      while (h + 1 < hh.size() && hh.first_person[h + 1] <= q) ++h;
      const bool member = hh.size() > 0 && q >= hh.first_person[h] && q < hh.first_person[h] + hh.persons[h];
      ids[k] = member ? h : 0;
    }
  } else {
    for (std::size_t k = 0; k < ids.size(); ++k) ids[k] = first + k;
  }
}

// A table's columns are chunked and compressed (h5::compressed_column): shuffle and deflate take
// a synthetic population's file to about a fifth of its contiguous size (docs/population.md).
template <class T>
void write_column(hid_t g, const Column& c, hid_t type, const HouseholdStore& hh, std::size_t rows) {
  compressed_column<T>(
      g, std::string(c.name).c_str(), type, rows,
      [&](std::size_t first, std::span<T> values) {
        for (std::size_t k = 0; k < values.size(); ++k) values[k] = static_cast<T>(c.get(hh, first + k));
      },
      std::string(c.unit), std::string(c.description));
}

void write_table(hid_t f, Table t, const HouseholdStore& hh) {
  Handle g = group(f, table_path(t).c_str() + 1);
  const std::size_t rows = rows_of(hh, t);
  for (const Column& c : schema::columns(t)) {
    const std::string name(c.name);
    switch (c.storage) {
      case schema::Storage::u64:  // ids only
        compressed_column<std::uint64_t>(
            g, name.c_str(), H5T_NATIVE_UINT64, rows,
            [&](std::size_t first, std::span<std::uint64_t> ids) { fill_ids(hh, t, c, first, ids); },
            std::string(c.unit), std::string(c.description));
        break;
      case schema::Storage::u32:
        write_column<std::uint32_t>(g, c, H5T_NATIVE_UINT32, hh, rows);
        break;
      case schema::Storage::u8:
        write_column<std::uint8_t>(g, c, H5T_NATIVE_UINT8, hh, rows);
        break;
      case schema::Storage::f64:
        write_column<double>(g, c, H5T_NATIVE_DOUBLE, hh, rows);
        break;
    }
    if (c.kind == Kind::category) {
      Handle ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, name);
      attr_strings(ds, "categories", std::vector<std::string>(c.categories.begin(), c.categories.end()));
    }
  }
}

}  // namespace

void write_population_file(const std::string& path, const HouseholdStore& hh, const PopulationFileInfo& info,
                           const PopulationReport* report) {
  AtomicFile file(path);
  const hid_t f = file.id();
  attr_string(f, "format", kFormat);
  attr_string(f, "povsim_version", info.version);
  attr_string(f, "source", info.source);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, hh.size());
  attr_scalar<std::uint64_t>(f, "persons", H5T_NATIVE_UINT64, hh.person_count());
  for (const Table t : {Table::counties, Table::households, Table::persons}) write_table(f, t, hh);
  if (report) write_report(f, *report);
  file.commit();
}

namespace {

// Messages of build_population() in HDF5 terms: file, dataset and row.
class H5Locator final : public schema::Locator {
 public:
  explicit H5Locator(std::string file) : file_(std::move(file)) {}
  std::string row(Table t, std::size_t r) const override {
    return file_ + ": " + table_path(t) + "[" + std::to_string(r) + "]";
  }
  std::string cell(Table t, std::size_t r, std::string_view column) const override {
    return file_ + ": " + table_path(t) + "/" + std::string(column) + "[" + std::to_string(r) + "]";
  }
  std::string row_name(Table, std::size_t r) const override { return "row " + std::to_string(r); }
  std::string table(Table t) const override { return table_path(t); }
  std::string shown(std::string_view value) const override { return std::string(value); }
  const std::string& file() const { return file_; }

 protected:
  void throw_error(const std::string& message) const override { throw PopulationError(message); }

 private:
  std::string file_;
};

// Text of a value read from a file: integers in full, floating-point values in their shortest
// exact form (a float32 40.7 shows as 40.7).
template <class T>
std::string value_text(T v) {
  if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::string("?");
  }
}

// A value stored in the store, as shown in a row rule's message.
std::string stored_text(double x) {
  return x == std::floor(x) && std::abs(x) < 0x1p53 ? value_text(static_cast<std::int64_t>(x))
                                                    : value_text(static_cast<float>(x));
}

// One dataset of a table: one-dimensional, of a numeric type, its length.
struct Dataset {
  Handle ds;
  std::size_t length;
};

// An HDF5 object opened for reading: a failure (a damaged file, a link to nothing, a group where a
// dataset belongs) is a PopulationError naming the file and the object, not HDF5's own error.
Handle opened(hid_t id, herr_t (*close)(hid_t), const H5Locator& where, const std::string& what) {
  if (id < 0) where.raise(where.file() + ": " + what);
  return Handle(id, close, what);
}

Dataset open_dataset(hid_t f, const std::string& path, const H5Locator& where) {
  H5O_info_t info{};
  if (H5Oget_info_by_name2(f, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    where.raise(where.file() + ": " + path + ": cannot be opened (a broken link or a damaged file)");
  if (info.type != H5O_TYPE_DATASET) where.raise(where.file() + ": " + path + ": expected a dataset, got a group or another object");
  Handle ds = opened(H5Dopen2(f, path.c_str(), H5P_DEFAULT), H5Dclose, where, path + ": cannot open the dataset");
  Handle space = opened(H5Dget_space(ds), H5Sclose, where, path + ": cannot read the dataset's shape");
  if (H5Sget_simple_extent_type(space) != H5S_SIMPLE)
    where.raise(where.file() + ": " + path + ": expected a one-dimensional dataset, got a scalar or empty one");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 1)
    where.raise(where.file() + ": " + path + ": expected a one-dimensional dataset, got " + std::to_string(rank) +
                " dimensions");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  return {std::move(ds), static_cast<std::size_t>(n)};
}

// Reads a dataset in its own type, a chunk at a time, and passes each value exactly converted to
// the column: `value(row, x)` for a checked value, `id(row, u)` for an id. A value that does not
// convert exactly (a fraction or NaN for an integer, -1 for a flag, 300 for an age) is an error
// naming the row.
class ColumnReader {
 public:
  ColumnReader(const H5Locator& where, Table table, const Column& column) : where_(where), table_(table), c_(column) {}

  template <class Value, class Id>
  void read(const Dataset& d, Value&& value, Id&& id) const {
    const std::string path = column_path(table_, c_);
    Handle type = opened(H5Dget_type(d.ds), H5Tclose, where_, path + ": cannot read the dataset's type");
    H5T_class_t cls = H5Tget_class(type);
    hid_t base = type;
    std::optional<Handle> super;
    if (cls == H5T_ENUM) {  // e.g. h5py's booleans: read as their integer base type
      super.emplace(opened(H5Tget_super(type), H5Tclose, where_, path + ": cannot read the dataset's type"));
      base = *super;
      cls = H5T_INTEGER;
    }
    const std::size_t size = H5Tget_size(base);
    if (cls == H5T_INTEGER) {
      const bool sign = H5Tget_sign(base) == H5T_SGN_2;
      switch (size) {
        case 1:
          return sign ? chunks<std::int8_t>(d, H5T_NATIVE_INT8, value, id)
                      : chunks<std::uint8_t>(d, H5T_NATIVE_UINT8, value, id);
        case 2:
          return sign ? chunks<std::int16_t>(d, H5T_NATIVE_INT16, value, id)
                      : chunks<std::uint16_t>(d, H5T_NATIVE_UINT16, value, id);
        case 4:
          return sign ? chunks<std::int32_t>(d, H5T_NATIVE_INT32, value, id)
                      : chunks<std::uint32_t>(d, H5T_NATIVE_UINT32, value, id);
        case 8:
          return sign ? chunks<std::int64_t>(d, H5T_NATIVE_INT64, value, id)
                      : chunks<std::uint64_t>(d, H5T_NATIVE_UINT64, value, id);
        default:
          break;
      }
    } else if (cls == H5T_FLOAT) {
      // Half and single precision widen exactly to float, double stays double.
      if (size <= 4) return chunks<float>(d, H5T_NATIVE_FLOAT, value, id);
      if (size <= 8) return chunks<double>(d, H5T_NATIVE_DOUBLE, value, id);
    }
    where_.raise(where_.file() + ": " + path + ": expected an integer or floating-point dataset (" +
                 schema::expected(c_, schema::Form::code) + "), got another type");
  }

 private:
  template <class T, class Value, class Id>
  void chunks(const Dataset& d, hid_t memory_type, Value& value, Id& id) const {
    // Values per read: bounded memory for any length, and whole chunks of the files povsim writes.
    constexpr hsize_t kChunk = kColumnChunk;
    const std::string path = column_path(table_, c_);
    Handle file_space = opened(H5Dget_space(d.ds), H5Sclose, where_, path + ": cannot read the dataset's shape");
    std::vector<T> buffer(std::min<hsize_t>(kChunk, d.length));
    for (hsize_t start = 0; start < d.length; start += kChunk) {
      const hsize_t count = std::min<hsize_t>(kChunk, d.length - start);
      Handle memory_space(H5Screate_simple(1, &count, nullptr), H5Sclose, path);
      if (H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
          H5Dread(d.ds, memory_type, memory_space, file_space, H5P_DEFAULT, buffer.data()) < 0)
        where_.raise(where_.file() + ": " + path + ": cannot read rows " + std::to_string(start) + " to " +
                     std::to_string(start + count - 1));
      for (hsize_t k = 0; k < count; ++k) convert(buffer[k], static_cast<std::size_t>(start + k), value, id);
    }
  }

  template <class T, class Value, class Id>
  void convert(T v, std::size_t row, Value& value, Id& id) const {
    if (c_.kind == Kind::id) {
      // Ids are compared as integers: a double holds only 53 bits of one.
      bool exact = false;
      std::uint64_t u = 0;
      if constexpr (std::is_integral_v<T>) {
        exact = v >= 0 && static_cast<std::uint64_t>(v) <= schema::kMaxId;
        u = static_cast<std::uint64_t>(v);
      } else {
        exact = v >= 0 && v < 0x1p63 && v == std::floor(v);  // false for NaN
        u = exact ? static_cast<std::uint64_t>(v) : 0;
      }
      if (!exact) where_.fail(table_, row, c_.name, schema::expected(c_, schema::Form::code), value_text(v));
      id(row, u);
      return;
    }
    // Every integer column's range ends below 2^32, so a wide integer outside it may round but
    // never into it; a float is checked for being whole by check_value.
    const double x = static_cast<double>(v) + 0.0;  // -0 becomes +0, as in CSV
    if (const std::string e = schema::check_value(c_, x, schema::Form::code); !e.empty())
      where_.fail(table_, row, c_.name, e, value_text(v));
    value(row, x);
  }

  const H5Locator& where_;
  Table table_;
  const Column& c_;
};

// Names as "(a, b, c)"; control bytes (from a file's attribute) escaped, so a message stays one line.
std::string joined(const auto& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    for (const char ch : std::string_view(name)) {
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(ch));
        out += buf;
      } else {
        out += ch;
      }
    }
  }
  return "(" + out + ")";
}

// The `categories` attribute of a category dataset: empty when absent; strings (variable or
// fixed length, as h5py writes either) or an error, so that a list that cannot be read is not
// taken for no list.
std::vector<std::string> category_names(hid_t ds, const std::string& path, const H5Locator& where) {
  const htri_t present = H5Aexists(ds, "categories");
  if (present == 0) return {};
  const std::string what = path + ": the attribute categories";
  if (present < 0) where.raise(where.file() + ": " + what + " cannot be read");
  Handle attr = opened(H5Aopen(ds, "categories", H5P_DEFAULT), H5Aclose, where, what + " cannot be read");
  Handle type = opened(H5Aget_type(attr), H5Tclose, where, what + " cannot be read");
  Handle space = opened(H5Aget_space(attr), H5Sclose, where, what + " cannot be read");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  constexpr hssize_t kMaxNames = 64;  // far more than any category has; bounds what is allocated
  if (H5Tget_class(type) != H5T_STRING || n < 0 || n > kMaxNames || H5Sget_simple_extent_ndims(space) > 1)
    where.raise(where.file() + ": " + what + ": expected a list of at most " + std::to_string(kMaxNames) +
                " strings, got another type or shape");
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0) {
    Handle memory = opened(H5Tcopy(H5T_C_S1), H5Tclose, where, what);
    H5Tset_size(memory, H5T_VARIABLE);
    H5Tset_cset(memory, H5Tget_cset(type));  // h5py writes UTF-8; HDF5 does not convert between sets
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    if (H5Aread(attr, memory, ptrs.data()) < 0) where.raise(where.file() + ": " + what + " cannot be read");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type);
    constexpr std::size_t kMaxName = 256;
    if (size == 0 || size > kMaxName)
      where.raise(where.file() + ": " + what + ": expected strings of at most " + std::to_string(kMaxName) + " bytes");
    std::vector<char> buffer(size * static_cast<std::size_t>(n));
    if (n > 0 && H5Aread(attr, type, buffer.data()) < 0) where.raise(where.file() + ": " + what + " cannot be read");
    for (hssize_t k = 0; k < n; ++k) {
      // Fixed-length strings are padded with NULs or spaces (numpy's 'S' type: NULs).
      std::string name(buffer.data() + k * size, size);
      name.resize(std::min(name.size(), name.find('\0')));
      while (!name.empty() && name.back() == ' ') name.pop_back();
      out.push_back(std::move(name));
    }
  }
  return out;
}

// A table's datasets, opened and checked against each other: present when required, one-
// dimensional, of one length (the first column's), category codes meaning the schema's names.
struct OpenTable {
  bool present = false;
  std::size_t rows = 0;
  std::vector<std::optional<Dataset>> datasets;  // per schema column; empty when absent
};

OpenTable open_table(hid_t f, Table t, const H5Locator& where) {
  const std::span<const Column> columns = schema::columns(t);
  OpenTable out;
  if (!exists(f, table_path(t))) {
    if (t == Table::counties) return out;  // optional: counties then come from the households
    where.raise(where.file() + ": " + table_path(t) + ": required group missing");
  }
  H5O_info_t info{};
  if (H5Oget_info_by_name2(f, table_path(t).c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    where.raise(where.file() + ": " + table_path(t) + ": cannot be opened (a broken link or a damaged file)");
  if (info.type != H5O_TYPE_GROUP) where.raise(where.file() + ": " + table_path(t) + ": expected a group, got another object");
  out.present = true;
  out.datasets.resize(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const Column& c = columns[k];
    const std::string path = column_path(t, c);
    if (!exists(f, path)) {
      if (c.required) where.raise(where.file() + ": " + path + ": required dataset missing");
      continue;
    }
    const Dataset& d = out.datasets[k].emplace(open_dataset(f, path, where));
    // Before anything is read or allocated: a length past the table's limit (a file may declare
    // billions of rows in a few bytes) and a length unlike the first column's (reading it would
    // run past the other columns' rows).
    if (d.length > schema::kMaxRows[static_cast<int>(t)])
      where.raise(where.file() + ": " + path + ": " + std::to_string(d.length) + " rows: " + schema::row_limit_text(t));
    if (d.length != out.datasets[0]->length)  // the first column is required
      where.raise(where.file() + ": " + path + ": expected " + std::to_string(out.datasets[0]->length) + " rows as " +
                  column_path(t, columns[0]) + ", got " + std::to_string(d.length));
    if (c.kind == Kind::category) {
      // Codes are indices into the schema's names; a file with other names would be misread.
      const std::vector<std::string> names = category_names(d.ds, path, where);
      if (!names.empty() && !std::equal(names.begin(), names.end(), c.categories.begin(), c.categories.end()))
        where.raise(where.file() + ": " + path + ": expected the attribute categories to be " + joined(c.categories) +
                    ", got " + joined(names));
    }
  }
  out.rows = out.datasets[0]->length;
  if (out.rows == 0 && t != Table::counties) where.raise(where.file() + ": " + table_path(t) + ": no rows");
  return out;
}

// Reads every column of a table into the staged store (defaults for absent optional columns),
// then checks the schema's row rules. Each dataset is closed once read: a chunked dataset's chunk
// cache (up to 1 MiB) holds on to chunks already read while it is open.
void read_table(OpenTable& open, Table t, schema::StagedPopulation& staged, const H5Locator& where) {
  const std::span<const Column> columns = schema::columns(t);
  HouseholdStore& hh = staged.store;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const Column& c = columns[k];
    if (!open.datasets[k]) {
      for (std::size_t i = 0; i < open.rows; ++i) c.set(hh, i, c.fallback);
    } else if (c.kind == Kind::id) {
      std::vector<std::uint64_t>& ids = schema::id_column(staged, t, c);
      ColumnReader(where, t, c)
          .read(
              *open.datasets[k], [](std::size_t, double) {}, [&](std::size_t i, std::uint64_t u) { ids[i] = u; });
    } else {
      ColumnReader(where, t, c)
          .read(
              *open.datasets[k], [&](std::size_t i, double x) { c.set(hh, i, x); }, [](std::size_t, std::uint64_t) {});
    }
    open.datasets[k].reset();
  }
  for (const schema::RowRule& rule : schema::row_rules()) {
    if (rule.table != t) continue;
    const Column& shown = *schema::find_column(t, rule.column);
    for (std::size_t i = 0; i < open.rows; ++i)
      if (const std::string e = rule.broken(hh, i); !e.empty())
        where.fail(t, i, rule.column, e, stored_text(shown.get(hh, i)));
  }
}

// Reads an open population file (read_population_file).
void read_population(hid_t f, HouseholdStore& hh, const H5Locator& where) {
  // Every table is opened and checked before any row is read, so that the store is allocated
  // once, at its size.
  OpenTable tables[schema::kTables];
  for (int k = 0; k < schema::kTables; ++k) tables[k] = open_table(f, static_cast<Table>(k), where);
  schema::StagedPopulation staged;
  const std::size_t n = tables[0].rows, m = tables[1].rows;
  staged.store.resize(n, m);
  staged.household_id.resize(n);
  staged.person_id.resize(m);
  staged.person_household.resize(m);
  staged.has_county_table = tables[2].present;
  staged.store.counties.resize(tables[2].rows);
  for (int k = 0; k < schema::kTables; ++k)
    if (tables[k].present) read_table(tables[k], static_cast<Table>(k), staged, where);
  hh = schema::build_population(std::move(staged), where);
}

}  // namespace

void read_population_file(const std::string& path, HouseholdStore& hh) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // The operating system's reason first (no permission, a directory), then HDF5's verdict.
  if (std::FILE* probe = std::fopen(path.c_str(), "rb")) {
    std::fclose(probe);
  } else {
    throw PopulationError(path + ": cannot read: " + std::strerror(errno));
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) throw PopulationError(path + ": not an HDF5 file");
  const H5Locator where(path);
  try {
    Handle f = opened(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, where,
                      "cannot open: a damaged HDF5 file");
    read_population(f, hh, where);
  } catch (const PopulationError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // A helper's HDF5 failure (sim/output/hdf5_file.hpp): still bad input, one line naming the file.
    throw PopulationError(path + ": cannot read (a damaged HDF5 file?): " + e.what());
  }
}

HouseholdStore load_population(const std::string& path, const std::string& persons_csv,
                               const std::string& counties_csv) {
  namespace fs = std::filesystem;
  HouseholdStore hh;
  if (fs::is_directory(path)) {
    if (!persons_csv.empty()) throw PopulationError("--persons: not needed with a directory (" + path + ")");
    if (!counties_csv.empty()) throw PopulationError("--counties: not needed with a directory (" + path + ")");
    const fs::path dir(path);
    for (const char* name : {"households.csv", "persons.csv"})
      if (!fs::exists(dir / name)) throw PopulationError(path + ": expected " + name + " in the directory");
    // The county table is optional.
    const fs::path counties = fs::exists(dir / "counties.csv") ? dir / "counties.csv" : fs::path();
    read_microdata_csv(dir / "households.csv", dir / "persons.csv", counties, hh);
  } else if (fs::path(path).extension() == ".csv") {
    if (persons_csv.empty())
      throw PopulationError(path + ": a household table needs its person table: add --persons PERSONS.csv");
    read_microdata_csv(path, persons_csv, counties_csv, hh);
  } else {
    if (!fs::exists(path)) throw PopulationError(path + ": no such file or directory");
    if (!persons_csv.empty()) throw PopulationError("--persons: only for a household CSV, not " + path);
    if (!counties_csv.empty()) throw PopulationError("--counties: only for a household CSV, not " + path);
    read_population_file(path, hh);
  }
  return hh;
}

}  // namespace povsim

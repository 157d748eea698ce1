#include "sim/output/export_tables.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <hdf5_hl.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "sim/output/hdf5_file.hpp"
#include "sim/output/json_text.hpp"

namespace povsim {

namespace {

using h5::Handle;

constexpr const char* kExpected = "expected a result file of povsim run or a comparison file of povsim compare";

// ------------------------------------------------------------------ reading HDF5

// The names of a group's members in the order they were created (groups povsim writes remember
// it, h5::group), or by name in files written before they did.
std::vector<std::string> members(hid_t group) {
  H5G_info_t info{};
  if (H5Gget_info(group, &info) < 0) throw std::runtime_error("cannot list a group");
  for (const H5_index_t order : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[1024] = {};
      if (H5Lget_name_by_idx(group, ".", order, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) break;
      names.emplace_back(name);
    }
    if (names.size() == info.nlinks) return names;
  }
  throw std::runtime_error("cannot list a group");
}

H5I_type_t object_type(hid_t group, const std::string& name) {
  const hid_t object = H5Oopen(group, name.c_str(), H5P_DEFAULT);
  if (object < 0) return H5I_BADID;
  const H5I_type_t type = H5Iget_type(object);
  H5Oclose(object);
  return type;
}

std::string text_attribute(hid_t object, const char* name) {
  const std::vector<std::string> text = h5::read_strings_attr(object, name);
  return text.size() == 1 ? text.front() : std::string();
}

// A numeric dataset read as doubles (integers convert exactly), with its shape, attributes and
// the label of each axis ("" where the file has none).
struct NumericDataset {
  std::string name;
  std::vector<hsize_t> dims;
  std::vector<double> values;
  std::string units, description;
  std::vector<std::string> labels;
  bool is_scale = false;
};

std::optional<NumericDataset> read_numeric(hid_t group, const std::string& name) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
  Handle type(H5Dget_type(ds), H5Tclose, "type of " + name);
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) return std::nullopt;
  Handle space(H5Dget_space(ds), H5Sclose, "dataspace of " + name);
  NumericDataset out;
  out.name = name;
  out.dims.resize(static_cast<std::size_t>(std::max(0, H5Sget_simple_extent_ndims(space))));
  H5Sget_simple_extent_dims(space, out.dims.data(), nullptr);
  out.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!out.values.empty() && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0)
    throw std::runtime_error("cannot read dataset " + name);
  out.units = text_attribute(ds, "units");
  out.description = text_attribute(ds, "description");
  out.is_scale = H5DSis_scale(ds) > 0;
  for (unsigned axis = 0; axis < out.dims.size(); ++axis) {
    char label[256] = {};
    out.labels.emplace_back(H5DSget_label(ds, axis, label, sizeof label) > 0 ? label : "");
  }
  return out;
}

// A one-dimensional dataset of variable-length strings.
std::vector<std::string> read_texts(hid_t file, const std::string& path) {
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + path);
  Handle space(H5Dget_space(ds), H5Sclose, "dataspace of " + path);
  Handle type = h5::string_type();
  std::vector<char*> pointers(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!pointers.empty() && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
    throw std::runtime_error("cannot read " + path + " as text");
  std::vector<std::string> out;
  for (const char* p : pointers) out.emplace_back(p ? p : "");
  if (!pointers.empty()) H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
  return out;
}

std::vector<double> read_numbers(hid_t file, const std::string& path, const std::string& file_name) {
  return h5::read_vector<double>(file, path, H5T_NATIVE_DOUBLE, file_name);
}

// ------------------------------------------------------------------ building tables

ExportColumn text_column(std::string name, std::string description) {
  ExportColumn c;
  c.name = std::move(name), c.description = std::move(description), c.is_text = true;
  return c;
}
ExportColumn number_column(std::string name, std::string units, std::string description) {
  ExportColumn c;
  c.name = std::move(name), c.units = std::move(units), c.description = std::move(description);
  return c;
}

ExportColumn scenario_column() { return text_column("scenario", "the scenario's name (`name:`, else its file's name)"); }
ExportColumn replicate_column() {
  return number_column("replicate", "replicate number", "the scenario's replicate number (the same streams in every scenario)");
}
ExportColumn year_column() { return number_column("year", "calendar year", "assessment year (December)"); }

// What a run file's tables are indexed by: the scenario, replicate numbers and years.
struct RunAxes {
  std::string scenario;
  std::vector<double> replicates, years;
  std::size_t R() const { return replicates.size(); }
  std::size_t Y() const { return years.size(); }
};

// The tables of one group of a run file and, recursively, of its subgroups: `table` holds the
// group's [R, Y] datasets (and its [Y] ones, repeated for each replicate), one row per replicate
// and year; `table`_by_AXIS (or `table` when the group has no [R, Y] dataset) its [R, K, Y]
// datasets along the group's `categories`, one row per replicate, year and category. Datasets of
// other shapes (and the scales) are not exported.
void add_group_tables(hid_t file, const std::string& group_path, const std::string& table_name, const RunAxes& axes,
                      std::vector<ExportTable>& tables) {
  Handle group(H5Gopen2(file, group_path.c_str(), H5P_DEFAULT), H5Gclose, "group " + group_path);
  const std::vector<std::string> categories = h5::read_strings_attr(group, "categories");
  // A category group may have no category at all (no policy enabled): its table has no rows.
  const bool has_categories = H5Aexists(group, "categories") > 0;
  const std::size_t R = axes.R(), Y = axes.Y(), K = categories.size();
  std::vector<NumericDataset> per_year, per_replicate_year, per_category;
  std::vector<std::string> subgroups;
  for (const std::string& name : members(group)) {
    const H5I_type_t type = object_type(group, name);
    if (type == H5I_GROUP) subgroups.push_back(name);
    if (type != H5I_DATASET) continue;
    std::optional<NumericDataset> ds = read_numeric(group, name);
    // The axes' own datasets are key columns (files written before the scales: /annual/year by name).
    if (!ds || ds->is_scale || name == "year") continue;
    if (ds->dims == std::vector<hsize_t>{Y}) per_year.push_back(std::move(*ds));
    else if (ds->dims == std::vector<hsize_t>{R, Y}) per_replicate_year.push_back(std::move(*ds));
    else if (has_categories && ds->dims == std::vector<hsize_t>{R, K, Y}) per_category.push_back(std::move(*ds));
  }
  auto key_columns = [&](std::size_t categories_per_row) {
    std::vector<ExportColumn> keys = {scenario_column(), replicate_column(), year_column()};
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t y = 0; y < Y; ++y)
        for (std::size_t k = 0; k < categories_per_row; ++k) {
          keys[0].text.push_back(axes.scenario);
          keys[1].numbers.push_back(axes.replicates[r]);
          keys[2].numbers.push_back(axes.years[y]);
        }
    return keys;
  };
  auto measure_column = [](const NumericDataset& ds) { return number_column(ds.name, ds.units, ds.description); };

  if (!per_replicate_year.empty()) {
    ExportTable t{table_name, key_columns(1)};
    // The group's datasets in the order the file lists them, whatever their shape.
    for (const std::string& name : members(group)) {
      for (const NumericDataset& ds : per_year)
        if (ds.name == name) {
          ExportColumn c = measure_column(ds);
          for (std::size_t r = 0; r < R; ++r) c.numbers.insert(c.numbers.end(), ds.values.begin(), ds.values.end());
          t.columns.push_back(std::move(c));
        }
      for (const NumericDataset& ds : per_replicate_year)
        if (ds.name == name) {
          ExportColumn c = measure_column(ds);
          c.numbers = ds.values;  // [R, Y], row-major: replicate, then year, as the rows
          t.columns.push_back(std::move(c));
        }
    }
    tables.push_back(std::move(t));
  }
  if (!per_category.empty()) {
    // The axis's name is the label povsim writes on it; files written before the labels say "category".
    const std::string axis = per_category.front().labels[1].empty() ? "category" : per_category.front().labels[1];
    ExportTable t{per_replicate_year.empty() ? table_name : table_name + "_by_" + axis, key_columns(K)};
    ExportColumn category = text_column(axis, "the category (the group's `categories`)");
    for (std::size_t row = 0; row < R * Y; ++row) category.text.insert(category.text.end(), categories.begin(), categories.end());
    t.columns.push_back(std::move(category));
    for (const NumericDataset& ds : per_category) {
      ExportColumn c = measure_column(ds);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t y = 0; y < Y; ++y)
          for (std::size_t k = 0; k < K; ++k) c.numbers.push_back(ds.values[(r * K + k) * Y + y]);
      t.columns.push_back(std::move(c));
    }
    tables.push_back(std::move(t));
  }
  for (const std::string& name : subgroups)
    add_group_tables(file, group_path + "/" + name, group_path == "/annual" ? name : table_name + "_" + name, axes,
                     tables);
}

std::vector<ExportTable> run_tables(hid_t file, const std::string& path) {
  for (const char* required : {"/annual/year", "/annual/return_rate"})
    if (!h5::exists(file, required))
      throw ExportInputError(path + ": not a complete povsim result file (no dataset " + std::string(required) + "); " +
                             kExpected);
  RunAxes axes;
  axes.scenario = text_attribute(file, "name");
  if (axes.scenario.empty()) axes.scenario = std::filesystem::path(path).stem().string();  // files before `name`
  axes.years = read_numbers(file, "/annual/year", path);
  if (h5::exists(file, "/replicate_index")) {
    axes.replicates = read_numbers(file, "/replicate_index", path);
  } else {  // files before /replicate_index held replicates 0 .. R-1
    const std::optional<NumericDataset> rates = read_numeric(file, "/annual/return_rate");
    for (hsize_t r = 0; rates && !rates->dims.empty() && r < rates->dims[0]; ++r) axes.replicates.push_back(double(r));
  }
  std::vector<ExportTable> tables;
  add_group_tables(file, "/annual", "annual", axes, tables);
  return tables;
}

// A comparison file: its [S, R, Y] groups (by_replicate, difference_by_replicate) as one row per
// scenario, replicate and year; its estimate groups (estimate, difference: one subgroup per
// measure holding [S, Y] mean, se, ci95_lower, ci95_upper) as one row per scenario, year and
// measure.
std::vector<ExportTable> comparison_tables(hid_t file, const std::string& path) {
  for (const char* required : {"/scenario", "/replicate", "/year"})
    if (!h5::exists(file, required))
      throw ExportInputError(path + ": not a complete povsim comparison file (no dataset " + std::string(required) +
                             "); " + kExpected);
  const std::vector<std::string> scenarios = read_texts(file, "/scenario");
  const std::vector<double> replicates = read_numbers(file, "/replicate", path), years = read_numbers(file, "/year", path);
  const std::size_t S = scenarios.size(), R = replicates.size(), Y = years.size();
  std::vector<ExportTable> tables;
  for (const char* group_name : {"by_replicate", "difference_by_replicate"}) {
    if (!h5::exists(file, std::string("/") + group_name)) continue;
    Handle group(H5Gopen2(file, group_name, H5P_DEFAULT), H5Gclose, std::string("group ") + group_name);
    ExportTable t{group_name, {scenario_column(), replicate_column(), year_column()}};
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t y = 0; y < Y; ++y) {
          t.columns[0].text.push_back(scenarios[s]);
          t.columns[1].numbers.push_back(replicates[r]);
          t.columns[2].numbers.push_back(years[y]);
        }
    for (const std::string& name : members(group)) {
      if (object_type(group, name) != H5I_DATASET) continue;
      std::optional<NumericDataset> ds = read_numeric(group, name);
      if (!ds || ds->dims != std::vector<hsize_t>{S, R, Y}) continue;
      ExportColumn c = number_column(ds->name, ds->units, ds->description);
      c.numbers = std::move(ds->values);  // row-major: scenario, replicate, year, as the rows
      t.columns.push_back(std::move(c));
    }
    tables.push_back(std::move(t));
  }
  static constexpr const char* kStatistics[] = {"mean", "se", "ci95_lower", "ci95_upper"};
  for (const char* group_name : {"estimate", "difference"}) {
    if (!h5::exists(file, std::string("/") + group_name)) continue;
    Handle group(H5Gopen2(file, group_name, H5P_DEFAULT), H5Gclose, std::string("group ") + group_name);
    // Each measure's four statistics, [S, Y]; measures missing one of them are not exported.
    struct Measure {
      std::string name, units;
      std::vector<std::vector<double>> statistics;
    };
    std::vector<Measure> measures;
    for (const std::string& name : members(group)) {
      if (object_type(group, name) != H5I_GROUP) continue;
      Handle measure_group(H5Gopen2(group, name.c_str(), H5P_DEFAULT), H5Gclose, "group " + name);
      Measure m{name, "", {}};
      for (const char* statistic : kStatistics) {
        std::optional<NumericDataset> ds;
        if (object_type(measure_group, statistic) == H5I_DATASET) ds = read_numeric(measure_group, statistic);
        if (!ds || ds->dims != std::vector<hsize_t>{S, Y}) break;
        m.units = ds->units;
        m.statistics.push_back(std::move(ds->values));
      }
      if (m.statistics.size() == std::size(kStatistics)) measures.push_back(std::move(m));
    }
    ExportTable t{group_name,
                  {scenario_column(), year_column(),
                   text_column("measure", std::string(group_name) == "estimate"
                                              ? "the measure (docs/output.md, \"Comparison files\")"
                                              : "the paired difference from the base of this measure"),
                   text_column("units", "the measure's units (those of mean, se, ci95_lower and ci95_upper)")}};
    for (const char* statistic : kStatistics)
      t.columns.push_back(number_column(statistic, "the row's units",
                                        std::string(statistic) + " over replicates (empty: undefined)"));
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t y = 0; y < Y; ++y)
        for (const Measure& m : measures) {
          t.columns[0].text.push_back(scenarios[s]);
          t.columns[1].numbers.push_back(years[y]);
          t.columns[2].text.push_back(m.name);
          t.columns[3].text.push_back(m.units);
          for (std::size_t k = 0; k < std::size(kStatistics); ++k) t.columns[4 + k].numbers.push_back(m.statistics[k][s * Y + y]);
        }
    tables.push_back(std::move(t));
  }
  return tables;
}

// ------------------------------------------------------------------ writing files

// Writes `content` to a new file at `path` and syncs it. False with errno set if the file cannot
// be created; throws (naming `target`, what the file becomes) if writing it fails.
bool write_new_file(const std::string& path, const std::string& target, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + target + ": " + std::strerror(e));
    }
    done += static_cast<std::size_t>(n);
  }
  // A network or quota file system may report a full disk only when syncing or closing.
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot write " + target + ": " + std::strerror(errno));
  return true;
}

}  // namespace

ExportTables read_export_tables(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ExportInputError(path + ": no such file; " + kExpected);
  if (fs::is_directory(path, ec)) throw ExportInputError(path + ": is a directory; " + kExpected);
  if (FILE* probe = std::fopen(path.c_str(), "rb")) std::fclose(probe);
  else throw ExportInputError(path + ": cannot read: " + std::strerror(errno));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // failures are reported as one line, not HDF5's stack
  hid_t file = -1;
  H5E_BEGIN_TRY { file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (file < 0) throw ExportInputError(path + ": not an HDF5 file; " + kExpected);
  const Handle opened(file, H5Fclose, path);
  ExportTables out;
  out.file = path;
  try {
    out.format = text_attribute(file, "format");
    if (out.format.rfind("povsim-results", 0) == 0) out.tables = run_tables(file, path);
    else if (out.format.rfind("povsim-comparison", 0) == 0) out.tables = comparison_tables(file, path);
    else
      throw ExportInputError(path + ": not a povsim result or comparison file (" +
                             (out.format.empty() ? std::string("no `format` attribute")
                                                 : "its format is '" + out.format + "'") +
                             "); " + kExpected);
  } catch (const ExportInputError&) {
    throw;
  } catch (const std::runtime_error& e) {  // a damaged file: a dataset that cannot be read
    throw ExportInputError(path + ": cannot read it as '" + out.format + "' (" + e.what() + ")");
  }
  return out;
}

std::string export_number(double value) {
  if (std::isnan(value)) return "";
  char buffer[64];
  // Whole numbers (counts, years, yuan) in full: the shortest form would write 1000000 as 1e+06.
  const bool whole = std::abs(value) < 1e15 && value == std::trunc(value);
  const auto [end, ec] = whole ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                               : std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("nan");
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string table_csv(const ExportTable& table) {
  std::string out;
  for (std::size_t c = 0; c < table.columns.size(); ++c) out += (c ? "," : "") + csv_field(table.columns[c].name);
  out += "\n";
  for (std::size_t row = 0; row < table.rows(); ++row) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const ExportColumn& column = table.columns[c];
      if (c) out += ',';
      out += column.is_text ? csv_field(column.text[row]) : export_number(column.numbers[row]);
    }
    out += "\n";
  }
  return out;
}

std::string columns_csv(const ExportTables& tables) {
  std::string out = "table,column,units,description\n";
  for (const ExportTable& t : tables.tables)
    for (const ExportColumn& c : t.columns)
      out += csv_field(t.name) + "," + csv_field(c.name) + "," + csv_field(c.units) + "," + csv_field(c.description) + "\n";
  return out;
}

std::string tables_json(const ExportTables& tables) {
  auto number = [](double v) { return std::isfinite(v) ? export_number(v) : std::string("null"); };
  std::string out = "{\"format\": \"povsim-export-json 1\", \"file\": " + json_string(tables.file) +
                    ", \"source_format\": " + json_string(tables.format) + ", \"tables\": {";
  for (std::size_t t = 0; t < tables.tables.size(); ++t) {
    const ExportTable& table = tables.tables[t];
    out += (t ? ", " : "") + json_string(table.name) + ": {\"columns\": [";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const ExportColumn& column = table.columns[c];
      out += (c ? ", " : "") + std::string("{\"name\": ") + json_string(column.name) +
             ", \"units\": " + json_string(column.units) + ", \"description\": " + json_string(column.description) + "}";
    }
    out += "], \"rows\": [";
    for (std::size_t row = 0; row < table.rows(); ++row) {
      out += row ? ", [" : "[";
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        const ExportColumn& column = table.columns[c];
        if (c) out += ", ";
        out += column.is_text ? json_string(column.text[row]) : number(column.numbers[row]);
      }
      out += "]";
    }
    out += "]}";
  }
  return out + "}}\n";
}

std::vector<std::string> write_csv_tables(const std::string& dir, const ExportTables& tables) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool created_dir = false;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw ExportInputError(dir + ": exists and is not a folder; --csv expects a folder (created if missing)");
  } else {
    if (!fs::create_directory(dir, ec))
      throw ExportInputError("cannot create folder " + dir + ": " + ec.message() + "; --csv expects a folder " +
                             "whose parent exists");
    created_dir = true;
  }
  std::vector<std::pair<std::string, std::string>> files;  // (final path, content)
  for (const ExportTable& t : tables.tables) files.emplace_back((fs::path(dir) / (t.name + ".csv")).string(), table_csv(t));
  files.emplace_back((fs::path(dir) / "columns.csv").string(), columns_csv(tables));
  for (const auto& file : files)  // a folder cannot be replaced by a file: say so before writing any
    if (fs::is_directory(file.first, ec)) {
      if (created_dir) fs::remove(dir, ec);
      throw ExportInputError(file.first + " is a folder; export writes the table there as a file (remove or "
                             "rename the folder, or give another --csv folder)");
    }

  std::vector<std::string> written;  // temporary files, then final ones once renamed
  auto remove_written = [&] {
    for (const std::string& p : written) std::remove(p.c_str());
    if (created_dir) fs::remove(dir, ec);
  };
  try {
    for (const auto& [path, content] : files) {
      const std::string temp = h5::AtomicFile::temp_path_for(path);
      written.push_back(temp);  // removed on failure, even half-written
      if (!write_new_file(temp, path, content)) {
        const int e = errno;
        throw ExportInputError("cannot write to folder " + dir + ": " + std::strerror(e) +
                               "; --csv expects a folder this user can write to");
      }
    }
    std::vector<std::string> finals;
    for (std::size_t k = 0; k < files.size(); ++k) {
      fs::rename(written[k], files[k].first, ec);
      if (ec) throw std::runtime_error("cannot write " + files[k].first + ": " + ec.message());
      written[k] = files[k].first;
      finals.push_back(files[k].first);
    }
    return finals;
  } catch (...) {
    remove_written();
    throw;
  }
}

}  // namespace povsim

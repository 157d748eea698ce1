// `povsim export`: tidy tables of a run or comparison file (docs/output.md, "Exporting tables").
// The tables are checked against the HDF5 arrays they come from (row counts, keys, every value bit
// for bit), and bad input is one line, exit status 2 and nothing written.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/output/export_tables.hpp"
#include "sim/output/hdf5_file.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

const std::string kScenarios = std::string(POVSIM_SOURCE_DIR) + "/scenarios/";

// ------------------------------------------------------------------ reading what export wrote

// A CSV file per RFC 4180 (quoted fields may hold commas, doubled quotes and line breaks): the
// header, then the rows.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const {
    const auto at = std::find(header.begin(), header.end(), name);
    return at == header.end() ? std::string::npos : static_cast<std::size_t>(at - header.begin());
  }
};

Csv read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  std::vector<std::vector<std::string>> lines(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      lines.back().push_back(field), field.clear();
    } else if (c == '\n') {
      lines.back().push_back(field), field.clear();
      lines.emplace_back();
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(lines.back().empty() && field.empty()) << path << ": the last line does not end with a line break";
  lines.pop_back();
  Csv csv;
  if (lines.empty()) return csv;
  csv.header = lines.front();
  csv.rows.assign(lines.begin() + 1, lines.end());
  for (const auto& row : csv.rows) EXPECT_EQ(row.size(), csv.header.size()) << path;
  return csv;
}

// A numeric field read back: empty is NaN.
double number(const std::string& field) {
  if (field.empty()) return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(field.c_str(), &end);
  EXPECT_EQ(*end, '\0') << "not a number: '" << field << "'";
  return v;
}
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; }

// A dataset's shape, and whether it is numeric and a dimension scale.
struct Shape {
  std::vector<hsize_t> dims;
  bool numeric = false, scale = false;
};
Shape shape_of(const std::string& file, const std::string& path) {
  Shape s;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds), type = H5Dget_type(ds);
  s.dims.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, s.dims.data(), nullptr);
  s.numeric = H5Tget_class(type) == H5T_INTEGER || H5Tget_class(type) == H5T_FLOAT;
  s.scale = H5DSis_scale(ds) > 0;
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  return s;
}

std::vector<std::string> group_strings(const std::string& file, const std::string& group, const char* attribute) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t g = H5Gopen2(f, group.c_str(), H5P_DEFAULT);
  std::vector<std::string> out = h5::read_strings_attr(g, attribute);
  H5Gclose(g);
  H5Fclose(f);
  return out;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.insert(e.path().filename().string());
  return names;
}

// A small run of several replicates, named with a comma and quotes (RFC 4180 quoting).
const std::string kOddName = "Odd \"quoted\", name";
std::string small_run(const TempDir& dir) {
  const std::string scenario = dir.file("odd.yaml", "extends: " + kScenarios + "baseline.yaml\nname: '" + kOddName +
                                                        "'\nreplicates: 3\nhorizon:\n  end: 2023-12\n");
  const std::string out = (dir.path / "run.h5").string();
  const Result r = cli({"run", scenario, "--out", out, "--households", "1500", "--quiet", "--no-progress"});
  EXPECT_EQ(r.code, 0) << r.err;
  return out;
}

// Every [R, Y] and [R, K, Y] dataset under /annual is a column of its group's table, every value
// equal bit for bit, the rows in order replicate, year, category with the right keys.
TEST(Export, RunFileTablesHoldEveryArrayValueForValue) {
  TempDir dir;
  const std::string run = small_run(dir);
  const std::string csv_dir = (dir.path / "tables").string();
  const Result r = cli({"export", run, "--csv", csv_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("annual.csv"), std::string::npos) << r.out;

  const std::vector<double> replicates = testing::read_dataset(run, "/replicate_index");
  const std::vector<double> years = testing::read_dataset(run, "/annual/year");
  const std::size_t R = replicates.size(), Y = years.size();
  ASSERT_EQ(R, 3u);
  ASSERT_EQ(Y, 3u);
  std::map<std::string, Csv> tables;
  std::size_t columns_checked = 0;
  for (const std::string& path : testing::dataset_paths(run)) {
    if (path.rfind("annual/", 0) != 0) continue;
    const Shape shape = shape_of(run, path);
    if (!shape.numeric || shape.scale || shape.dims.size() < 2) continue;
    // The table of group annual/A/B is A_B (annual itself: annual).
    const std::string group = path.substr(0, path.rfind('/')), name = path.substr(path.rfind('/') + 1);
    std::string table = group == "annual" ? "annual" : group.substr(7);
    std::replace(table.begin(), table.end(), '/', '_');
    SCOPED_TRACE(path + " in " + table + ".csv");
    if (!tables.count(table)) tables[table] = read_csv(csv_dir + "/" + table + ".csv");
    const Csv& csv = tables[table];
    const std::size_t column = csv.column(name);
    ASSERT_NE(column, std::string::npos);
    ASSERT_EQ(csv.header[0], "scenario");
    ASSERT_EQ(csv.header[1], "replicate");
    ASSERT_EQ(csv.header[2], "year");
    const std::vector<double> values = testing::read_dataset(run, path);
    const std::size_t K = shape.dims.size() == 3 ? shape.dims[1] : 1;
    std::vector<std::string> categories;
    if (shape.dims.size() == 3) {
      categories = group_strings(run, group, "categories");
      ASSERT_EQ(categories.size(), K);
      char label[64] = {};
      const hid_t f = H5Fopen(run.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
      H5DSget_label(ds, 1, label, sizeof label);
      H5Dclose(ds);
      H5Fclose(f);
      ASSERT_EQ(csv.header[3], label);  // the category column is named after the axis
    }
    ASSERT_EQ(csv.rows.size(), R * K * Y);  // one row per replicate, year and category
    for (std::size_t row = 0; row < csv.rows.size(); ++row) {
      const std::size_t r_ = row / (Y * K), y = row / K % Y, k = row % K;
      ASSERT_EQ(csv.rows[row][0], kOddName) << row;
      ASSERT_EQ(number(csv.rows[row][1]), replicates[r_]) << row;
      ASSERT_EQ(number(csv.rows[row][2]), years[y]) << row;
      if (K > 1 || !categories.empty()) ASSERT_EQ(csv.rows[row][3], categories[k]) << row;
      ASSERT_TRUE(same(number(csv.rows[row][column]), values[(r_ * K + k) * Y + y]))
          << "row " << row << ": '" << csv.rows[row][column] << "' vs " << values[(r_ * K + k) * Y + y];
    }
    ++columns_checked;
  }
  EXPECT_GT(columns_checked, 60u);  // every model's outputs, not a handful
  for (const char* table : {"annual", "edge", "by_region_type", "by_cause", "policies", "monitoring"})
    EXPECT_TRUE(tables.count(table)) << table;
  // The per-year poverty line joins the annual table, repeated for each replicate.
  const Csv& annual = tables["annual"];
  const std::vector<double> line = testing::read_dataset(run, "/annual/poverty_line");
  for (std::size_t row = 0; row < annual.rows.size(); ++row)
    EXPECT_TRUE(same(number(annual.rows[row][annual.column("poverty_line")]), line[row % Y]));
  // columns.csv lists every column with its units.
  const Csv columns = read_csv(csv_dir + "/columns.csv");
  ASSERT_EQ(columns.header, (std::vector<std::string>{"table", "column", "units", "description"}));
  std::size_t listed = 0;
  for (const auto& [name, table] : tables) listed += table.header.size();
  std::size_t listed_for_checked = 0;
  for (const auto& row : columns.rows)
    if (tables.count(row[0])) ++listed_for_checked;
  EXPECT_EQ(listed_for_checked, listed);
  for (const auto& row : columns.rows)
    if (row[0] == "annual" && row[1] == "return_rate") EXPECT_EQ(row[2], "share of households (0-1), weighted");
  // Only the tables and columns.csv: no temporary file left.
  for (const std::string& name : entries(csv_dir)) EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;

  // The same tables as one JSON document, alone on stdout.
  const Result json = cli({"export", run, "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("{\"format\": \"povsim-export-json 1\"", 0), 0u) << json.out.substr(0, 200);
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '\n'), 1);
  for (const char* not_json : {", NaN", "[NaN", ", nan", ", inf"})  // NaN is null in JSON (text may say NaN)
    EXPECT_EQ(json.out.find(not_json), std::string::npos) << not_json;
  EXPECT_NE(json.out.find(", null"), std::string::npos);  // the censored years of the lagged counters
  EXPECT_NE(json.out.find("\"annual\": {\"columns\": [{\"name\": \"scenario\""), std::string::npos);
  // --csv with --json: the JSON alone on stdout, the list of files on stderr.
  const Result both = cli({"export", run, "--json", "--csv", (dir.path / "again").string()});
  ASSERT_EQ(both.code, 0) << both.err;
  EXPECT_EQ(both.out, json.out);
  EXPECT_NE(both.err.find("annual.csv"), std::string::npos);
}

TEST(Export, ComparisonFileTables) {
  TempDir dir;
  const std::string file = (dir.path / "c.h5").string();
  const Result c = cli({"compare", kScenarios + "baseline.yaml", kScenarios + "early_warning.yaml", "--households",
                        "1000", "--set", "horizon.end=2022-12", "--set", "replicates=2", "--out", file,
                        "--no-progress", "--quiet"});
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string csv_dir = (dir.path / "tables").string();
  const Result r = cli({"export", file, "--csv", csv_dir});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::size_t S = 2, R = 2, Y = 2;
  const std::vector<double> years = testing::read_dataset(file, "/year");
  for (const char* table : {"by_replicate", "difference_by_replicate"}) {
    SCOPED_TRACE(table);
    const Csv csv = read_csv(csv_dir + "/" + table + ".csv");
    ASSERT_EQ(csv.rows.size(), S * R * Y);
    for (const std::string& measure : {"return_rate", "fiscal_cost"}) {
      const std::vector<double> values = testing::read_dataset(file, std::string("/") + table + "/" + measure);
      ASSERT_EQ(values.size(), csv.rows.size());
      for (std::size_t row = 0; row < csv.rows.size(); ++row)
        ASSERT_TRUE(same(number(csv.rows[row][csv.column(measure)]), values[row])) << measure << " row " << row;
    }
    EXPECT_EQ(csv.rows[0][0], "baseline");
    EXPECT_EQ(csv.rows[R * Y][0], "early_warning");
  }
  // estimate.csv: one row per scenario, year and measure.
  const Csv estimate = read_csv(csv_dir + "/estimate.csv");
  ASSERT_EQ(estimate.header, (std::vector<std::string>{"scenario", "year", "measure", "units", "mean", "se",
                                                       "ci95_lower", "ci95_upper"}));
  std::set<std::string> measures;
  for (const auto& row : estimate.rows) measures.insert(row[2]);
  EXPECT_EQ(estimate.rows.size(), S * Y * measures.size());
  EXPECT_TRUE(measures.count("cumulative_return_rate"));
  for (const char* statistic : {"mean", "ci95_upper"}) {
    const std::vector<double> values = testing::read_dataset(file, std::string("/estimate/return_rate/") + statistic);
    std::size_t found = 0;
    for (const auto& row : estimate.rows)
      if (row[2] == "return_rate") {
        const std::size_t s = row[0] == "baseline" ? 0 : 1, y = number(row[1]) == years[0] ? 0 : 1;
        EXPECT_TRUE(same(number(row[estimate.column(statistic)]), values[s * Y + y]));
        ++found;
      }
    EXPECT_EQ(found, S * Y);
  }
  const Csv difference = read_csv(csv_dir + "/difference.csv");
  bool cost_per_household_kept = false;
  for (const auto& row : difference.rows) cost_per_household_kept |= row[2] == "cost_per_household_kept";
  EXPECT_TRUE(cost_per_household_kept);
}

TEST(Export, NumbersAndTextAreWrittenToReadBackExactly) {
  for (const double v : {0.1, 1.0 / 3, 1e-300, 123456789.125, 4161.6, -2.5e-7, 1e22, 6.02214076e23})
    EXPECT_TRUE(same(number(export_number(v)), v)) << export_number(v);
  EXPECT_EQ(export_number(1000000), "1000000");  // counts in full, not 1e+06
  EXPECT_EQ(export_number(2021), "2021");
  EXPECT_EQ(export_number(std::nan("")), "");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

// Bad input: one line on stderr naming the file and what was expected, exit status 2, nothing
// written (not even the --csv folder), nothing on stdout.
TEST(Export, BadInputIsOneLineExit2AndNothingWritten) {
  TempDir dir;
  const std::string run = small_run(dir);
  const std::string population = (dir.path / "pop.h5").string();
  ASSERT_EQ(cli({"population", "--households", "300", "--out", population}).code, 0);
  const std::string text = dir.file("notes.h5", "not HDF5 at all\n");
  const std::string missing = (dir.path / "missing.h5").string();
  const std::string a_file = dir.file("a_file.csv", "keep me\n");
  const fs::path clash = dir.path / "clash";
  fs::create_directories(clash / "by_cause.csv");  // a folder where a table goes
  const std::string new_dir = (dir.path / "new").string();

  struct Case {
    std::vector<std::string> args;
    std::string names;  // what the line must name
    std::string says;   // and say
  };
  std::vector<Case> cases = {
      {{"export", missing, "--csv", new_dir}, missing, "no such file"},
      {{"export", text, "--csv", new_dir}, text, "not an HDF5 file"},
      {{"export", population, "--csv", new_dir}, population, "not a povsim result or comparison file"},
      {{"export", population, "--json"}, population, "expected a result file of povsim run"},
      {{"export", dir.path.string(), "--json"}, dir.path.string(), "is a directory"},
      {{"export", run, "--csv", a_file}, a_file, "not a folder"},
      {{"export", run, "--csv", (dir.path / "no" / "such").string()}, (dir.path / "no" / "such").string(),
       "cannot create folder"},
      {{"export", run, "--csv", clash.string()}, (clash / "by_cause.csv").string(), "is a folder"},
      {{"export", run, "--csv", "/proc"}, "/proc", "cannot write to folder"},  // no one may create files there
      {{"export", run}, "--csv DIR or --json", "expected"},
      {{"export", run, run, "--json"}, run, "one file"},
  };
  if (geteuid() != 0) {  // root writes anywhere; /proc covers that case
    const fs::path read_only = dir.path / "read_only";
    fs::create_directory(read_only);
    chmod(read_only.c_str(), 0555);
    cases.push_back({{"export", run, "--csv", read_only.string()}, read_only.string(), "cannot write to folder"});
  }
  const std::set<std::string> before = entries(dir.path), before_clash = entries(clash);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[1] + " " + c.args.back());
    const Result r = cli(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("povsim: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(entries(dir.path), before);
    EXPECT_EQ(entries(clash), before_clash);
  }
  std::ifstream kept(a_file);
  std::string content;
  std::getline(kept, content);
  EXPECT_EQ(content, "keep me");
}

TEST(Export, HelpAndUsage) {
  const Result help = cli({"export", "--help"});
  EXPECT_EQ(help.code, 0);
  for (const char* word : {"--csv", "--json", "columns.csv", "annual.csv", "estimate.csv"})
    EXPECT_NE(help.out.find(word), std::string::npos) << word;
  EXPECT_NE(cli({"--help"}).out.find("povsim export FILE.h5"), std::string::npos);
}

}  // namespace
}  // namespace povsim

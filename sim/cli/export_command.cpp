#include "sim/cli/export_command.hpp"

#include <ostream>

#include "sim/cli/command_line.hpp"
#include "sim/output/export_tables.hpp"

namespace povsim {

namespace {

constexpr const char* kExportHelp = R"(Usage: povsim export FILE.h5 (--csv DIR | --json) [options]

Writes the results in FILE.h5 - a result file of povsim run or a comparison file of povsim
compare - as tidy tables: one row per scenario, replicate, year and category (region type,
cause, policy, measure), one column per measure, with the units of each in columns.csv.
A run file gives annual.csv, edge.csv, by_region_type.csv, by_cause.csv, policies.csv and one
table per group of model outputs (monitoring.csv, poverty_dynamics.csv, ...); a comparison file
gives by_replicate.csv, difference_by_replicate.csv, estimate.csv and difference.csv. Tables and
columns: docs/output.md, "Exporting tables".

Options:
  --csv DIR           write each table as DIR/TABLE.csv (RFC 4180 quoting; empty field: NaN,
                      e.g. a censored year) and DIR/columns.csv (units and description of every
                      column); DIR is created if missing. Files go through temporary files and
                      are renamed into place only when all are written
  --json              print all tables as one JSON document on stdout (and nothing else there)
  -h, --help          this help

Exit status: 0 success, 1 run-time failure (a full disk), 2 bad usage or input: FILE missing, not
HDF5 or not a povsim result or comparison file, DIR not a folder or not writable (nothing written).
)";

}  // namespace

int command_export(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app;
  std::vector<std::string> files;
  std::string csv_dir;
  bool json = false;
  app.add_option("files", files);
  CLI::Option* csv_option = value_option(app, "--csv", csv_dir);
  app.add_flag("--json", json);
  if (!parse_command_line(app, args, "export")) {
    out << kExportHelp;
    return 0;
  }
  if (files.empty()) throw UsageError("export: expected a result or comparison file (see povsim export --help)");
  if (files.size() > 1) throw UsageError("unexpected argument '" + files[1] + "': export reads one file at a time");
  const bool csv = csv_option->count() > 0;
  if (csv && csv_dir.empty()) throw UsageError("--csv: expected a folder, got ''");
  if (!csv && !json) throw UsageError("export: expected --csv DIR or --json (see povsim export --help)");
  try {
    const ExportTables tables = read_export_tables(files.front());
    // The JSON is built whole before anything is printed or written, so a failure prints nothing.
    const std::string document = json ? tables_json(tables) : std::string();
    if (csv) {
      const std::vector<std::string> written = write_csv_tables(csv_dir, tables);
      // With --json, stdout holds the JSON document alone.
      std::ostream& report = json ? err : out;
      report << "wrote " << written.size() << " files to " << csv_dir << ":";
      for (std::size_t t = 0; t < tables.tables.size(); ++t)
        report << " " << tables.tables[t].name << ".csv (" << tables.tables[t].rows() << " rows)";
      report << " columns.csv\n";
    }
    out << document;
  } catch (const ExportInputError& e) {
    throw UsageError(e.what());
  }
  return 0;
}

}  // namespace povsim

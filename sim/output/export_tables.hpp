// `povsim export`: a run result file or a comparison file as tidy tables (one row per scenario,
// replicate, year and category; one column per measure), written as CSV files or one JSON
// document. The tables and their columns are documented in docs/output.md, "Exporting tables".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace povsim {

// The input file or the output folder is not what export needs (missing, not HDF5, not a povsim
// result or comparison file, a --csv target that is not a folder or cannot be written): one line
// naming the path and what was expected. Nothing has been written.
struct ExportInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One column: text (scenario, category names) or numbers (replicate, year and measures; NaN where
// the file holds NaN, e.g. a censored year).
struct ExportColumn {
  std::string name;
  std::string units;        // the dataset's `units` attribute; "" for key columns without units
  std::string description;  // one line
  bool is_text = false;
  std::vector<std::string> text;  // when is_text
  std::vector<double> numbers;    // otherwise
  std::size_t size() const { return is_text ? text.size() : numbers.size(); }
};

struct ExportTable {
  std::string name;  // "annual", "by_region_type", ...: the CSV file's name without ".csv"
  std::vector<ExportColumn> columns;
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
};

struct ExportTables {
  std::string file;    // as given
  std::string format;  // the file's `format` attribute ("povsim-results 2 (docs/output.md)", ...)
  std::vector<ExportTable> tables;
};

// Reads a file written by `povsim run` (format "povsim-results ...") or `povsim compare` (format
// "povsim-comparison ..."). Throws ExportInputError if it is neither.
ExportTables read_export_tables(const std::string& path);

// The number as CSV and JSON text: the shortest decimal that reads back to the same double, whole
// numbers below 10^15 without an exponent (households, years, yuan); "" for NaN.
std::string export_number(double value);
// One CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
std::string csv_field(const std::string& text);
// The table as CSV: a header of column names, then one line per row (lines end with LF).
std::string table_csv(const ExportTable& table);
// Every column of every table with its units and description, as CSV (columns.csv).
std::string columns_csv(const ExportTables& tables);
// All tables as one JSON document ("povsim-export-json 1", docs/output.md).
std::string tables_json(const ExportTables& tables);

// Writes each table as DIR/NAME.csv and columns.csv, creating DIR if it is missing (its parent
// must exist). Each file goes to a temporary file in DIR first; only when all are written are they
// renamed into place. On any failure every file this call wrote is removed (and DIR, if this call
// created it), then: ExportInputError when DIR is not a folder or cannot be written to,
// std::runtime_error naming the file and the system's reason when writing fails (a full disk).
// Returns the paths written, in table order.
std::vector<std::string> write_csv_tables(const std::string& dir, const ExportTables& tables);

}  // namespace povsim

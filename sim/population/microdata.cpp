#include "sim/population/microdata.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace povsim {
namespace {

// ---- messages -------------------------------------------------------------------------------

[[noreturn]] void fail_at(const std::string& file, std::uint64_t line, std::string_view what) {
  throw MicrodataError(file + ":" + std::to_string(line) + ": " + std::string(what));
}

// Text as shown in a message: control bytes escaped (the message stays one line), long text cut.
std::string escaped(std::string_view v) {
  constexpr std::size_t kShown = 60;
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < kShown; ++i) {
    const auto ch = static_cast<unsigned char>(v[i]);
    if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (v.size() > kShown) out += "...";
  return out;
}

std::string quoted(std::string_view v) {
  std::string out = escaped(v);
  out.insert(out.begin(), '\'');
  out.push_back('\'');
  return out;
}


std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i + 1;
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::size_t above = row[j + 1];
      row[j + 1] = std::min({above + 1, row[j] + 1, diagonal + (a[i] != b[j])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// ---- file and CSV ---------------------------------------------------------------------------

std::string read_file(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) throw MicrodataError(file.string() + ": cannot read: " + ec.message());
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  const std::unique_ptr<std::FILE, Closer> f(std::fopen(file.c_str(), "rb"));
  if (!f) throw MicrodataError(file.string() + ": cannot read: " + std::strerror(errno));
  std::string text(size, '\0');
  if (std::fread(text.data(), 1, size, f.get()) != size)
    throw MicrodataError(file.string() + ": cannot read: " +
                         (std::ferror(f.get()) ? std::strerror(errno) : "the file became shorter while being read"));
  return text;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Data rows first_row, first_row + 1, ... are on lines first_line, first_line + 1, ...
struct LineRun {
  std::uint64_t first_row;
  std::uint64_t first_line;
};

// One CSV file, read whole and walked row by row (docs/population.md, "CSV dialect"). Fields are
// views into the file's text, valid until the next call to next(): quoted fields are unescaped in
// place, so that reading millions of rows allocates nothing per field.
class CsvTable {
 public:
  CsvTable(const std::filesystem::path& file, std::span<const schema::Column> columns)
      : file_(file.string()), text_(read_file(file)), columns_(columns), position_(columns.size(), -1) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    read_header();
    data_rows_ = count_rows();
  }

  // Moves to the next data row; false at the end of the file.
  bool next() {
    char* begin = nullptr;
    char* end = nullptr;
    if (!next_content_line(begin, end)) return false;
    split(begin, end);
    if (fields_.size() != header_.size())
      fail("expected " + std::to_string(header_.size()) + " fields as in the header (line " +
           std::to_string(header_line_) + "), got " + std::to_string(fields_.size()));
    ++rows_;
    // A new run of rows after comment or blank lines (the line map holds one entry per run).
    if (lines_.empty() || lines_.back().first_line + (rows_ - 1 - lines_.back().first_row) != line_)
      lines_.push_back({rows_ - 1, line_});
    return true;
  }

  // The current row's field of a column; empty when the column is not in the file.
  std::string_view field(int column) const {
    return position_[column] < 0 ? std::string_view{} : fields_[position_[column]];
  }
  bool present(int column) const { return position_[column] >= 0; }
  std::uint64_t line() const { return line_; }
  std::uint64_t header_line() const { return header_line_; }
  std::uint64_t rows() const { return rows_; }            // data rows read so far
  std::uint64_t data_rows() const { return data_rows_; }  // data rows in the file
  const std::string& file() const { return file_; }
  // The line of each data row read so far: runs of consecutive lines, for later messages.
  const std::vector<LineRun>& lines() const { return lines_; }

  [[noreturn]] void fail(std::string_view what) const { fail_at(file_, line_, what); }

 private:
  // The next physical line without its terminator ("\n" or "\r\n"); false at the end of the text.
  bool next_line(char*& begin, char*& end) {
    if (pos_ >= text_.size()) return false;
    char* const base = text_.data();
    begin = base + pos_;
    auto* newline = static_cast<char*>(std::memchr(begin, '\n', text_.size() - pos_));
    end = newline ? newline : base + text_.size();
    pos_ = static_cast<std::size_t>(end - base) + 1;
    ++line_;
    if (end > begin && end[-1] == '\r') --end;
    return true;
  }

  static bool is_content(const char* begin, const char* end) {
    return !(begin < end && *begin == '#') && !std::all_of(begin, end, is_blank);
  }

  // The next line that is neither a comment ('#' first) nor blank.
  bool next_content_line(char*& begin, char*& end) {
    while (next_line(begin, end))
      if (is_content(begin, end)) return true;
    return false;
  }

  // The content lines after the current position, so that the store can be sized before reading.
  std::uint64_t count_rows() const {
    std::uint64_t rows = 0;
    for (std::size_t pos = pos_; pos < text_.size();) {
      const char* begin = text_.data() + pos;
      const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', text_.size() - pos));
      const char* end = newline ? newline : text_.data() + text_.size();
      pos = static_cast<std::size_t>(end - text_.data()) + 1;
      rows += is_content(begin, end > begin && end[-1] == '\r' ? end - 1 : end);
    }
    return rows;
  }

  std::string describe_field(std::size_t i) const {
    // Data rows come after a validated header, whose names are all known columns.
    if (line_ != header_line_ && i < header_.size()) return "column " + std::string(header_[i]);
    return "field " + std::to_string(i + 1);
  }

  // Splits [begin, end) into fields_ (RFC 4180 quoting within one line; unquoted fields trimmed).
  void split(char* begin, char* end) {
    fields_.clear();
    char* p = begin;
    for (;;) {
      while (p < end && is_blank(*p)) ++p;
      if (p < end && *p == '"') {
        // Quoted: copy down over the opening quote, turning "" into ".
        char* in = p + 1;
        char* const start = p;
        char* out = p;
        bool closed = false;
        while (in < end) {
          if (*in == '"') {
            if (in + 1 < end && in[1] == '"') {
              *out++ = '"';
              in += 2;
              continue;
            }
            closed = true;
            ++in;
            break;
          }
          *out++ = *in++;
        }
        if (!closed) fail(describe_field(fields_.size()) + ": a quoted field must end with a quote on the same line");
        fields_.emplace_back(start, static_cast<std::size_t>(out - start));
        while (in < end && is_blank(*in)) ++in;
        if (in == end) return;
        if (*in != ',')
          fail(describe_field(fields_.size() - 1) + ": expected a comma after the closing quote, got " +
               quoted(std::string_view(in, 1)));
        p = in + 1;
        continue;
      }
      char* const comma = std::find(p, end, ',');
      char* last = comma;
      while (last > p && is_blank(last[-1])) --last;
      const std::string_view value(p, static_cast<std::size_t>(last - p));
      if (value.find('"') != std::string_view::npos)
        fail(describe_field(fields_.size()) + ": a quote inside an unquoted field (quote the whole field and " +
             "double the quote), got " + quoted(value));
      fields_.push_back(value);
      if (comma == end) return;
      p = comma + 1;
    }
  }

  void read_header() {
    char* begin = nullptr;
    char* end = nullptr;
    if (!next_content_line(begin, end))
      fail_at(file_, std::max<std::uint64_t>(line_, 1),
              "expected a header line naming the columns, got an empty file (or only comments and blank lines)");
    header_line_ = line_;
    split(begin, end);
    header_ = fields_;  // views into the header line, which later rows never overwrite
    for (std::size_t i = 0; i < header_.size(); ++i) {
      const std::string_view name = header_[i];
      if (name.empty())
        fail("field " + std::to_string(i + 1) + " of the header: expected a column name, got an empty field");
      const auto spec =
          std::find_if(columns_.begin(), columns_.end(), [&](const schema::Column& c) { return c.name == name; });
      if (spec == columns_.end()) fail(unknown_column(name));
      int& position = position_[static_cast<std::size_t>(spec - columns_.begin())];
      if (position >= 0)
        fail("column " + std::string(name) + ": duplicated (fields " + std::to_string(position + 1) + " and " +
             std::to_string(i + 1) + " of the header)");
      position = static_cast<int>(i);
    }
    for (std::size_t c = 0; c < columns_.size(); ++c)
      if (columns_[c].required && position_[c] < 0)
        fail("column " + std::string(columns_[c].name) + ": required column missing from the header");
  }

  std::string unknown_column(std::string_view name) const {
    std::vector<std::string_view> names;
    std::string_view closest;
    std::size_t best = 3;  // suggest only names within two edits
    for (const auto& c : columns_) {
      names.push_back(c.name);
      if (const std::size_t d = edit_distance(name, c.name); d < best) best = d, closest = c.name;
    }
    std::string what = "column " + escaped(name) + ": unknown column";
    if (!closest.empty()) what += " (did you mean " + std::string(closest) + "?)";
    return what + "; allowed columns: " + schema::join(names);
  }

  std::string file_;
  std::string text_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 0;
  std::uint64_t header_line_ = 0;
  std::uint64_t rows_ = 0;
  std::uint64_t data_rows_ = 0;
  std::vector<LineRun> lines_;
  std::span<const schema::Column> columns_;
  std::vector<int> position_;  // per column spec: its field index, or -1 when absent
  std::vector<std::string_view> header_;
  std::vector<std::string_view> fields_;
};

// ---- tables into the staged store --------------------------------------------------------

using schema::Column;
using schema::Kind;
using schema::Table;

// Messages of build_population() in CSV terms: file, line and column; values quoted.
class CsvLocator final : public schema::Locator {
 public:
  struct File {
    std::string name;
    std::uint64_t header_line = 0;
    std::vector<LineRun> lines;
  };
  File files[schema::kTables];

  std::uint64_t line(Table t, std::size_t row) const {
    const auto& runs = files[static_cast<int>(t)].lines;
    const auto run = std::upper_bound(runs.begin(), runs.end(), row,
                                      [](std::uint64_t r, const LineRun& run) { return r < run.first_row; });
    if (run == runs.begin()) return files[static_cast<int>(t)].header_line;  // not read yet: cannot happen
    return std::prev(run)->first_line + (row - std::prev(run)->first_row);
  }
  std::string row(Table t, std::size_t r) const override {
    return files[static_cast<int>(t)].name + ":" + std::to_string(line(t, r));
  }
  std::string cell(Table t, std::size_t r, std::string_view column) const override {
    return row(t, r) + ": column " + std::string(column);
  }
  std::string row_name(Table t, std::size_t r) const override { return "line " + std::to_string(line(t, r)); }
  std::string table(Table t) const override { return files[static_cast<int>(t)].name; }
  std::string shown(std::string_view value) const override {
    return value.empty() ? std::string("an empty field") : quoted(value);
  }

 protected:
  void throw_error(const std::string& message) const override { throw MicrodataError(message); }
};

// The value of a field as the column's type, exactly: ids and integers are decimal digits only,
// numbers decimal or exponent form, flags 0 or 1, categories one of the names. False if the text
// is none of these (range is checked by the caller).
bool parse(const Column& c, std::string_view v, double& x, std::uint64_t& id) {
  const char* const end = v.data() + v.size();
  switch (c.kind) {
    case Kind::id:
    case Kind::integer: {
      std::uint64_t u = 0;
      const auto [stop, ec] = std::from_chars(v.data(), end, u);
      if (v.empty() || ec != std::errc{} || stop != end) return false;
      // Above every integer column's maximum (at most 2^32 - 1), so out of range, not rounded in.
      x = static_cast<double>(u);
      id = u;
      return c.kind == Kind::integer || u <= schema::kMaxId;
    }
    case Kind::number: {
      const auto [stop, ec] = std::from_chars(v.data(), end, x, std::chars_format::general);
      x += 0.0;  // -0 becomes +0
      return !v.empty() && ec == std::errc{} && stop == end;
    }
    case Kind::flag:
      x = v == "1";
      return v == "0" || v == "1";
    case Kind::category:
      for (std::size_t k = 0; k < c.categories.size(); ++k)
        if (c.categories[k] == v) {
          x = double(k);
          return true;
        }
      return false;
  }
  return false;
}

// Reads every row of `t` into row 0, 1, ... of the staged table, checking each value and then
// the schema's row rules.
void read_rows(CsvTable& t, Table table, schema::StagedPopulation& staged, const CsvLocator& where) {
  const std::span<const Column> columns = schema::columns(table);
  HouseholdStore& hh = staged.store;
  while (t.next()) {
    const std::size_t row = t.rows() - 1;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const Column& c = columns[k];
      const std::string_view v = t.field(static_cast<int>(k));
      double x = c.fallback;
      std::uint64_t id = 0;
      if (!v.empty() || c.required) {
        if (!parse(c, v, x, id))
          t.fail("column " + std::string(c.name) + ": expected " + schema::expected(c, schema::Form::text) + ", got " +
                 where.shown(v));
        if (c.kind != Kind::id)
          if (const std::string e = schema::check_value(c, x, schema::Form::text); !e.empty())
            t.fail("column " + std::string(c.name) + ": expected " + e + ", got " + where.shown(v));
      }
      if (c.kind == Kind::id)
        schema::id_column(staged, table, c)[row] = id;
      else
        c.set(hh, row, x);
    }
    for (const schema::RowRule& rule : schema::row_rules())
      if (rule.table == table)
        if (const std::string e = rule.broken(hh, row); !e.empty()) {
          const Column* c = schema::find_column(table, rule.column);
          t.fail("column " + std::string(rule.column) + ": expected " + e + ", got " +
                 where.shown(t.field(static_cast<int>(c - columns.data()))));
        }
  }
}

}  // namespace

void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        HouseholdStore& hh) {
  read_microdata_csv(households_csv, persons_csv, {}, hh);
}

void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        const std::filesystem::path& counties_csv, HouseholdStore& hh) {
  // Every table is opened (header checked, rows counted) before any row is read, so that the
  // store is allocated once, at its size.
  CsvLocator where;
  std::unique_ptr<CsvTable> tables[schema::kTables];
  const std::filesystem::path paths[schema::kTables] = {households_csv, persons_csv, counties_csv};
  for (int k = 0; k < schema::kTables; ++k) {
    if (paths[k].empty()) continue;
    auto& t = tables[k] = std::make_unique<CsvTable>(paths[k], schema::columns(static_cast<Table>(k)));
    where.files[k].name = t->file();
    where.files[k].header_line = t->header_line();
    if (t->data_rows() == 0) fail_at(t->file(), t->header_line(), "no data rows after the header");
    if (t->data_rows() > schema::kMaxRows[k])
      fail_at(t->file(), t->header_line(), schema::row_limit_text(static_cast<Table>(k)));
  }

  schema::StagedPopulation staged;
  const std::size_t n = tables[0]->data_rows(), m = tables[1]->data_rows();
  staged.store.resize(n, m);
  staged.household_id.resize(n);
  staged.person_id.resize(m);
  staged.person_household.resize(m);
  staged.has_county_table = tables[2] != nullptr;
  if (staged.has_county_table) staged.store.counties.resize(tables[2]->data_rows());
  for (int k = 0; k < schema::kTables; ++k) {
    if (!tables[k]) continue;
    read_rows(*tables[k], static_cast<Table>(k), staged, where);
    where.files[k].lines = tables[k]->lines();
    tables[k].reset();  // the text is no longer needed
  }
  // Built aside and moved in, so that `hh` is untouched when anything above throws.
  hh = schema::build_population(std::move(staged), where);
}

}  // namespace povsim

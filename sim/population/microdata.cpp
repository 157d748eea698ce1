#include "sim/population/microdata.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace povsim {
namespace {

// Ids must fit a signed 64-bit integer, so that any tool (and a later population file) can hold them.
constexpr std::uint64_t kMaxId = std::numeric_limits<std::int64_t>::max();
// Persons are indexed by uint32 and a member window reads up to kMemberWindow persons past a
// household's first member, so the count stays below 2^32 with room to spare.
constexpr std::uint64_t kMaxPersons = 4'294'967'280;
constexpr std::uint32_t kMaxMembers = std::numeric_limits<std::uint8_t>::max();  // HouseholdStore::persons
constexpr double kMonthsPerYear = 12;

constexpr std::string_view kSexNames[] = {"female", "male"};

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

std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
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

struct ColumnSpec {
  std::string_view name;
  bool required;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// One CSV file, read whole and walked row by row (docs/population.md, "CSV dialect"). Fields are
// views into the file's text, valid until the next call to next(): quoted fields are unescaped in
// place, so that reading millions of rows allocates nothing per field.
class CsvTable {
 public:
  CsvTable(const std::filesystem::path& file, std::span<const ColumnSpec> columns)
      : file_(file.string()), text_(read_file(file)), columns_(columns), position_(columns.size(), -1) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    max_rows_ = static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1;
    read_header();
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
    return true;
  }

  // The current row's field of a column; empty when the column is not in the file.
  std::string_view field(int column) const {
    return position_[column] < 0 ? std::string_view{} : fields_[position_[column]];
  }
  bool required(int column) const { return columns_[column].required; }
  std::uint64_t line() const { return line_; }
  std::uint64_t header_line() const { return header_line_; }
  std::uint64_t rows() const { return rows_; }        // data rows read so far
  std::size_t max_rows() const { return max_rows_; }  // upper bound on the data rows of the file
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(std::string_view what) const { fail_at(file_, line_, what); }
  // "column NAME: expected EXPECTED, got 'VALUE'NOTE" for the current row.
  [[noreturn]] void fail_column(int column, std::string_view expected, std::string_view note = {}) const {
    const std::string_view value = field(column);
    fail("column " + std::string(columns_[column].name) + ": expected " + std::string(expected) + ", got " +
         (value.empty() ? std::string("an empty field") : quoted(value)) + std::string(note));
  }

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

  // The next line that is neither a comment ('#' first) nor blank.
  bool next_content_line(char*& begin, char*& end) {
    while (next_line(begin, end))
      if (!(begin < end && *begin == '#') && !std::all_of(begin, end, is_blank)) return true;
    return false;
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
          std::find_if(columns_.begin(), columns_.end(), [&](const ColumnSpec& c) { return c.name == name; });
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
    return what + "; allowed columns: " + join(names);
  }

  std::string file_;
  std::string text_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 0;
  std::uint64_t header_line_ = 0;
  std::uint64_t rows_ = 0;
  std::size_t max_rows_ = 0;
  std::span<const ColumnSpec> columns_;
  std::vector<int> position_;  // per column spec: its field index, or -1 when absent
  std::vector<std::string_view> header_;
  std::vector<std::string_view> fields_;
};

// ---- typed fields ---------------------------------------------------------------------------
// Each returns `fallback` for an empty field of an optional column; an empty required field, or
// text that is not exactly a value of the type and range, is an error naming the column.

struct IntegerRange {
  std::uint64_t max;      // minimum is 0
  std::string_view unit;  // e.g. " (years)"
};

std::uint64_t integer_field(const CsvTable& t, int column, IntegerRange range, std::uint64_t fallback = 0) {
  const std::string_view v = t.field(column);
  std::uint64_t x = fallback;
  if (v.empty() && !t.required(column)) return x;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || x > range.max)
    t.fail_column(column, "an integer in [0, " + std::to_string(range.max) + "]" + std::string(range.unit));
  return x;
}

struct RealRange {
  double min;
  double max;
  bool min_excluded;
  std::string_view unit;  // e.g. " (yuan per year)"
};

double real_field(const CsvTable& t, int column, RealRange range, double fallback = 0) {
  const std::string_view v = t.field(column);
  double x = fallback;
  if (v.empty() && !t.required(column)) return x;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x, std::chars_format::general);
  const bool in_range = std::isfinite(x) && (range.min_excluded ? x > range.min : x >= range.min) && x <= range.max;
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || !in_range)
    t.fail_column(column, "a number in " + std::string(range.min_excluded ? "(" : "[") + number_text(range.min) + ", " +
                              number_text(range.max) + "]" + std::string(range.unit));
  return x + 0.0;  // -0 becomes +0
}

// Index of the field's text in `names`.
int category_field(const CsvTable& t, int column, std::span<const std::string_view> names, int fallback = 0) {
  const std::string_view v = t.field(column);
  if (v.empty() && !t.required(column)) return fallback;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) return static_cast<int>(i);
  t.fail_column(column, "one of " + join(names));
}

bool flag_field(const CsvTable& t, int column) {
  const std::string_view v = t.field(column);
  if (v.empty() && !t.required(column)) return false;
  if (v != "0" && v != "1") t.fail_column(column, "0 or 1");
  return v == "1";
}

constexpr IntegerRange kIdRange{kMaxId, ""};
constexpr RealRange kYuanPerYear{0, 1e8, false, " (yuan per year)"};

// ---- ids ------------------------------------------------------------------------------------

// Open-addressing hash map from an id (at most kMaxId) to a value, sized once for at most
// `max_ids` ids (linear probing, load at most 2/3): millions of ids without per-id allocations.
// Key and value share a slot, so that a look-up touches one cache line.
class IdIndex {
 public:
  explicit IdIndex(std::size_t max_ids)
      : slots_(std::bit_ceil(max_ids + max_ids / 2 + 1), Slot{kEmpty, 0}), mask_(slots_.size() - 1) {}

  // Adds id -> value and returns nullptr, or returns the value already stored for id.
  const std::uint64_t* insert(std::uint64_t id, std::uint64_t value) {
    for (std::size_t s = home(id);; s = (s + 1) & mask_) {
      Slot& slot = slots_[s];
      if (slot.id == id) return &slot.value;
      if (slot.id == kEmpty) {
        slot = Slot{id, value};
        return nullptr;
      }
    }
  }

  const std::uint64_t* find(std::uint64_t id) const {
    for (std::size_t s = home(id);; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.id == id) return &slot.value;
      if (slot.id == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();  // above kMaxId
  struct Slot {
    std::uint64_t id;
    std::uint64_t value;
  };

  // splitmix64's finaliser: sequential or structured ids (county * 10^6 + n, multiples of 1000)
  // spread evenly, so that probe runs stay short.
  std::size_t home(std::uint64_t id) const {
    id ^= id >> 30;
    id *= 0xbf58476d1ce4e5b9ULL;
    id ^= id >> 27;
    id *= 0x94d049bb133111ebULL;
    id ^= id >> 31;
    return static_cast<std::size_t>(id) & mask_;
  }

  std::vector<Slot> slots_;
  std::size_t mask_;
};

// ---- household table ------------------------------------------------------------------------

namespace hcol {
enum : int {
  household_id,
  county,
  region_type,
  lifted,
  relocated,
  weight,
  operating_income,
  industry_subsidy,
  industry_dependence,
  property_income,
  transfer_public_welfare_post,  // one column per Programme, in Programme order
  transfer_ecological_compensation,
  transfer_dibao,
  savings,
  count
};
}  // namespace hcol

constexpr ColumnSpec kHouseholdColumns[] = {
    {"household_id", true},
    {"county", true},
    {"region_type", true},
    {"lifted", true},
    {"relocated", false},
    {"weight", false},
    {"operating_income", false},
    {"industry_subsidy", false},
    {"industry_dependence", false},
    {"property_income", false},
    {"transfer_public_welfare_post", false},
    {"transfer_ecological_compensation", false},
    {"transfer_dibao", false},
    {"savings", false},
};
static_assert(std::size(kHouseholdColumns) == hcol::count);

constexpr bool transfer_columns_follow_programmes() {
  for (int k = 0; k < kProgrammes; ++k) {
    const std::string_view name = kHouseholdColumns[hcol::transfer_public_welfare_post + k].name;
    if (!name.starts_with("transfer_") || name.substr(9) != kProgrammeNames[k]) return false;
  }
  return true;
}
static_assert(transfer_columns_follow_programmes());

// Household rows as read, before the person count (and so the store's size) is known. Amounts
// are already per month.
struct HouseholdRows {
  std::vector<std::uint64_t> id;
  std::vector<std::uint64_t> line;
  std::vector<std::uint32_t> county_code;
  std::vector<std::uint8_t> flags;
  std::vector<Dependence> dependence;
  std::vector<float> operating_base;         // yuan/month
  std::vector<float> industry_subsidy;       // yuan/month
  std::vector<float> property_income;        // yuan/month
  std::vector<float> transfer[kProgrammes];  // yuan/month
  std::vector<float> savings;                // yuan
  std::vector<float> weight;                 // households
  std::size_t size() const { return id.size(); }
};

struct CountySeen {
  RegionType region;
  std::uint64_t line;  // first household of the county
};

struct HouseholdTable {
  std::string file;
  HouseholdRows rows;
  IdIndex row_of_id;  // household_id -> row
  std::unordered_map<std::uint32_t, CountySeen> counties;
};

float per_month(double yuan_per_year) { return static_cast<float>(yuan_per_year / kMonthsPerYear); }

HouseholdTable read_households(const std::filesystem::path& file) {
  CsvTable t(file, kHouseholdColumns);
  HouseholdTable out{t.file(), {}, IdIndex(t.max_rows()), {}};
  HouseholdRows& r = out.rows;
  while (t.next()) {
    if (t.rows() > kMaxPersons)
      t.fail("more than " + std::to_string(kMaxPersons) + " households (the limit on persons, one at least each)");
    const std::uint64_t id = integer_field(t, hcol::household_id, kIdRange);
    if (const std::uint64_t* first = out.row_of_id.insert(id, r.size()))
      t.fail_column(hcol::household_id, "an id not used before",
                    " (first used on line " + std::to_string(r.line[*first]) + ")");

    const auto code = static_cast<std::uint32_t>(
        integer_field(t, hcol::county, {std::numeric_limits<std::uint32_t>::max(), " (county code)"}));
    const auto region = static_cast<RegionType>(category_field(t, hcol::region_type, kRegionTypeNames));
    const auto [seen, added] = out.counties.try_emplace(code, CountySeen{region, t.line()});
    if (!added && seen->second.region != region)
      t.fail_column(hcol::region_type, std::string(kRegionTypeNames[static_cast<int>(seen->second.region)]) +
                                           " like county " + std::to_string(code) + " on line " +
                                           std::to_string(seen->second.line));

    std::uint8_t flags = flag_field(t, hcol::lifted) ? household_flag::lifted : household_flag::edge;
    if (flag_field(t, hcol::relocated)) flags |= household_flag::relocated;

    const auto weight =
        static_cast<float>(real_field(t, hcol::weight, {0, 1e7, true, " (households this record stands for)"}, 1.0));
    // Stored in single precision: a positive weight must not round to 0 (or a denormal).
    if (weight < std::numeric_limits<float>::min())
      t.fail_column(hcol::weight,
                    "a number in (0, 1e+07] of at least " + number_text(std::numeric_limits<float>::min()));

    const double subsidy = real_field(t, hcol::industry_subsidy, kYuanPerYear);
    const auto dependence = static_cast<Dependence>(category_field(t, hcol::industry_dependence, kDependenceNames));
    // Support is phased out by dependence level (models/phased_industry_support.hpp); "none" has no
    // schedule, so a subsidy there would be meaningless.
    if (subsidy > 0 && dependence == Dependence::none)
      t.fail_column(hcol::industry_subsidy, "0 when industry_dependence is none (or empty)");

    r.id.push_back(id);
    r.line.push_back(t.line());
    r.county_code.push_back(code);
    r.flags.push_back(flags);
    r.dependence.push_back(dependence);
    r.weight.push_back(weight);
    r.operating_base.push_back(per_month(real_field(t, hcol::operating_income, kYuanPerYear)));
    r.industry_subsidy.push_back(per_month(subsidy));
    r.property_income.push_back(per_month(real_field(t, hcol::property_income, kYuanPerYear)));
    for (int k = 0; k < kProgrammes; ++k)
      r.transfer[k].push_back(per_month(real_field(t, hcol::transfer_public_welfare_post + k, kYuanPerYear)));
    r.savings.push_back(static_cast<float>(real_field(t, hcol::savings, {-1e8, 1e9, false, " (yuan)"})));
  }
  if (t.rows() == 0) fail_at(t.file(), t.header_line(), "no data rows after the header");
  return out;
}

// ---- person table ---------------------------------------------------------------------------

namespace pcol {
enum : int { person_id, household_id, age, sex, health, work, education, wage_income, unemployed, count };
}  // namespace pcol

constexpr ColumnSpec kPersonColumns[] = {
    {"person_id", true}, {"household_id", true}, {"age", true},          {"sex", true},         {"health", true},
    {"work", true},      {"education", false},   {"wage_income", false}, {"unemployed", false},
};
static_assert(std::size(kPersonColumns) == pcol::count);

// Person rows in person-table order, before they are grouped by household.
struct PersonRows {
  std::vector<std::uint32_t> household;  // row of the household table
  std::vector<std::uint8_t> age;         // years
  std::vector<Health> health;
  std::vector<Work> work;
  std::vector<Education> education;
  std::vector<std::uint8_t> flags;
  std::vector<float> wage;  // yuan/month
  std::size_t size() const { return household.size(); }
};

// Reads the persons and counts them per household into `members`.
PersonRows read_persons(const std::filesystem::path& file, const HouseholdTable& households,
                        std::vector<std::uint32_t>& members) {
  CsvTable t(file, kPersonColumns);
  IdIndex line_of_id(t.max_rows());
  PersonRows r;
  members.assign(households.rows.size(), 0);
  while (t.next()) {
    if (t.rows() > kMaxPersons) t.fail("more than " + std::to_string(kMaxPersons) + " persons");
    const std::uint64_t id = integer_field(t, pcol::person_id, kIdRange);
    if (const std::uint64_t* first = line_of_id.insert(id, t.line()))
      t.fail_column(pcol::person_id, "an id not used before", " (first used on line " + std::to_string(*first) + ")");

    const std::uint64_t household_id = integer_field(t, pcol::household_id, kIdRange);
    const std::uint64_t* row = households.row_of_id.find(household_id);
    if (!row) t.fail_column(pcol::household_id, "a household_id of " + households.file);
    const auto h = static_cast<std::uint32_t>(*row);
    if (++members[h] > kMaxMembers)
      t.fail("household " + std::to_string(household_id) + " (" + households.file + ":" +
             std::to_string(households.rows.line[h]) + ") has more than " + std::to_string(kMaxMembers) + " persons");

    const auto age = static_cast<std::uint8_t>(integer_field(t, pcol::age, {120, " (years)"}));
    const bool female = category_field(t, pcol::sex, kSexNames) == 0;
    const auto health = static_cast<Health>(category_field(t, pcol::health, kHealthNames));
    const auto work = static_cast<Work>(category_field(t, pcol::work, kWorkNames));
    const auto education = static_cast<Education>(category_field(t, pcol::education, kEducationNames));
    const auto work_name = [&] { return std::string(kWorkNames[static_cast<int>(work)]); };
    const double wage = real_field(t, pcol::wage_income, kYuanPerYear);
    if (wage > 0 && !is_wage_earner(work))
      t.fail_column(pcol::wage_income, "0 for work " + work_name() + " (only local_wage and migrant earn wages)");
    const bool unemployed = flag_field(t, pcol::unemployed);
    if (unemployed && !is_wage_earner(work))
      t.fail_column(pcol::unemployed,
                    "0 for work " + work_name() + " (only local_wage and migrant workers can be unemployed)");

    r.household.push_back(h);
    r.age.push_back(age);
    r.health.push_back(health);
    r.work.push_back(work);
    r.education.push_back(education);
    r.flags.push_back(static_cast<std::uint8_t>(person_flag::alive | (female ? person_flag::female : 0) |
                                                (unemployed ? person_flag::unemployed : 0)));
    r.wage.push_back(per_month(wage));
  }
  if (t.rows() == 0) fail_at(t.file(), t.header_line(), "no data rows after the header");
  return r;
}

}  // namespace

void read_microdata_csv(const std::filesystem::path& households_csv, const std::filesystem::path& persons_csv,
                        HouseholdStore& hh) {
  const HouseholdTable households = read_households(households_csv);
  std::vector<std::uint32_t> members;  // per household: persons, then the next free person slot
  const PersonRows persons = read_persons(persons_csv, households, members);
  const HouseholdRows& r = households.rows;
  for (std::size_t h = 0; h < r.size(); ++h)
    if (members[h] == 0)
      fail_at(households.file, r.line[h],
              "household " + std::to_string(r.id[h]) + " has no persons in " + persons_csv.string());

  // Built aside and moved in, so that `hh` is untouched when anything above throws.
  HouseholdStore out;
  out.resize(r.size(), persons.size());

  std::vector<std::uint32_t> codes;
  codes.reserve(households.counties.size());
  for (const auto& [code, seen] : households.counties) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  for (const std::uint32_t code : codes)
    out.counties.push_back(County{households.counties.at(code).region, code, 0, false});

  std::uint32_t next_person = 0;
  for (std::size_t h = 0; h < r.size(); ++h) {
    const auto county =
        static_cast<std::uint32_t>(std::lower_bound(codes.begin(), codes.end(), r.county_code[h]) - codes.begin());
    out.county[h] = county;
    out.region[h] = out.counties[county].region;
    out.flags[h] = r.flags[h];
    out.dependence[h] = r.dependence[h];
    out.first_person[h] = next_person;
    out.persons[h] = static_cast<std::uint8_t>(members[h]);
    members[h] = next_person;
    next_person += out.persons[h];
    out.operating_base[h] = r.operating_base[h];
    out.industry_subsidy[h] = r.industry_subsidy[h];
    out.property_income[h] = r.property_income[h];
    for (int k = 0; k < kProgrammes; ++k) out.transfer[k][h] = r.transfer[k][h];
    out.income_factor[h] = 1.0f;
    out.savings[h] = r.savings[h];
    out.weight[h] = r.weight[h];
  }
  // Group persons by household, keeping person-table order within a household.
  for (std::size_t i = 0; i < persons.size(); ++i) {
    const std::uint32_t q = members[persons.household[i]]++;
    out.age[q] = persons.age[i];
    out.health[q] = persons.health[i];
    out.work[q] = persons.work[i];
    out.education[q] = persons.education[i];
    out.person_flags[q] = persons.flags[i];
    out.wage[q] = persons.wage[i];
  }
  hh = std::move(out);
}

}  // namespace povsim

#include "sim/population/population_schema.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace povsim {

namespace {
// The message as one line of at most `limit` bytes: control bytes escaped, the rest cut with "...".
std::string one_line(const std::string& message, std::size_t limit) {
  std::string out;
  for (const char ch : message) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += ch;
    }
    if (out.size() > limit) {
      out.resize(limit - 3);
      out += "...";
      break;
    }
  }
  return out;
}
}  // namespace

PopulationError::PopulationError(const std::string& message) : ConfigError(one_line(message, kMaxMessage)) {}

}  // namespace povsim

namespace povsim::schema {

namespace {

// Amounts are given per year in files and kept per month (the simulation's step) in the store.
constexpr double kMonthsPerYear = 12;
constexpr double kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr double kMaxYuan = 1e8;  // yuan per year: far above any rural household's income

using Set = void (*)(HouseholdStore&, std::size_t, double);
using Get = double (*)(const HouseholdStore&, std::size_t);

// Column makers, so that each column below is one declaration.
// clang-format off
constexpr Column id(std::string_view name, std::string_view description) {
  return {.name = name, .kind = Kind::id, .storage = Storage::u64, .required = true, .fallback = 0, .min = 0,
          .max = 0, .min_excluded = false, .categories = {}, .unit = "id", .description = description,
          .set = nullptr, .get = nullptr};
}
constexpr Column integer(std::string_view name, bool required, double max, Storage storage, std::string_view unit,
                         std::string_view description, Set set, Get get) {
  return {.name = name, .kind = Kind::integer, .storage = storage, .required = required, .fallback = 0, .min = 0,
          .max = max, .min_excluded = false, .categories = {}, .unit = unit, .description = description,
          .set = set, .get = get};
}
constexpr Column number(std::string_view name, double fallback, double min, double max, bool min_excluded,
                        std::string_view unit, std::string_view description, Set set, Get get) {
  return {.name = name, .kind = Kind::number, .storage = Storage::f64, .required = false, .fallback = fallback,
          .min = min, .max = max, .min_excluded = min_excluded, .categories = {}, .unit = unit,
          .description = description, .set = set, .get = get};
}
// An amount of money per year in the file (optional, default 0), per month in the store.
constexpr Column per_year(std::string_view name, std::string_view description, Set set, Get get) {
  return number(name, 0, 0, kMaxYuan, false, "yuan per year", description, set, get);
}
constexpr Column flag(std::string_view name, bool required, std::string_view description, Set set, Get get) {
  return {.name = name, .kind = Kind::flag, .storage = Storage::u8, .required = required, .fallback = 0, .min = 0,
          .max = 1, .min_excluded = false, .categories = {}, .unit = "0/1", .description = description,
          .set = set, .get = get};
}
// Optional categories default to code 0 (none, healthy, ...).
constexpr Column category(std::string_view name, bool required, std::span<const std::string_view> names,
                          std::string_view description, Set set, Get get) {
  return {.name = name, .kind = Kind::category, .storage = Storage::u8, .required = required, .fallback = 0,
          .min = 0, .max = double(names.size() - 1), .min_excluded = false, .categories = names, .unit = "code",
          .description = description, .set = set, .get = get};
}
// clang-format on

float per_month(double yuan_per_year) { return static_cast<float>(yuan_per_year / kMonthsPerYear); }
double per_year_of(float yuan_per_month) { return kMonthsPerYear * double(yuan_per_month); }

template <int K>
void set_transfer(HouseholdStore& hh, std::size_t i, double v) {
  hh.transfer[K][i] = per_month(v);
}
template <int K>
double get_transfer(const HouseholdStore& hh, std::size_t i) {
  return per_year_of(hh.transfer[K][i]);
}
// One transfer column per Programme, named transfer_<programme>.
template <int K>
constexpr Column transfer(std::string_view description) {
  constexpr std::string_view names[kProgrammes] = {"transfer_public_welfare_post", "transfer_ecological_compensation",
                                                   "transfer_dibao", "transfer_other"};
  static_assert(names[K].substr(9) == kProgrammeNames[K]);
  return per_year(names[K], description, set_transfer<K>, get_transfer<K>);
}

bool has(std::uint8_t flags, std::uint8_t flag) { return (flags & flag) != 0; }

// ---- the tables ----------------------------------------------------------------------------

constexpr Column kHouseholds[] = {
    id("household_id", "household id, unique; households are stored in ascending id order"),
    integer(
        "county", true, kMaxU32, Storage::u32, "county code", "county or resettlement site code (/counties/code)",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.county[i] = static_cast<std::uint32_t>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.counties[hh.county[i]].code); }),
    category(
        "region_type", true, kRegionTypeNames, "region type of the county",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.region[i] = static_cast<RegionType>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.region[i]); }),
    flag(
        "lifted", true, "1 registered household lifted out of poverty by 2020, 0 edge household",
        [](HouseholdStore& hh, std::size_t i, double v) {
          hh.flags[i] |= v != 0 ? household_flag::lifted : household_flag::edge;
        },
        [](const HouseholdStore& hh, std::size_t i) { return double(has(hh.flags[i], household_flag::lifted)); }),
    flag(
        "relocated", false, "moved to a resettlement site",
        [](HouseholdStore& hh, std::size_t i, double v) {
          if (v != 0) hh.flags[i] |= household_flag::relocated;
        },
        [](const HouseholdStore& hh, std::size_t i) { return double(has(hh.flags[i], household_flag::relocated)); }),
    number(
        "weight", 1, 0, 1e7, true, "households", "survey weight: households this record stands for",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.weight[i] = static_cast<float>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.weight[i]); }),
    per_year(
        "operating_income", "farm and business income in a normal year, excluding industry support",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.operating_base[i] = per_month(v); },
        [](const HouseholdStore& hh, std::size_t i) { return per_year_of(hh.operating_base[i]); }),
    per_year(
        "industry_subsidy", "support to the household's industry at its full (2020) level",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.industry_subsidy[i] = per_month(v); },
        [](const HouseholdStore& hh, std::size_t i) { return per_year_of(hh.industry_subsidy[i]); }),
    category(
        "industry_dependence", false, kDependenceNames, "how much the supported industry depends on support",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.dependence[i] = static_cast<Dependence>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.dependence[i]); }),
    per_year(
        "property_income", "property income",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.property_income[i] = per_month(v); },
        [](const HouseholdStore& hh, std::size_t i) { return per_year_of(hh.property_income[i]); }),
    transfer<0>("public welfare post pay"),
    transfer<1>("ecological compensation (reforestation and ecological subsidies)"),
    transfer<2>("dibao, the minimum living allowance"),
    transfer<3>("other transfers no modelled programme pays: remittances, farmland and other subsidies; no fiscal cost"),
    number(
        "savings", 0, -1e8, 1e9, false, "yuan", "savings (negative: debt)",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.savings[i] = static_cast<float>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.savings[i]); }),
};

constexpr Column kPersons[] = {
    id("person_id", "person id, unique; a household's persons are stored in ascending id order"),
    id("household_id", "the person's household (/households/household_id)"),
    integer(
        "age", true, 120, Storage::u8, "years", "age",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.age[i] = static_cast<std::uint8_t>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.age[i]); }),
    category(
        "sex", true, kSexNames, "sex",
        [](HouseholdStore& hh, std::size_t i, double v) {
          if (v != 0) hh.person_flags[i] |= person_flag::female;
        },
        [](const HouseholdStore& hh, std::size_t i) { return double(has(hh.person_flags[i], person_flag::female)); }),
    category(
        "health", true, kHealthNames, "health",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.health[i] = static_cast<Health>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.health[i]); }),
    category(
        "work", true, kWorkNames, "working status",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.work[i] = static_cast<Work>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.work[i]); }),
    category(
        "education", false, kEducationNames, "highest schooling completed, or being followed",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.education[i] = static_cast<Education>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.education[i]); }),
    per_year(
        "wage_income", "wage while employed (local_wage and migrant only)",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.wage[i] = per_month(v); },
        [](const HouseholdStore& hh, std::size_t i) { return per_year_of(hh.wage[i]); }),
    flag(
        "unemployed", false, "a wage earner currently without a job",
        [](HouseholdStore& hh, std::size_t i, double v) {
          if (v != 0) hh.person_flags[i] |= person_flag::unemployed;
        },
        [](const HouseholdStore& hh, std::size_t i) {
          return double(has(hh.person_flags[i], person_flag::unemployed));
        }),
};

constexpr Column kCounties[] = {
    integer(
        "code", true, kMaxU32, Storage::u32, "county code", "county (or resettlement site) code, unique",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.counties[i].code = static_cast<std::uint32_t>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.counties[i].code); }),
    category(
        "region_type", true, kRegionTypeNames, "region type",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.counties[i].region = static_cast<RegionType>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.counties[i].region); }),
    integer(
        "industry", false, std::numeric_limits<std::uint8_t>::max(), Storage::u8, "product id",
        "local specialty industry (the product households there sell); 0 none",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.counties[i].industry = static_cast<std::uint8_t>(v); },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.counties[i].industry); }),
    flag(
        "resettlement_site", false, "a resettlement site, not a county",
        [](HouseholdStore& hh, std::size_t i, double v) { hh.counties[i].resettlement_site = v != 0; },
        [](const HouseholdStore& hh, std::size_t i) { return double(hh.counties[i].resettlement_site); }),
};

constexpr std::span<const Column> kTablesColumns[kTables] = {kHouseholds, kPersons, kCounties};

// ---- checks across the columns of a row ----------------------------------------------------

std::string work_name(const HouseholdStore& hh, std::size_t i) {
  return std::string(kWorkNames[static_cast<int>(hh.work[i])]);
}

constexpr RowRule kRowRules[] = {
    // Support is phased out by dependence level (models/phased_industry_support.hpp); "none" has
    // no schedule, so a subsidy there would never change.
    {Table::households, "industry_subsidy",
     [](const HouseholdStore& hh, std::size_t i) -> std::string {
       if (hh.industry_subsidy[i] > 0 && hh.dependence[i] == Dependence::none)
         return "0 when industry_dependence is none (or empty)";
       return {};
     }},
    {Table::persons, "wage_income",
     [](const HouseholdStore& hh, std::size_t i) -> std::string {
       if (hh.wage[i] > 0 && !is_wage_earner(hh.work[i]))
         return "0 for work " + work_name(hh, i) + " (only local_wage and migrant earn wages)";
       return {};
     }},
    {Table::persons, "unemployed",
     [](const HouseholdStore& hh, std::size_t i) -> std::string {
       if (has(hh.person_flags[i], person_flag::unemployed) && !is_wage_earner(hh.work[i]))
         return "0 for work " + work_name(hh, i) + " (only local_wage and migrant workers can be unemployed)";
       return {};
     }},
};


// A range bound as written in messages: whole numbers in full, others in %g form (1e+08).
std::string bound_text(double x, Kind kind) {
  char buf[32];
  std::snprintf(buf, sizeof buf, kind == Kind::number ? "%g" : "%.0f", x);
  return buf;
}

}  // namespace

std::span<const Column> columns(Table table) { return kTablesColumns[static_cast<int>(table)]; }

const Column* find_column(Table table, std::string_view name) {
  for (const Column& c : columns(table))
    if (c.name == name) return &c;
  return nullptr;
}

std::span<const RowRule> row_rules() { return kRowRules; }

namespace {
// expected() with `note` between the range and the unit.
std::string expected_with(const Column& c, Form form, const std::string& note) {
  const std::string unit = note + (c.unit.empty() ? "" : " (" + std::string(c.unit) + ")");
  switch (c.kind) {
    case Kind::id:
      return "an integer in [0, " + std::to_string(kMaxId) + "]";
    case Kind::integer:
      return "an integer in [" + bound_text(c.min, c.kind) + ", " + bound_text(c.max, c.kind) + "]" + unit;
    case Kind::number:
      return "a number in " + std::string(c.min_excluded ? "(" : "[") + bound_text(c.min, c.kind) + ", " +
             bound_text(c.max, c.kind) + "]" + unit;
    case Kind::flag:
      return "0 or 1";
    case Kind::category:
      if (form == Form::text) return "one of " + join(c.categories);
      return "a code in [0, " + std::to_string(c.categories.size() - 1) + "] (" + join(c.categories) + ")";
  }
  return {};
}
}  // namespace

std::string expected(const Column& c, Form form) { return expected_with(c, form, ""); }

std::string check_value(const Column& c, double x, Form form) {
  const bool above_min = c.min_excluded ? x > c.min : x >= c.min;
  if (!std::isfinite(x) || !above_min || x > c.max) return expected(c, form);
  if (c.kind != Kind::number && x != std::floor(x)) return expected(c, form);
  // Stored in single precision: a positive value must not round to 0 (or a denormal).
  if (c.kind == Kind::number && c.min_excluded && x < std::numeric_limits<float>::min())
    return expected_with(c, form, " of at least " + bound_text(std::numeric_limits<float>::min(), Kind::number));
  return {};
}

std::string row_limit_text(Table table) {
  const auto t = static_cast<int>(table);
  return "more than " + std::to_string(kMaxRows[t]) + " rows (the limit for " + std::string(kTableNames[t]) +
         ", docs/population.md)";
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace povsim::schema

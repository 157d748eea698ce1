#include "sim/population/population_schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace povsim::schema {
namespace {

constexpr Table kAllTables[] = {Table::households, Table::persons, Table::counties};

// A store of one household, one person and one county, as a reader stages it.
HouseholdStore one_of_each() {
  HouseholdStore hh;
  hh.resize(1, 1);
  hh.counties.resize(1);
  return hh;
}

// Sets every non-id column of a table to a value, then reads each back. The household column
// `county` holds the code while staged; it reads back through the county table, as after
// build_population().
std::vector<double> set_and_get(Table t, const std::vector<double>& values) {
  HouseholdStore hh = one_of_each();
  const auto cols = columns(t);
  for (std::size_t k = 0; k < cols.size(); ++k)
    if (cols[k].set) cols[k].set(hh, 0, values[k]);
  if (t == Table::households) hh.counties[0].code = hh.county[0], hh.county[0] = 0;
  std::vector<double> out(cols.size(), 0.0);
  for (std::size_t k = 0; k < cols.size(); ++k)
    if (cols[k].get) out[k] = cols[k].get(hh, 0);
  return out;
}

// An allowed value of a column: its largest (`high`) or smallest (`low`); for numbers, a large
// value different for each column that a float holds exactly per year and per month (so that
// yuan per year -> per month -> per year is exact).
double allowed(const Column& c, bool high, std::size_t k) {
  switch (c.kind) {
    case Kind::id:
      return 0;
    case Kind::number:
      return high ? 12.0 * static_cast<double>((1 << 19) + k) : (c.min_excluded ? 0.25 : c.min);
    default:
      return high ? c.max : c.min;
  }
}

// Every column writes its own part of the store and reads it back: with alternate columns at
// their high and low values (and the other way round), each reads back what it was given, so no
// two columns share a field or a flag bit.
TEST(PopulationSchema, EveryColumnMapsToItsOwnPartOfTheStore) {
  for (const Table t : kAllTables) {
    const auto cols = columns(t);
    for (const bool even_high : {true, false}) {
      std::vector<double> values;
      for (std::size_t k = 0; k < cols.size(); ++k) {
        values.push_back(allowed(cols[k], (k % 2 == 0) == even_high, k));
        if (cols[k].kind != Kind::id) {
          EXPECT_EQ(check_value(cols[k], values.back(), Form::code), "") << cols[k].name;
        }
      }
      const std::vector<double> back = set_and_get(t, values);
      for (std::size_t k = 0; k < cols.size(); ++k) {
        if (cols[k].kind == Kind::id) {
          EXPECT_EQ(cols[k].set, nullptr);  // ids are staged apart, not stored
          continue;
        }
        EXPECT_EQ(back[k], values[k]) << kTableNames[static_cast<int>(t)] << "/" << cols[k].name;
      }
    }
  }
}

// Every code of every category column and both flag values are stored and read back.
TEST(PopulationSchema, EveryCodeRoundTrips) {
  for (const Table t : kAllTables)
    for (const Column& c : columns(t)) {
      if (c.kind != Kind::category && c.kind != Kind::flag) continue;
      for (int code = 0; code <= static_cast<int>(c.max); ++code) {
        HouseholdStore hh = one_of_each();
        c.set(hh, 0, code);
        EXPECT_EQ(c.get(hh, 0), code) << c.name;
      }
    }
}

TEST(PopulationSchema, NamesAreUniqueAndCategoriesAreTheStoresNames) {
  for (const Table t : kAllTables) {
    std::set<std::string_view> names;
    for (const Column& c : columns(t)) {
      EXPECT_TRUE(names.insert(c.name).second) << c.name;
      EXPECT_EQ(find_column(t, c.name), &c);
      EXPECT_FALSE(c.description.empty()) << c.name;
      if (c.kind == Kind::category) {
        EXPECT_EQ(c.max + 1, double(c.categories.size())) << c.name;
      }
    }
    EXPECT_EQ(find_column(t, "nonsense"), nullptr);
  }
  // The codes of the files are the store's enumerations (HDF5 files hold codes).
  EXPECT_TRUE(std::ranges::equal(find_column(Table::households, "region_type")->categories, kRegionTypeNames));
  EXPECT_TRUE(std::ranges::equal(find_column(Table::persons, "work")->categories, kWorkNames));
  EXPECT_TRUE(std::ranges::equal(find_column(Table::persons, "health")->categories, kHealthNames));
  EXPECT_TRUE(std::ranges::equal(find_column(Table::persons, "education")->categories, kEducationNames));
  EXPECT_TRUE(std::ranges::equal(find_column(Table::households, "industry_dependence")->categories, kDependenceNames));
  // Transfers: one column per programme, in programme order.
  for (int k = 0; k < kProgrammes; ++k)
    EXPECT_NE(find_column(Table::households, "transfer_" + std::string(kProgrammeNames[k])), nullptr);
}

// Amounts are per year in files and per month in the store.
TEST(PopulationSchema, AmountsArePerYearInFilesAndPerMonthInTheStore) {
  HouseholdStore hh = one_of_each();
  find_column(Table::persons, "wage_income")->set(hh, 0, 30000);
  find_column(Table::households, "transfer_dibao")->set(hh, 0, 1200);
  find_column(Table::households, "savings")->set(hh, 0, -3000);
  EXPECT_FLOAT_EQ(hh.wage[0], 2500.0f);
  EXPECT_FLOAT_EQ(hh.transfer[static_cast<int>(Programme::dibao)][0], 100.0f);
  EXPECT_FLOAT_EQ(hh.savings[0], -3000.0f);  // a stock, not a flow
}

TEST(PopulationSchema, ExpectedTexts) {
  EXPECT_EQ(expected(*find_column(Table::persons, "age"), Form::text), "an integer in [0, 120] (years)");
  EXPECT_EQ(expected(*find_column(Table::households, "county"), Form::code),
            "an integer in [0, 4294967295] (county code)");
  EXPECT_EQ(expected(*find_column(Table::persons, "person_id"), Form::text), "an integer in [0, 9223372036854775807]");
  EXPECT_EQ(expected(*find_column(Table::households, "savings"), Form::text), "a number in [-1e+08, 1e+09] (yuan)");
  EXPECT_EQ(expected(*find_column(Table::households, "weight"), Form::text), "a number in (0, 1e+07] (households)");
  EXPECT_EQ(expected(*find_column(Table::persons, "unemployed"), Form::code), "0 or 1");
  EXPECT_EQ(expected(*find_column(Table::persons, "sex"), Form::text), "one of male, female");
  EXPECT_EQ(expected(*find_column(Table::persons, "sex"), Form::code), "a code in [0, 1] (male, female)");
}

TEST(PopulationSchema, CheckValueAcceptsExactlyTheRange) {
  const Column& age = *find_column(Table::persons, "age");
  for (const double ok : {0.0, 1.0, 120.0}) EXPECT_EQ(check_value(age, ok, Form::code), "") << ok;
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (const double bad : {-1.0, 121.0, 40.5, 1e-9, nan, inf, -inf})
    EXPECT_EQ(check_value(age, bad, Form::code), "an integer in [0, 120] (years)") << bad;

  const Column& wage = *find_column(Table::persons, "wage_income");
  EXPECT_EQ(check_value(wage, 0.5, Form::text), "");  // numbers may be fractional
  EXPECT_EQ(check_value(wage, 1e8, Form::text), "");
  for (const double bad : {-0.01, 1.0000001e8, nan, inf})
    EXPECT_EQ(check_value(wage, bad, Form::text), "a number in [0, 1e+08] (yuan per year)") << bad;

  const Column& weight = *find_column(Table::households, "weight");
  EXPECT_EQ(check_value(weight, 1e-4, Form::text), "");
  EXPECT_EQ(check_value(weight, 0, Form::text), "a number in (0, 1e+07] (households)");
  EXPECT_EQ(check_value(weight, 1e-40, Form::text), "a number in (0, 1e+07] of at least 1.17549e-38 (households)");

  const Column& region = *find_column(Table::households, "region_type");
  EXPECT_EQ(check_value(region, 3, Form::code), "");
  EXPECT_EQ(check_value(region, 4, Form::code), "a code in [0, 3] (plateau, transition_belt, karst, other)");
  EXPECT_EQ(check_value(region, 0.5, Form::code), "a code in [0, 3] (plateau, transition_belt, karst, other)");
  EXPECT_EQ(check_value(*find_column(Table::households, "lifted"), -1, Form::code), "0 or 1");
}

TEST(PopulationSchema, RowRules) {
  auto broken = [](Table t, std::string_view column, const HouseholdStore& hh) {
    for (const RowRule& r : row_rules())
      if (r.table == t && r.column == column) return r.broken(hh, 0);
    return std::string("no such rule");
  };
  HouseholdStore hh = one_of_each();
  hh.work[0] = Work::farming;
  EXPECT_EQ(broken(Table::persons, "wage_income", hh), "");
  EXPECT_EQ(broken(Table::persons, "unemployed", hh), "");
  hh.wage[0] = 100;
  hh.person_flags[0] = person_flag::unemployed;
  EXPECT_EQ(broken(Table::persons, "wage_income", hh), "0 for work farming (only local_wage and migrant earn wages)");
  EXPECT_EQ(broken(Table::persons, "unemployed", hh),
            "0 for work farming (only local_wage and migrant workers can be unemployed)");
  for (const Work earner : {Work::local_wage, Work::migrant}) {
    hh.work[0] = earner;
    EXPECT_EQ(broken(Table::persons, "wage_income", hh), "");
    EXPECT_EQ(broken(Table::persons, "unemployed", hh), "");
  }
  hh.industry_subsidy[0] = 10;
  EXPECT_EQ(broken(Table::households, "industry_subsidy", hh), "0 when industry_dependence is none (or empty)");
  hh.dependence[0] = Dependence::low;
  EXPECT_EQ(broken(Table::households, "industry_subsidy", hh), "");
  // Every rule names a column of its table.
  for (const RowRule& r : row_rules()) EXPECT_NE(find_column(r.table, r.column), nullptr) << r.column;
}

}  // namespace
}  // namespace povsim::schema

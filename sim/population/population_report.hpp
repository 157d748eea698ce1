// The population calibration report: statistics of a household store (synthetic or microdata),
// compared with the targets in a targets file (scenarios/populations/targets.yaml), plus marginal
// distributions. Every statistic is weighted by the households' survey weights.
#pragma once

#include <array>
#include <ostream>
#include <string>
#include <vector>

#include "sim/core/household_store.hpp"

namespace povsim {

struct Target {
  std::string name;         // a statistic povsim computes; see statistic_names()
  std::string description;  // what it measures
  double value = 0;         // the value aimed at
  double tolerance = 0;     // for "=": |obtained - value| <= tolerance counts as met
  std::string comparison = "=";  // "=", ">=" or "<="
  std::string unit;
  std::string source;  // where the value comes from
};

// Statistics a target may name.
const std::vector<std::string>& statistic_names();

struct TargetsFile {
  std::vector<Target> targets;
  // Rural basic pension assumed in the normal-year income the statistics use, yuan/month per
  // person aged 60 or more (the population itself holds no pension: it is a policy).
  double pension_monthly = 93;
};
// Reads a targets file strictly (unknown keys, unknown statistics, bad values: ConfigError naming
// file, line and column).
TargetsFile load_targets(const std::string& path);

struct PopulationReport {
  struct Row {
    Target target;
    double obtained = 0;
    bool met = false;
  };
  std::vector<Row> targets;
  double households = 0, lifted = 0, edge = 0, persons = 0;  // weighted
  // Marginals. Household sizes 1..kMaxSize (the last: that size or more), share of households.
  static constexpr int kMaxSize = 10;
  std::array<double, kMaxSize> household_size_share{};
  // Five-year age bands from 0 (the last, 85+, open): weighted persons by sex (0 male, 1 female).
  static constexpr int kAgeBands = 18;
  std::array<std::array<double, 2>, kAgeBands> persons_by_age_sex{};
  // Deciles of per-capita normal-year income among lifted households: upper bounds and mean
  // per-capita income by source within each, yuan/person/year.
  static constexpr int kSources = 5;
  static constexpr std::array<const char*, kSources> kSourceNames = {"wages", "operating", "property", "transfers",
                                                                     "pension"};
  std::array<double, 10> decile_upper{};
  std::array<std::array<double, kSources>, 10> income_by_source_decile{};
};

PopulationReport make_report(const HouseholdStore& hh, const TargetsFile& targets);
void print_report(std::ostream& out, const PopulationReport& report);

}  // namespace povsim

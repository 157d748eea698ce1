#include "sim/population/population_report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>

#include "sim/config/config.hpp"

namespace povsim {

// The monitoring threshold of 2021: 1.5 x the 2021 line (4,000 yuan in 2020, +2 %), yuan/person/year.
// The population is the one of 2021: targets are stated against that year's line.
constexpr double kMonitoringThreshold2021 = 1.5 * 4080.0;

namespace {

// Normal-year income of one household by source, yuan/year, with the pension assumption.
struct HouseholdIncome {
  double source[PopulationReport::kSources] = {};
  double total() const { return source[0] + source[1] + source[2] + source[3] + source[4]; }
};

HouseholdIncome income_of(const HouseholdStore& hh, std::size_t h, double pension_monthly) {
  HouseholdIncome inc;
  for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) {
    if (!(hh.person_flags[q] & person_flag::alive)) continue;
    if (is_wage_earner(hh.work[q])) inc.source[0] += 12.0 * hh.wage[q];
    if (hh.age[q] >= 60) inc.source[4] += 12.0 * pension_monthly;
  }
  inc.source[1] = 12.0 * (double(hh.operating_base[h]) + hh.industry_subsidy[h]);
  inc.source[2] = 12.0 * hh.property_income[h];
  for (const auto& t : hh.transfer) inc.source[3] += 12.0 * t[h];
  return inc;
}

// Weighted sums over lifted households that the statistics are ratios of.
struct Sums {
  double households = 0, persons = 0, income = 0, below_threshold = 0, elderly = 0, chronic = 0, relocated_persons = 0;
  double source[PopulationReport::kSources] = {};
  std::array<double, kRegionTypes> region_income{}, region_transfers{}, region_persons{}, region_chronic{};
  double relocated_income = 0, relocated_wages = 0;
  double all_households = 0, edge_households = 0;
};

using Statistic = std::function<double(const Sums&)>;

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

const std::map<std::string, Statistic>& statistics() {
  static const std::map<std::string, Statistic> stats = [] {
    std::map<std::string, Statistic> m;
    m["mean_income_per_capita"] = [](const Sums& s) { return ratio(s.income, s.persons); };
    m["wage_share"] = [](const Sums& s) { return ratio(s.source[0], s.income); };
    m["operating_share"] = [](const Sums& s) { return ratio(s.source[1], s.income); };
    m["property_share"] = [](const Sums& s) { return ratio(s.source[2], s.income); };
    m["transfer_share"] = [](const Sums& s) { return ratio(s.source[3] + s.source[4], s.income); };
    m["share_below_monitoring_threshold"] = [](const Sums& s) { return ratio(s.below_threshold, s.households); };
    m["elderly_share"] = [](const Sums& s) { return ratio(s.elderly, s.persons); };
    m["chronic_share"] = [](const Sums& s) { return ratio(s.chronic, s.persons); };
    m["relocated_person_share"] = [](const Sums& s) { return ratio(s.relocated_persons, s.persons); };
    m["mean_household_size"] = [](const Sums& s) { return ratio(s.persons, s.households); };
    m["relocated_wage_share"] = [](const Sums& s) { return ratio(s.relocated_wages, s.relocated_income); };
    m["edge_share"] = [](const Sums& s) { return ratio(s.edge_households, s.all_households); };
    for (int r = 0; r < kRegionTypes; ++r) {
      const std::string name(kRegionTypeNames[r]);
      m["transfer_share_" + name] = [r](const Sums& s) { return ratio(s.region_transfers[r], s.region_income[r]); };
      m["chronic_share_" + name] = [r](const Sums& s) { return ratio(s.region_chronic[r], s.region_persons[r]); };
    }
    return m;
  }();
  return stats;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

}  // namespace

const std::vector<std::string>& statistic_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [name, f] : statistics()) v.push_back(name);
    return v;
  }();
  return names;
}

TargetsFile load_targets(const std::string& path) {
  const ConfigNode root = load_yaml_with_extends(path);
  auto fail = [](const ConfigNode& at, const std::string& where, const std::string& message) -> void {
    throw ConfigError(at.mark().str() + ": " + where + ": " + message);
  };
  if (!root.is_map()) fail(root, "(top)", "expected a map with keys pension_monthly and targets");
  TargetsFile file;
  auto number = [&](const ConfigNode& node, const std::string& where, double& out) {
    std::size_t used = 0;
    try {
      if (node.is_scalar()) out = std::stod(node.scalar(), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (!node.is_scalar() || used != node.scalar().size() || !std::isfinite(out))
      fail(node, where, "expected a number, got '" + node.scalar() + "'");
  };
  for (const auto& e : root.entries()) {
    if (e.key == "pension_monthly") {
      number(e.value, e.key, file.pension_monthly);
      if (file.pension_monthly < 0) fail(e.value, e.key, "expected a non-negative amount (yuan/month)");
    } else if (e.key == "targets") {
      if (!e.value.is_sequence()) fail(e.value, "targets", "expected a list of targets");
      for (std::size_t i = 0; i < e.value.items().size(); ++i) {
        const ConfigNode& item = e.value.items()[i];
        const std::string where = "targets[" + std::to_string(i) + "]";
        if (!item.is_map()) fail(item, where, "expected a map (name, value, tolerance, comparison, unit, source)");
        Target t;
        bool has_name = false, has_value = false, has_source = false;
        for (const auto& f : item.entries()) {
          const std::string w = where + "." + f.key;
          auto text = [&]() -> std::string {
            if (!f.value.is_scalar()) fail(f.value, w, "expected text");
            return f.value.scalar();
          };
          if (f.key == "name") {
            t.name = text(), has_name = true;
            if (!statistics().count(t.name)) {
              std::string known;
              for (const auto& n : statistic_names()) known += (known.empty() ? "" : ", ") + n;
              fail(f.value, w, "unknown statistic '" + t.name + "'; known: " + known);
            }
          } else if (f.key == "value") {
            number(f.value, w, t.value), has_value = true;
          } else if (f.key == "tolerance") {
            number(f.value, w, t.tolerance);
            if (t.tolerance < 0) fail(f.value, w, "expected a non-negative tolerance");
          } else if (f.key == "comparison") {
            t.comparison = text();
            if (t.comparison != "=" && t.comparison != ">=" && t.comparison != "<=")
              fail(f.value, w, "expected one of =, >=, <=, got '" + t.comparison + "'");
          } else if (f.key == "unit") {
            t.unit = text();
          } else if (f.key == "source") {
            t.source = text(), has_source = true;
          } else if (f.key == "description") {
            t.description = text();
          } else {
            fail(f.value, w, "unknown key (expected name, description, value, tolerance, comparison, unit, source)");
          }
        }
        if (!has_name || !has_value || !has_source) fail(item, where, "expected at least name, value and source");
        file.targets.push_back(std::move(t));
      }
    } else {
      fail(e.value, e.key, "unknown key (expected pension_monthly, targets)");
    }
  }
  return file;
}

PopulationReport make_report(const HouseholdStore& hh, const TargetsFile& targets) {
  PopulationReport rep;
  Sums s;
  std::vector<std::pair<float, std::uint32_t>> lifted;  // (per-capita income, household) for deciles
  for (std::size_t h = 0; h < hh.size(); ++h) {
    const double w = hh.weight[h];
    // The store's count, not alive_members: a freshly generated store has not set it yet.
    const int n = hh.living_members(h);
    if (n == 0) continue;
    s.all_households += w;
    rep.households += w;
    rep.persons += w * n;
    rep.household_size_share[std::min(n, PopulationReport::kMaxSize) - 1] += w;
    for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) {
      if (!(hh.person_flags[q] & person_flag::alive)) continue;
      const int band = std::min(hh.age[q] / 5, PopulationReport::kAgeBands - 1);
      rep.persons_by_age_sex[band][(hh.person_flags[q] & person_flag::female) ? 1 : 0] += w;
    }
    if (hh.flags[h] & household_flag::edge) {
      s.edge_households += w;
      rep.edge += w;
    }
    if (!(hh.flags[h] & household_flag::lifted)) continue;
    rep.lifted += w;
    const HouseholdIncome inc = income_of(hh, h, targets.pension_monthly);
    const double total = inc.total(), per_capita = total / n;
    const int r = static_cast<int>(hh.region[h]);
    s.households += w;
    s.persons += w * n;
    s.income += w * total;
    for (int k = 0; k < PopulationReport::kSources; ++k) s.source[k] += w * inc.source[k];
    s.below_threshold += w * (per_capita < kMonitoringThreshold2021);
    s.region_income[r] += w * total;
    s.region_transfers[r] += w * (inc.source[3] + inc.source[4]);
    for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) {
      if (!(hh.person_flags[q] & person_flag::alive)) continue;
      s.elderly += w * (hh.age[q] >= 60);
      const bool chronic = hh.health[q] == Health::chronic;
      s.chronic += w * chronic;
      s.region_chronic[r] += w * chronic;
      s.region_persons[r] += w;
    }
    if (hh.flags[h] & household_flag::relocated) {
      s.relocated_persons += w * n;
      s.relocated_income += w * total;
      s.relocated_wages += w * inc.source[0];
    }
    lifted.emplace_back(static_cast<float>(per_capita), static_cast<std::uint32_t>(h));
  }
  for (auto& share : rep.household_size_share) share = ratio(share, rep.households);

  // Deciles by weight: households sorted by per-capita income, cut where the cumulative weight
  // passes each tenth.
  std::sort(lifted.begin(), lifted.end());
  double cumulative = 0;
  std::array<double, 10> decile_persons{};
  for (const auto& [per_capita, h] : lifted) {
    const double w = hh.weight[h];
    const int d = std::min(9, static_cast<int>(10 * cumulative / s.households));
    cumulative += w;
    rep.decile_upper[d] = per_capita;
    const HouseholdIncome inc = income_of(hh, h, targets.pension_monthly);
    for (int k = 0; k < PopulationReport::kSources; ++k) rep.income_by_source_decile[d][k] += w * inc.source[k];
    decile_persons[d] += w * hh.living_members(h);
  }
  for (int d = 0; d < 10; ++d)
    for (auto& v : rep.income_by_source_decile[d]) v = ratio(v, decile_persons[d]);

  for (const Target& t : targets.targets) {
    PopulationReport::Row row{t, statistics().at(t.name)(s), false};
    row.met = t.comparison == ">="   ? row.obtained >= t.value - t.tolerance
              : t.comparison == "<=" ? row.obtained <= t.value + t.tolerance
                                     : std::abs(row.obtained - t.value) <= t.tolerance;
    rep.targets.push_back(std::move(row));
  }
  return rep;
}

void print_report(std::ostream& out, const PopulationReport& rep) {
  out << "Population: " << fixed(rep.households, 0) << " households (" << fixed(rep.lifted, 0) << " lifted, "
      << fixed(rep.edge, 0) << " edge), " << fixed(rep.persons, 0) << " persons; weighted by survey weights\n\n";
  out << "Calibration targets (lifted households, normal-year income incl. the assumed pension):\n";
  out << std::left << std::setw(34) << "target" << std::right << std::setw(12) << "aimed" << std::setw(12)
      << "obtained" << std::setw(6) << "met" << "  unit; source\n";
  for (const auto& row : rep.targets) {
    const int digits = std::abs(row.target.value) >= 100 ? 0 : 3;
    const std::string aimed = (row.target.comparison == "=" ? "" : row.target.comparison + " ") +
                              fixed(row.target.value, digits) +
                              (row.target.tolerance > 0 ? " ±" + fixed(row.target.tolerance, digits) : "");
    out << std::left << std::setw(34) << row.target.name << std::right << std::setw(12) << aimed << std::setw(12)
        << fixed(row.obtained, digits) << std::setw(6) << (row.met ? "yes" : "NO") << "  " << row.target.unit << "; "
        << row.target.source << "\n";
  }
  out << "\nHousehold size (share of households):\n ";
  for (int k = 0; k < PopulationReport::kMaxSize; ++k)
    out << " " << (k + 1) << (k + 1 == PopulationReport::kMaxSize ? "+" : "") << ": "
        << fixed(100 * rep.household_size_share[k], 1) << "%";
  out << "\n\nAge pyramid (persons, % of all):\n";
  for (int b = PopulationReport::kAgeBands - 1; b >= 0; --b) {
    const double m = rep.persons_by_age_sex[b][0], f = rep.persons_by_age_sex[b][1];
    std::ostringstream label;
    label << 5 * b;
    if (b + 1 == PopulationReport::kAgeBands)
      label << "+";
    else
      label << "-" << 5 * b + 4;
    out << "  " << std::left << std::setw(6) << label.str() << std::right << " male " << std::setw(5)
        << fixed(100 * m / rep.persons, 1) << "%  female " << std::setw(5) << fixed(100 * f / rep.persons, 1)
        << "%  " << std::string(static_cast<int>(200 * m / rep.persons), '#') << "|"
        << std::string(static_cast<int>(200 * f / rep.persons), '#') << "\n";
  }
  out << "\nIncome by source and decile of per-capita income (lifted households; yuan/person/year):\n";
  out << std::setw(8) << "decile" << std::setw(11) << "upper";
  for (const char* name : PopulationReport::kSourceNames) out << std::setw(11) << name;
  out << "\n";
  for (int d = 0; d < 10; ++d) {
    out << std::setw(8) << d + 1 << std::setw(11) << fixed(rep.decile_upper[d], 0);
    for (double v : rep.income_by_source_decile[d]) out << std::setw(11) << fixed(v, 0);
    out << "\n";
  }
}

}  // namespace povsim

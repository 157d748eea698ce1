#include "sim/population/population_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "sim/output/hdf5_file.hpp"
#include "sim/population/microdata.hpp"

namespace povsim {

namespace {

using namespace h5;

constexpr const char* kFormat = "povsim-population 1 (docs/population.md)";

template <std::size_t N>
std::vector<std::string> names(const std::string_view (&list)[N]) {
  return {std::begin(list), std::end(list)};
}
std::vector<std::string> names(const std::array<std::string_view, kRegionTypes>& list) {
  return {list.begin(), list.end()};
}

void categorical(hid_t g, const char* name, const std::vector<std::uint8_t>& codes, const std::vector<std::string>& cats,
                 const std::string& description) {
  dataset(g, name, H5T_NATIVE_UINT8, {codes.size()}, codes, "code", description);
  Handle ds(H5Dopen2(g, name, H5P_DEFAULT), H5Dclose, name);
  attr_strings(ds, "categories", cats);
}

void write_report(hid_t f, const PopulationReport& rep) {
  Handle g = group(f, "report");
  std::vector<std::int32_t> sizes;
  for (int k = 1; k <= PopulationReport::kMaxSize; ++k) sizes.push_back(k);
  dataset(g, "household_size", H5T_NATIVE_INT32, {sizes.size()}, sizes, "persons",
          "household size (the last: that many or more)");
  dataset(g, "household_size_share", H5T_NATIVE_DOUBLE, {sizes.size()},
          std::vector<double>(rep.household_size_share.begin(), rep.household_size_share.end()), "share of households",
          "weighted share of households of each size");
  std::vector<std::int32_t> bands;
  std::vector<double> pyramid;
  for (int b = 0; b < PopulationReport::kAgeBands; ++b) {
    bands.push_back(5 * b);
    pyramid.push_back(rep.persons_by_age_sex[b][0]), pyramid.push_back(rep.persons_by_age_sex[b][1]);
  }
  dataset(g, "age_band_lower", H5T_NATIVE_INT32, {bands.size()}, bands, "years", "lower bound of 5-year age bands; last open");
  dataset(g, "persons_by_age_sex", H5T_NATIVE_DOUBLE, {bands.size(), 2}, pyramid, "persons (weighted)",
          "living persons by age band and sex");
  { Handle ds(H5Dopen2(g, "persons_by_age_sex", H5P_DEFAULT), H5Dclose, "persons_by_age_sex");
    attr_strings(ds, "categories", {"male", "female"}); }
  std::vector<std::int32_t> deciles;
  std::vector<double> upper, by_source;
  for (int d = 0; d < 10; ++d) {
    deciles.push_back(d + 1), upper.push_back(rep.decile_upper[d]);
    for (double v : rep.income_by_source_decile[d]) by_source.push_back(v);
  }
  dataset(g, "income_decile", H5T_NATIVE_INT32, {10}, deciles, "decile", "deciles of per-capita normal-year income, lifted households");
  dataset(g, "income_decile_upper", H5T_NATIVE_DOUBLE, {10}, upper, "yuan/person/year", "upper bound of each decile");
  dataset(g, "income_by_source_decile", H5T_NATIVE_DOUBLE, {10, PopulationReport::kSources}, by_source,
          "yuan/person/year", "mean per-capita income by source within each decile");
  { Handle ds(H5Dopen2(g, "income_by_source_decile", H5P_DEFAULT), H5Dclose, "income_by_source_decile");
    attr_strings(ds, "categories", std::vector<std::string>(PopulationReport::kSourceNames.begin(),
                                                            PopulationReport::kSourceNames.end())); }
  std::vector<std::string> tname, tcmp, tunit, tsource;
  std::vector<double> tvalue, tobtained, ttol;
  for (const auto& row : rep.targets) {
    tname.push_back(row.target.name), tcmp.push_back(row.target.comparison), tunit.push_back(row.target.unit);
    tsource.push_back(row.target.source), tvalue.push_back(row.target.value), tobtained.push_back(row.obtained);
    ttol.push_back(row.target.tolerance);
  }
  string_dataset(g, "target_name", tname, "calibration target: the statistic");
  dataset(g, "target_value", H5T_NATIVE_DOUBLE, {tvalue.size()}, tvalue, "see target_unit", "value aimed at");
  dataset(g, "target_obtained", H5T_NATIVE_DOUBLE, {tobtained.size()}, tobtained, "see target_unit", "value obtained");
  dataset(g, "target_tolerance", H5T_NATIVE_DOUBLE, {ttol.size()}, ttol, "see target_unit", "tolerance");
  string_dataset(g, "target_comparison", tcmp, "=, >= or <=");
  string_dataset(g, "target_unit", tunit, "unit of the target");
  string_dataset(g, "target_source", tsource, "source of the target value");
}

}  // namespace

void write_population_file(const std::string& path, const HouseholdStore& hh, const PopulationFileInfo& info,
                           const PopulationReport* report) {
  AtomicFile file(path);
  const hid_t f = file.id();
  attr_string(f, "format", kFormat);
  attr_string(f, "povsim_version", info.version);
  attr_string(f, "source", info.source);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, hh.size());
  attr_scalar<std::uint64_t>(f, "persons", H5T_NATIVE_UINT64, hh.person_count());

  const std::size_t n = hh.size(), m = hh.person_count();
  {
    Handle g = group(f, "counties");
    std::vector<std::uint32_t> code;
    std::vector<std::uint8_t> region, industry, site;
    for (const County& c : hh.counties) {
      code.push_back(c.code), region.push_back(static_cast<std::uint8_t>(c.region));
      industry.push_back(c.industry), site.push_back(c.resettlement_site);
    }
    dataset(g, "code", H5T_NATIVE_UINT32, {code.size()}, code, "code", "county (or resettlement site) code");
    categorical(g, "region_type", region, names(kRegionTypeNames), "region type");
    dataset(g, "industry", H5T_NATIVE_UINT8, {industry.size()}, industry, "product id", "local specialty industry; 0 none");
    dataset(g, "resettlement_site", H5T_NATIVE_UINT8, {site.size()}, site, "0/1", "a resettlement site, not a county");
  }
  {
    Handle g = group(f, "households");
    std::vector<std::uint64_t> id(n);
    std::vector<std::uint32_t> county(n);
    std::vector<std::uint8_t> region(n), lifted(n), relocated(n), dependence(n);
    std::vector<double> weight(n), operating(n), subsidy(n), property(n), savings(n);
    std::vector<std::vector<double>> transfer(kProgrammes, std::vector<double>(n));
    for (std::size_t h = 0; h < n; ++h) {
      id[h] = h, county[h] = hh.counties[hh.county[h]].code, region[h] = static_cast<std::uint8_t>(hh.region[h]);
      lifted[h] = (hh.flags[h] & household_flag::lifted) != 0;
      relocated[h] = (hh.flags[h] & household_flag::relocated) != 0;
      dependence[h] = static_cast<std::uint8_t>(hh.dependence[h]);
      weight[h] = hh.weight[h], operating[h] = 12.0 * hh.operating_base[h], subsidy[h] = 12.0 * hh.industry_subsidy[h];
      property[h] = 12.0 * hh.property_income[h], savings[h] = hh.savings[h];
      for (int k = 0; k < kProgrammes; ++k) transfer[k][h] = 12.0 * hh.transfer[k][h];
    }
    dataset(g, "household_id", H5T_NATIVE_UINT64, {n}, id, "id", "household id");
    dataset(g, "county", H5T_NATIVE_UINT32, {n}, county, "code", "county or resettlement site code (/counties/code)");
    categorical(g, "region_type", region, names(kRegionTypeNames), "region type of the county");
    dataset(g, "lifted", H5T_NATIVE_UINT8, {n}, lifted, "0/1", "1 registered lifted household, 0 edge household");
    dataset(g, "relocated", H5T_NATIVE_UINT8, {n}, relocated, "0/1", "moved to a resettlement site");
    dataset(g, "weight", H5T_NATIVE_DOUBLE, {n}, weight, "households", "survey weight");
    dataset(g, "operating_income", H5T_NATIVE_DOUBLE, {n}, operating, "yuan/year", "operating income excluding industry support");
    dataset(g, "industry_subsidy", H5T_NATIVE_DOUBLE, {n}, subsidy, "yuan/year", "industry support at full level");
    categorical(g, "industry_dependence", dependence, names(kDependenceNames), "dependence of the supported industry");
    dataset(g, "property_income", H5T_NATIVE_DOUBLE, {n}, property, "yuan/year", "property income");
    for (int k = 0; k < kProgrammes; ++k)
      dataset(g, ("transfer_" + std::string(kProgrammeNames[k])).c_str(), H5T_NATIVE_DOUBLE, {n}, transfer[k],
              "yuan/year", "programme transfer");
    dataset(g, "savings", H5T_NATIVE_DOUBLE, {n}, savings, "yuan", "savings (negative: debt)");
  }
  {
    Handle g = group(f, "persons");
    std::vector<std::uint64_t> id(m), household(m);
    std::vector<std::uint8_t> age(m), sex(m), health(m), work(m), education(m), unemployed(m);
    std::vector<double> wage(m);
    for (std::size_t h = 0; h < n; ++h)
      for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) household[q] = h;
    for (std::size_t q = 0; q < m; ++q) {
      id[q] = q, age[q] = hh.age[q], sex[q] = (hh.person_flags[q] & person_flag::female) != 0;
      health[q] = static_cast<std::uint8_t>(hh.health[q]), work[q] = static_cast<std::uint8_t>(hh.work[q]);
      education[q] = static_cast<std::uint8_t>(hh.education[q]);
      unemployed[q] = (hh.person_flags[q] & person_flag::unemployed) != 0;
      wage[q] = 12.0 * hh.wage[q];
    }
    dataset(g, "person_id", H5T_NATIVE_UINT64, {m}, id, "id", "person id");
    dataset(g, "household_id", H5T_NATIVE_UINT64, {m}, household, "id", "the person's household");
    dataset(g, "age", H5T_NATIVE_UINT8, {m}, age, "years", "age");
    categorical(g, "sex", sex, {"male", "female"}, "sex");
    categorical(g, "health", health, names(kHealthNames), "health");
    categorical(g, "work", work, names(kWorkNames), "working status");
    categorical(g, "education", education, names(kEducationNames), "schooling");
    dataset(g, "wage_income", H5T_NATIVE_DOUBLE, {m}, wage, "yuan/year", "wage when employed");
    dataset(g, "unemployed", H5T_NATIVE_UINT8, {m}, unemployed, "0/1", "a wage earner currently without a job");
  }
  if (report) write_report(f, *report);
  file.commit();
}

namespace {

// Row-level checks with messages naming file, dataset and row.
struct Checker {
  std::string file;
  [[noreturn]] void fail(const std::string& path, std::size_t row, const std::string& message) const {
    throw std::runtime_error(file + ": " + path + "[" + std::to_string(row) + "]: " + message);
  }
  template <class T>
  void range(const std::vector<T>& v, const std::string& path, double lo, double hi, const char* what) const {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!(double(v[i]) >= lo && double(v[i]) <= hi))  // also rejects NaN
        fail(path, i, std::string("expected ") + what + ", got " + std::to_string(double(v[i])));
  }
};

}  // namespace

void read_population_file(const std::string& path, HouseholdStore& hh) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error(path + ": not an HDF5 file (or not readable)");
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path);
  const Checker c{path};
  auto u8 = [&](const char* p) { return read_vector<std::uint8_t>(f, p, H5T_NATIVE_UINT8, path); };
  auto u32 = [&](const char* p) { return read_vector<std::uint32_t>(f, p, H5T_NATIVE_UINT32, path); };
  auto u64 = [&](const char* p) { return read_vector<std::uint64_t>(f, p, H5T_NATIVE_UINT64, path); };
  auto f64 = [&](const char* p) { return read_vector<double>(f, p, H5T_NATIVE_DOUBLE, path); };
  auto opt64 = [&](const char* p, std::size_t n, double fallback) {
    return exists(f, p) ? f64(p) : std::vector<double>(n, fallback);
  };
  auto opt8 = [&](const char* p, std::size_t n) { return exists(f, p) ? u8(p) : std::vector<std::uint8_t>(n, 0); };
  auto same_length = [&](std::size_t n, std::size_t got, const char* p) {
    if (got != n) throw std::runtime_error(path + ": " + p + ": expected " + std::to_string(n) + " rows, got " + std::to_string(got));
  };

  const auto hid = u64("/households/household_id");
  const std::size_t n = hid.size();
  if (n == 0) throw std::runtime_error(path + ": /households: no households");
  const auto county_code = u32("/households/county");
  const auto region = u8("/households/region_type");
  const auto lifted = u8("/households/lifted");
  const auto relocated = opt8("/households/relocated", n);
  const auto weight = opt64("/households/weight", n, 1.0);
  const auto operating = opt64("/households/operating_income", n, 0.0);
  const auto subsidy = opt64("/households/industry_subsidy", n, 0.0);
  const auto dependence = opt8("/households/industry_dependence", n);
  const auto property = opt64("/households/property_income", n, 0.0);
  std::vector<std::vector<double>> transfer;
  for (int k = 0; k < kProgrammes; ++k)
    transfer.push_back(opt64(("/households/transfer_" + std::string(kProgrammeNames[k])).c_str(), n, 0.0));
  const auto savings = opt64("/households/savings", n, 0.0);
  for (auto [v, p] : {std::pair{county_code.size(), "/households/county"}, {region.size(), "/households/region_type"},
                      {lifted.size(), "/households/lifted"}, {relocated.size(), "/households/relocated"},
                      {weight.size(), "/households/weight"}, {operating.size(), "/households/operating_income"},
                      {subsidy.size(), "/households/industry_subsidy"}, {dependence.size(), "/households/industry_dependence"},
                      {property.size(), "/households/property_income"}, {savings.size(), "/households/savings"}})
    same_length(n, v, p);
  for (const auto& t : transfer) same_length(n, t.size(), "/households/transfer_*");
  c.range(region, "/households/region_type", 0, kRegionTypes - 1, "a region type code 0-3");
  c.range(lifted, "/households/lifted", 0, 1, "0 or 1");
  c.range(relocated, "/households/relocated", 0, 1, "0 or 1");
  c.range(weight, "/households/weight", 1e-3, 1e7, "a weight in (0, 1e7]");
  c.range(operating, "/households/operating_income", 0, 1e8, "0 to 1e8 yuan/year");
  c.range(subsidy, "/households/industry_subsidy", 0, 1e8, "0 to 1e8 yuan/year");
  c.range(dependence, "/households/industry_dependence", 0, kDependenceLevels - 1, "a dependence code 0-3");
  c.range(property, "/households/property_income", 0, 1e8, "0 to 1e8 yuan/year");
  for (int k = 0; k < kProgrammes; ++k)
    c.range(transfer[k], "/households/transfer_" + std::string(kProgrammeNames[k]), 0, 1e8, "0 to 1e8 yuan/year");
  c.range(savings, "/households/savings", -1e8, 1e9, "-1e8 to 1e9 yuan");

  // Household ids: the identity 0..n-1 (files povsim writes) needs no map.
  bool identity = true;
  for (std::size_t h = 0; h < n && identity; ++h) identity = hid[h] == h;
  std::unordered_map<std::uint64_t, std::uint32_t> index;
  if (!identity) {
    index.reserve(n);
    for (std::size_t h = 0; h < n; ++h)
      if (!index.emplace(hid[h], static_cast<std::uint32_t>(h)).second)
        c.fail("/households/household_id", h, "duplicate household id " + std::to_string(hid[h]));
  }

  const auto pid = u64("/persons/person_id");
  const std::size_t m = pid.size();
  const auto phh = u64("/persons/household_id");
  const auto age = u8("/persons/age");
  const auto sex = u8("/persons/sex");
  const auto health = u8("/persons/health");
  const auto work = u8("/persons/work");
  const auto education = opt8("/persons/education", m);
  const auto wage = opt64("/persons/wage_income", m, 0.0);
  const auto unemployed = opt8("/persons/unemployed", m);
  for (auto [v, p] : {std::pair{phh.size(), "/persons/household_id"}, {age.size(), "/persons/age"},
                      {sex.size(), "/persons/sex"}, {health.size(), "/persons/health"}, {work.size(), "/persons/work"},
                      {education.size(), "/persons/education"}, {wage.size(), "/persons/wage_income"},
                      {unemployed.size(), "/persons/unemployed"}})
    same_length(m, v, p);
  if (m > 0xFFFFFFF0u) throw std::runtime_error(path + ": too many persons for 32-bit person ids");
  c.range(age, "/persons/age", 0, 120, "an age 0-120");
  c.range(sex, "/persons/sex", 0, 1, "0 (male) or 1 (female)");
  c.range(health, "/persons/health", 0, kHealthKinds - 1, "a health code 0-2");
  c.range(work, "/persons/work", 0, kWorkKinds - 1, "a work code 0-6");
  c.range(education, "/persons/education", 0, kEducationLevels - 1, "an education code 0-4");
  c.range(wage, "/persons/wage_income", 0, 1e8, "0 to 1e8 yuan/year");
  c.range(unemployed, "/persons/unemployed", 0, 1, "0 or 1");

  // Persons grouped by household, keeping file order within each (a stable counting sort).
  std::vector<std::uint32_t> owner(m), count(n, 0);
  for (std::size_t q = 0; q < m; ++q) {
    std::uint32_t h;
    if (identity) {
      if (phh[q] >= n) c.fail("/persons/household_id", q, "no household with id " + std::to_string(phh[q]));
      h = static_cast<std::uint32_t>(phh[q]);
    } else {
      const auto it = index.find(phh[q]);
      if (it == index.end()) c.fail("/persons/household_id", q, "no household with id " + std::to_string(phh[q]));
      h = it->second;
    }
    owner[q] = h;
    if (++count[h] > 255) c.fail("/persons/household_id", q, "household " + std::to_string(phh[q]) + " has more than 255 persons");
    const bool earner = is_wage_earner(static_cast<Work>(work[q]));
    if (!earner && wage[q] > 0) c.fail("/persons/wage_income", q, "a wage for a person whose work is not local_wage or migrant");
    if (!earner && unemployed[q]) c.fail("/persons/unemployed", q, "unemployed is for wage earners only");
  }
  for (std::size_t h = 0; h < n; ++h)
    if (count[h] == 0) c.fail("/households/household_id", h, "household " + std::to_string(hid[h]) + " has no persons");
  if (subsidy.size())
    for (std::size_t h = 0; h < n; ++h)
      if (subsidy[h] > 0 && dependence[h] == 0)
        c.fail("/households/industry_subsidy", h, "an industry subsidy needs industry_dependence low, medium or high");

  // Counties: from /counties when present, else one per distinct code (sorted), checking that each
  // county has one region type.
  std::vector<County> counties;
  if (exists(f, "/counties/code")) {
    const auto code = u32("/counties/code");
    const auto cregion = u8("/counties/region_type");
    const auto industry = opt8("/counties/industry", code.size());
    const auto site = opt8("/counties/resettlement_site", code.size());
    same_length(code.size(), cregion.size(), "/counties/region_type");
    c.range(cregion, "/counties/region_type", 0, kRegionTypes - 1, "a region type code 0-3");
    c.range(site, "/counties/resettlement_site", 0, 1, "0 or 1");
    for (std::size_t i = 0; i < code.size(); ++i)
      counties.push_back(County{static_cast<RegionType>(cregion[i]), code[i], industry[i], site[i] != 0});
  } else {
    std::vector<std::uint32_t> codes(county_code);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    for (auto code : codes) counties.push_back(County{RegionType::other, code, 0, false});
    std::vector<bool> seen(counties.size(), false);
    for (std::size_t h = 0; h < n; ++h) {
      const auto i = std::lower_bound(codes.begin(), codes.end(), county_code[h]) - codes.begin();
      if (!seen[i]) counties[i].region = static_cast<RegionType>(region[h]), seen[i] = true;
    }
  }
  std::unordered_map<std::uint32_t, std::uint32_t> county_index;
  for (std::size_t i = 0; i < counties.size(); ++i)
    if (!county_index.emplace(counties[i].code, static_cast<std::uint32_t>(i)).second)
      c.fail("/counties/code", i, "duplicate county code " + std::to_string(counties[i].code));

  hh.resize(n, m);
  hh.counties = std::move(counties);
  std::uint32_t offset = 0;
  for (std::size_t h = 0; h < n; ++h) {
    const auto it = county_index.find(county_code[h]);
    if (it == county_index.end()) c.fail("/households/county", h, "county " + std::to_string(county_code[h]) + " is not in /counties/code");
    if (static_cast<std::uint8_t>(hh.counties[it->second].region) != region[h])
      c.fail("/households/region_type", h, "county " + std::to_string(county_code[h]) + " has another region type elsewhere");
    hh.county[h] = it->second;
    hh.region[h] = static_cast<RegionType>(region[h]);
    hh.flags[h] = (lifted[h] ? household_flag::lifted : household_flag::edge) | (relocated[h] ? household_flag::relocated : 0);
    hh.dependence[h] = static_cast<Dependence>(dependence[h]);
    hh.operating_base[h] = static_cast<float>(operating[h] / 12.0);
    hh.industry_subsidy[h] = static_cast<float>(subsidy[h] / 12.0);
    hh.property_income[h] = static_cast<float>(property[h] / 12.0);
    for (int k = 0; k < kProgrammes; ++k) hh.transfer[k][h] = static_cast<float>(transfer[k][h] / 12.0);
    hh.savings[h] = static_cast<float>(savings[h]);
    hh.weight[h] = static_cast<float>(weight[h]);
    hh.income_factor[h] = 1.0f;
    hh.first_person[h] = offset;
    hh.persons[h] = static_cast<std::uint8_t>(count[h]);
    offset += count[h];
  }
  std::vector<std::uint32_t> next(hh.first_person.begin(), hh.first_person.end());
  for (std::size_t src = 0; src < m; ++src) {
    const std::uint32_t q = next[owner[src]]++;
    hh.age[q] = age[src];
    hh.health[q] = static_cast<Health>(health[src]);
    hh.work[q] = static_cast<Work>(work[src]);
    hh.education[q] = static_cast<Education>(education[src]);
    hh.person_flags[q] = person_flag::alive | (sex[src] ? person_flag::female : 0) |
                         (unemployed[src] ? person_flag::unemployed : 0);
    hh.wage[q] = static_cast<float>(wage[src] / 12.0);
  }
}

HouseholdStore load_population(const std::string& path, const std::string& persons_csv) {
  namespace fs = std::filesystem;
  HouseholdStore hh;
  if (fs::is_directory(path)) {
    if (!persons_csv.empty()) throw std::runtime_error("--persons: not needed with a directory (" + path + ")");
    const fs::path dir(path);
    for (const char* name : {"households.csv", "persons.csv"})
      if (!fs::exists(dir / name)) throw std::runtime_error(path + ": expected " + name + " in the directory");
    read_microdata_csv(dir / "households.csv", dir / "persons.csv", hh);
  } else if (fs::path(path).extension() == ".csv") {
    if (persons_csv.empty())
      throw std::runtime_error(path + ": a household table needs its person table: add --persons PERSONS.csv");
    read_microdata_csv(path, persons_csv, hh);
  } else {
    if (!fs::exists(path)) throw std::runtime_error(path + ": no such file or directory");
    if (!persons_csv.empty()) throw std::runtime_error("--persons: only for a household CSV, not " + path);
    read_population_file(path, hh);
  }
  return hh;
}

}  // namespace povsim

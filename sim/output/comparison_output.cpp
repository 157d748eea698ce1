#include "sim/output/comparison_output.hpp"

#include "sim/output/hdf5_output.hpp"

namespace povsim {

namespace {

using h5::Handle;

// A dataset of doubles with dimensions `dims`, its axes attached to the named scales.
void doubles(hid_t group, const std::string& name, const std::vector<hsize_t>& dims, const std::vector<double>& data,
             const std::string& units, const std::string& description, const std::vector<hid_t>& scales) {
  h5::dataset(group, name.c_str(), H5T_NATIVE_DOUBLE, dims, data, units, description);
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
  h5::attach_scales(ds, scales, name);
}

// [S, R, Y] of one measure over the scenarios.
std::vector<double> by_replicate(const Comparison& c, bool difference, std::size_t m) {
  std::vector<double> out;
  for (const auto& s : c.scenarios)
    for (const auto& row : (difference ? s.differences : s.measures)[m].values) out.insert(out.end(), row.begin(), row.end());
  return out;
}

void estimates(hid_t parent, const std::string& name, const std::vector<std::vector<Estimate>>& per_scenario,
               const std::string& units, const std::string& description, hid_t scenario_scale, hid_t year_scale) {
  Handle g = h5::group(parent, name.c_str());
  h5::attr_string(g, "description", description);
  const std::vector<hsize_t> dims = {per_scenario.size(), per_scenario.empty() ? 0 : per_scenario[0].size()};
  const std::pair<const char*, double Estimate::*> fields[] = {
      {"mean", &Estimate::mean}, {"se", &Estimate::se}, {"ci95_lower", &Estimate::ci95_lower},
      {"ci95_upper", &Estimate::ci95_upper}};
  for (const auto& [field, member] : fields) {
    std::vector<double> data;
    for (const auto& row : per_scenario)
      for (const auto& e : row) data.push_back(e.*member);
    doubles(g, field, dims, data, units, std::string(field) + " over replicates (NaN: undefined)",
            {scenario_scale, year_scale});
  }
}

}  // namespace

ComparisonOutput::ComparisonOutput(std::string path) : file_(std::move(path)) {}

void ComparisonOutput::commit(const Comparison& c, const ComparisonMetadata& meta,
                              const std::vector<PointResults>& runs) {
  try {
    const hid_t f = file_.id();
    h5::attr_string(f, "format", "povsim-comparison 2 (docs/output.md)");
    h5::attr_string(f, "povsim_version", meta.version);
    h5::attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, meta.seed);
    h5::attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, meta.households);
    h5::attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(c.replicates.size()));
    h5::attr_string(f, "base", c.scenarios.empty() ? "" : c.scenarios.front().name);
    h5::attr_string(f, "population", meta.population);
    h5::attr_string(f, "weights", meta.weights);
    h5::attr_string(f, "inputs_digest", meta.inputs_digest);
    h5::attr_scalar<std::uint8_t>(f, "population_per_replicate", H5T_NATIVE_UINT8, meta.population_per_replicate);
    h5::attr_string(f, "population_noise",
                    meta.population_per_replicate
                        ? "each replicate drew its own population: intervals include population sampling"
                        : "replicates share one population: intervals cover the shocks given it");

    // The axes, as dimension scales.
    std::vector<std::string> names, descriptions, files, yamls;
    for (const auto& s : c.scenarios) {
      names.push_back(s.name);
      descriptions.push_back(s.description);
      files.push_back(s.file);
      yamls.push_back(s.resolved_yaml);
    }
    h5::string_dataset(f, "scenario", names, "scenario names (`name:`, else the file's name), the base first");
    h5::string_dataset(f, "scenario_description", descriptions, "each scenario's `description:` ('' if none)");
    h5::string_dataset(f, "scenario_file", files, "scenario files as given");
    h5::string_dataset(f, "scenario_yaml", yamls, "each scenario fully resolved; rerunning it reproduces its runs");
    h5::dataset(f, "year", H5T_NATIVE_INT32, {c.years.size()}, c.years, "year", "assessment year (December)");
    h5::dataset(f, "replicate", H5T_NATIVE_UINT32, {c.replicates.size()}, c.replicates, "1",
                "replicate number (the same streams in every scenario)");
    const Handle scenario = h5::make_scale(f, "scenario", "scenario");
    const Handle year = h5::make_scale(f, "year", "year");
    const Handle replicate = h5::make_scale(f, "replicate", "replicate");
    for (const char* per_scenario : {"scenario_description", "scenario_file", "scenario_yaml"}) {
      Handle ds(H5Dopen2(f, per_scenario, H5P_DEFAULT), H5Dclose, std::string("dataset ") + per_scenario);
      h5::attach_scales(ds, {scenario}, per_scenario);
    }

    if (!c.scenarios.empty()) {
      const std::vector<hsize_t> dims = {c.scenarios.size(), c.replicates.size(), c.years.size()};
      const auto& first = c.scenarios.front();
      Handle own = h5::group(f, "by_replicate");
      for (std::size_t m = 0; m < first.measures.size(); ++m)
        doubles(own, first.measures[m].name, dims, by_replicate(c, false, m), first.measures[m].units,
                first.measures[m].description, {scenario, replicate, year});
      Handle diff = h5::group(f, "difference_by_replicate");
      for (std::size_t m = 0; m < first.differences.size(); ++m)
        doubles(diff, first.differences[m].name, dims, by_replicate(c, true, m), first.differences[m].units,
                first.differences[m].description, {scenario, replicate, year});

      Handle est = h5::group(f, "estimate");
      for (std::size_t m = 0; m < first.measures.size(); ++m) {
        std::vector<std::vector<Estimate>> rows;
        for (const auto& s : c.scenarios) rows.push_back(s.measure_estimates[m]);
        estimates(est, first.measures[m].name, rows, first.measures[m].units, first.measures[m].description,
                  scenario, year);
      }
      Handle dest = h5::group(f, "difference");
      for (std::size_t m = 0; m < first.differences.size(); ++m) {
        std::vector<std::vector<Estimate>> rows;
        for (const auto& s : c.scenarios) rows.push_back(s.difference_estimates[m]);
        estimates(dest, first.differences[m].name, rows, first.differences[m].units,
                  first.differences[m].description, scenario, year);
      }
      std::vector<std::vector<Estimate>> rows;
      for (const auto& s : c.scenarios) rows.push_back(s.cost_per_household_kept);
      estimates(dest, "cost_per_household_kept", rows, "yuan per household",
                "extra fiscal cost from the first year to this year / households kept from ever returning by this "
                "year (ratio of means, delta-method interval; NaN for the base and where none are kept)",
                scenario, year);
    }
    // Each scenario's own results as its results file holds them (returns by cause and region type,
    // monitoring, beneficiaries and cost per policy, the poverty line, ...): the measures above are
    // the ones compared; these let one comparison file give everything a report of separate runs
    // shows (analysis/report.py reads either).
    Handle all = h5::group(f, "runs");
    h5::attr_string(all, "description",
                    "runs/K: scenario K's results (K along /scenario), laid out as the root of its results file");
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const RunResults& res = runs[k].results;
      Handle g = h5::group(all, std::to_string(k).c_str());
      h5::attr_string(g, "name", res.name);
      h5::attr_string(g, "description", res.description);
      h5::attr_string(g, "scenario_file", k < c.scenarios.size() ? c.scenarios[k].file : "");
      h5::attr_string(g, "scenario_yaml", runs[k].resolved_yaml);
      h5::attr_scalar<std::uint64_t>(g, "seed", H5T_NATIVE_UINT64, meta.seed);
      h5::attr_scalar<std::uint64_t>(g, "households", H5T_NATIVE_UINT64, res.households);
      h5::attr_scalar<std::uint32_t>(g, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(res.tallies.size()));
      h5::attr_scalar<std::uint8_t>(g, "population_per_replicate", H5T_NATIVE_UINT8, res.population_per_replicate ? 1 : 0);
      write_result_arrays(g, result_arrays(res));
    }
  } catch (const h5::WriteError& e) {
    throw std::runtime_error(e.naming(file_.path()));
  }
  file_.commit();
}

}  // namespace povsim

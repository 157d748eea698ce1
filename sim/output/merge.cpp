#include "sim/output/merge.hpp"

#include <hdf5.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "sim/config/config.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/hdf5_output.hpp"
#include "sim/output/result_arrays.hpp"

namespace povsim {

namespace {

using namespace h5;

// One part, open for reading, with what must agree across parts.
struct Part {
  std::string path;
  Handle file;
  RunFileHeader header;
  std::vector<std::uint32_t> replicates;
};

std::string text_attribute(const Part& p, const char* name) {
  const auto values = read_strings_attr(p.file, name);
  if (values.size() != 1) throw ConfigError(p.path + ": not a povsim result file (no root attribute " + name + ")");
  return values.front();
}

template <class T>
T number_attribute(const Part& p, const char* name, hid_t type) {
  T value{};
  bool ok = false;
  H5E_BEGIN_TRY {
    const hid_t a = H5Aopen(p.file, name, H5P_DEFAULT);
    if (a >= 0) {
      ok = H5Aread(a, type, &value) >= 0;
      H5Aclose(a);
    }
  }
  H5E_END_TRY;
  if (!ok) throw ConfigError(p.path + ": not a povsim result file (no root attribute " + name + ")");
  return value;
}

Part open_part(const std::string& path) {
  hid_t id = -1;
  H5E_BEGIN_TRY { id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (id < 0) throw ConfigError(path + ": cannot open as an HDF5 file (missing, unreadable or not HDF5)");
  Part p{path, Handle(id, H5Fclose, path), {}, {}};
  std::vector<std::string> format;
  H5E_BEGIN_TRY {
    try {
      format = read_strings_attr(p.file, "format");
    } catch (const std::exception&) {
      format.clear();
    }
  }
  H5E_END_TRY;
  if (format.size() != 1 || format.front().rfind("povsim-results", 0) != 0)
    throw ConfigError(path + ": not a povsim result file (expected the root attribute format 'povsim-results ...', as "
                             "povsim run writes; got " + (format.size() == 1 ? "'" + format.front() + "'" : "none") + ")");
  RunFileHeader& h = p.header;
  h.version = text_attribute(p, "povsim_version");
  h.name = text_attribute(p, "name");
  h.description = text_attribute(p, "description");
  h.scenario_file = text_attribute(p, "scenario_file");
  h.scenario_yaml = text_attribute(p, "scenario_yaml");
  h.population = text_attribute(p, "population");
  h.weights = text_attribute(p, "weights");
  h.seed = number_attribute<std::uint64_t>(p, "seed", H5T_NATIVE_UINT64);
  h.households = number_attribute<std::uint64_t>(p, "households", H5T_NATIVE_UINT64);
  h.population_per_replicate = number_attribute<std::uint8_t>(p, "population_per_replicate", H5T_NATIVE_UINT8) != 0;
  try {
    p.replicates = read_vector<std::uint32_t>(p.file, "replicate_index", H5T_NATIVE_UINT32, path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string(e.what()) + " (not a povsim result file?)");
  }
  return p;
}

// The first root attribute on which `b` differs from `a`, or "".
std::string difference(const RunFileHeader& a, const RunFileHeader& b) {
  if (a.version != b.version) return "povsim_version ('" + a.version + "' vs '" + b.version + "')";
  if (a.scenario_yaml != b.scenario_yaml) return "scenario_yaml (the resolved scenario)";
  if (a.population != b.population) return "population ('" + a.population + "' vs '" + b.population + "')";
  if (a.seed != b.seed) return "seed (" + std::to_string(a.seed) + " vs " + std::to_string(b.seed) + ")";
  if (a.households != b.households) return "households";
  if (a.weights != b.weights) return "weights";
  if (a.population_per_replicate != b.population_per_replicate) return "population_per_replicate";
  return "";
}

// Every value of the dataset at `path` as doubles (exact for the results' integer types), with
// its dimensions.
std::vector<double> read_values(const Part& p, const std::string& path, std::vector<hsize_t>& dims) {
  if (!exists(p.file, path)) throw ConfigError(p.path + ": missing dataset " + path + " (not written by this scenario's run?)");
  Handle ds(H5Dopen2(p.file, path.c_str(), H5P_DEFAULT), H5Dclose, p.path + ": " + path);
  Handle space(H5Dget_space(ds), H5Sclose, p.path + ": " + path);
  const int rank = H5Sget_simple_extent_ndims(space);
  dims.assign(static_cast<std::size_t>(std::max(rank, 0)), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<double> values(n);
  if (n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw ConfigError(p.path + ": " + path + ": cannot read as numbers");
  return values;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// The results layout of the scenario with R replicates (values zero): names, shapes, types,
// units and attributes, as `povsim run` writes them.
ResultArrays layout(const Scenario& scenario, std::uint32_t replicates) {
  RunResults frame = results_frame(scenario);
  frame.tallies.assign(replicates, std::vector<YearTally>(frame.years.size()));
  frame.replicate_index.resize(replicates);
  std::iota(frame.replicate_index.begin(), frame.replicate_index.end(), 0u);
  return result_arrays(frame);
}

}  // namespace

MergeSummary merge_result_files(const std::vector<std::string>& paths, const std::string& out,
                                const ModelRegistry& registry) {
  if (paths.empty()) throw ConfigError("merge: expected at least one result file");
  std::vector<Part> parts;
  for (const auto& path : paths) parts.push_back(open_part(path));
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (const std::string d = difference(parts[0].header, parts[i].header); !d.empty())
      throw ConfigError(parts[i].path + ": a part of another run: its " + d + " differs from " + parts[0].path +
                        "'s; merge parts of one scenario run with --replicate");

  // Replicates: disjoint, merged in ascending order whichever order the parts come in.
  std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> where;  // replicate -> (part, row)
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (std::size_t row = 0; row < parts[i].replicates.size(); ++row) {
      const auto [it, fresh] = where.emplace(parts[i].replicates[row], std::make_pair(i, row));
      if (!fresh)
        throw ConfigError(parts[i].path + ": replicate " + std::to_string(parts[i].replicates[row]) + " is also in " +
                          parts[it->second.first].path + "; each replicate must come from one part");
    }

  const Scenario scenario =
      build_scenario(parse_yaml(parts[0].header.scenario_yaml, parts[0].path + ": scenario_yaml"),
                     parts[0].header.scenario_file, {}, registry);
  const auto R = static_cast<std::uint32_t>(where.size());
  // Arrays with a replicate axis are those whose first dimension follows the replicate count.
  const ResultArrays one = layout(scenario, 1), two = layout(scenario, 2);
  ResultArrays merged = layout(scenario, R);
  for (std::size_t a = 0; a < merged.arrays.size(); ++a) {
    ResultArray& array = merged.arrays[a];
    const bool per_replicate = one.arrays[a].shape != two.arrays[a].shape;
    const std::vector<hsize_t> expected_row(one.arrays[a].shape.begin() + (per_replicate ? 1 : 0), one.arrays[a].shape.end());
    std::vector<std::vector<double>> values(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::vector<hsize_t> dims;
      values[i] = read_values(parts[i], array.path, dims);
      std::vector<hsize_t> expected = expected_row;
      if (per_replicate) expected.insert(expected.begin(), parts[i].replicates.size());
      if (dims != expected)
        throw ConfigError(parts[i].path + ": " + array.path + " has shape " + shape_text(dims) + ", expected " +
                          shape_text(expected) + " for its " + std::to_string(parts[i].replicates.size()) +
                          " replicate(s) of this scenario");
    }
    if (!per_replicate) {  // the same in every replicate (the poverty line): the parts must agree
      for (std::size_t i = 1; i < parts.size(); ++i)
        if (values[i] != values[0])
          throw ConfigError(parts[i].path + ": " + array.path + " differs from " + parts[0].path + "'s");
      array.values = values[0];
      continue;
    }
    const std::size_t row = array.values.size() / R;
    std::size_t k = 0;
    for (const auto& [replicate, source] : where) {
      const auto& from = values[source.first];
      std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(source.second * row), row,
                  array.values.begin() + static_cast<std::ptrdiff_t>(k * row));
      ++k;
    }
  }

  MergeSummary summary;
  for (const auto& entry : where) summary.replicates.push_back(entry.first);
  summary.complete = summary.replicates.front() == 0 && summary.replicates.back() == R - 1 &&
                     R == scenario.run.replicates;
  RunFileHeader header = parts[0].header;
  header.replicates = R;
  // What fixes the contents, as a run of these replicates writes it when they are one contiguous
  // block (a gapped set has no run of its own, so no digest: the default --out never matches it).
  const bool contiguous = summary.replicates.back() - summary.replicates.front() + 1 == R;
  header.inputs_digest = contiguous ? run_inputs_digest(header.scenario_yaml, header.population, summary.replicates.front(), R)
                                    : std::string();
  AtomicFile file(out);
  try {
    write_run_file(file.id(), header, merged);
  } catch (const WriteError& e) {
    throw std::runtime_error(e.naming(out));
  }
  file.commit();
  return summary;
}

}  // namespace povsim

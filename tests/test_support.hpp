// Helpers shared by the tests: small hand-built household stores and a month context.
#pragma once

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>
#include <utility>
#include <unistd.h>

#include <hdf5.h>

#include <sstream>

#include "sim/cli/cli.hpp"
#include "sim/core/household_store.hpp"
#include "sim/core/model.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"

namespace povsim::testing {

// What every model of the default scenario declares (columns, flags, counters), in step order.
// Test stores carry all its columns, and a model driven by hand declares into a copy of it, so its
// handles point at the same columns.
inline const DeclaredLayout& full_layout() {
  static const DeclaredLayout layout = default_scenario({}, make_default_registry()).layout;
  return layout;
}

// A declared column of a store, by name.
template <class T>
std::vector<T>& declared_column(HouseholdStore& hh, const std::string& name) {
  return hh.column<T>(name);
}
// The index of a declared counter in YearTally::counters.
inline std::uint32_t counter_index(const std::string& name) {
  const auto& counters = full_layout().counters;
  for (std::uint32_t k = 0; k < counters.size(); ++k)
    if (counters[k].name == name) return k;
  throw std::logic_error("no declared counter " + name);
}
// A declared flag's bit, by name.
inline std::uint16_t declared_household_flag(const std::string& name) {
  DeclaredLayout copy = full_layout();
  return ModelDeclarations(copy, "test").household_flag(name).mask;
}
inline std::uint8_t declared_person_flag(const std::string& name) {
  DeclaredLayout copy = full_layout();
  return ModelDeclarations(copy, "test").person_flag(name).mask;
}

// `households` identical households of `members` persons of the given age, health and work, in
// counties of `per_county` households, all of region type `region`.
inline HouseholdStore make_store(std::uint32_t households, std::uint32_t members, int age, Health health, Work work,
                                 std::uint32_t per_county = 100, RegionType region = RegionType::other) {
  HouseholdStore hh;
  hh.resize(households, std::size_t{households} * members);
  hh.counties.assign((households + per_county - 1) / per_county, County{region});
  for (std::uint32_t h = 0; h < households; ++h) {
    hh.county[h] = h / per_county;
    hh.region[h] = region;
    hh.flags[h] = household_flag::lifted;
    hh.first_person[h] = h * members;
    hh.persons[h] = hh.alive_members[h] = static_cast<std::uint8_t>(members);
    hh.income_factor[h] = 1.0f;
    hh.weight[h] = 1.0f;
    for (std::uint32_t q = h * members; q < (h + 1) * members; ++q) {
      hh.age[q] = static_cast<std::uint8_t>(age);
      hh.health[q] = health;
      hh.work[q] = work;
      hh.person_flags[q] = person_flag::alive;
    }
  }
  hh.attach(full_layout().columns);
  return hh;
}

// A context for calendar month `month` of a run starting 2021-01.
struct Month {
  StreamFactory rng{12345, 0};
  YearTally tally;  // the fiscal accounts models add to
  MonthContext ctx;
  Month(const HouseholdStore& hh, int step, std::uint64_t seed = 12345) : rng(seed, 0) {
    ctx.month = YearMonth{YearMonth::of(2021, 1).index + step};
    ctx.step = static_cast<std::uint32_t>(step);
    ctx.first_month = step == 0;
    ctx.rng = &rng;
    ctx.counties = &hh.counties;
    ctx.tally = &tally;
    ctx.poverty_line = 4000;
    ctx.next_poverty_line = 4000;
    for (std::size_t h = 0; h < hh.size(); ++h) ctx.population_weight_units += weight_units(hh.weight[h]);
  }
  Month(const Month&) = delete;  // ctx points into this object
};

inline HouseholdRange all(const HouseholdStore& hh) { return {0, static_cast<std::uint32_t>(hh.size())}; }

// A model with the per-run state a Run would own, for tests that drive one model by hand:
// Driven<Dibao> model(params); model.begin_month(ctx); step_all(model, ctx, hh); model.state...
template <class M>
struct Driven {
  template <class... Args>
  explicit Driven(Args&&... args) : model(std::forward<Args>(args)...) {
    DeclaredLayout layout = full_layout();
    std::string path = "test";  // the model's registry path, so that its own outputs are its own
    const ModelRegistry registry = make_default_registry();
    for (const auto& e : registry.entries())
      if (e.stream_id == M::kStreamId) path = e.path;
    ModelDeclarations declarations(layout, path);
    model.declare(declarations);
  }
  M model;
  void begin_month(const MonthContext& ctx) { model.begin_month_with(ctx, *state_box); }
  void prepare(const MonthContext& ctx, const HouseholdStore& hh) { model.prepare_with(ctx, hh, *state_box); }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
    model.step_with(ctx, hh, range, *state_box);
  }
  const M* operator->() const { return &model; }

 private:
  std::unique_ptr<ModelState> state_box = model.make_state();

 public:
  typename M::State& state = static_cast<StateOf<typename M::State>&>(*state_box).value;
};

// Runs model.step over the store in blocks of at most kMaxBlockHouseholds; a stateful model's
// test passes its State (tests own it, as a Run does).
template <class M, class... State>
void step_all(const M& model, const MonthContext& ctx, HouseholdStore& hh, const State&... state) {
  for (std::uint32_t b = 0; b < hh.size(); b += kMaxBlockHouseholds)
    model.step(ctx, hh, {b, std::min<std::uint32_t>(static_cast<std::uint32_t>(hh.size()), b + kMaxBlockHouseholds)},
               state...);
}

// A fresh temporary directory, removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/povsim_test_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& content = "") const {
    const auto p = path / name;
    if (!content.empty()) std::ofstream(p) << content;
    return p.string();
  }
};

// A whole dataset of an HDF5 file as doubles (empty if it cannot be read).
inline std::vector<double> read_dataset(const std::string& file, const std::string& path) {
  std::vector<double> out;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return out;
  const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  if (ds >= 0) {
    const hid_t space = H5Dget_space(ds);
    out.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    H5Sclose(space);
    H5Dclose(ds);
  }
  H5Fclose(f);
  return out;
}

// The paths of every dataset in an HDF5 file, sorted.
inline std::vector<std::string> dataset_paths(const std::string& file) {
  std::vector<std::string> paths;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return paths;
  H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC,
           [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
             if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
             return 0;
           },
           &paths);
  H5Fclose(f);
  return paths;
}

// Every numeric dataset of two result files is equal bit for bit (as doubles, which every
// results dataset converts to exactly); the message names the first difference.
inline std::string compare_result_files(const std::string& a, const std::string& b) {
  const auto paths = dataset_paths(a);
  if (paths.empty()) return "no datasets in " + a;
  if (paths != dataset_paths(b)) return "the files hold different datasets";
  for (const auto& p : paths) {
    if (p == "replicate_index") continue;  // checked by the callers where it matters
    const auto x = read_dataset(a, p), y = read_dataset(b, p);  // bit for bit: a NaN (censored) equals itself
    if (x.size() != y.size() || (!x.empty() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) != 0))
      return "dataset " + p + " differs";
  }
  return {};
}

// Standard error of a binomial proportion, for stating tolerances.
inline double binomial_sd(double p, double n) { return std::sqrt(p * (1 - p) / n); }

// The command line run in-process (povsim_main): exit status, stdout and stderr.
struct CliResult {
  int code;
  std::string out, err;
};
inline CliResult run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = povsim_main(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace povsim::testing

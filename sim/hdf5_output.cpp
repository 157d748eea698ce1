#include "sim/hdf5_output.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>
#include <string_view>
#include <initializer_list>

namespace povsim {

namespace {

// Closes an HDF5 handle when leaving scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot create " + what);
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: failed to write " + what);
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(t, H5T_VARIABLE), "string type");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "string type");
  return t;
}

void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  const char* text = value.c_str();
  check(H5Awrite(attr, type, &text), name);
}

void attr_strings(hid_t obj, const char* name, const std::vector<std::string>& values) {
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Awrite(attr, type, ptrs.data()), name);
}

template <class T>
void attr_scalar(hid_t obj, const char* name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  check(H5Awrite(attr, type, &value), name);
}

template <class T>
void dataset(hid_t group, const char* name, hid_t type, const std::vector<hsize_t>& dims, const std::vector<T>& data,
             const std::string& units, const std::string& description) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "dataspace");
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), name);
  attr_string(ds, "units", units);
  attr_string(ds, "description", description);
}

Handle group(hid_t parent, const char* name) {
  return Handle(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, std::string("group ") + name);
}

constexpr const char* kShareUnits = "share of households (0-1), weighted";
constexpr const char* kCountUnits = "households (weighted by survey weight)";

// Dataset names and descriptions for one household group: lifted households (returns) or edge
// households (new poverty).
struct GroupNames {
  const char* rate;
  const char* cumulative_rate;
  const char* households;
  const char* returned;
  const char* ever_returned;
  const char* group;  // "lifted households" or "edge households"
  const char* event;  // "returned" or "became newly poor"
};
constexpr GroupNames kLifted{"return_rate", "cumulative_return_rate", "lifted_households", "returned_households",
                             "ever_returned_households", "lifted households", "returned"};
constexpr GroupNames kEdge{"new_poverty_rate", "cumulative_new_poverty_rate", "edge_households",
                           "newly_poor_households", "ever_newly_poor_households", "edge households",
                           "became newly poor"};

std::string text(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

// Writes the rates and weighted counts of one household group for one breakdown. `pick(tally, k)`
// returns the HouseholdCounts of category k; dims are [replicates, categories, years] or
// [replicates, years].
template <class Pick>
void write_counts(hid_t g, const RunResults& res, std::size_t categories, bool with_category_axis, Pick pick,
                  const GroupNames& n = kLifted) {
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  std::vector<hsize_t> dims = with_category_axis ? std::vector<hsize_t>{R, categories, Y} : std::vector<hsize_t>{R, Y};
  std::vector<double> ret, cum, head, households, at_risk, returned, poor, ever;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < categories; ++k)
      for (std::size_t y = 0; y < Y; ++y) {
        const HouseholdCounts& c = pick(res.tallies[r][y], k);
        ret.push_back(rate(c.returned, c.at_risk));
        cum.push_back(rate(c.ever_returned, c.households));
        head.push_back(rate(c.poor, c.households));
        households.push_back(households_of(c.households)), at_risk.push_back(households_of(c.at_risk));
        returned.push_back(households_of(c.returned)), poor.push_back(households_of(c.poor));
        ever.push_back(households_of(c.ever_returned));
      }
  const std::string group = n.group;
  dataset(g, n.rate, H5T_NATIVE_DOUBLE, dims, ret, kShareUnits,
          text({group, " newly below the line this year / ", group, " above it the year before"}));
  dataset(g, n.cumulative_rate, H5T_NATIVE_DOUBLE, dims, cum, kShareUnits,
          text({group, " that have ", n.event, " at least once by this year / ", group}));
  dataset(g, "poverty_headcount_rate", H5T_NATIVE_DOUBLE, dims, head, kShareUnits,
          text({group, " below the line this year / ", group}));
  dataset(g, n.households, H5T_NATIVE_DOUBLE, dims, households, kCountUnits,
          text({group, " assessed this year (with a living member)"}));
  dataset(g, "at_risk_households", H5T_NATIVE_DOUBLE, dims, at_risk, kCountUnits,
          text({group, " above the line at the previous assessment"}));
  dataset(g, n.returned, H5T_NATIVE_DOUBLE, dims, returned, kCountUnits,
          text({"at-risk ", group, " below the line this year"}));
  dataset(g, "poor_households", H5T_NATIVE_DOUBLE, dims, poor, kCountUnits, text({group, " below the line"}));
  dataset(g, n.ever_returned, H5T_NATIVE_DOUBLE, dims, ever, kCountUnits,
          text({group, " that have ", n.event, " at least once by this year"}));
}

}  // namespace

Hdf5Output::Hdf5Output(std::string path) : path_(std::move(path)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as exceptions, not printed
  namespace fs = std::filesystem;
  const fs::path target(path_);
  if (fs::is_directory(target)) throw std::runtime_error("cannot write " + path_ + ": it is a directory");
  temp_path_ = (target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()))).string();
  // Try a plain open first: it gives the operating system's reason (no such directory, permission).
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  ::close(fd);
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) {
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": HDF5 could not create the file");
  }
}

Hdf5Output::~Hdf5Output() {
  if (file_ >= 0) H5Fclose(file_);
  if (!committed_) std::remove(temp_path_.c_str());
}

void Hdf5Output::commit(const RunResults& res, const RunMetadata& meta) {
  const hid_t f = file_;
  attr_string(f, "povsim_version", meta.version);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, meta.seed);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, res.households);
  attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(res.tallies.size()));
  attr_string(f, "scenario_file", meta.scenario_file);
  attr_string(f, "scenario_yaml", meta.scenario_yaml);
  attr_string(f, "format", "povsim-results 1 (docs/output.md)");

  Handle annual = group(f, "annual");
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  dataset(annual, "year", H5T_NATIVE_INT32, {Y}, res.years, "calendar year", "assessment year (December)");
  dataset(annual, "poverty_line", H5T_NATIVE_DOUBLE, {Y}, res.poverty_line, "yuan/person/year",
          "poverty line applied at the assessment");
  write_counts(annual, res, 1, false, [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.all; });
  std::vector<double> income;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t y = 0; y < Y; ++y) income.push_back(res.tallies[r][y].mean_income_per_capita());
  dataset(annual, "mean_income_per_capita", H5T_NATIVE_DOUBLE, {R, Y}, income, "yuan/person/year",
          "mean over lifted households of per-capita net income (income minus out-of-pocket medical spending)");

  Handle by_region = group(annual, "by_region_type");
  std::vector<std::string> regions(kRegionTypeNames.begin(), kRegionTypeNames.end());
  attr_strings(by_region, "categories", regions);
  write_counts(by_region, res, kRegionTypes, true,
               [](const YearTally& t, std::size_t k) -> const HouseholdCounts& { return t.by_region[k]; });

  Handle edge = group(annual, "edge");
  attr_string(edge, "note",
              "edge households: never registered as poor, near the line at the start; new poverty is measured "
              "among them");
  write_counts(edge, res, 1, false, [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.edge; },
               kEdge);

  Handle by_cause = group(annual, "by_cause");
  attr_strings(by_cause, "categories", res.cause_names);
  attr_string(by_cause, "note",
              "cause = the latest shock a household met during the assessment year; 'none' = income variation only");
  const std::size_t C = res.cause_names.size();
  std::vector<double> cause_rate, cause_returned, cause_at_risk;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t y = 0; y < Y; ++y) {
        const YearTally& t = res.tallies[r][y];
        cause_rate.push_back(rate(t.returned_by_cause[c], t.all.at_risk));
        cause_returned.push_back(households_of(t.returned_by_cause[c]));
        cause_at_risk.push_back(households_of(t.at_risk_by_cause[c]));
      }
  dataset(by_cause, "return_rate", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_rate, kShareUnits,
          "returned households whose latest shock had this cause / all at-risk households (sums over causes to "
          "/annual/return_rate)");
  dataset(by_cause, "returned_households", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_returned, kCountUnits,
          "returned households whose latest shock had this cause");
  dataset(by_cause, "at_risk_households", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_at_risk, kCountUnits,
          "at-risk households whose latest shock this year had this cause");

  if (H5Fclose(file_) < 0) throw std::runtime_error("cannot write " + path_ + ": closing the HDF5 file failed");
  file_ = -1;
  const int fd = ::open(temp_path_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) throw std::runtime_error("cannot write " + path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace povsim

#include "sim/sweep/sweep_store.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/config/config.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/sweep/sweep_results.hpp"

namespace povsim {

namespace {

constexpr const char* kLogMagic = "povsim-sweep-partial 1";

std::uint64_t fnv1a(const unsigned char* data, std::size_t n, std::uint64_t hash = 14695981039346656037ull) {
  for (std::size_t i = 0; i < n; ++i) hash = (hash ^ data[i]) * 1099511628211ull;  // FNV-1a, 64 bit
  return hash;
}

std::string header_text(const std::string& digest, std::size_t values_per_point, std::size_t points) {
  return std::string(kLogMagic) + "\ndigest " + digest + "\nvalues_per_point " + std::to_string(values_per_point) +
         "\npoints " + std::to_string(points) + "\nendianness_check " +
         std::to_string(fnv1a(reinterpret_cast<const unsigned char*>("povsim"), 6)) + "\n\n";
}

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

PartialLog::PartialLog(std::string path, std::string digest, std::size_t values_per_point, std::size_t points)
    : path_(std::move(path)), values_per_point_(values_per_point), values_(points * values_per_point), done_(points) {
  namespace fs = std::filesystem;
  const std::string header = header_text(digest, values_per_point, points);
  const std::size_t record = sizeof(std::uint64_t) * 2 + sizeof(double) * values_per_point;
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    // The header goes in atomically (temporary file renamed into place): a log either has a whole
    // header or does not exist.
    const std::string temp = path_ + ".tmp." + std::to_string(getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    try {
      write_all(fd, header.data(), header.size(), path_);
      if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    } catch (...) {
      ::close(fd);
      ::unlink(temp.c_str());
      throw;
    }
    ::close(fd);
    if (std::rename(temp.c_str(), path_.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      ::unlink(temp.c_str());
      throw std::runtime_error("cannot write " + path_ + ": " + reason);
    }
  } else {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw ConfigError(path_ + ": cannot read the resume log of this sweep");
    std::string head(header.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    if (head != header) {
      const bool ours = head.rfind(std::string(kLogMagic) + "\n", 0) == 0;
      std::string theirs;
      if (ours) {
        const auto at = head.find("digest ");
        theirs = head.substr(at + 7, head.find('\n', at) - at - 7);
      }
      throw ConfigError(path_ + (ours ? " holds an interrupted run of another sweep (digest " + one_line(theirs) +
                                            ", this sweep's is " + digest +
                                            "); rerun that sweep file to finish it, or remove " + path_ + " to start this one"
                                      : " exists and is not a povsim sweep resume log; remove it or choose another --out"));
    }
    std::vector<unsigned char> buf(record);
    std::size_t good_end = header.size();
    while (in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(record))) {
      std::uint64_t point = 0, sum = 0;
      std::memcpy(&point, buf.data(), sizeof point);
      std::memcpy(&sum, buf.data() + record - sizeof sum, sizeof sum);
      if (fnv1a(buf.data(), record - sizeof sum) != sum || point >= points) break;  // torn: drop it and the rest
      if (!done_[point]) {
        std::memcpy(values_.data() + point * values_per_point_, buf.data() + sizeof point, sizeof(double) * values_per_point_);
        done_[point] = 1;
        ++done_count_;
      }
      good_end += record;
    }
    resumed_ = done_count_;
    in.close();
    // Cut off a torn tail so that new records follow the last good one.
    if (::truncate(path_.c_str(), static_cast<off_t>(good_end)) != 0)
      throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

PartialLog::~PartialLog() {
  if (fd_ >= 0) ::close(fd_);
}

void PartialLog::append(std::size_t point, const std::vector<double>& values) {
  if (values.size() != values_per_point_) throw std::logic_error("sweep: a point's values have the wrong size");
  const std::size_t record = sizeof(std::uint64_t) * 2 + sizeof(double) * values_per_point_;
  std::vector<unsigned char> buf(record);
  const std::uint64_t index = point;
  std::memcpy(buf.data(), &index, sizeof index);
  std::memcpy(buf.data() + sizeof index, values.data(), sizeof(double) * values.size());
  const std::uint64_t sum = fnv1a(buf.data(), record - sizeof sum);
  std::memcpy(buf.data() + record - sizeof sum, &sum, sizeof sum);
  write_all(fd_, buf.data(), buf.size(), path_);  // one write(2) for the whole record (append mode)
  std::memcpy(values_.data() + point * values_per_point_, values.data(), sizeof(double) * values.size());
  if (!done_[point]) ++done_count_;
  done_[point] = 1;
}

void PartialLog::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
}

namespace {

using h5::Handle;

void attach(hid_t group, const std::string& name, const std::vector<hid_t>& scales) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
  for (unsigned axis = 0; axis < scales.size(); ++axis)
    h5::check(H5DSattach_scale(ds, scales[axis], axis), "dimension scale of " + name);
}

Handle scale(hid_t file, const char* name) {
  Handle ds(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, std::string("dataset ") + name);
  h5::check(H5DSset_scale(ds, name), std::string("dimension scale ") + name);
  return ds;
}

// A two-dimensional dataset of strings.
void strings_2d(hid_t group, const char* name, hsize_t rows, hsize_t cols, const std::vector<std::string>& values,
                const std::string& description) {
  Handle type = h5::string_type();
  const hsize_t dims[2] = {rows, cols};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "dataspace");
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ptrs.empty()) h5::check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), name);
  h5::attr_string(ds, "description", description);
}

}  // namespace

void write_sweep_h5(const std::string& path, const SweepSpec& spec, const SweepDesign& design, const PartialLog& log,
                    const SweepFileInfo& info) {
  h5::AtomicFile file(path);
  try {
    const hid_t f = file.id();
    const std::size_t P = design.points(), k = design.parameters, R = spec.replicates, Y = info.years.size();
    h5::attr_string(f, "format", "povsim-sweep 1");
    h5::attr_string(f, "povsim_version", info.version);
    h5::attr_string(f, "sweep_file", spec.file);
    h5::attr_string(f, "sweep_yaml", spec.text);
    h5::attr_string(f, "sweep_digest", info.digest);
    h5::attr_string(f, "scenario_file", spec.scenario);
    h5::attr_string(f, "scenario_yaml", info.resolved_base_yaml);
    h5::attr_string(f, "design", std::string(kDesignNames[int(spec.design)]));
    h5::attr_scalar<std::uint64_t>(f, "design_seed", H5T_NATIVE_UINT64, spec.seed);
    h5::attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, info.simulation_seed);
    h5::attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, info.households);
    h5::attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(R));

    // The axes, as dimension scales.
    std::vector<std::string> names;
    for (const auto& p : spec.parameters) names.push_back(p.path);
    h5::string_dataset(f, "parameter", names, "the swept parameters (scenario paths, as --set takes them)");
    std::vector<std::uint64_t> point_index(P);
    for (std::size_t p = 0; p < P; ++p) point_index[p] = p;
    h5::dataset(f, "point", H5T_NATIVE_UINT64, {P}, point_index, "1", "point number (row of the design)");
    std::vector<std::uint32_t> replicate_index(R);
    for (std::size_t r = 0; r < R; ++r) replicate_index[r] = static_cast<std::uint32_t>(r);
    h5::dataset(f, "replicate", H5T_NATIVE_UINT32, {R}, replicate_index, "1",
                "replicate number (the same random streams at every point: common random numbers)");
    h5::dataset(f, "year", H5T_NATIVE_INT32, {Y}, info.years, "calendar year", "assessment year (December)");
    Handle parameter_scale = scale(f, "parameter"), point_scale = scale(f, "point"),
           replicate_scale = scale(f, "replicate"), year_scale = scale(f, "year");

    Handle d = h5::group(f, "design");
    h5::attr_string(d, "kind", std::string(kDesignNames[int(spec.design)]));
    std::vector<double> values(P * k);
    std::vector<std::string> text(P * k);
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t j = 0; j < k; ++j) {
        values[p * k + j] = spec.parameters[j].number_at(design.unit[p * k + j]);
        text[p * k + j] = spec.parameters[j].value_at(design.unit[p * k + j]);
      }
    h5::dataset(d, "values", H5T_NATIVE_DOUBLE, {P, k}, values, "parameter units",
                "each point's parameter values (NaN for a listed value that is not a number: see value_text)");
    attach(d, "values", {point_scale, parameter_scale});
    h5::dataset(d, "unit", H5T_NATIVE_DOUBLE, {P, k}, design.unit, "1",
                "each point's coordinates in the unit cube [0, 1]^k, which the parameters' ranges map to values");
    attach(d, "unit", {point_scale, parameter_scale});
    strings_2d(d, "value_text", P, k, text, "each point's parameter values as given to the scenario (--set text)");
    std::vector<double> lower(k), upper(k);
    std::vector<std::uint8_t> log_scale(k);
    std::vector<std::string> kinds(k);
    for (std::size_t j = 0; j < k; ++j) {
      const auto& p = spec.parameters[j];
      lower[j] = p.is_range ? p.lower : std::nan("");
      upper[j] = p.is_range ? p.upper : std::nan("");
      log_scale[j] = p.log;
      kinds[j] = p.is_range ? "range" : "values";
    }
    h5::dataset(d, "lower", H5T_NATIVE_DOUBLE, {k}, lower, "parameter units", "lower end of each range (NaN: values)");
    h5::dataset(d, "upper", H5T_NATIVE_DOUBLE, {k}, upper, "parameter units", "upper end of each range (NaN: values)");
    h5::dataset(d, "log", H5T_NATIVE_UINT8, {k}, log_scale, "1", "1 where the range is sampled uniformly in log(value)");
    h5::string_dataset(d, "parameter_kind", kinds, "range or values");
    for (const char* name : {"lower", "upper", "log", "parameter_kind"}) attach(d, name, {parameter_scale});

    switch (design.kind) {
      case DesignKind::grid:
        h5::dataset(d, "levels", H5T_NATIVE_INT32, {k}, design.grid_levels, "1", "levels of each parameter (row-major grid, the last parameter fastest)");
        attach(d, "levels", {parameter_scale});
        break;
      case DesignKind::latin_hypercube: break;
      case DesignKind::saltelli: {
        h5::attr_scalar<std::uint64_t>(d, "N", H5T_NATIVE_UINT64, design.base_rows);
        h5::attr_scalar<std::uint64_t>(d, "k", H5T_NATIVE_UINT64, k);
        h5::attr_string(d, "matrix_codes", "0: A, 1: B, 2 + j: AB_j (A with column j from B)");
        h5::dataset(d, "matrix", H5T_NATIVE_INT32, {P}, design.matrix, "1", "which matrix the point is a row of: 0 A, 1 B, 2 + j AB_j");
        h5::dataset(d, "base_row", H5T_NATIVE_INT32, {P}, design.base_row, "1", "the base row i (0 .. N-1) the point belongs to");
        attach(d, "matrix", {point_scale});
        attach(d, "base_row", {point_scale});
        // The same as index lists: point numbers of A's, B's and each AB_j's rows, by base row.
        const std::size_t N = design.base_rows, block = k + 2;
        std::vector<std::uint64_t> a(N), b(N), ab(k * N);
        for (std::size_t i = 0; i < N; ++i) {
          a[i] = i * block;
          b[i] = i * block + block - 1;
          for (std::size_t j = 0; j < k; ++j) ab[j * N + i] = i * block + 1 + j;
        }
        h5::dataset(d, "A", H5T_NATIVE_UINT64, {N}, a, "1", "point number of row i of matrix A");
        h5::dataset(d, "B", H5T_NATIVE_UINT64, {N}, b, "1", "point number of row i of matrix B");
        h5::dataset(d, "AB", H5T_NATIVE_UINT64, {k, N}, ab, "1", "point number of row i of matrix AB_j, [k, N]");
        break;
      }
      case DesignKind::morris:
        h5::attr_scalar<std::uint64_t>(d, "trajectories", H5T_NATIVE_UINT64, spec.samples);
        h5::attr_scalar<std::int32_t>(d, "levels", H5T_NATIVE_INT32, design.levels);
        h5::attr_scalar<double>(d, "delta", H5T_NATIVE_DOUBLE, design.delta);
        h5::dataset(d, "trajectory", H5T_NATIVE_INT32, {P}, design.trajectory, "1", "the trajectory (0 .. r-1) of each point");
        h5::dataset(d, "changed_parameter", H5T_NATIVE_INT32, {P}, design.changed, "1",
                    "the parameter moved by +-delta (unit scale) from the trajectory's previous point; -1 for its first point");
        attach(d, "trajectory", {point_scale});
        attach(d, "changed_parameter", {point_scale});
        break;
    }

    // The outputs: a point's log record holds them one after another, each [R, Y] or [R].
    Handle o = h5::group(f, "outputs");
    std::size_t offset = 0;
    for (const auto& name : spec.outputs) {
      const SweepOutputDef& def = *find_sweep_output(name);
      const std::size_t per_replicate = def.per_year ? Y : 1;
      const std::size_t width = R * per_replicate;
      std::vector<double> data(P * width);
      for (std::size_t p = 0; p < P; ++p) std::memcpy(data.data() + p * width, log.values(p) + offset, width * sizeof(double));
      offset += width;
      std::vector<hsize_t> dims = {P, R};
      std::vector<hid_t> scales = {point_scale, replicate_scale};
      if (def.per_year) dims.push_back(Y), scales.push_back(year_scale);
      h5::dataset(o, def.name, H5T_NATIVE_DOUBLE, dims, data, def.units, def.description);
      attach(o, def.name, scales);
    }
  } catch (const h5::WriteError& e) {
    throw std::runtime_error(e.naming(path));
  }
  file.commit();
}

std::string sweep_digest_of(const std::string& path) { return h5::read_root_text_attribute(path, "sweep_digest"); }

}  // namespace povsim

#include "sim/cli/sweep_command.hpp"

#include <hdf5.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <ostream>
#include <thread>

#include "sim/batch/batch_runner.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/command_support.hpp"
#include "sim/config/params.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/hdf5_output.hpp"
#include "sim/output/json_text.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_file.hpp"
#include "sim/sweep/sweep_results.hpp"
#include "sim/sweep/sweep_store.hpp"
#include "sim/version.hpp"

namespace povsim {

namespace {

constexpr const char* kSweepHelp = R"(Usage: povsim sweep SWEEP.yaml [options]

Runs a base scenario at every point of a design over some of its parameters - a grid, a Latin
hypercube, Saltelli's matrices for Sobol indices or Morris trajectories - each point with the same
replicates (common random numbers), and writes the design and each point's outputs per replicate
(and year) to one HDF5 file. The sweep file format is in docs/sweeps.md; sensitivity indices come
from analysis/sensitivity.py.

Completed points are kept in OUT.partial as they finish: rerunning the same command after an
interruption (a signal, kill -9, a crash) skips them and runs the rest, with results bit-identical
to an uninterrupted sweep. The final file is written atomically, then OUT.partial is removed.

Options:
  --out FILE      sweep results (default: SWEEP's name with .h5, in the current directory)
  --threads N     worker threads, 1 to 1024 (default: all cores); results do not depend on N
  --json          print one JSON summary on stdout (and nothing else there)
  --quiet         no progress on stderr
  -h, --help      this help

Exit status: 0 success, 1 run-time failure (I/O, memory), 2 bad usage or invalid input (nothing
written), 75 stopped by a signal (completed points kept for a rerun).
)";

using Clock = std::chrono::steady_clock;

std::string mib(std::size_t bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << double(bytes) / (1 << 20) << " MiB";
  return s.str();
}

// A whole dataset as doubles (for the summary of a sweep found complete).
std::vector<double> read_doubles(const std::string& file, const std::string& path) {
  std::vector<double> out;
  H5E_BEGIN_TRY {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f >= 0) {
      const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
      if (ds >= 0) {
        const hid_t space = H5Dget_space(ds);
        out.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
        if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) out.clear();
        H5Sclose(space);
        H5Dclose(ds);
      }
      H5Fclose(f);
    }
  }
  H5E_END_TRY;
  return out;
}

struct Sizes {
  std::size_t values_per_point = 0;  // doubles per point over every output
  std::size_t output_bytes = 0;      // final file, about
  std::size_t log_bytes = 0;         // resume log, about
  std::size_t peak_memory = 0;       // about
  std::size_t population_bytes = 0, results_bytes = 0;
  std::size_t chunk_points = 1;      // points per call of the batch runner
};

// What the sweep needs, estimated before anything runs. Memory: the outputs of every point (held
// until the final file is written, twice while it is), the design, the population copies the
// runner holds (one per running job plus the shared one; one per point of a call when the swept
// parameters change the population), and the full results of the points of one runner call.
Sizes estimate_sizes(const SweepSpec& spec, const Scenario& base, std::size_t points, std::size_t years, int threads,
                     bool population_per_point) {
  Sizes s;
  for (const auto& name : spec.outputs) s.values_per_point += spec.replicates * (find_sweep_output(name)->per_year ? years : 1);
  const std::size_t k = spec.parameters.size();
  const std::size_t design_bytes = points * k * (8 + 8 + 48);  // values, unit, value text (about 48 bytes a string)
  s.output_bytes = points * s.values_per_point * 8 + design_bytes + (std::size_t(1) << 20);  // + HDF5 metadata, about
  s.log_bytes = 256 + points * (16 + 8 * s.values_per_point);
  const std::size_t one_population =
      estimate_run_bytes(base.population->households(), base.population->persons_per_household(), base.layout.columns);
  const std::size_t per_point_results = estimate_results_bytes(spec.replicates, years);
  // Points per runner call (judgement): enough that the threads rarely wait for a call's last jobs,
  // few enough that one call's full results stay near 256 MiB (and its populations, when each
  // point has its own, near 1 GiB).
  const std::size_t budget = std::size_t(256) << 20;
  s.chunk_points = std::max<std::size_t>(1, budget / std::max<std::size_t>(1, per_point_results));
  if (population_per_point)
    s.chunk_points = std::min(s.chunk_points, std::max<std::size_t>(1, (std::size_t(1) << 30) / std::max<std::size_t>(1, one_population)));
  s.chunk_points = std::min({s.chunk_points, points, std::size_t(4096)});
  s.population_bytes = one_population * (std::size_t(threads) + 1 + (population_per_point ? s.chunk_points : 0));
  s.results_bytes = per_point_results * s.chunk_points;
  s.peak_memory = 2 * points * s.values_per_point * 8 + design_bytes + s.population_bytes + s.results_bytes;
  return s;
}

std::string json_mean_of(const std::vector<double>& data, std::size_t points, std::size_t replicates, std::size_t years,
                         bool per_year) {
  // Mean over points of each point's mean over replicates; a list over years for per-year outputs.
  const std::size_t width = per_year ? years : 1;
  if (data.size() != points * replicates * width) return "null";
  std::vector<double> mean(width, 0.0);
  for (std::size_t p = 0; p < points; ++p)
    for (std::size_t r = 0; r < replicates; ++r)
      for (std::size_t y = 0; y < width; ++y) mean[y] += data[(p * replicates + r) * width + y];
  std::string s = per_year ? "[" : "";
  for (std::size_t y = 0; y < width; ++y)
    s += (y ? ", " : "") + json_number(mean[y] / double(points * replicates));
  return per_year ? s + "]" : s;
}

}  // namespace

int command_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const Processes& processes) {
  const auto t0 = Clock::now();
  std::string out_path, threads_text;
  int threads = 0;
  bool json = false, quiet = false;
  CLI::App app;
  std::vector<std::string> files;
  app.add_option("files", files);
  value_option(app, "--out", out_path);
  value_option(app, "--threads", threads_text);
  app.add_flag("--json", json);
  app.add_flag("--quiet", quiet);
  if (!parse_command_line(app, args, "sweep")) {
    out << kSweepHelp;
    return 0;
  }
  if (app.count("--out") > 0 && out_path.empty()) throw UsageError("sweep: --out: expected a file name, got ''");
  if (app.count("--threads") > 0) threads = parse_threads(threads_text);
  if (files.size() > 1) throw UsageError("sweep: unexpected argument '" + files[1] + "': one sweep file");
  if (files.empty()) throw UsageError("sweep: missing the sweep file (see povsim sweep --help)");
  const std::string file = files.front();
  if (out_path.empty()) out_path = default_output_for(file, ".h5");
  const std::string log_path = out_path + ".partial";

  // Everything checked before anything is written.
  const SweepSpec spec = load_sweep(file);
  const ModelRegistry registry = make_default_registry();
  BatchScenario base_file = load_batch_scenario(spec.scenario, spec.set);
  std::vector<std::string> base_overrides = spec.set;
  base_overrides.push_back("replicates=" + std::to_string(spec.replicates));
  const Scenario base = build_scenario(base_file.tree, spec.scenario, base_overrides, registry);
  check_parameters(spec, base_file.tree, base_overrides, base.resolved_yaml, registry);
  const std::uint64_t count = design_point_count(spec);
  if (count > kMaxSweepPoints)
    throw ConfigError(spec.mark.str() + ": design: more than " + std::to_string(kMaxSweepPoints) +
                      " points; expected at most that (fewer samples or levels)");
  const std::size_t P = static_cast<std::size_t>(count), k = spec.parameters.size(), R = spec.replicates;
  std::vector<int> years;
  for (int y = base.run.horizon.start.year(); y <= base.run.horizon.end.year(); ++y) years.push_back(y);
  const std::size_t Y = years.size();
  const int resolved_threads = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool population_per_point = false;
  for (const auto& p : spec.parameters)
    if (p.path == "seed" || p.path.rfind("population.", 0) == 0) population_per_point = true;
  const Sizes sizes = estimate_sizes(spec, base, P, Y, resolved_threads, population_per_point);
  if (const auto limit = memory_limit(); limit && sizes.peak_memory > limit->bytes)
    throw ConfigError(file + ": the design's " + std::to_string(P) + " points x " + std::to_string(R) +
                      " replicates need about " + gib(sizes.peak_memory) + " of memory at peak (outputs " +
                      gib(2 * P * sizes.values_per_point * 8) + ", populations " + gib(sizes.population_bytes) +
                      ", results in flight " + gib(sizes.results_bytes) + ") but only " + gib(limit->bytes) +
                      " is available (" + limit->source + "); use fewer samples, replicates, outputs or households");
  {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(out_path).parent_path().empty() ? fs::path(".") : fs::path(out_path).parent_path();
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) == 0) {
      const std::size_t free_bytes = std::size_t(st.f_bavail) * st.f_frsize;
      const std::size_t needed = sizes.output_bytes * 2 + sizes.log_bytes;  // final file, its temporary copy, the log
      if (needed > free_bytes)
        throw ConfigError(file + ": the design's " + std::to_string(P) + " points x " + std::to_string(R) +
                          " replicates need about " + mib(needed) + " on disk (the results file, written via a "
                          "temporary copy, and the resume log) but only " + mib(free_bytes) + " is free in " +
                          dir.string() + "; use fewer samples, replicates or outputs, or another --out");
    }
  }

  const SweepDesign design = make_design(spec);

  // A point's overrides, as the batch runner takes them (made per runner call: a large design's
  // settings as strings would take far more memory than its coordinates).
  auto point_at = [&](std::size_t p) {
    ParameterPoint point;
    for (std::size_t j = 0; j < k; ++j)
      point.push_back(ParameterSetting{spec.parameters[j].path, spec.parameters[j].value_at(design.unit[p * k + j])});
    return point;
  };
  // What fixes the output's contents: the program, the sweep as parsed, the base scenario resolved
  // and every point's settings (hashed point by point, FNV-1a as inputs_digest). --threads and
  // --out do not.
  std::uint64_t design_hash = 14695981039346656037ull;
  for (std::size_t p = 0; p < P; ++p)
    for (const auto& setting : point_at(p))
      for (const unsigned char c : setting.assignment() + ";") design_hash = (design_hash ^ c) * 1099511628211ull;
  const std::string digest = inputs_digest("povsim-sweep 1\n" + std::string(kVersion) + "\n" + spec.canonical + "\n---\n" +
                                           base.resolved_yaml + "\n---\npoints " + std::to_string(P) + ", settings " +
                                           std::to_string(design_hash) + "\n");

  // An output already there: the same sweep's is complete; anything else is not replaced.
  std::error_code ec;
  if (std::filesystem::exists(out_path, ec)) {
    const std::string previous = sweep_digest_of(out_path);
    if (previous != digest)
      throw ConfigError(out_path + (previous.empty() ? " exists and is not a povsim sweep file"
                                                     : " holds the results of another sweep (digest " + previous +
                                                           ", this one's is " + digest + ")") +
                        "; remove it or choose another --out");
    if (std::filesystem::exists(log_path, ec)) std::filesystem::remove(log_path, ec);  // left by a stop after the rename
    if (!quiet) err << "sweep: " << out_path << " already holds this sweep, complete; nothing to run\n";
  }

  std::size_t resumed = P;
  if (!std::filesystem::exists(out_path, ec)) {
    // A stop signal ends the sweep at once (jobs cannot stop mid-run), removing the temporary files;
    // the points completed so far stay in the log.
    // Under MPI rank 0 alone keeps the log and writes the file; every rank learns which points are
    // left from it.
    const bool writes = writes_output(processes);
    const StopSignals signals(writes ? h5::AtomicFile::temp_path_for(out_path) : "",
                              writes ? log_path + ".tmp." + std::to_string(getpid()) : "", true);
    std::optional<PartialLog> log;
    const std::string done_flags = on_rank0(processes, [&] {
      { h5::AtomicFile check(out_path); }  // an unwritable destination fails before any run
      log.emplace(log_path, digest, sizes.values_per_point, P);
      std::string flags(P, '0');
      for (std::size_t p = 0; p < P; ++p)
        if (log->done(p)) flags[p] = '1';
      return flags;
    });
    resumed = static_cast<std::size_t>(std::count(done_flags.begin(), done_flags.end(), '1'));
    if (!quiet) {
      err << "sweep: " << kDesignNames[int(spec.design)] << ", " << P << " points x " << R << " replicate(s), "
          << base.population->households() << " households, " << base.run.horizon.start.str() << " to "
          << base.run.horizon.end.str() << "; completed points are kept in " << log_path
          << " (if stopped, rerun the same command to resume)\n";
      if (resumed > 0) err << "sweep: resuming: " << resumed << " of " << P << " points already done\n";
    }

    std::vector<std::size_t> todo;
    for (std::size_t p = 0; p < P; ++p)
      if (done_flags[p] == '0') todo.push_back(p);
    BatchOptions options;
    options.threads = threads;
    options.replicates = spec.replicates;
    options.distributor = processes.jobs;  // under MPI: the points shared out over the ranks
    ProgressBar bar(err, !quiet && isatty(STDERR_FILENO), "points");
    std::size_t next_report = 1;  // without a terminal: one line per tenth of the points
    std::vector<std::size_t> chunk;
    options.on_point_done = [&](std::size_t index, const PointResults& results) {
      const ResultArrays arrays = results.arrays();
      std::vector<double> values;
      values.reserve(sizes.values_per_point);
      for (const auto& name : spec.outputs) {
        const std::vector<double> v = sweep_output_values(*find_sweep_output(name), arrays);
        values.insert(values.end(), v.begin(), v.end());
      }
      log->append(chunk[index], values);  // on rank 0, which receives every point
      const std::size_t done = log->done_count();
      if (quiet) return;
      if (isatty(STDERR_FILENO)) {
        bar(long(done), long(P));
      } else if (done * 10 >= next_report * P || done == P) {
        err << "sweep: " << done << "/" << P << " points, "
            << std::fixed << std::setprecision(1) << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n"
            << std::defaultfloat;
        while (next_report * P <= done * 10) ++next_report;
      }
    };
    BatchRunner runner(base_file, registry, options);
    // Every rank runs the same chunks (each runner call is collective under MPI): rank 0's size.
    const std::size_t chunk_points = std::stoull(on_rank0(processes, [&] { return std::to_string(sizes.chunk_points); }));
    for (std::size_t start = 0; start < todo.size(); start += chunk_points) {
      chunk.assign(todo.begin() + std::ptrdiff_t(start),
                   todo.begin() + std::ptrdiff_t(std::min(todo.size(), start + chunk_points)));
      std::vector<ParameterPoint> batch;
      for (std::size_t p : chunk) batch.push_back(point_at(p));
      (void)runner.run(batch);
    }

    if (!writes) return 0;
    SweepFileInfo info{kVersion, digest, base.resolved_yaml, base.run.seed, base.population->households(), years};
    write_sweep_h5(out_path, spec, design, *log, info);
    log->remove();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  if (json) {
    out << "{\"format\": \"povsim-sweep-json 1\", \"out\": " << json_string(out_path)
        << ", \"sweep_file\": " << json_string(file) << ", \"design\": " << json_string(std::string(kDesignNames[int(spec.design)]))
        << ", \"points\": " << P << ", \"replicates\": " << R << ", \"resumed_points\": " << resumed
        << ", \"households\": " << base.population->households() << ", \"parameters\": [";
    for (std::size_t j = 0; j < k; ++j) out << (j ? ", " : "") << json_string(spec.parameters[j].path);
    out << "], \"years\": [";
    for (std::size_t y = 0; y < Y; ++y) out << (y ? ", " : "") << years[y];
    out << "], \"wall_seconds\": " << json_number(seconds) << ", \"digest\": " << json_string(digest)
        << ", \"mean_over_points\": {";
    for (std::size_t o = 0; o < spec.outputs.size(); ++o) {
      const SweepOutputDef& def = *find_sweep_output(spec.outputs[o]);
      out << (o ? ", " : "") << json_string(def.name) << ": "
          << json_mean_of(read_doubles(out_path, std::string("outputs/") + def.name), P, R, Y, def.per_year);
    }
    out << "}}\n";
    return 0;
  }
  out << "povsim " << kVersion << " sweep " << file << ": " << kDesignNames[int(spec.design)] << ", " << P
      << " points x " << R << " replicate(s)" << (resumed > 0 && resumed < P ? " (" + std::to_string(resumed) + " resumed)" : "")
      << ", " << std::fixed << std::setprecision(1) << seconds << " s\nwrote " << out_path << "\n";
  return 0;
}

}  // namespace povsim

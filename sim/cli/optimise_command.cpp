#include "sim/cli/optimise_command.hpp"

#include <iomanip>
#include <ostream>

#include "sim/cli/command_line.hpp"
#include "sim/cli/command_support.hpp"
#include "sim/config/params.hpp"
#include "sim/optimise/optimise.hpp"
#include "sim/optimise/optimise_output.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/version.hpp"

namespace povsim {

namespace {

constexpr const char* kOptimiseHelp = R"(Usage: povsim optimise OPTIMISE.yaml [options]

Finds the cheapest mix of policy levers that meets a target on a results measure, e.g. "the
cumulative return rate by 2030 at most 80 % of the base scenario's". Every candidate runs the
same replicates (common random numbers); NLopt (COBYLA by default) minimises the fiscal cost over
the horizon subject to the target's upper one-sided confidence bound (the target is noisy: a
candidate that meets it only in the mean does not count). The answer is then re-estimated on
fresh replicates the search did not see. The file format is in docs/optimise.md.

Writes OUT.h5 (atomically): every candidate (levers, cost, measure, feasible, on the cost-measure
frontier), the answer and the base with intervals on the search and the fresh replicates.
Progress goes to stderr.

Options:
  --out FILE     results (default: OPTIMISE's name with .h5, in the current directory)
  --threads N    worker threads, 1 to 1024 (default: all cores); results do not depend on N
  --json         print one JSON document on stdout (and nothing else there)
  --quiet        no progress on stderr
  -h, --help     this help

Exit status: 0 (also when no candidate meets the target: the output says so, "found": false),
1 run-time failure, 2 bad usage or invalid input.
)";

[[noreturn]] void usage(const std::string& message) { throw ConfigError("optimise: " + message); }

}  // namespace

int command_optimise(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Processes& processes) {
  std::string h5_path, threads_text;
  int threads = 0;
  bool json = false, quiet = false;
  CLI::App app;
  std::vector<std::string> files;
  app.add_option("files", files);
  value_option(app, "--out", h5_path);
  value_option(app, "--threads", threads_text);
  app.add_flag("--json", json);
  app.add_flag("--quiet", quiet);
  if (!parse_command_line(app, args, "optimise")) {
    out << kOptimiseHelp;
    return 0;
  }
  if (app.count("--out") > 0 && h5_path.empty()) usage("--out: expected a file name, got ''");
  if (app.count("--threads") > 0) threads = parse_threads(threads_text);
  if (files.size() > 1) usage("unexpected argument '" + files[1] + "': one optimise file");
  if (files.empty()) usage("missing the optimise file (see povsim optimise --help)");
  const std::string& file = files.front();
  if (h5_path.empty()) h5_path = default_output_for(file, ".h5");

  const OptimiseSpec spec = load_optimise(file);
  const ModelRegistry registry = make_default_registry();
  on_rank0(processes, [&] {  // an unwritable destination fails before any run
    { h5::AtomicFile check(h5_path); }
    return std::string();
  });

  OptimiseOptions options;
  options.threads = threads;
  options.distributor = processes.jobs;  // under MPI: the runs shared out over the ranks
  if (!quiet) {
    options.on_candidate = [&](int k, int n, const Candidate& c) {
      err << "optimise: candidate " << k << "/" << n << ": cost " << std::fixed << std::setprecision(2) << c.cost * 1e-9
          << " bn yuan, measure " << std::setprecision(5) << c.measure << std::defaultfloat
          << (c.feasible ? " (meets the target)" : "") << " at";
      for (std::size_t j = 0; j < c.levers.size(); ++j)
        err << (j ? ", " : " ") << spec.levers[j].path << "=" << spec.levers[j].text(c.levers[j]);
      err << "\n";
    };
    options.on_confirm = [&](std::uint32_t replicates) {
      err << "optimise: re-estimating the answer and the base on " << replicates << " fresh replicates\n";
    };
  }
  const OptimiseResult result = optimise(spec, registry, options);
  if (!writes_output(processes)) return 0;  // rank 0 writes the file
  try {
    write_optimise_h5(h5_path, spec, result, OptimiseInfo{kVersion, threads});
  } catch (const h5::WriteError& e) {
    throw std::runtime_error(e.naming(h5_path));  // name the target, not the temporary file
  }
  if (json) {
    print_optimise_json(out, spec, result, h5_path);
    return 0;
  }
  out << "povsim " << kVersion << " optimise " << file << "\n";
  print_optimise_summary(out, spec, result, h5_path);
  return 0;
}

}  // namespace povsim

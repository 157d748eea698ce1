#include "sim/cli/calibrate_command.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/command_support.hpp"

#include <charconv>
#include <iomanip>
#include <optional>
#include <ostream>

#include "sim/calibration/calibrate.hpp"
#include "sim/calibration/calibration_output.hpp"
#include "sim/config/params.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/version.hpp"

namespace povsim {

namespace {

constexpr const char* kCalibrateHelp = R"(Usage: povsim calibrate CALIBRATION.yaml [options]

Fits the calibration file's free parameters to its observed moments by the simulated method of
moments: every candidate point runs the same replicates (common random numbers) on a population
of the file's size; NLopt minimises the sum over moments of weight * ((simulated - observed) /
tolerance)^2. Then the Jacobian of the moments at the estimate (central differences) gives
standard errors. The file format is in docs/calibration.md.

Writes OUT.h5 (atomically; layout in docs/output.md) and the report OUT.md beside it; progress
goes to stderr.

Options:
  --out FILE             calibration results (default: CALIBRATION's name with .h5, in the
                         current directory); the Markdown report is FILE with .md
  --threads N            worker threads, 1 to 1024 (default: all cores); results do not
                         depend on N
  --write-scenario FILE  also write the resolved scenario at the estimate as YAML, to rerun it
                         with povsim run
  --json                 print a JSON summary on stdout (and nothing else there)
  --quiet                no progress on stderr
  -h, --help             this help
)";

[[noreturn]] void usage(const std::string& message) { throw ConfigError("calibrate: " + message); }

}  // namespace

int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      const Processes& processes) {
  std::string file, h5_path, scenario_out, threads_text;
  int threads = 0;
  bool json = false, quiet = false;
  CLI::App app;
  std::vector<std::string> files;
  app.add_option("files", files);
  value_option(app, "--out", h5_path);
  value_option(app, "--threads", threads_text);
  value_option(app, "--write-scenario", scenario_out);
  app.add_flag("--json", json);
  app.add_flag("--quiet", quiet);
  if (!parse_command_line(app, args, "calibrate")) {
    out << kCalibrateHelp;
    return 0;
  }
  if (app.count("--out") > 0 && h5_path.empty()) usage("--out: expected a file name, got ''");
  if (app.count("--threads") > 0) threads = parse_threads(threads_text);
  if (files.size() > 1) usage("unexpected argument '" + files[1] + "': one calibration file");
  if (!files.empty()) file = files.front();
  if (file.empty()) usage("missing the calibration file (see povsim calibrate --help)");
  if (h5_path.empty()) h5_path = default_output_for(file, ".h5");
  const std::string md_path = with_extension(h5_path, ".md");

  const CalibrationSpec spec = load_calibration(file);
  const ModelRegistry registry = make_default_registry();
  on_rank0(processes, [&] {  // an unwritable destination fails before any run
    { h5::AtomicFile check(h5_path); }
    return std::string();
  });

  CalibrationOptions options;
  options.threads = threads;
  options.distributor = processes.jobs;  // under MPI: the runs shared out over the ranks
  if (!quiet) {
    options.on_evaluation = [&](int k, int n, const std::vector<double>& theta, double objective, double best,
                                double seconds) {
      err << "calibrate: evaluation " << k << "/" << n << ": objective " << std::setprecision(6) << objective
          << " (best " << best << ") at";
      for (std::size_t j = 0; j < theta.size(); ++j)
        err << (j ? ", " : " ") << spec.parameters[j].path << "=" << format_number(theta[j]);
      err << "; " << std::fixed << std::setprecision(2) << seconds << " s\n" << std::defaultfloat;
    };
    options.on_jacobian = [&](std::size_t points) {
      err << "calibrate: standard errors: " << points << " points x " << spec.replicates << " replicates\n";
    };
  }
  const CalibrationResult result = calibrate(spec, registry, options);
  if (!writes_output(processes)) return 0;  // rank 0 writes the files

  const CalibrationInfo info{kVersion, threads};
  try {
    write_calibration_h5(h5_path, spec, result, info);
  } catch (const h5::WriteError& e) {
    throw std::runtime_error(e.naming(h5_path));  // name the target, not the temporary file
  }
  write_text_atomically(md_path, calibration_markdown(spec, result, info, h5_path));
  if (!scenario_out.empty())
    write_text_atomically(scenario_out, "# povsim calibrate " + file + ": the resolved scenario at the estimate\n" +
                                            result.resolved_yaml);
  if (json) {
    print_calibration_json(out, spec, result, h5_path);
    return 0;
  }
  out << "povsim " << kVersion << " calibrate " << file << ": " << result.history.size() << " evaluations, "
      << std::fixed << std::setprecision(1) << result.seconds << " s; stopped: " << result.stop_reason
      << "; objective " << std::defaultfloat << std::setprecision(6) << result.objective << "\n";
  for (std::size_t j = 0; j < spec.parameters.size(); ++j)
    out << "  " << spec.parameters[j].path << " = " << std::setprecision(6) << result.estimate[j] << " ± "
        << result.standard_error[j] << (result.identified[j] ? "" : "  (not identified)") << "\n";
  for (std::size_t i = 0; i < spec.moments.size(); ++i)
    out << "  moment " << spec.moments[i].name << ": observed " << spec.moments[i].value << ", simulated "
        << result.simulated[i] << ", contribution " << result.contribution[i] << "\n";
  out << "wrote " << h5_path << ", " << md_path << (scenario_out.empty() ? "" : ", " + scenario_out) << "\n";
  return 0;
}

}  // namespace povsim

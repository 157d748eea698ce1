#include "sim/calibration/calibration_output.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "sim/config/params.hpp"
#include "sim/output/hdf5_file.hpp"
#include "sim/output/json_text.hpp"

namespace povsim {

namespace {

using namespace h5;

std::vector<double> column(const std::vector<ParameterSpec>& ps, double ParameterSpec::*field) {
  std::vector<double> out;
  for (const auto& p : ps) out.push_back(p.*field);
  return out;
}

std::string number(double v, int precision = 6) {
  if (std::isnan(v)) return "n/a";
  std::ostringstream s;
  s << std::setprecision(precision) << v;
  return s.str();
}

std::string describe(const DatasetRef& ref) {
  std::ostringstream s;  // a stream, not string sums: GCC 12 warns falsely (-Wrestrict) on " " + string
  s << ref.dataset;
  if (!ref.category.empty()) s << "[" << ref.category << "]";
  s << " " << ref.first_year;
  if (ref.first_year != ref.last_year)
    s << "-" << ref.last_year << " (" << kReduceNames[static_cast<int>(ref.reduce)] << ")";
  return s.str();
}

std::string model_text(const MomentSpec& m) {
  std::string s = describe(m.numerator);
  if (m.denominator) s += " / " + describe(*m.denominator);
  if (m.scale != 1) s = format_number(m.scale) + " × " + s;
  return s;
}

std::string markdown_cell(std::string s) {
  for (auto& c : s)
    if (c == '|' || c == '\n') c = ' ';
  return s;
}

}  // namespace

void write_calibration_h5(const std::string& path, const CalibrationSpec& spec, const CalibrationResult& res,
                          const CalibrationInfo& info) {
  AtomicFile file(path);
  const hid_t f = file.id();
  const std::size_t P = spec.parameters.size(), M = spec.moments.size(), N = res.history.size();
  const std::size_t R = res.moments_by_replicate.size();
  attr_string(f, "povsim_version", info.version);
  attr_string(f, "format", "povsim-calibration 1 (docs/output.md)");
  attr_string(f, "calibration_file", spec.file);
  attr_string(f, "calibration_yaml", spec.text);
  attr_string(f, "scenario_file", spec.scenario);
  attr_string(f, "scenario_yaml", res.resolved_yaml);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, spec.households);
  attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, spec.replicates);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, res.seed);
  attr_string(f, "seeds", "replicates 0.." + std::to_string(spec.replicates - 1) + " of seed " +
                              std::to_string(res.seed) + " at every point (common random numbers)");
  attr_string(f, "optimiser", spec.optimiser);
  attr_string(f, "stop_reason", res.stop_reason);
  attr_scalar<double>(f, "objective", H5T_NATIVE_DOUBLE, res.objective);
  attr_scalar<std::int32_t>(f, "evaluations", H5T_NATIVE_INT32, static_cast<std::int32_t>(N));
  attr_scalar<std::int32_t>(f, "threads", H5T_NATIVE_INT32, info.threads);
  attr_scalar<double>(f, "seconds", H5T_NATIVE_DOUBLE, res.seconds);

  {
    Handle g = group(f, "parameters");
    std::vector<std::string> names;
    for (const auto& p : spec.parameters) names.push_back(p.path);
    string_dataset(g, "names", names, "scenario path of each free parameter");
    dataset(g, "estimate", H5T_NATIVE_DOUBLE, {P}, res.estimate, "parameter units", "value at the lowest objective found");
    dataset(g, "standard_error", H5T_NATIVE_DOUBLE, {P}, res.standard_error, "parameter units",
            "sandwich standard error of the simulated method of moments (docs/calibration.md); NaN if not identified");
    std::vector<std::int32_t> identified(res.identified.begin(), res.identified.end());
    dataset(g, "identified", H5T_NATIVE_INT32, {P}, identified, "1 or 0",
            "0: the moments do not respond to this parameter at the estimate (singular G'WG)");
    dataset(g, "lower", H5T_NATIVE_DOUBLE, {P}, column(spec.parameters, &ParameterSpec::lower), "parameter units", "lower bound");
    dataset(g, "upper", H5T_NATIVE_DOUBLE, {P}, column(spec.parameters, &ParameterSpec::upper), "parameter units", "upper bound");
    dataset(g, "start", H5T_NATIVE_DOUBLE, {P}, column(spec.parameters, &ParameterSpec::start), "parameter units", "start value");
    std::vector<double> cov;
    for (const auto& row : res.covariance) cov.insert(cov.end(), row.begin(), row.end());
    dataset(g, "covariance", H5T_NATIVE_DOUBLE, {P, P}, cov, "parameter units squared", "covariance of the estimates");
  }
  {
    Handle g = group(f, "moments");
    std::vector<std::string> names, kinds, sources, periods, models;
    std::vector<double> observed, tolerance, weight;
    for (const auto& m : spec.moments) {
      names.push_back(m.name), kinds.push_back(std::string(kMomentKindNames[static_cast<int>(m.kind)]));
      sources.push_back(m.source), periods.push_back(m.period), models.push_back(model_text(m));
      observed.push_back(m.value), tolerance.push_back(m.tolerance), weight.push_back(m.weight);
    }
    string_dataset(g, "names", names, "moment names");
    dataset(g, "observed", H5T_NATIVE_DOUBLE, {M}, observed, "moment units", "observed value (the record)");
    dataset(g, "simulated", H5T_NATIVE_DOUBLE, {M}, res.simulated, "moment units", "mean over replicates at the estimate");
    dataset(g, "simulated_sd", H5T_NATIVE_DOUBLE, {M}, res.simulated_sd, "moment units",
            "standard deviation across replicates at the estimate (NaN with one replicate)");
    dataset(g, "tolerance", H5T_NATIVE_DOUBLE, {M}, tolerance, "moment units", "scale of an acceptable distance");
    dataset(g, "weight", H5T_NATIVE_DOUBLE, {M}, weight, "1", "weight of the moment's term");
    string_dataset(g, "kind", kinds, "target, at_most or at_least (one-sided)");
    dataset(g, "contribution", H5T_NATIVE_DOUBLE, {M}, res.contribution, "1",
            "weight * ((simulated - observed) / tolerance)^2 (one-sided: only when violated); sums to the objective");
    string_dataset(g, "source", sources, "source of the observed value");
    string_dataset(g, "period", periods, "period of the observed value");
    string_dataset(g, "model", models, "how the model computes the moment from its results");
    std::vector<double> by_rep, jac;
    for (const auto& row : res.moments_by_replicate) by_rep.insert(by_rep.end(), row.begin(), row.end());
    for (const auto& row : res.jacobian) jac.insert(jac.end(), row.begin(), row.end());
    dataset(g, "by_replicate", H5T_NATIVE_DOUBLE, {R, M}, by_rep, "moment units", "each replicate's moments at the estimate");
    dataset(g, "jacobian", H5T_NATIVE_DOUBLE, {M, P}, jac, "moment units per parameter unit",
            "d simulated moment / d parameter at the estimate, central differences");
  }
  {
    Handle g = group(f, "history");
    std::vector<double> params, objective;
    for (const auto& e : res.history) {
      params.insert(params.end(), e.parameters.begin(), e.parameters.end());
      objective.push_back(e.objective);
    }
    dataset(g, "parameters", H5T_NATIVE_DOUBLE, {N, P}, params, "parameter units", "each evaluation's parameters, in order");
    dataset(g, "objective", H5T_NATIVE_DOUBLE, {N}, objective, "1", "each evaluation's objective, in order");
  }
  file.commit();
}

std::string calibration_markdown(const CalibrationSpec& spec, const CalibrationResult& res, const CalibrationInfo& info,
                                 const std::string& h5_path) {
  std::ostringstream md;
  md << "# Calibration report: " << spec.file << "\n\n";
  md << "povsim " << info.version << "; scenario `" << spec.scenario << "`; " << spec.households << " households; "
     << spec.replicates << " replicates (0.." << spec.replicates - 1 << " of seed " << res.seed
     << ", the same at every point); optimiser " << spec.optimiser << "; " << res.history.size()
     << " evaluations, stopped: " << res.stop_reason << "; objective " << number(res.objective) << "; "
     << std::fixed << std::setprecision(1) << res.seconds << " s (" << res.runs << " replicate runs). Data: `"
     << h5_path << "`.\n\n" << std::defaultfloat;
  md << "## Parameters\n\n| parameter | estimate | standard error | bounds | start | note |\n|---|---|---|---|---|---|\n";
  for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
    const auto& p = spec.parameters[j];
    md << "| `" << p.path << "` | " << number(res.estimate[j]) << " | " << number(res.standard_error[j]) << " | ["
       << format_number(p.lower) << ", " << format_number(p.upper) << "] | " << format_number(p.start) << " | "
       << (res.identified[j] ? "" : "not identified: no moment responds to it") << " |\n";
  }
  md << "\nStandard errors: sandwich formula of the simulated method of moments (docs/calibration.md).\n\n";
  md << "## Moments\n\n| moment | kind | observed | simulated (sd) | tolerance | weight | distance | contribution | "
        "period | source | model |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < spec.moments.size(); ++i) {
    const auto& m = spec.moments[i];
    md << "| " << markdown_cell(m.name) << " | " << kMomentKindNames[static_cast<int>(m.kind)] << " | " << number(m.value)
       << " | " << number(res.simulated[i]) << " (" << number(res.simulated_sd[i], 3) << ") | " << number(m.tolerance)
       << " | " << number(m.weight) << " | " << number(m.distance(res.simulated[i]), 3) << " | "
       << number(res.contribution[i], 4) << " | " << markdown_cell(m.period) << " | " << markdown_cell(m.source)
       << " | `" << markdown_cell(model_text(m)) << "` |\n";
  }
  md << "\nDistance: (simulated − observed) / tolerance (0 on the allowed side of a one-sided moment); "
        "contribution: weight × distance².\n\n";
  md << "## Objective history\n\n| evaluation | objective |";
  for (const auto& p : spec.parameters) md << " `" << p.path << "` |";
  md << "\n|---|---|";
  for (std::size_t j = 0; j < spec.parameters.size(); ++j) md << "---|";
  md << "\n";
  for (std::size_t k = 0; k < res.history.size(); ++k) {
    md << "| " << k + 1 << " | " << number(res.history[k].objective) << " |";
    for (double v : res.history[k].parameters) md << " " << number(v) << " |";
    md << "\n";
  }
  md << "\nPlots: `/usr/bin/python3 analysis/plot_calibration.py " << h5_path << "`.\n";
  return md.str();
}

void print_calibration_json(std::ostream& out, const CalibrationSpec& spec, const CalibrationResult& res,
                            const std::string& h5_path) {
  out << "{\"calibration_file\": " << json_string(spec.file) << ", \"out\": " << json_string(h5_path)
      << ", \"objective\": " << json_number(res.objective) << ", \"stop_reason\": " << json_string(res.stop_reason)
      << ", \"evaluations\": " << res.history.size() << ", \"seconds\": " << json_number(res.seconds)
      << ", \"parameters\": [";
  for (std::size_t j = 0; j < spec.parameters.size(); ++j)
    out << (j ? ", " : "") << "{\"path\": " << json_string(spec.parameters[j].path)
        << ", \"estimate\": " << json_number(res.estimate[j])
        << ", \"standard_error\": " << json_number(res.standard_error[j])
        << ", \"identified\": " << (res.identified[j] ? "true" : "false") << "}";
  out << "], \"moments\": [";
  for (std::size_t i = 0; i < spec.moments.size(); ++i)
    out << (i ? ", " : "") << "{\"name\": " << json_string(spec.moments[i].name)
        << ", \"observed\": " << json_number(spec.moments[i].value)
        << ", \"simulated\": " << json_number(res.simulated[i])
        << ", \"simulated_sd\": " << json_number(res.simulated_sd[i])
        << ", \"contribution\": " << json_number(res.contribution[i]) << "}";
  out << "]}\n";
}

void write_text_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::string name = ".";
  name.append(target.filename().string()).append(".tmp.").append(std::to_string(getpid()));
  const std::string temp = (target.parent_path() / name).string();
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path + ": cannot create " + temp);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      throw std::runtime_error("cannot write " + path);
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    std::remove(temp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

}  // namespace povsim

// What `povsim calibrate` writes: the calibration file (HDF5, atomically, layout in docs/output.md),
// the Markdown report beside it, the calibrated scenario as YAML, and a JSON summary.
#pragma once

#include <ostream>
#include <string>

#include "sim/calibration/calibrate.hpp"

namespace povsim {

struct CalibrationInfo {
  std::string version;
  int threads = 0;
};

// Writes /parameters, /moments, /history and the root attributes. Throws std::runtime_error.
void write_calibration_h5(const std::string& path, const CalibrationSpec& spec, const CalibrationResult& result,
                          const CalibrationInfo& info);
// The report: every moment (record, source, period, model, distance), every parameter (estimate
// ± standard error, bounds, start), the objective history.
std::string calibration_markdown(const CalibrationSpec& spec, const CalibrationResult& result,
                                 const CalibrationInfo& info, const std::string& h5_path);
// One JSON document: estimates, standard errors, moments, objective, stop reason.
void print_calibration_json(std::ostream& out, const CalibrationSpec& spec, const CalibrationResult& result,
                            const std::string& h5_path);
// Writes `text` to a temporary file beside `path` and renames it into place.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace povsim

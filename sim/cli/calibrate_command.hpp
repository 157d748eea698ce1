// `povsim calibrate CALIBRATION.yaml`: the simulated method of moments (docs/calibration.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"

namespace povsim {

// args[0] is "calibrate". Exit status as povsim_main; bad usage and bad input throw ConfigError.
int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                      const Processes& processes = {});

}  // namespace povsim

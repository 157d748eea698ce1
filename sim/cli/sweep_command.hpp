// `povsim sweep SWEEP.yaml`: many parameter points of one scenario by a design (grid, Latin
// hypercube, Saltelli, Morris), resumable (docs/sweeps.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"

namespace povsim {

// args[0] is "sweep". Exit status as povsim_main; bad usage and bad input throw ConfigError or
// UsageError.
int command_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const Processes& processes = {});

}  // namespace povsim

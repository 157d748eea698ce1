// `povsim optimise OPTIMISE.yaml`: the cheapest policy mix meeting a target (docs/optimise.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"

namespace povsim {

// args[0] is "optimise". Exit status as povsim_main; bad usage and bad input throw ConfigError.
int command_optimise(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Processes& processes = {});

}  // namespace povsim

// `povsim compare BASE.yaml ALT.yaml [...]`: every scenario on one population with common random
// numbers; estimates and paired differences from the base with 95 % intervals (docs/output.md,
// "Comparison files").
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/cli/cli.hpp"

namespace povsim {

// args[0] is "compare". Exit status as povsim_main; bad usage and bad input throw.
int command_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const Processes& processes = {});

}  // namespace povsim

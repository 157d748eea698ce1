// `povsim merge PART.h5 ... --out ALL.h5`: job-array parts combined into one results file.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace povsim {

// args[0] is "merge". Exit status as povsim_main; bad usage and bad input throw ConfigError.
int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace povsim

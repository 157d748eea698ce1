// `povsim export FILE.h5 --csv DIR | --json`: a run result file or a comparison file as tidy tables
// (docs/output.md, "Exporting tables").
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace povsim {

// args[0] is "export". Exit status as povsim_main; bad usage and bad input throw UsageError.
int command_export(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace povsim

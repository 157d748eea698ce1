// The povsim command line, callable in-process (tests) or from main().
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace povsim {

// Exit codes: 0 success, 1 runtime failure (I/O, memory), 2 bad usage or bad input.
int povsim_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace povsim

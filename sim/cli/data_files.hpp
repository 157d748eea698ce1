// Where povsim finds the data files it reads at run time (today the population calibration targets,
// scenarios/populations/targets.yaml), so that an installed binary works without the source tree.
//
// The data folder holds what the source tree holds under the same names (scenarios/, ...). It is,
// in order:
//   1. $POVSIM_DATA_DIR when set and not empty (an override: nothing else is looked at);
//   2. the installed data folder beside the executable, /proc/self/exe's folder + the install
//      layout's relative path (bin/ -> ../share/povsim with GNUInstallDirs);
//   3. the source tree, only for a binary that lies inside the build tree it was built in (so an
//      installed copy never reads a source tree that happens to still exist).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace povsim {

// A data file found in none of the data folders: exit status 2 (a setup or usage problem, as bad input).
class DataFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The data folders to look in, in order (see above); may be empty (no /proc, no override).
std::vector<std::string> data_dirs();

// The path of `relative` (e.g. "scenarios/populations/targets.yaml") in the first data folder
// holding it. Throws DataFileError naming the file, every folder looked in and how to fix it (`hint`
// is appended, e.g. "or give --targets FILE").
std::string find_data_file(const std::string& relative, const std::string& hint = "");

}  // namespace povsim

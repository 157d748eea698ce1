#include "sim/cli/data_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace povsim {

namespace fs = std::filesystem;

namespace {

// The executable's own path; empty where /proc is not mounted (then only the override and the
// build tree remain).
fs::path executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

// Whether `path` lies inside `folder` (both made canonical as far as they exist: the build folder
// may be reached through a symbolic link, /proc/self/exe never is).
bool inside(const fs::path& path, const fs::path& folder) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const fs::path f = fs::weakly_canonical(folder, ec);
  if (ec || f.empty()) return false;
  const fs::path rel = p.lexically_relative(f);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

std::vector<std::string> data_dirs() {
  if (const char* override_dir = std::getenv("POVSIM_DATA_DIR"); override_dir && *override_dir)
    return {override_dir};
  std::vector<std::string> dirs;
  const fs::path exe = executable();
  if (!exe.empty()) {
    dirs.push_back((exe.parent_path() / POVSIM_DATA_DIR_FROM_BINDIR).lexically_normal().string());
#if defined(POVSIM_BUILD_TREE_SOURCE_DIR) && defined(POVSIM_BUILD_TREE_BINARY_DIR)
    if (inside(exe, POVSIM_BUILD_TREE_BINARY_DIR)) dirs.push_back(POVSIM_BUILD_TREE_SOURCE_DIR);
#endif
  }
  return dirs;
}

std::string find_data_file(const std::string& relative, const std::string& hint) {
  const std::vector<std::string> dirs = data_dirs();
  std::string looked;
  for (const auto& dir : dirs) {
    const fs::path candidate = fs::path(dir) / relative;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    looked += (looked.empty() ? "" : ", ") + candidate.string();
  }
  const bool overridden = std::getenv("POVSIM_DATA_DIR") && *std::getenv("POVSIM_DATA_DIR");
  std::string message = "cannot find the data file " + relative + "; looked in: " +
                        (looked.empty() ? std::string("nowhere (/proc/self/exe unreadable)") : looked);
  message += overridden ? " (POVSIM_DATA_DIR is set: only there)" : "";
  message += "; set POVSIM_DATA_DIR to the folder holding scenarios/ (installed: PREFIX/share/povsim)";
  if (!hint.empty()) message += ", " + hint;
  throw DataFileError(message);
}

}  // namespace povsim

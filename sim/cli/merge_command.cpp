#include "sim/cli/merge_command.hpp"

#include <ostream>

#include "sim/cli/command_line.hpp"
#include "sim/config/config.hpp"
#include "sim/core/registry.hpp"
#include "sim/output/merge.hpp"

namespace povsim {

namespace {

constexpr const char* kMergeHelp = R"(Usage: povsim merge PART.h5 [PART.h5 ...] --out ALL.h5

Combines result files of one scenario run in parts (`povsim run ... --replicate K`, one part per
job of a job array) into the file one run of all their replicates would have written: every
dataset bit for bit, replicates in ascending order whatever the order of the parts. The parts
must come from the same resolved scenario, povsim version, population and seed, and hold
disjoint replicates; otherwise one line names the part and what differs (exit status 2) and
nothing is written. The output is written atomically.

Options:
  --out FILE    the merged results file (required)
  -h, --help    this help
)";

}  // namespace

int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string out_path;
  std::vector<std::string> parts;
  CLI::App app;
  app.add_option("parts", parts);
  value_option(app, "--out", out_path);
  if (!parse_command_line(app, args, "merge")) {
    out << kMergeHelp;
    return 0;
  }
  if (parts.empty()) throw ConfigError("merge: missing the part files (see povsim merge --help)");
  if (out_path.empty()) throw ConfigError("merge: --out FILE is required (the merged results file)");
  for (const auto& part : parts)
    if (part == out_path) throw ConfigError("merge: --out " + out_path + " is also a part; write the merge to a new file");
  const MergeSummary summary = merge_result_files(parts, out_path, make_default_registry());
  out << "merged " << parts.size() << " part(s), " << summary.replicates.size() << " replicate(s) ("
      << summary.replicates.front() << ".." << summary.replicates.back() << ") into " << out_path << "\n";
  if (!summary.complete)
    err << "povsim merge: note: the replicates are not all of the scenario's (0.." << "N-1 with no gap): the file holds "
        << "only those given\n";
  return 0;
}

}  // namespace povsim

// Command-line parsing shared by the povsim commands: CLI11 recognises the options, and this
// project's contract is kept on top of it: a bad command line is one line on stderr and exit 2.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace povsim {

// A bad command line: povsim_main prints it as one line and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses the arguments after the command name (args[0]) with `app`, which holds the command's
// options. CLI11 recognises them (also as --opt=value, and -- before a file name that starts with
// '-'); callers check the values, so that messages stay this project's. A parse error or an
// unknown option throws one UsageError line: CLI11's own exit codes (100-115) and its second
// "Run with --help" line are not used. Returns false if -h or --help was given.
bool parse_command_line(CLI::App& app, const std::vector<std::string>& args, const std::string& command);

// An option that takes one value; given twice, the last counts.
CLI::Option* value_option(CLI::App& app, const std::string& name, std::string& into);
// A repeatable option, one value per occurrence.
CLI::Option* repeated_option(CLI::App& app, const std::string& name, std::vector<std::string>& into);

// --households N, --seed S and --set PATH=VALUE, repeatable, as scenario overrides in command-line
// order (a later one overrides an earlier one): add() declares them, overrides() reads them after
// parsing ("population.households=N", "seed=S", "PATH=VALUE").
class ScenarioOverrideOptions {
 public:
  void add(CLI::App& app);
  std::vector<std::string> overrides(const CLI::App& app) const;

 private:
  std::vector<std::string> households_, seeds_, sets_;
  CLI::Option *households_option_ = nullptr, *seed_option_ = nullptr, *set_option_ = nullptr;
};

// --population PATH, --persons FILE, --counties FILE: a population read instead of the synthetic one.
struct PopulationInputOptions {
  std::string population;  // a directory of CSV tables, a population file (.h5), or a household CSV
  std::string persons;     // the person CSV that goes with a household CSV
  std::string counties;    // the county CSV that goes with them (optional)
  void add(CLI::App& app);
  // UsageError if --persons comes without --population or --counties without --persons, and, with
  // --population, for --households or --set population.*: the households come from the file, so they
  // cannot apply (rather than running without them while the output's resolved scenario records them).
  void check(const std::vector<std::string>& overrides) const;
};

// A whole number >= min for option `flag`; UsageError otherwise.
template <class T>
T parse_number_arg(const std::string& flag, const std::string& text, T min);

// --threads: 1 to kMaxThreads. TBB aborts on arenas far beyond the machine (2147483647 crashed
// inside it, leaving a temporary file); 1024 is more workers than any node this runs on has cores.
inline constexpr int kMaxThreads = 1024;
int parse_threads(const std::string& text);

// `path` with its extension (after the last dot of the file name) replaced by `extension` (".h5").
std::string with_extension(const std::string& path, const std::string& extension);
// A command's default output: the input file's name, in the current directory, with `extension`.
std::string default_output_for(const std::string& input, const std::string& extension);

}  // namespace povsim

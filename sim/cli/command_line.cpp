#include "sim/cli/command_line.hpp"

#include <charconv>

namespace povsim {

bool parse_command_line(CLI::App& app, const std::vector<std::string>& args, const std::string& command) {
  app.allow_extras(true);  // unknown options are reported below, in this project's words
  app.set_help_flag("-h,--help");
  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 takes them from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return false;
  } catch (const CLI::ParseError& e) {
    throw UsageError(std::string(e.what()) + " (see povsim " + command + " --help)");
  }
  for (const std::string& extra : app.remaining())
    if (extra != "--") throw UsageError("unknown option '" + extra + "' (see povsim " + command + " --help)");
  return true;
}

CLI::Option* value_option(CLI::App& app, const std::string& name, std::string& into) {
  return app.add_option(name, into)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

CLI::Option* repeated_option(CLI::App& app, const std::string& name, std::vector<std::string>& into) {
  return app.add_option(name, into)->allow_extra_args(false);
}

int parse_threads(const std::string& text) {
  int threads = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), threads);
  if (ec != std::errc() || end != text.data() + text.size() || threads < 1 || threads > kMaxThreads)
    throw UsageError("--threads: expected a whole number from 1 to " + std::to_string(kMaxThreads) + ", got '" + text +
                     "'");
  return threads;
}

}  // namespace povsim

#include "sim/cli/command_line.hpp"

#include <charconv>
#include <cstdint>

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

void ScenarioOverrideOptions::add(CLI::App& app) {
  households_option_ = repeated_option(app, "--households", households_);
  seed_option_ = repeated_option(app, "--seed", seeds_);
  set_option_ = repeated_option(app, "--set", sets_);
}

std::vector<std::string> ScenarioOverrideOptions::overrides(const CLI::App& app) const {
  std::vector<std::string> out;
  std::size_t next_households = 0, next_seed = 0, next_set = 0;
  for (const CLI::Option* o : app.parse_order()) {
    if (o == households_option_)
      out.push_back("population.households=" +
                    std::to_string(parse_number_arg<std::uint64_t>("--households", households_[next_households++], 1)));
    else if (o == seed_option_)
      out.push_back("seed=" + std::to_string(parse_number_arg<std::uint64_t>("--seed", seeds_[next_seed++], 0)));
    else if (o == set_option_)
      out.push_back(sets_[next_set++]);
  }
  return out;
}

void PopulationInputOptions::add(CLI::App& app) {
  value_option(app, "--population", population);
  value_option(app, "--persons", persons);
  value_option(app, "--counties", counties);
}

void PopulationInputOptions::check(const std::vector<std::string>& overrides) const {
  if (!persons.empty() && population.empty()) throw UsageError("--persons: needs --population HOUSEHOLDS.csv");
  if (!counties.empty() && persons.empty())
    throw UsageError("--counties: needs --population HOUSEHOLDS.csv --persons PERSONS.csv");
  if (population.empty()) return;
  for (const std::string& o : overrides) {
    if (o.rfind("population.", 0) != 0) continue;
    const std::string what = o.rfind("population.households=", 0) == 0 ? "--households" : "--set " + o.substr(0, o.find('='));
    throw UsageError(what + ": does not apply with --population " + population +
                     " (the households come from that file; the scenario's population section is not used)");
  }
}

template <class T>
T parse_number_arg(const std::string& flag, const std::string& text, T min) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min)
    throw UsageError(flag + ": expected a whole number >= " + std::to_string(min) + ", got '" + text + "'");
  return value;
}
template std::uint64_t parse_number_arg<std::uint64_t>(const std::string&, const std::string&, std::uint64_t);
template std::uint32_t parse_number_arg<std::uint32_t>(const std::string&, const std::string&, std::uint32_t);
template int parse_number_arg<int>(const std::string&, const std::string&, int);

int parse_threads(const std::string& text) {
  int threads = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), threads);
  if (ec != std::errc() || end != text.data() + text.size() || threads < 1 || threads > kMaxThreads)
    throw UsageError("--threads: expected a whole number from 1 to " + std::to_string(kMaxThreads) + ", got '" + text +
                     "'");
  return threads;
}

std::string with_extension(const std::string& path, const std::string& extension) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.rfind('.');
  return (dot != std::string::npos && (slash == std::string::npos || dot > slash) ? path.substr(0, dot) : path) +
         extension;
}

std::string default_output_for(const std::string& input, const std::string& extension) {
  return with_extension(input.substr(input.find_last_of('/') + 1), extension);
}

}  // namespace povsim

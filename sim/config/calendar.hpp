// Months and piecewise-constant schedules (a policy level, a pension amount, a macro multiplier).
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace povsim {

// A calendar month, stored as months since year 0 so that arithmetic is integer arithmetic.
struct YearMonth {
  int index = 0;  // year * 12 + (month - 1)

  static constexpr YearMonth of(int year, int month) { return YearMonth{year * 12 + month - 1}; }
  constexpr int year() const { return index / 12; }
  constexpr int month() const { return index % 12 + 1; }  // 1..12
  std::string str() const;                                 // "2021-03"
  // Accepts "2021-03" or "2021" (meaning January). Returns nullopt on anything else.
  static std::optional<YearMonth> parse(std::string_view text);

  friend constexpr auto operator<=>(YearMonth, YearMonth) = default;
};

// A value that changes on given dates and holds until the next one. Before the first date the
// value is `initial` when set, otherwise the first step's value.
struct StepSchedule {
  struct Step {
    YearMonth from;
    double value;
    friend bool operator==(const Step&, const Step&) = default;
  };
  std::vector<Step> steps;       // sorted by `from`, no duplicates
  std::optional<double> initial;  // fixed by the Params that own the schedule, not by YAML

  double at(YearMonth m) const {
    double v = initial ? *initial : (steps.empty() ? 0.0 : steps.front().value);
    for (const Step& s : steps) {
      if (s.from > m) break;
      v = s.value;
    }
    return v;
  }
  // The value in force the month before `m`. At the start of a run that is the value before any
  // date, since state starts at its pre-horizon (2020) level whatever dates precede the horizon.
  double before(YearMonth m, bool run_start) const {
    return run_start ? at(YearMonth{std::numeric_limits<int>::min() / 2}) : at(YearMonth{m.index - 1});
  }
  friend bool operator==(const StepSchedule&, const StepSchedule&) = default;
};

}  // namespace povsim

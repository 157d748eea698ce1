// Estimates as JSON, shared by the --json summaries of povsim run and povsim compare: each estimate
// is {"mean", "se", "ci95_lower", "ci95_upper"} (null where undefined, e.g. one replicate's
// interval), a measure is a list of them, one per year.
#pragma once

#include <string>
#include <vector>

#include "sim/batch/comparison.hpp"
#include "sim/output/json_text.hpp"

namespace povsim {

inline std::string json_estimate(const Estimate& e) {
  return "{\"mean\": " + json_number(e.mean) + ", \"se\": " + json_number(e.se) +
         ", \"ci95_lower\": " + json_number(e.ci95_lower) + ", \"ci95_upper\": " + json_number(e.ci95_upper) + "}";
}

inline std::string json_estimates(const std::vector<Estimate>& per_year) {
  std::string s = "[";
  for (std::size_t y = 0; y < per_year.size(); ++y) s += (y ? ", " : "") + json_estimate(per_year[y]);
  return s + "]";
}

// The members "NAME": [per year estimates], ... of the measures, in order, without the braces (a
// caller may add members of its own).
inline std::string json_measure_members(const std::vector<MeasureSeries>& measures,
                                        const std::vector<std::vector<Estimate>>& estimates) {
  std::string s;
  for (std::size_t m = 0; m < measures.size(); ++m)
    s += (m ? ", " : "") + json_string(measures[m].name) + ": " + json_estimates(estimates[m]);
  return s;
}

}  // namespace povsim

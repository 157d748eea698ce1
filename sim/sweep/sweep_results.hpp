// What a sweep keeps of each point's runs: named summaries of the results (docs/sweeps.md,
// "Outputs"), each a number per replicate, or per replicate and year.
#pragma once

#include <string>
#include <vector>

#include "sim/output/result_arrays.hpp"

namespace povsim {

struct SweepOutputDef {
  const char* name;
  bool per_year;  // [R, Y] per point; else [R]
  const char* units;
  const char* description;
};

// Every output a sweep file may name, in a fixed order.
const std::vector<SweepOutputDef>& sweep_output_definitions();
// Null if `name` is not one.
const SweepOutputDef* find_sweep_output(const std::string& name);
// The outputs kept when the file names none: the annual return rate, the cumulative return rate
// at the last year, the fiscal cost over the horizon and the poverty headcount by year.
std::vector<std::string> default_sweep_outputs();

// The output's values for one point, from its result arrays (R replicates, Y years): R*Y values
// (replicate-major) for a per-year output, else R.
std::vector<double> sweep_output_values(const SweepOutputDef& output, const ResultArrays& arrays);

}  // namespace povsim

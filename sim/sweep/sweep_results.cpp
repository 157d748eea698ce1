#include "sim/sweep/sweep_results.hpp"

#include <stdexcept>

namespace povsim {

const std::vector<SweepOutputDef>& sweep_output_definitions() {
  static const std::vector<SweepOutputDef> outputs = {
      {"return_rate", true, "share of households (0-1), weighted",
       "lifted households newly below the line / lifted households above it the year before (/annual/return_rate)"},
      {"cumulative_return_rate", true, "share of households (0-1), weighted",
       "lifted households returned at least once by this year / lifted households (/annual/cumulative_return_rate)"},
      {"final_cumulative_return_rate", false, "share of households (0-1), weighted",
       "cumulative_return_rate at the last year of the horizon"},
      {"poverty_headcount_rate", true, "share of households (0-1), weighted",
       "lifted households below the line (/annual/poverty_headcount_rate)"},
      {"new_poverty_rate", true, "share of households (0-1), weighted",
       "edge households newly below the line (/annual/edge/new_poverty_rate)"},
      {"fiscal_cost", true, "yuan/year (weighted)",
       "payments of all enabled policies to households this year (sum over /annual/policies/fiscal_cost)"},
      {"total_fiscal_cost", false, "yuan (weighted, nominal)",
       "payments of all enabled policies to households over the horizon (fiscal_cost summed over the years)"},
  };
  return outputs;
}

const SweepOutputDef* find_sweep_output(const std::string& name) {
  for (const auto& o : sweep_output_definitions())
    if (name == o.name) return &o;
  return nullptr;
}

std::vector<std::string> default_sweep_outputs() {
  return {"return_rate", "final_cumulative_return_rate", "total_fiscal_cost", "poverty_headcount_rate"};
}

namespace {

const ResultArray& array_at(const ResultArrays& arrays, const char* path) {
  const ResultArray* a = arrays.find(path);
  if (!a) throw std::logic_error(std::string("sweep: the results have no ") + path);
  return *a;
}

// An [R, Y] dataset's values, as they are.
std::vector<double> per_year(const ResultArrays& arrays, const char* path) { return array_at(arrays, path).values; }

// [R, K, Y] summed over K into [R, Y]; zeros when the group is absent (no policy enabled).
std::vector<double> summed_over_categories(const ResultArrays& arrays, const char* path, std::size_t R, std::size_t Y) {
  std::vector<double> out(R * Y, 0.0);
  const ResultArray* a = arrays.find(path);
  if (!a) return out;
  const std::size_t K = a->shape.at(1);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t y = 0; y < Y; ++y) out[r * Y + y] += a->values[(r * K + k) * Y + y];
  return out;
}

}  // namespace

std::vector<double> sweep_output_values(const SweepOutputDef& output, const ResultArrays& arrays) {
  const ResultArray& rr = array_at(arrays, "annual/return_rate");
  const std::size_t R = rr.shape.at(0), Y = rr.shape.at(1);
  const std::string name = output.name;
  auto last_year = [&](const std::vector<double>& v) {
    std::vector<double> out(R);
    for (std::size_t r = 0; r < R; ++r) out[r] = v[r * Y + Y - 1];
    return out;
  };
  if (name == "return_rate") return rr.values;
  if (name == "cumulative_return_rate") return per_year(arrays, "annual/cumulative_return_rate");
  if (name == "final_cumulative_return_rate") return last_year(per_year(arrays, "annual/cumulative_return_rate"));
  if (name == "poverty_headcount_rate") return per_year(arrays, "annual/poverty_headcount_rate");
  if (name == "new_poverty_rate") return per_year(arrays, "annual/edge/new_poverty_rate");
  const std::vector<double> cost = summed_over_categories(arrays, "annual/policies/fiscal_cost", R, Y);
  if (name == "fiscal_cost") return cost;
  if (name == "total_fiscal_cost") {
    std::vector<double> out(R, 0.0);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t y = 0; y < Y; ++y) out[r] += cost[r * Y + y];  // in year order: a fixed sum
    return out;
  }
  throw std::logic_error("sweep: no output " + name);
}

}  // namespace povsim

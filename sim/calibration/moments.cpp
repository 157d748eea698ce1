// Simulated moments: a moment's value in each replicate from the result arrays of one parameter
// point, by the same dataset paths as the results file.
#include <cmath>
#include <stdexcept>

#include "sim/calibration/calibration_file.hpp"
#include "sim/config/params.hpp"

namespace povsim {

namespace {

// The reference's number in replicate r: its years' values (one category) reduced.
double reduce(const DatasetRef& ref, const ResultArrays& arrays, std::size_t r, const std::vector<double>& years) {
  const ResultArray* a = arrays.find(ref.dataset);
  if (!a) throw std::runtime_error(ref.yaml_path + ": dataset " + ref.dataset + " missing from the results");
  const std::size_t Y = years.size();
  std::size_t offset = 0;  // of (r, k, year 0)
  if (a->shape.size() == 2) {
    offset = r * Y;
  } else if (a->shape.size() == 3) {
    const auto names = arrays.categories(*a);
    std::size_t k = 0;
    while (k < names.size() && names[k] != ref.category) ++k;
    if (k == names.size()) throw std::runtime_error(ref.yaml_path + ": no category " + ref.category);
    offset = (r * a->shape[1] + k) * Y;
  }  // shape [Y] (the poverty line): the same in every replicate
  double sum = 0;
  int count = 0;
  double last = 0;
  for (std::size_t y = 0; y < Y; ++y) {
    const int year = static_cast<int>(years[y]);
    if (year < ref.first_year || year > ref.last_year) continue;
    last = a->values[offset + y];
    sum += last;
    ++count;
  }
  switch (ref.reduce) {
    case Reduce::sum: return sum;
    case Reduce::mean: return count ? sum / count : std::nan("");
    case Reduce::last: return last;
  }
  return sum;
}

}  // namespace

std::vector<double> dataset_by_replicate(const DatasetRef& ref, const ResultArrays& arrays) {
  const std::vector<double>& years = arrays.find("annual/year")->values;
  const std::size_t R = arrays.find("replicate_index")->values.size();
  std::vector<double> out;
  for (std::size_t r = 0; r < R; ++r) out.push_back(reduce(ref, arrays, r, years));
  return out;
}

std::vector<double> moment_by_replicate(const MomentSpec& m, const ResultArrays& arrays) {
  const std::vector<double>& years = arrays.find("annual/year")->values;
  const std::size_t R = arrays.find("replicate_index")->values.size();
  std::vector<double> out;
  for (std::size_t r = 0; r < R; ++r) {
    const double num = reduce(m.numerator, arrays, r, years);
    const double den = m.denominator ? reduce(*m.denominator, arrays, r, years) : 1.0;
    if (den == 0)
      throw std::runtime_error("moment '" + m.name + "': the denominator (" + m.denominator->dataset +
                               ") is 0 in replicate " + std::to_string(r) +
                               "; choose years or a population where it is not");
    const double value = m.scale * num / den;
    if (!std::isfinite(value))
      throw std::runtime_error("moment '" + m.name + "': not a finite number in replicate " + std::to_string(r) +
                               " (a censored year?)");
    out.push_back(value);
  }
  return out;
}

}  // namespace povsim

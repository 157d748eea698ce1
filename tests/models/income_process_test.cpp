#include "models/income_process.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// The yearly income factor over six Januaries for 20,000 households: log factors per household.
std::vector<std::vector<double>> log_factors(const IncomeProcess::Params& p) {
  Driven<IncomeProcess> model(p);
  HouseholdStore hh = make_store(20000, 1, 40, Health::healthy, Work::farming);
  std::vector<std::vector<double>> out;
  for (int year = 0; year < 6; ++year) {
    Month january(hh, 12 * year);
    step_all(model, january.ctx, hh);
    out.emplace_back();
    for (std::size_t h = 0; h < hh.size(); ++h) out.back().push_back(std::log(hh.income_factor[h]));
  }
  return out;
}

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean(a), mb = mean(b);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Persistent and transitory parts: the factor has mean one every year, its log-variance is
// persistent^2 + transitory^2, and consecutive years' log factors correlate by
// rho * persistent^2 / (persistent^2 + transitory^2) (0.448 here). 20,000 households; tolerances 4
// standard errors: 0.005 on the mean factor (sd 0.15 / sqrt(20,000) = 0.001), 0.025 on the
// correlation ((1 - r^2) / sqrt(20,000) = 0.0057), 3 % on the variance.
TEST(IncomeProcess, PersistentPartMakesLowIncomesLast) {
  IncomeProcess::Params p;
  p.annual_income_log_sd = 0.09, p.persistent_log_sd = 0.12, p.persistence = 0.7;
  const auto logs = log_factors(p);
  const double total = 0.09 * 0.09 + 0.12 * 0.12, expected = 0.7 * 0.12 * 0.12 / total;
  for (std::size_t y = 0; y < logs.size(); ++y) {
    double factor = 0, variance = 0;
    const double m = mean(logs[y]);
    for (double v : logs[y]) factor += std::exp(v), variance += (v - m) * (v - m);
    EXPECT_NEAR(factor / logs[y].size(), 1.0, 0.005) << "year " << y;
    EXPECT_NEAR(variance / logs[y].size(), total, 0.03 * total) << "year " << y;
    if (y > 0) {
      EXPECT_NEAR(correlation(logs[y - 1], logs[y]), expected, 0.025) << "year " << y;
    }
  }
  // Five years apart the correlation has decayed to rho^5 of the persistent share.
  EXPECT_NEAR(correlation(logs[0], logs[5]), std::pow(0.7, 5) * 0.12 * 0.12 / total, 0.025);
}

// Without the persistent part the factor is the earlier i.i.d. draw: uncorrelated across years,
// and the transitory draw is the same one (the persistent part draws after it).
TEST(IncomeProcess, WithoutPersistenceFactorsAreIndependentAcrossYears) {
  IncomeProcess::Params iid;
  iid.annual_income_log_sd = 0.15, iid.persistent_log_sd = 0;
  const auto logs = log_factors(iid);
  EXPECT_NEAR(correlation(logs[1], logs[2]), 0.0, 0.03);
  IncomeProcess::Params with = iid;
  with.persistent_log_sd = 0.1;
  const auto both = log_factors(with);
  EXPECT_GT(correlation(logs[1], both[1]), 0.7);  // same transitory draws underneath
}


// Lifted wage workers at December: employed, living local-wage and migrant workers of lifted
// households; not the unemployed, the dead, farmers, or edge and dissolved households.
TEST(IncomeProcess, CountsLiftedWageWorkersAtDecember) {
  IncomeProcess::Params p;
  Driven<IncomeProcess> model(p);
  HouseholdStore hh = make_store(4, 4, 40, Health::healthy, Work::migrant);
  for (auto& w : hh.weight) w = 2;
  hh.work[1] = Work::local_wage;
  hh.work[2] = Work::farming;
  hh.person_flags[3] |= person_flag::unemployed;  // household 0: 2 workers (migrant, local)
  hh.person_flags[4] = 0;                          // household 1: 3 living migrants
  hh.alive_members[1] = 3;
  hh.flags[2] = household_flag::edge;               // not counted
  hh.flags[3] = household_flag::lifted | household_flag::dissolved;
  for (int m = 0; m < 12; ++m) {
    Month month(hh, m);
    step_all(model, month.ctx, hh);
    EXPECT_EQ(month.tally.counters[counter_index("lifted_wage_workers")], m == 11 ? 5 * 2 * kWeightUnit : 0);
  }
}

}  // namespace
}  // namespace povsim

#include "models/income_process.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cmath>

namespace povsim {

void IncomeProcess::new_year(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  const float wage_growth = ctx.first_month ? 1.0f : static_cast<float>(1.0 + params_.wage_growth);
  const float op_growth = ctx.first_month ? 1.0f : static_cast<float>(1.0 + params_.operating_growth);
  const double sd = params_.annual_income_log_sd;
  boost::random::normal_distribution<double> normal(-0.5 * sd * sd, sd);  // mean-one lognormal
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    Stream s = ctx.stream(kStreamId, h);
    hh.income_factor[h] = static_cast<float>(std::exp(normal(s)));
    hh.operating_base[h] *= op_growth;
    hh.industry_subsidy[h] *= op_growth;
    const std::uint32_t first = hh.first_person[h];
    for (std::uint32_t q = first; q < first + hh.persons[h]; ++q) hh.wage[q] *= wage_growth;
  }
}

void IncomeProcess::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  if (ctx.is_january()) new_year(ctx, hh, range);
  // Wages: living, employed wage earners who are not off sick, yuan this month.
  float wages[kMaxBlockHouseholds];
  const std::uint8_t* flags = hh.person_flags.data();
  const Work* work = hh.work.data();
  const std::uint8_t* sick = hh.sick_months_left.data();
  const float* wage = hh.wage.data();
  sum_members(hh, range, [=](std::uint32_t q) {
    const bool earning = ((flags[q] & (person_flag::alive | person_flag::unemployed)) == person_flag::alive) &
                         is_wage_earner(work[q]) & (sick[q] == 0);
    return static_cast<float>(earning) * wage[q];
  }, wages);
  const float saving_rate = static_cast<float>(params_.saving_rate);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const float factor = hh.income_factor[h];
    const float wage = wages[h - range.begin] * factor;
    const float damage = hh.disaster_months_left[h] > 0 ? hh.disaster_loss[h] : 0.0f;
    const float operating = hh.operating_base[h] * factor * (1.0f - damage);
    float transfers = 0;
    for (const auto& t : hh.transfer) transfers += t[h];
    const float property = hh.property_income[h];
    hh.acc_wage[h] += wage;
    hh.acc_operating[h] += operating;
    hh.acc_property[h] += property;
    hh.acc_transfer[h] += transfers;
    hh.savings[h] += saving_rate * (wage + operating + property + transfers);
  }
}

}  // namespace povsim

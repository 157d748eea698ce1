#include "models/income_process.hpp"

#include "sim/core/member_window.hpp"

#include <boost/random/normal_distribution.hpp>
#include <algorithm>
#include <cmath>

namespace povsim {

namespace {
// Adds this month's income by source to the household accumulators and its saved share to
// savings. wage_sum[i]: the wages of household range.begin + i before the income factor.
// The other models' columns the month's income depends on (declared in IncomeProcess::declare).
struct IncomeInputs {
  const float* market_delta;
  const std::uint8_t* disaster_months_left;
  const float* disaster_loss;
};

void accumulate_month(const float* wage_sum, float saving_rate, const IncomeInputs& in, HouseholdStore& hh,
                      HouseholdRange range) {
  const std::uint32_t b = range.begin, n = range.end - range.begin;
  const float* factor = hh.income_factor.data() + b;
  const std::uint8_t* damaged_months = in.disaster_months_left + b;
  const float* damage_share = in.disaster_loss + b;
  const float* operating_base = hh.operating_base.data() + b;
  const float* market = in.market_delta + b;
  const float* property = hh.property_income.data() + b;
  // Transfers of every programme the population records (HouseholdStore::transfer), yuan/month,
  // added in programme order.
  float transfers[kMaxBlockHouseholds] = {};
  for (const auto& programme : hh.transfer) {
    const float* amount = programme.data() + b;
    for (std::uint32_t i = 0; i < n; ++i) transfers[i] += amount[i];
  }
  float* acc_wage = hh.acc_wage.data() + b;
  float* acc_operating = hh.acc_operating.data() + b;
  float* acc_property = hh.acc_property.data() + b;
  float* acc_transfer = hh.acc_transfer.data() + b;
  float* savings = hh.savings.data() + b;
  // The columns are distinct arrays: no iteration's stores feed another's loads, so the loop
  // vectorises (GCC cannot prove that for so many pointers itself).
#if defined(__clang__)
#pragma clang loop vectorize(assume_safety)
#else
#pragma GCC ivdep
#endif
  for (std::uint32_t i = 0; i < n; ++i) {
    const float earned = wage_sum[i] * factor[i];
    const float damage = damage_share[i] * static_cast<float>(std::min<std::int32_t>(damaged_months[i], 1));  // branch-free
    const float operating = operating_base[i] * (1.0f + market[i]) * factor[i] * (1.0f - damage);
    acc_wage[i] += earned;
    acc_operating[i] += operating;
    acc_property[i] += property[i];
    acc_transfer[i] += transfers[i];
    savings[i] += saving_rate * (earned + operating + property[i] + transfers[i]);
  }
}
}  // namespace

void IncomeProcess::new_year(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  const float wage_growth = ctx.first_month ? 1.0f : static_cast<float>(1.0 + params_.wage_growth);
  const float op_growth = ctx.first_month ? 1.0f : static_cast<float>(1.0 + params_.operating_growth);
  const double sd = params_.annual_income_log_sd, psd = params_.persistent_log_sd, rho = params_.persistence;
  boost::random::normal_distribution<double> normal(-0.5 * sd * sd, sd);  // mean-one lognormal
  boost::random::normal_distribution<double> standard(0.0, 1.0);
  float* persistent = hh.data(persistent_);
  const double shift = -0.5 * psd * psd;  // the persistent part's mean, so that its exp has mean one
  const double innovation_sd = psd * std::sqrt(1.0 - rho * rho);
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    Stream s = ctx.household_stream(kStreamId, h);
    const double transitory = normal(s);  // first, so that its draw does not depend on the rest
    double log_factor = transitory;
    if (psd > 0) {
      // AR(1) around `shift`: stationary from the first January on.
      const double z = standard(s);
      const double p = ctx.first_month ? shift + psd * z : shift + rho * (persistent[h] - shift) + innovation_sd * z;
      persistent[h] = static_cast<float>(p);
      log_factor += p;
    }
    hh.income_factor[h] = static_cast<float>(std::exp(log_factor));
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
  const std::uint16_t* sick_until = hh.data(sick_until_);
  const std::uint32_t step = ctx.step;
  const float* wage = hh.wage.data();
  const auto now = static_cast<std::uint16_t>(step);
  sum_members(hh, range, [=](std::uint32_t q) {
    using namespace lanes;
    const Bytes f = load<Bytes>(flags, q), w = load<Bytes>(work, q);
    const Mask employed = (f & (person_flag::alive | person_flag::unemployed)) == person_flag::alive;
    const Mask earner = (w == static_cast<std::uint8_t>(Work::local_wage)) | (w == static_cast<std::uint8_t>(Work::migrant));
    return employed & earner & narrow(load<Words>(sick_until, q) <= splat<Words>(now));
  }, wage, wages);
  const IncomeInputs in{hh.data(market_delta_), hh.data(disaster_months_left_), hh.data(disaster_loss_)};
  accumulate_month(wages, static_cast<float>(params_.saving_rate), in, hh, range);
  if (ctx.month.month() != 12 || !ctx.tally) return;
  // Lifted workers in wage work at December (an annual pass): living, employed (off sick or not)
  // local-wage and migrant workers of lifted households, persons (weighted).
  std::int64_t workers = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint8_t hf = hh.flags[h];
    if (!(hf & household_flag::lifted) || (hf & household_flag::dissolved)) continue;
    const std::uint32_t first = hh.first_person[h];
    std::int64_t count = 0;
    for (std::uint32_t q = first; q < first + hh.persons[h]; ++q) {
      const bool employed = (flags[q] & (person_flag::alive | person_flag::unemployed)) == person_flag::alive;
      const bool earner = (work[q] == Work::local_wage) | (work[q] == Work::migrant);
      count += employed & earner;
    }
    workers += count * weight_units(hh.weight[h]);
  }
  ctx.tally->counters[wage_workers_.index] += workers;
}

void IncomeProcess::declare(ModelDeclarations& d) {
  market_delta_ = d.household_column<float>("market_delta", "relative change of operating income from prices, 0 = as in 2020");
  disaster_months_left_ = d.household_column<std::uint8_t>("disaster_months_left", "months of damaged operating income left");
  disaster_loss_ = d.household_column<float>("disaster_loss", "share of operating income lost while damaged, 0-1");
  sick_until_ = d.person_column<std::uint16_t>("sick_until", "step from which the person can work again, months");
  persistent_ = d.household_column<float>("income_persistent", "persistent part of the log income factor");
  wage_workers_ = d.counter("/annual/employment", "lifted_wage_workers",
                            "living, employed (off sick or not) local-wage and migrant workers of lifted households at "
                            "December, persons (weighted)");
  for (const char* c : {"income_factor", "income_persistent", "operating_base", "industry_subsidy", "wage", "acc_wage", "acc_operating",
                        "acc_property", "acc_transfer", "savings"})
    d.writes(c);
  for (const char* c : {"market_delta", "disaster_months_left", "disaster_loss", "sick_until", "alive", "unemployed", "work",
                        "public_welfare_post", "ecological_compensation", "other"})
    d.reads(c, When::this_month);
  // Dibao benefits are set at the December review, after this model: paid from the next month.
  d.reads("dibao", When::last_month);
}

}  // namespace povsim

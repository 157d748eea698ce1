#include "models/illness.hpp"

#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "models/cause.hpp"
#include "sim/core/member_window.hpp"
#include "sim/random/rare_events.hpp"

namespace povsim {

namespace {
int age_band(int age) { return age < 16 ? 0 : (age < 60 ? 1 : 2); }
}  // namespace

std::string IllnessShock::Params::check() const {
  const double worst = annual_probability_elderly * std::max(chronic_multiplier, disabled_multiplier);
  if (worst > 1) return "annual_probability_elderly times the chronic/disabled multiplier exceeds 1";
  const double worst_adult = annual_probability_adult * std::max(chronic_multiplier, disabled_multiplier);
  if (worst_adult > 1) return "annual_probability_adult times the chronic/disabled multiplier exceeds 1";
  return {};
}

IllnessShock::IllnessShock(const Params& params) : params_(params) {
  for (int age = 0; age < 256; ++age)
    for (int hl = 0; hl < 3; ++hl)
      max_monthly_probability_ = std::max(max_monthly_probability_, monthly_probability_for(age, static_cast<Health>(hl)));
  const double rate = RareEvents::candidate_rate(max_monthly_probability_);
  for (int age = 0; age < 256; ++age)
    for (int hl = 0; hl < 3; ++hl)
      acceptance_[age][hl] = RareEvents::acceptance(monthly_probability_for(age, static_cast<Health>(hl)), rate);
}

double IllnessShock::monthly_probability_for(int age, Health health) const {
  const double base[3] = {params_.annual_probability_child, params_.annual_probability_adult,
                          params_.annual_probability_elderly};
  const double mult[3] = {1.0, params_.chronic_multiplier, params_.disabled_multiplier};
  return monthly_probability(std::min(1.0, base[age_band(age)] * mult[static_cast<int>(health)]));
}

void IllnessShock::step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const {
  const float reimbursed_share = static_cast<float>(params_.reimbursement_rate);
  const float outpatient = static_cast<float>(params_.chronic_outpatient_cost);
  boost::random::lognormal_distribution<double> cost(std::log(params_.cost_median), params_.cost_log_sd);
  boost::random::uniform_int_distribution<int> lost_months(std::min(1, params_.max_lost_work_months),
                                                           params_.max_lost_work_months);
  // Outpatient care of living chronic members, yuan this month.
  std::uint32_t chronic[kMaxBlockHouseholds];  // living chronic members, by household
  const std::uint8_t* flags = hh.person_flags.data();
  const Health* healths = hh.health.data();
  count_members(hh, range, [=](std::uint32_t q) {
    using namespace lanes;
    return ((load<Bytes>(flags, q) & person_flag::alive) != 0) &
           (load<Bytes>(healths, q) == static_cast<std::uint8_t>(Health::chronic));
  }, chronic);
  float* medical_month = hh.data(medical_month_);
  std::uint16_t* sick_until = hh.data(sick_until_);
  // The hospitalised-this-year marks start afresh each January (an annual pass).
  const std::uint8_t hospitalised = hospitalised_.mask;
  if (ctx.is_january()) {
    std::uint8_t* pf = hh.person_flags.data();
    const auto [first, last] = persons_of(hh, range);
    for (std::uint32_t q = first; q < last; ++q) pf[q] = static_cast<std::uint8_t>(pf[q] & ~hospitalised);
  }
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const float cost = static_cast<float>(chronic[h - range.begin]) * outpatient;
    hh.acc_medical[h] += cost;
    hh.savings[h] -= cost;
    medical_month[h] = cost;  // this month's bill starts afresh; episodes add below
  }

  // Episodes by thinning (sim/random/rare_events.hpp): candidates at a rate bounding every member's
  // probability, each accepted with its own probability over that rate.
  const RareEvents events(ctx, kStreamId, max_monthly_probability_);
  const std::uint8_t* ages = hh.age.data();
  const std::uint16_t step = static_cast<std::uint16_t>(ctx.step);
  HouseholdCursor household_of(hh, range);  // candidates come in increasing order
  std::int64_t newly_hospitalised = 0;       // weight units: persons with their first episode this year
  events.for_each_candidate(persons_of(hh, range), [&](std::uint32_t q, std::uint32_t raw) {
    const Health health = healths[q];
    if (!((flags[q] & person_flag::alive) && acceptance_[ages[q]][static_cast<int>(health)](raw))) return;
    const std::uint32_t h = household_of(q);

    // Episode details come from the person's own stream, so that one member's episode never
    // shifts another member's draws.
    Stream detail = ctx.person_stream(substream(kStreamId, 1), q);
    const float oop = static_cast<float>(cost(detail)) * (1.0f - reimbursed_share);  // yuan
    hh.acc_medical[h] += oop;
    hh.savings[h] -= oop;
    medical_month[h] += oop;
    sick_until[q] = static_cast<std::uint16_t>(step + lost_months(detail));
    newly_hospitalised += ((hh.person_flags[q] & hospitalised) == 0) * weight_units(hh.weight[h]);
    hh.person_flags[q] |= hospitalised;
    if (health == Health::healthy && detail.uniform() < params_.chronic_onset_probability)
      hh.health[q] = Health::chronic;
    hh.last_cause[h] = code(Cause::illness);
  });
  if (!ctx.tally) return;
  auto& counters = ctx.tally->counters;
  counters[hospitalised_count_.index] += newly_hospitalised;
  if (ctx.month.month() != 12) return;
  // Living persons at December (households not dissolved), the hospitalisation rate's denominator.
  std::int64_t living = 0;
  for (std::uint32_t h = range.begin; h < range.end; ++h)
    living += ((hh.flags[h] & household_flag::dissolved) == 0) * std::int64_t{hh.alive_members[h]} * weight_units(hh.weight[h]);
  counters[living_count_.index] += living;
}

void IllnessShock::declare(ModelDeclarations& d) {
  // Step (months since the horizon's start) from which the person can work again: a step, not a
  // countdown, so that months without an episode touch nothing.
  sick_until_ = d.person_column<std::uint16_t>("sick_until", "step from which the person can work again, months");
  medical_month_ = d.household_column<float>(
      "medical_month", "out-of-pocket medical spending this month after basic insurance, yuan");
  hospitalised_ = d.person_flag("hospitalised_this_year");
  const std::string g = "/annual/health";
  hospitalised_count_ = d.counter(g, "hospitalised_persons",
                                  "persons (lifted and edge households) hospitalised at least once during the year, "
                                  "persons (weighted)");
  living_count_ = d.counter(g, "living_persons",
                            "living members of lifted and edge households at December, persons (weighted); the "
                            "denominator of the hospitalisation rate");
  for (const char* c : {"sick_until", "medical_month", "acc_medical", "savings", "health", "last_cause",
                        "hospitalised_this_year"})
    d.writes(c);
  for (const char* c : {"age", "alive"}) d.reads(c, When::this_month);
}

}  // namespace povsim

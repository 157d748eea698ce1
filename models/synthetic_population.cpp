#include "models/synthetic_population.hpp"

#include "sim/core/reducer.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <span>
#include <stdexcept>

namespace povsim {

namespace {

// Draws per household come from three disjoint steps so that the size draw never shifts the rest.
constexpr std::uint32_t kSizeStep = kSetupStep;
constexpr std::uint32_t kDetailStep = kSetupStep + 1;
constexpr std::uint32_t kCountyStep = kSetupStep + 2;
// The post draw has a stream of its own, so that it never shifts the household's other draws.
constexpr std::uint32_t kPostSubstream = 2;

template <class Weights>
int pick(const Weights& weights, double u) {
  const double total = std::accumulate(std::begin(weights), std::end(weights), 0.0);
  double acc = 0;
  int i = 0;
  for (double w : weights) {
    acc += w / total;
    if (u < acc) return i;
    ++i;
  }
  return i - 1;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

std::string SyntheticPopulation::Params::check() const {
  if (sum(household_size_weights) <= 0) return "household_size_weights: expected at least one positive weight";
  if (household_size_weights.size() > 20) return "household_size_weights: at most 20 sizes (1 to 20 persons)";
  double cs = 0;
  for (double s : county_share) cs += s;
  if (cs <= 0) return "county_share: expected at least one positive weight";
  if (child_share + elderly_share > 1) return "child_share + elderly_share: expected at most 1";
  if (migrant_share + local_wage_share > 1) return "migrant_share + local_wage_share: expected at most 1";
  if (income.fragile_min >= income.fragile_max) return "income.fragile_min: expected less than income.fragile_max";
  for (int r = 0; r < kRegionTypes; ++r) {
    if (income.wage_share + income.transfer_share[r] + income.property_share > 1)
      return "income: wage_share + transfer_share." + std::string(kRegionTypeNames[r]) +
             " + property_share: expected at most 1";
  }
  if (income.relocated_wage_share + income.relocated_transfer_share + income.property_share > 1)
    return "income: relocated_wage_share + relocated_transfer_share + property_share: expected at most 1";
  if (income.edge_min >= income.edge_max) return "income.edge_min: expected less than income.edge_max";
  for (const auto* w : {&adult_education_weights, &elderly_education_weights})
    if (w->size() != kEducationLevels || sum(*w) <= 0)
      return std::string(w == &adult_education_weights ? "adult" : "elderly") +
             "_education_weights: expected 5 weights (none, primary, junior_secondary, senior_secondary, tertiary), "
             "not all zero";
  if (industry.subsidy_share.size() != 3) return "industry.subsidy_share: expected 3 shares (low, medium, high)";
  if (industry.dependence_weights.size() != 3) return "industry.dependence_weights: expected 3 weights (low, medium, high)";
  if (sum(industry.dependence_weights) <= 0) return "industry.dependence_weights: expected a positive weight";
  return {};
}

double SyntheticPopulation::persons_per_household() const {
  const auto& w = params_.household_size_weights;
  double mean = 0;
  for (std::size_t i = 0; i < w.size(); ++i) mean += (i + 1) * w[i];
  return mean / sum(w);
}

namespace {
std::string format_millions(double persons) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g M", persons / 1e6);
  return text;
}

// The dependence class of a place's supported industry from its viability draw u ~ U[0,1)
// (SyntheticPopulation::Industry).
Dependence industry_dependence(const SyntheticPopulation::Industry& industry, RegionType region, bool site, double u) {
  const double score = u + industry.dependence_shift[static_cast<int>(region)] + (site ? industry.site_dependence_shift : 0.0);
  const auto& w = industry.dependence_weights;
  const double total = w[0] + w[1] + w[2];
  if (score < w[0] / total) return Dependence::low;
  return score < (w[0] + w[1]) / total ? Dependence::medium : Dependence::high;
}

// Schooling by age for those still of school age; adults and the elderly draw from weights.
Education school_level(int age) {
  if (age < 7) return Education::none;
  if (age < 13) return Education::primary;
  if (age < 16) return Education::junior_secondary;
  return age < 19 ? Education::senior_secondary : Education::tertiary;  // students
}
}  // namespace

namespace {
// Households in the synthetic population's county c of `counties` (out of n): counties are
// contiguous runs of households, county c beginning at household ceil(c n / counties).
std::size_t county_begin(std::size_t c, std::size_t n, std::size_t counties) { return (c * n + counties - 1) / counties; }
}  // namespace

std::size_t SyntheticPopulation::part_boundary(std::size_t h) const {
  const std::size_t n = params_.households;
  const std::size_t counties = std::min<std::uint64_t>(params_.counties, n);
  if (h == 0 || h >= n || counties == 0) return std::min(h, n);
  std::size_t c = h * counties / n;  // the county holding household h, or the one before it
  while (county_begin(c, n, counties) < h) ++c;
  return county_begin(c, n, counties);
}

void SyntheticPopulation::generate(HouseholdStore& hh, const StreamFactory& rng) const {
  generate_part(hh, rng, 0, params_.households, local_reducer());
}

void SyntheticPopulation::generate_part(HouseholdStore& hh, const StreamFactory& rng, std::size_t begin,
                                        std::size_t end, const Reducer& reducer) const {
  const Params& p = params_;
  const std::size_t n = p.households;
  if (begin > end || end > n) throw std::logic_error("generate_part: households outside the population");
  const std::uint32_t counties = static_cast<std::uint32_t>(std::min<std::uint64_t>(p.counties, n));

  // Counties, then each county's resettlement sites (as many as its expected relocated households
  // fill at households_per_site), numbered after the counties.
  std::vector<County> places(counties);
  std::vector<Dependence> place_dependence(counties);
  std::vector<std::uint32_t> first_site(counties + 1, counties), sites_of(counties, 0);
  std::uint32_t next_site = counties;
  for (std::uint32_t c = 0; c < counties; ++c) {
    Stream s = rng.stream(kStreamId, c, kCountyStep);
    places[c].region = static_cast<RegionType>(pick(p.county_share, s.uniform()));
    places[c].code = c;
    places[c].industry = static_cast<std::uint8_t>(1 + boost::random::uniform_int_distribution<std::uint32_t>(
                                                           0, p.industry_products - 1)(s));
    place_dependence[c] = industry_dependence(p.industry, places[c].region, false, s.uniform());
    const std::size_t in_county = county_begin(c + 1, n, counties) - county_begin(c, n, counties);
    const double relocated = double(in_county) * (1 - p.edge_share) * p.relocated_share[static_cast<int>(places[c].region)];
    sites_of[c] = relocated > 0 ? static_cast<std::uint32_t>(std::max(1.0, std::round(relocated / p.households_per_site))) : 0;
    first_site[c] = next_site;
    next_site += sites_of[c];
  }
  places.resize(next_site);
  place_dependence.resize(next_site);
  for (std::uint32_t c = 0; c < counties; ++c)
    for (std::uint32_t k = 0; k < sites_of[c]; ++k) {
      County& site = places[first_site[c] + k];
      Stream s = rng.stream(substream(kStreamId, 1), first_site[c] + k, kCountyStep);
      site.region = places[c].region;
      site.code = first_site[c] + k;
      site.resettlement_site = true;
      site.industry = static_cast<std::uint8_t>(1 + boost::random::uniform_int_distribution<std::uint32_t>(
                                                    0, p.industry_products - 1)(s));
      place_dependence[first_site[c] + k] = industry_dependence(p.industry, site.region, true, s.uniform());
    }
  hh.counties = std::move(places);

  // Pass 1: household sizes, then offsets into the person arrays. The persons of the households
  // before the part (counted, not kept) give its first person's key.
  auto size_of = [&](std::size_t h) {
    Stream s = rng.stream(kStreamId, static_cast<std::uint32_t>(h), kSizeStep);
    return static_cast<std::uint8_t>(pick(p.household_size_weights, s.uniform()) + 1);
  };
  const std::size_t persons_before = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, begin), std::size_t{0},
      [&](const tbb::blocked_range<std::size_t>& r, std::size_t acc) {
        for (std::size_t h = r.begin(); h < r.end(); ++h) acc += size_of(h);
        return acc;
      },
      std::plus<>());
  const std::size_t part_households = end - begin;
  std::vector<std::uint8_t> sizes(part_households);
  tbb::parallel_for(std::size_t{0}, part_households, [&](std::size_t i) { sizes[i] = size_of(begin + i); });
  std::size_t persons = 0;
  for (auto sz : sizes) persons += sz;
  if (persons_before + persons > 0xFFFFFFF0u)
    throw std::runtime_error("too many persons for 32-bit person ids; use fewer households");
  hh.resize(part_households, persons);
  std::uint32_t offset = 0;
  for (std::size_t i = 0; i < part_households; ++i) {
    hh.first_person[i] = offset;
    hh.persons[i] = sizes[i];
    offset += sizes[i];
  }
  sizes = {};
  hh.household_key_base = static_cast<std::uint32_t>(begin);
  hh.person_key_base = static_cast<std::uint32_t>(persons_before);

  // Pass 2: everything else, each household from its own stream.
  const auto& inc = p.income;
  // Log-median of the log-normal part by region type (Income::region_level).
  double level_norm = 0, share_total = 0;
  for (int r = 0; r < kRegionTypes; ++r) {
    level_norm += p.county_share[r] * inc.region_level[r];
    share_total += p.county_share[r];
  }
  std::array<double, kRegionTypes> mu{};
  for (int r = 0; r < kRegionTypes; ++r)
    mu[r] = std::log(inc.median_per_capita * inc.region_level[r] * share_total / level_norm);
  tbb::parallel_for(std::size_t{0}, part_households, [&](std::size_t i) {
    namespace pf = person_flag;
    const std::size_t h = begin + i;  // the household's index in the whole population: its key
    Stream s = rng.stream(kStreamId, static_cast<std::uint32_t>(h), kDetailStep);
    const std::uint32_t home = static_cast<std::uint32_t>((h * counties) / n);  // counties are contiguous
    const int r = static_cast<int>(hh.counties[home].region);
    const bool edge = s.uniform() < p.edge_share;
    // Edge households were never registered, so never relocated by the programme.
    const bool relocated = !edge && sites_of[home] > 0 && s.uniform() < p.relocated_share[r];
    const std::uint32_t county =
        relocated ? first_site[home] + boost::random::uniform_int_distribution<std::uint32_t>(0, sites_of[home] - 1)(s)
                  : home;
    hh.county[i] = county;
    hh.region[i] = hh.counties[county].region;
    hh.flags[i] = (edge ? household_flag::edge : household_flag::lifted) | (relocated ? household_flag::relocated : 0);

    // Members: the head is 30-70; others are children, elderly or working-age adults.
    int earners = 0;
    const std::uint32_t first = hh.first_person[i];
    const int size = hh.persons[i];
    for (int i = 0; i < size; ++i) {
      const std::uint32_t q = first + i;
      int age;
      const double u = s.uniform();
      if (i == 0)
        age = boost::random::uniform_int_distribution<int>(30, 70)(s);
      else if (u < p.child_share)
        age = boost::random::uniform_int_distribution<int>(0, 15)(s);
      else if (u < p.child_share + p.elderly_share)
        age = boost::random::uniform_int_distribution<int>(60, 85)(s);
      else
        age = boost::random::uniform_int_distribution<int>(16, 59)(s);
      hh.age[q] = static_cast<std::uint8_t>(age);
      hh.person_flags[q] = pf::alive | (s.uniform() < 0.5 ? pf::female : 0);

      const double age_factor = age >= 60 ? 1.8 : (age < 16 ? 0.1 : 0.8);  // chronic illness rises with age
      const double uh = s.uniform();
      Health health = Health::healthy;
      if (uh < p.disabled_share)
        health = Health::disabled;
      else if (uh < p.disabled_share + p.chronic_share[r] * age_factor)
        health = Health::chronic;
      hh.health[q] = health;

      Work work;
      const double uw = s.uniform();
      const double local_share = relocated ? std::min(1.0 - p.migrant_share, 2 * p.local_wage_share) : p.local_wage_share;
      if (age < 16)
        work = Work::child;
      else if (age < 23 && uw < 0.5)
        work = Work::student;
      else if (health == Health::disabled)
        work = Work::not_working;
      else if (age >= 65)
        work = uw < 0.5 ? Work::retired : Work::farming;
      else if (uw < p.migrant_share)
        work = Work::migrant;
      else if (uw < p.migrant_share + local_share)
        work = Work::local_wage;
      else
        work = Work::farming;
      hh.work[q] = work;
      earners += is_wage_earner(work);

      const double ue = s.uniform();
      hh.education[q] = work == Work::child || work == Work::student
                            ? school_level(age)
                            : static_cast<Education>(pick(age >= 60 ? p.elderly_education_weights : p.adult_education_weights, ue));
    }

    // A public-welfare post: an able working-age member leaves her work for it (before the income
    // is split, so the household's total income does not depend on it).
    bool post = false;
    if (!edge && rng.stream(substream(kStreamId, kPostSubstream), static_cast<std::uint32_t>(h), kDetailStep).uniform() < inc.post_share) {
      for (Work w : {Work::farming, Work::local_wage, Work::migrant}) {
        for (int i = 0; i < size && !post; ++i) {
          const std::uint32_t q = first + i;
          // A wage earner only if another one stays: the household's wages (a share of its income)
          // are then unchanged.
          if (hh.work[q] == w && hh.age[q] >= 16 && hh.age[q] < 65 && hh.health[q] != Health::disabled &&
              (!is_wage_earner(w) || earners >= 2)) {
            earners -= is_wage_earner(w);
            hh.work[q] = Work::not_working;
            post = true;
          }
        }
        if (post) break;
      }
    }

    // Normal-year income (excluding pension), split into sources.
    double per_capita;
    if (edge) {
      per_capita = boost::random::uniform_real_distribution<double>(inc.edge_min, inc.edge_max)(s);
    } else if (s.uniform() < inc.fragile_share) {
      per_capita = boost::random::uniform_real_distribution<double>(inc.fragile_min, inc.fragile_max)(s);
    } else {
      boost::random::lognormal_distribution<double> dist(mu[r], inc.log_sd);
      per_capita = dist(s);
      for (int tries = 0; per_capita < inc.fragile_max && tries < 64; ++tries) per_capita = dist(s);
      per_capita = std::max(per_capita, inc.fragile_max);
    }
    const double total = per_capita * size;  // yuan/year
    const double transfer_share = relocated ? inc.relocated_transfer_share : inc.transfer_share[r];
    const double wage_share = earners == 0 ? 0.0 : (relocated ? inc.relocated_wage_share : inc.wage_share);
    const double wage_total = total * wage_share;
    const double operating_total = total * (1.0 - wage_share - transfer_share - inc.property_share);
    for (int i = 0; i < size; ++i) {
      const std::uint32_t q = first + i;
      hh.wage[q] = is_wage_earner(hh.work[q]) ? static_cast<float>(wage_total / earners / 12.0) : 0.0f;
    }
    double operating_month = operating_total / 12.0;
    Dependence dependence = Dependence::none;
    float subsidy = 0;
    if (!edge && s.uniform() < p.industry.participation) {
      dependence = place_dependence[county];
      subsidy = static_cast<float>(operating_month * p.industry.subsidy_share[static_cast<int>(dependence) - 1]);
      operating_month -= subsidy;
    }
    hh.dependence[i] = dependence;
    hh.industry_subsidy[i] = subsidy;
    hh.operating_base[i] = static_cast<float>(operating_month);
    hh.property_income[i] = static_cast<float>(total * inc.property_share / 12.0);
    const bool on_dibao = per_capita < inc.dibao_income_max && s.uniform() < inc.dibao_take_up;
    const double transfers = total * transfer_share / 12.0;  // yuan/month
    const double post_amount = post ? inc.post_wage : 0.0;
    const double dibao_amount = on_dibao ? transfers * inc.dibao_split : 0.0;
    hh.transfer[static_cast<int>(Programme::public_welfare_post)][i] = static_cast<float>(post_amount);
    hh.transfer[static_cast<int>(Programme::dibao)][i] = static_cast<float>(dibao_amount);
    const double rest = std::max(0.0, transfers - post_amount - dibao_amount);
    const double eco = rest * inc.eco_compensation_share;
    hh.transfer[static_cast<int>(Programme::ecological_compensation)][i] = static_cast<float>(eco);
    hh.transfer[static_cast<int>(Programme::other)][i] = static_cast<float>(rest - eco);
    hh.income_factor[i] = 1.0f;
    hh.weight[i] = 1.0f;
    hh.savings[i] = static_cast<float>(total / 12.0 * inc.savings_months);
  });
  if (p.weights == WeightRule::national) apply_national_weights(hh, reducer);
}

// One weight for every lifted household and one for every edge household, so that the weighted
// persons of each group are the national figures. Sums of small integers: exact, so the weights
// do not depend on the thread count.
void SyntheticPopulation::apply_national_weights(HouseholdStore& hh, const Reducer& reducer) const {
  std::array<std::int64_t, 2> persons{};  // lifted, edge: over the whole population
  for (std::size_t h = 0; h < hh.size(); ++h) persons[(hh.flags[h] & household_flag::edge) ? 1 : 0] += hh.persons[h];
  reducer.sum(std::span<std::int64_t>(persons));
  const auto [lifted_persons, edge_persons] = persons;
  const float lifted_weight = lifted_persons ? static_cast<float>(params_.national_lifted_persons / double(lifted_persons)) : 1.0f;
  const float edge_weight = edge_persons ? static_cast<float>(params_.national_edge_persons / double(edge_persons)) : 1.0f;
  for (std::size_t h = 0; h < hh.size(); ++h) hh.weight[h] = (hh.flags[h] & household_flag::edge) ? edge_weight : lifted_weight;
}

std::string SyntheticPopulation::weights() const {
  if (params_.weights == WeightRule::unit) return "unit: each synthetic household counts once";
  return "national: synthetic households weighted to " + format_millions(params_.national_lifted_persons) +
         " lifted and " + format_millions(params_.national_edge_persons) + " edge people";
}

}  // namespace povsim

// The embedded default population: synthetic households generated deterministically from the
// seed, in parallel. Counties of four region types, each with a local specialty industry; relocated
// households live at resettlement sites (county-like places of their own); registered lifted
// households plus never-registered "edge" households near the line. Calibrated against the targets
// in scenarios/populations/targets.yaml (`povsim population --report` compares them).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

// What a synthetic household's weight stands for (SyntheticPopulation::Params::weights).
enum class WeightRule : std::uint8_t { national = 0, unit = 1 };
inline constexpr std::array<std::string_view, 2> kWeightRuleNames = {"national", "unit"};

class SyntheticPopulation final : public PopulationSource {
 public:
  static constexpr std::uint32_t kStreamId = 1;

  struct Income {
    // Normal-year per-capita income excluding pension, yuan/person/year. Judgement, chosen so that
    // the mean is near the 12,550 yuan of lifted people in 2021 (domain brief).
    double median_per_capita = 10000;
    double log_sd = 0.5;
    // Income level by region type, relative (normalised by the county shares so that
    // median_per_capita stays the population's): the median of the log-normal part is
    // median_per_capita · region_level[r] / Σ county_share · region_level. Source: NBS, China
    // Statistical Yearbook 2021, rural per-capita disposable income 2020 by province, averaged
    // over the provinces of each region type (the mapping is judgement): plateau (Qinghai 12,342,
    // Tibet 14,598, west Sichuan and south Gansu lower) ~13,000; transition belt (Gansu 10,344,
    // Shaanxi 13,316, Ningxia 13,889, Shanxi 13,878, Sichuan 15,929, Chongqing 16,361) ~13,950;
    // karst (Guizhou 11,642, Yunnan 12,842, Guangxi 14,815) ~13,100; other (Henan, Hebei, Anhui,
    // Hunan, Heilongjiang, 16,100-16,600) ~16,480 yuan.
    PerRegion region_level{13000, 13950, 13100, 16480};
    // Households sitting just above the line, drawn uniformly in [fragile_min, fragile_max) before
    // the pension. Dated (domain brief): the seed's "about 10 % below 5,000 yuan" describes 2018-19,
    // when the line was about 3,000-3,200 yuan, so the band is 1.0-1.55 x that year's line; lifted
    // people's incomes and the line both grew about 27 % from 2019 to 2021, so in 2021 the band is
    // again about 1.0-1.55 x the line (4,080 yuan): 4,100-6,320 yuan. Its share is set so that about
    // 5 % of lifted households start below the 1.5 x line monitoring threshold, as the record's
    // ~5 M people at risk in 2019 (about 5 % of those lifted; China Daily 2020-12-02); the 2018-19
    // 10 % shrank as the poorest grew fastest (registered households' income grew 3.5 points faster
    // than all rural residents' in 2019, seed). Target share_below_monitoring_threshold.
    double fragile_share = 0.06;
    double fragile_min = 4100;  // above the 2021 line before any pension; the targets count the pension
    double fragile_max = 6320;
    // Edge households' per-capita income, drawn uniformly: from just above the 2021 line (4,080) to
    // the 1.5 x line monitoring threshold (brief); never registered, so none starts poor.
    double edge_min = 4100;
    double edge_max = 6120;
    double wage_share = 0.40;  // of income, households with a wage earner (NBS 2019: 35 % overall)
    // Relocated households with a wage earner; those without one bring the average down to the
    // brief's 72.4 % (2021).
    double relocated_wage_share = 0.80;
    PerRegion transfer_share{0.33, 0.27, 0.31, 0.22};  // brief: > 30 % in the most dependent areas
    double relocated_transfer_share = 0.18;           // judgement
    double property_share = 0.014;                    // NBS 2019
    // Public-welfare posts in 2020: this share of lifted households is drawn for a post, held by an
    // able working-age member (a farmer first, then a local wage earner, then a migrant, if another
    // wage earner stays; drawn households without one hold none), who is recorded as not working besides the post. Edge
    // households hold none. Judgement: about 4.5 M posts for some 30 M lifted households (public
    // reporting speaks of several million posts for lifted people; brief: 1.1 M forest rangers
    // alone); docs/model.md § 5.
    double post_share = 0.20;
    // The post's wage, yuan/month (the household's public_welfare_post amount). Brief: forest
    // rangers 9,000-10,000 yuan/year.
    double post_wage = 800;
    // Transfers (transfer_share of income) are the post's wage, dibao (this share of them, for
    // households on dibao; judgement) and the rest (none if the post and dibao already exceed
    // them), of which eco_compensation_share is ecological compensation and reforestation
    // subsidies and the remainder other transfers (remittances, farmland and other subsidies: no
    // programme, no fiscal cost). Judgement: rural transfer income is largely pensions, which the
    // pension model pays, and remittances; eco-compensation reaches a part of it only.
    double dibao_split = 0.40;
    double eco_compensation_share = 0.25;
    // Dibao in 2020: households below dibao_income_max per capita (before the pension) receive it
    // with probability dibao_take_up. Judgement (means-tested; the 1.5 x line monitoring threshold).
    double dibao_income_max = 8790;  // calibrated to 19.36 M registered poor on dibao (2020)
    double dibao_take_up = 0.6;
    double savings_months = 3;  // initial savings, months of normal income. Judgement.

    template <class V>
    void visit(V& v) {
      v.number("median_per_capita", median_per_capita, Bounds{1, 1e6, "yuan/person/year"});
      v.number("log_sd", log_sd, Bounds{0, 3, "sd of log income"});
      v.per_region("region_level", region_level, Bounds{1, 1e6, "relative income level"});
      v.number("fragile_share", fragile_share, kShare);
      v.number("fragile_min", fragile_min, Bounds{0, 1e6, "yuan/person/year"});
      v.number("fragile_max", fragile_max, Bounds{0, 1e6, "yuan/person/year"});
      v.number("edge_min", edge_min, Bounds{0, 1e6, "yuan/person/year"});
      v.number("edge_max", edge_max, Bounds{0, 1e6, "yuan/person/year"});
      v.number("wage_share", wage_share, kShare);
      v.number("relocated_wage_share", relocated_wage_share, kShare);
      v.per_region("transfer_share", transfer_share, kShare);
      v.number("relocated_transfer_share", relocated_transfer_share, kShare);
      v.number("property_share", property_share, kShare);
      v.number("post_share", post_share, kShare);
      v.number("post_wage", post_wage, Bounds{0, 1e5, "yuan/month"});
      v.number("dibao_split", dibao_split, kShare);
      v.number("eco_compensation_share", eco_compensation_share, kShare);
      v.number("dibao_income_max", dibao_income_max, Bounds{0, 1e6, "yuan/person/year"});
      v.number("dibao_take_up", dibao_take_up, kProbability);
      v.number("savings_months", savings_months, Bounds{0, 120, "months of income"});
    }
  };

  // Supported industries. How much an industry still depends on support is a property of the
  // place's industry, shared by its households, not of the household: a place's class comes from a
  // viability score u + dependence_shift[region] (+ site_dependence_shift at a resettlement site),
  // u ~ U[0,1) per place standing for what is not observed, cut at the cumulative
  // dependence_weights. A more dependent industry draws a larger share of its income from support
  // (subsidy_share by class), so withdrawing it costs its households more.
  struct Industry {
    double participation = 0.6;  // share of lifted households in a supported industry. Judgement.
    // Support as a share of operating income, by class low, medium, high. Judgement (mean 0.2).
    std::vector<double> subsidy_share{0.10, 0.20, 0.35};
    std::vector<double> dependence_weights{0.40, 0.35, 0.25};  // low, medium, high before shifts. Judgement.
    // Remote places with weak market access keep young, dependent industries (seed: ecologically
    // fragile plateau, terrain-step belts and karst); judgement.
    PerRegion dependence_shift{0.20, 0.10, 0.15, 0.0};
    // Resettlement sites' industry is young and small (brief); judgement.
    double site_dependence_shift = 0.30;
    template <class V>
    void visit(V& v) {
      v.number("participation", participation, kShare);
      v.numbers("subsidy_share", subsidy_share, kShare);
      v.numbers("dependence_weights", dependence_weights, Bounds{0, 1e6, "relative weight"});
      v.per_region("dependence_shift", dependence_shift, Bounds{0, 1, "score shift"});
      v.number("site_dependence_shift", site_dependence_shift, Bounds{0, 1, "score shift"});
    }
  };

  struct Params {
    std::uint64_t households = 1'000'000;  // lifted and edge households
    double edge_share = 0.10;  // never-registered households near the line. Judgement.
    std::uint32_t counties = 832;  // the designated poor counties (brief)
    // Relocated households per resettlement site: ~10 M people at ~35,000 sites (brief) is about
    // 285 people, 90 households of 3.2.
    double households_per_site = 90;
    // Weights: with `national`, every synthetic household stands for many, so that counts and
    // costs are national totals whatever `households` is: lifted households share
    // national_lifted_persons over the simulated lifted persons, edge households
    // national_edge_persons over the simulated edge persons. With `unit` each counts once.
    WeightRule weights = WeightRule::national;
    // Rural poor people under the current standard lifted out of poverty 2013-2020 (98.99 M at
    // the end of 2012; domain brief).
    double national_lifted_persons = 98.99e6;
    // Never-registered people judged at risk of falling into poverty in 2020: "nearly 3 M" edge
    // people (with nearly 2 M lifted people at risk of returning; State Council Leading Group
    // Office of Poverty Alleviation, press conference of 2020-03-12, as reported by Xinhua).
    double national_edge_persons = 3.0e6;
    std::uint32_t industry_products = 8;  // distinct specialty products a county may grow. Judgement.
    PerRegion county_share{0.12, 0.33, 0.25, 0.30};  // judgement
    std::vector<double> household_size_weights{0.11, 0.23, 0.24, 0.21, 0.12, 0.06, 0.03};  // sizes 1..; mean 3.3
    double child_share = 0.22;    // non-head members under 16. Judgement.
    double elderly_share = 0.25;  // non-head members 60+. Judgement (ageing, brief).
    PerRegion chronic_share{0.22, 0.17, 0.15, 0.21};  // brief: > 20 % in the north-west and north-east
    double disabled_share = 0.05;  // judgement
    double migrant_share = 0.40;   // working-age able adults in migrant work. Judgement.
    double local_wage_share = 0.20;
    PerRegion relocated_share{0.12, 0.12, 0.15, 0.05};  // ~10 M of ~99 M people relocated (brief)
    // Schooling of working-age adults and of the elderly: none, primary, junior secondary, senior
    // secondary, tertiary. Judgement (brief: low education of working adults).
    std::vector<double> adult_education_weights{0.08, 0.35, 0.45, 0.10, 0.02};
    std::vector<double> elderly_education_weights{0.45, 0.45, 0.08, 0.02, 0.0};
    Income income;
    Industry industry;

    template <class V>
    void visit(V& v) {
      v.integer("households", households, std::uint64_t{1}, std::uint64_t{2'000'000'000});
      v.number("edge_share", edge_share, kShare);
      v.integer("counties", counties, std::uint32_t{1}, std::uint32_t{1'000'000});
      v.number("households_per_site", households_per_site, Bounds{1, 1e6, "households"});
      v.choice("weights", weights, kWeightRuleNames);
      v.number("national_lifted_persons", national_lifted_persons, Bounds{1, 2e9, "persons"});
      v.number("national_edge_persons", national_edge_persons, Bounds{1, 2e9, "persons"});
      v.integer("industry_products", industry_products, std::uint32_t{1}, std::uint32_t{255});
      v.per_region("county_share", county_share, Bounds{0, 1e6, "relative weight"});
      v.numbers("household_size_weights", household_size_weights, Bounds{0, 1e6, "relative weight"});
      v.number("child_share", child_share, kShare);
      v.number("elderly_share", elderly_share, kShare);
      v.per_region("chronic_share", chronic_share, kShare);
      v.number("disabled_share", disabled_share, kShare);
      v.number("migrant_share", migrant_share, kShare);
      v.number("local_wage_share", local_wage_share, kShare);
      v.per_region("relocated_share", relocated_share, kShare);
      v.numbers("adult_education_weights", adult_education_weights, Bounds{0, 1e6, "relative weight"});
      v.numbers("elderly_education_weights", elderly_education_weights, Bounds{0, 1e6, "relative weight"});
      v.section("income", income);
      v.section("industry", industry);
    }
    std::string check() const;
  };

  explicit SyntheticPopulation(const Params& params) : params_(params) {}
  std::size_t households() const override { return params_.households; }
  bool sampled() const override { return true; }
  double persons_per_household() const override;
  void generate(HouseholdStore& hh, const StreamFactory& rng) const override;
  // Builds households [begin, end) alone: every household draws from its own stream, keyed by its
  // index in the whole population, so a part needs only the sizes of the households before it (for
  // its persons' keys), not the households themselves.
  void generate_part(HouseholdStore& hh, const StreamFactory& rng, std::size_t begin, std::size_t end,
                     const Reducer& reducer) const override;
  // Counties are contiguous runs of households: a part begins at a county's first household.
  std::size_t part_boundary(std::size_t h) const override;
  std::string weights() const override;

 private:
  void apply_national_weights(HouseholdStore& hh, const Reducer& reducer) const;
  Params params_;
};

}  // namespace povsim

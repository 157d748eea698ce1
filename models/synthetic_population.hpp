// The embedded default population: synthetic lifted households generated deterministically from
// the seed, roughly matching the domain brief (income composition, ~10 % of lifted households below
// 5,000 yuan per capita, chronic illness shares, relocated share). Issue 3 calibrates it properly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/params.hpp"

namespace povsim {

class SyntheticPopulation final : public PopulationSource {
 public:
  static constexpr std::uint32_t kStreamId = 1;

  struct Income {
    // Normal-year per-capita income excluding pension, yuan/person/year. Judgement, chosen so that
    // the mean is near the 12,550 yuan of lifted people in 2021 (domain brief).
    double median_per_capita = 11000;
    double log_sd = 0.5;
    // Share of households sitting just above the line, drawn uniformly in [fragile_min, 5,000):
    // the brief's "about 10 % of lifted households below 5,000 yuan per capita".
    double fragile_share = 0.09;
    double fragile_min = 4100;
    double fragile_max = 5000;
    double wage_share = 0.40;  // of income, households with a wage earner (NBS 2019: 35 % overall)
    double relocated_wage_share = 0.724;  // relocated households, 2021 (brief)
    PerRegion transfer_share{0.33, 0.27, 0.31, 0.22};  // brief: > 30 % in the most dependent areas
    double relocated_transfer_share = 0.18;           // judgement
    double property_share = 0.014;                    // NBS 2019
    // Split of programme transfers: public-welfare posts, ecological compensation, dibao. Judgement.
    std::vector<double> programme_split{0.35, 0.25, 0.40};
    double savings_months = 3;  // initial savings, months of normal income. Judgement.

    template <class V>
    void visit(V& v) {
      v.number("median_per_capita", median_per_capita, Bounds{1, 1e6, "yuan/person/year"});
      v.number("log_sd", log_sd, Bounds{0, 3, "sd of log income"});
      v.number("fragile_share", fragile_share, kShare);
      v.number("fragile_min", fragile_min, Bounds{0, 1e6, "yuan/person/year"});
      v.number("fragile_max", fragile_max, Bounds{0, 1e6, "yuan/person/year"});
      v.number("wage_share", wage_share, kShare);
      v.number("relocated_wage_share", relocated_wage_share, kShare);
      v.per_region("transfer_share", transfer_share, kShare);
      v.number("relocated_transfer_share", relocated_transfer_share, kShare);
      v.number("property_share", property_share, kShare);
      v.numbers("programme_split", programme_split, kShare);
      v.number("savings_months", savings_months, Bounds{0, 120, "months of income"});
    }
  };

  struct Industry {
    double participation = 0.6;        // share of households in a supported industry. Judgement.
    double subsidy_share = 0.2;        // support as a share of their operating income. Judgement.
    std::vector<double> dependence_weights{0.40, 0.35, 0.25};  // low, medium, high. Judgement.
    template <class V>
    void visit(V& v) {
      v.number("participation", participation, kShare);
      v.number("subsidy_share", subsidy_share, kShare);
      v.numbers("dependence_weights", dependence_weights, Bounds{0, 1e6, "relative weight"});
    }
  };

  struct Params {
    std::uint64_t households = 1'000'000;
    std::uint32_t counties = 832;  // the designated poor counties (brief)
    PerRegion county_share{0.12, 0.33, 0.25, 0.30};  // judgement
    std::vector<double> household_size_weights{0.08, 0.17, 0.20, 0.22, 0.18, 0.10, 0.05};  // sizes 1..
    double child_share = 0.22;    // non-head members under 16. Judgement.
    double elderly_share = 0.25;  // non-head members 60+. Judgement (ageing, brief).
    PerRegion chronic_share{0.22, 0.17, 0.15, 0.21};  // brief: > 20 % in the north-west and north-east
    double disabled_share = 0.05;  // judgement
    double migrant_share = 0.40;   // working-age able adults in migrant work. Judgement.
    double local_wage_share = 0.20;
    PerRegion relocated_share{0.12, 0.12, 0.15, 0.05};  // ~10 M of ~99 M people relocated (brief)
    Income income;
    Industry industry;

    template <class V>
    void visit(V& v) {
      v.integer("households", households, std::uint64_t{1}, std::uint64_t{2'000'000'000});
      v.integer("counties", counties, std::uint32_t{1}, std::uint32_t{1'000'000});
      v.per_region("county_share", county_share, Bounds{0, 1e6, "relative weight"});
      v.numbers("household_size_weights", household_size_weights, Bounds{0, 1e6, "relative weight"});
      v.number("child_share", child_share, kShare);
      v.number("elderly_share", elderly_share, kShare);
      v.per_region("chronic_share", chronic_share, kShare);
      v.number("disabled_share", disabled_share, kShare);
      v.number("migrant_share", migrant_share, kShare);
      v.number("local_wage_share", local_wage_share, kShare);
      v.per_region("relocated_share", relocated_share, kShare);
      v.section("income", income);
      v.section("industry", industry);
    }
    std::string check() const;
  };

  explicit SyntheticPopulation(const Params& params) : params_(params) {}
  std::size_t households() const override { return params_.households; }
  double persons_per_household() const override;
  void generate(HouseholdStore& hh, const StreamFactory& rng) const override;

 private:
  Params params_;
};

}  // namespace povsim

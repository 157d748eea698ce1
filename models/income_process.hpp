// Monthly earnings: wages of employed, healthy wage earners; farm and business income (damaged by
// disasters); property income; programme transfers; savings. In January wages and operating income
// grow and each household's idiosyncratic income factor for the year is set:
//   log factor = persistent part + transitory part, each with its mean shifted so the factor has
//   mean one; the persistent part is an AR(1) across years (persistence rho, stationary log-sd
//   persistent_log_sd), drawn at its stationary distribution in the first January; the transitory
//   part (annual_income_log_sd) is redrawn every year. Persistence makes poverty spells last: a
//   household hit by a bad persistent draw stays low for several years, so exits slow down the
//   longer a spell lasts (the CFPS pattern: 37 % exit after one year of poverty, under 9 % after
//   five; domain brief). With persistent_log_sd = 0 the factor is today's yearly i.i.d. draw.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

class IncomeProcess final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 3;
  struct Params {
    bool enabled = true;
    // Per year, nominal, from the second January on (the population's incomes are 2021's).
    // Set so that lifted households' mean per-capita income grows about 8.5 % a year, as rural
    // incomes in lifted areas did 2020-2024 (12,588 -> 17,522 yuan, 8.6 % a year; Ministry of
    // Agriculture and Rural Affairs 2025, domain brief); wages faster than farm and business income
    // (judgement). Lifted people's own 2022 growth (+14.3 %) is higher still.
    double wage_growth = 0.10;
    double operating_growth = 0.08;
    // Log-sd of the yearly income factor (mean 1) applied to wages and operating income. Judgement:
    // poverty in rural China is mostly transient and driven by income variability (brief, CHNS).
    // Transitory part, redrawn each year. Judgement: with the persistent part below, the total
    // log-variance (0.12^2 + 0.09^2 = 0.15^2) is that of the earlier i.i.d. factor of 0.15.
    double annual_income_log_sd = 0.09;
    // Persistent part: stationary log-sd and year-to-year persistence. Judgement, to be calibrated
    // to the CFPS exit durations (issue 10); 0.7 gives a half-life of about two years.
    double persistent_log_sd = 0.12;
    double persistence = 0.7;
    double saving_rate = 0.10;  // share of monthly income saved. Judgement.
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("wage_growth", wage_growth, Bounds{-0.5, 1, "per year"});
      v.number("operating_growth", operating_growth, Bounds{-0.5, 1, "per year"});
      v.number("annual_income_log_sd", annual_income_log_sd, Bounds{0, 2, "sd of log factor"});
      v.number("persistent_log_sd", persistent_log_sd, Bounds{0, 2, "stationary sd of the log factor's AR(1) part"});
      v.number("persistence", persistence, Bounds{0, 0.999, "AR(1) coefficient per year"});
      v.number("saving_rate", saving_rate, kShare);
    }
  };
  explicit IncomeProcess(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override;

 private:
  void new_year(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const;
  Params params_;
  ColumnHandle<float> market_delta_;
  ColumnHandle<std::uint8_t> disaster_months_left_;
  ColumnHandle<float> disaster_loss_;
  ColumnHandle<std::uint16_t> sick_until_;
  ColumnHandle<float> persistent_;  // the persistent part of the log income factor
  // /annual/employment: living, employed local-wage and migrant workers of lifted households at December.
  CounterHandle wage_workers_;
};

}  // namespace povsim

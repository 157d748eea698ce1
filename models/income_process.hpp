// Monthly earnings: wages of employed, healthy wage earners; farm and business income (damaged by
// disasters); property income; programme transfers; savings. In January wages and operating income
// grow and each household draws its idiosyncratic income factor for the year, the source of the
// transient poverty the panel evidence describes.
#pragma once

#include "sim/core/model.hpp"
#include "sim/config/params.hpp"

namespace povsim {

class IncomeProcess final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 3;
  struct Params {
    bool enabled = true;
    double wage_growth = 0.05;       // per year, nominal. Judgement (migrant wages, NBS trend).
    double operating_growth = 0.03;  // per year, nominal. Judgement.
    // Log-sd of the yearly income factor (mean 1) applied to wages and operating income. Judgement:
    // poverty in rural China is mostly transient and driven by income variability (brief, CHNS).
    double annual_income_log_sd = 0.15;
    double saving_rate = 0.10;  // share of monthly income saved. Judgement.
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.number("wage_growth", wage_growth, Bounds{-0.5, 1, "per year"});
      v.number("operating_growth", operating_growth, Bounds{-0.5, 1, "per year"});
      v.number("annual_income_log_sd", annual_income_log_sd, Bounds{0, 2, "sd of log factor"});
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
};

}  // namespace povsim

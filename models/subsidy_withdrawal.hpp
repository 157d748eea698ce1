// Subsidy withdrawal shock: a transfer programme (public-welfare posts, ecological compensation,
// dibao) steps down or ends on dates the scenario gives. Levels are relative to the 2020 amounts;
// on a step the programme's payments to every recipient scale by new level / old level, and the
// recipients' latest shock becomes "subsidy_withdrawal".
#pragma once

#include <array>

#include "sim/model.hpp"
#include "sim/params.hpp"

namespace povsim {

class SubsidyWithdrawal final : public Model {
 public:
  static constexpr std::uint32_t kStreamId = 13;  // reserved; the model draws nothing
  struct Levels {
    // Default: the 2021-2025 transition period keeps support stable (brief); afterwards
    // public-welfare posts shrink. Judgement.
    StepSchedule public_welfare_post{{{YearMonth::of(2026, 1), 0.7}, {YearMonth::of(2028, 1), 0.5}}, 1.0};
    StepSchedule ecological_compensation{{}, 1.0};
    StepSchedule dibao{{}, 1.0};
    template <class V>
    void visit(V& v) {
      v.schedule("public_welfare_post", public_welfare_post, Bounds{0, 1, "level relative to 2020"});
      v.schedule("ecological_compensation", ecological_compensation, Bounds{0, 1, "level relative to 2020"});
      v.schedule("dibao", dibao, Bounds{0, 1, "level relative to 2020"});
    }
    std::array<const StepSchedule*, kProgrammes> all() const {
      return {&public_welfare_post, &ecological_compensation, &dibao};
    }
  };
  struct Params {
    bool enabled = true;
    Levels levels;
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.section("levels", levels);
    }
    std::string check() const;
  };
  explicit SubsidyWithdrawal(const Params& params) : params_(params) {}
  void begin_month(const MonthContext& ctx) override;
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override;

 private:
  Params params_;
  std::array<float, kProgrammes> ratio_{};  // this month's payment multiplier per programme
  bool any_change_ = false;
};

}  // namespace povsim

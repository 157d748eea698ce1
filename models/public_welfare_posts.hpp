// Public-welfare posts (e.g. forest rangers; brief: 9,000-10,000 yuan/year, about 1.1 M posts):
// a transfer programme whose level the scenario schedules. Default: stable through the 2021-2025
// transition period, then 70 % of the 2020 level from 2026 and 50 % from 2028. Judgement.
// The mechanism is models/transfer_programme.hpp.
#pragma once

#include "models/transfer_programme.hpp"

namespace povsim {

class PublicWelfarePosts final : public TransferProgramme {
 public:
  static constexpr std::uint32_t kStreamId = 24;  // reserved; the model draws nothing
  struct Params : ProgrammeLevels {
    Params() { levels = StepSchedule{{{YearMonth::of(2026, 1), 0.7}, {YearMonth::of(2028, 1), 0.5}}, 1.0}; }
  };
  explicit PublicWelfarePosts(const Params& params) : TransferProgramme(Programme::public_welfare_post, params) {}
};

}  // namespace povsim

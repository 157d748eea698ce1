// Ecological compensation and reforestation subsidies: a transfer programme whose level the
// scenario schedules. Default: kept at the 2020 level (transition period, brief).
// The mechanism is models/transfer_programme.hpp.
#pragma once

#include "models/transfer_programme.hpp"

namespace povsim {

class EcoCompensation final : public TransferProgramme {
 public:
  static constexpr std::uint32_t kStreamId = 25;  // reserved; the model draws nothing
  struct Params : ProgrammeLevels {
    Params() { levels = StepSchedule{{}, 1.0}; }
  };
  explicit EcoCompensation(const Params& params) : TransferProgramme(Programme::ecological_compensation, params) {}
};

}  // namespace povsim

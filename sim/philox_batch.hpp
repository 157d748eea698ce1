// Philox4x32-10 for many consecutive counters at once. Hot loops need one draw per person per
// month; computing eight counter blocks side by side with AVX2 costs a fraction of eight scalar
// calls. The output is bit-identical to Random123's r123::Philox4x32 (tests check it), so the
// choice between the AVX2 and the scalar path never changes a result.
#pragma once

#include <cstdint>

#include "sim/rng.hpp"

namespace povsim {

// out[4*i + j] = word j of Philox4x32-10(counter with word 1 = first_group + i, key), for
// i in [0, groups). Words 0, 2 and 3 of the counter are taken from `counter`.
void philox_blocks(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                   std::uint32_t first_group, std::uint32_t groups, std::uint32_t* out);

// The same, always on the scalar path (for tests and for machines without AVX2).
void philox_blocks_scalar(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                          std::uint32_t first_group, std::uint32_t groups, std::uint32_t* out);

}  // namespace povsim

// Philox4x32-10 for many consecutive counters at once. Hot loops need one draw per person per
// month; computing eight counter blocks side by side with AVX2 costs a fraction of eight scalar
// calls. The output is bit-identical to Random123's r123::Philox4x32 (tests check it), so the
// choice between the AVX2 and the scalar path never changes a result.
#pragma once

#include <cstdint>

#include "sim/random/rng.hpp"

namespace povsim {

// Which counter word runs through consecutive values: word 1 (the entity) gives one block per
// consecutive entity (EntityDraws); word 0 (the draw block) gives consecutive blocks of one
// entity's stream (Stream's sequence).
enum class CounterWord : int { block = 0, entity = 1 };

// out[4*i + j] = word j of Philox4x32-10(counter with word `vary` = first + i, key), for
// i in [0, count). The other counter words are taken from `counter`.
void philox_blocks(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                   CounterWord vary, std::uint32_t first, std::uint32_t count, std::uint32_t* out);

// The same, always on the scalar path (for tests and for machines without AVX2).
void philox_blocks_scalar(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                          CounterWord vary, std::uint32_t first, std::uint32_t count, std::uint32_t* out);

}  // namespace povsim

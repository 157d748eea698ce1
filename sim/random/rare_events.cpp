#include "sim/random/rare_events.hpp"

#include <bit>
#include <cstring>

#include "sim/random/philox_batch.hpp"

namespace povsim {

namespace {
// Bits k per person for each rate 2^-k the class offers; k divides 32, so no person's bits
// straddle two words.
constexpr std::uint32_t kBitChoices[] = {4, 2, 1, 0};

// One bit per person of a 32-bit word of candidate bits: bit i set iff person i's k-bit group is
// all zero. (Folds each group onto its lowest bit, then packs those bits together.) The result
// has 32 / k bits, and is stored in an integer of that width.
template <std::uint32_t k>
auto candidate_mask(std::uint32_t word) {
  std::uint32_t x = ~word;  // group all zero <=> all ones here
  if constexpr (k == 1) {
    return x;
  } else if constexpr (k == 2) {
    x &= x >> 1;
    x &= 0x55555555u;
    x = (x | (x >> 1)) & 0x33333333u;
    x = (x | (x >> 2)) & 0x0F0F0F0Fu;
    x = (x | (x >> 4)) & 0x00FF00FFu;
    return static_cast<std::uint16_t>(x | (x >> 8));
  } else {
    static_assert(k == 4);
    x &= x >> 1;
    x &= x >> 2;
    x &= 0x11111111u;
    x = (x | (x >> 3)) & 0x03030303u;
    x = (x | (x >> 6)) & 0x000F000Fu;
    return static_cast<std::uint8_t>(x | (x >> 12));
  }
}

// The candidate bits of `words` words as one bit per person, packed in order (person i of the
// chunk is bit i % 64 of masks[i / 64]). A loop with no branch, which GCC vectorises.
template <std::uint32_t k>
void candidate_masks(const std::uint32_t* bits, std::uint32_t words, std::uint64_t* masks) {
  using Packed = decltype(candidate_mask<k>(0));
  Packed packed[RareEvents::kChunk / (8 * sizeof(Packed))];
  for (std::uint32_t w = 0; w < words; ++w) packed[w] = candidate_mask<k>(bits[w]);
  static_assert(std::endian::native == std::endian::little, "word w must land at bit w * 32 / k");
  std::memcpy(masks, packed, words * sizeof(Packed));
}

}  // namespace

double RareEvents::candidate_rate(double max_probability) {
  for (std::uint32_t k : kBitChoices) {
    const double rate = 1.0 / static_cast<double>(1u << k);
    if (max_probability <= rate) return rate;
  }
  return 1.0;
}

RareEvents::RareEvents(const MonthContext& ctx, std::uint32_t model_stream, double max_probability)
    : ctx_(ctx), key_base_(ctx.person_key_base), model_stream_(model_stream), rate_(candidate_rate(max_probability)) {
  bits_ = 0;
  while (1.0 / static_cast<double>(1u << bits_) > rate_) ++bits_;
}

void RareEvents::draw(std::uint32_t c, std::uint32_t persons, Candidates& out) const {
  const StreamKey key{ctx_.rng->seed(), ctx_.rng->replicate(), model_stream_};
  const auto philox = philox_key(key);
  const auto counter = philox_counter(key, c, ctx_.step);
  out.count = 0;
  if (bits_ == 0) {  // rate 1: everyone is a candidate
    for (std::uint32_t i = 0; i < persons; ++i) out.offset[i] = static_cast<std::uint16_t>(i);
    out.count = persons;
  } else {
    const std::uint32_t k = bits_, per_word = 32 / k;
    const std::uint32_t words = (persons + per_word - 1) / per_word;
    std::uint32_t bits[kChunk / 8];  // at most 4 bits per person
    philox_blocks(philox, counter, CounterWord::block, 0, (words + 3) / 4, bits);
    std::uint64_t masks[kChunk / 64] = {};
    if (k == 4) candidate_masks<4>(bits, words, masks);
    if (k == 2) candidate_masks<2>(bits, words, masks);
    if (k == 1) candidate_masks<1>(bits, words, masks);
    // One iteration per candidate (about four per 64 persons at rate 1/16).
    for (std::uint32_t first = 0; first < persons; first += 64) {
      std::uint64_t mask = masks[first / 64];
      if (persons - first < 64) mask &= (std::uint64_t{1} << (persons - first)) - 1;  // past the range
      for (; mask != 0; mask &= mask - 1)
        out.offset[out.count++] = static_cast<std::uint16_t>(first + static_cast<std::uint32_t>(__builtin_ctzll(mask)));
    }
  }
  philox_blocks(philox, counter, CounterWord::block, kAcceptanceBlock, (out.count + 3) / 4, out.raw);
}

}  // namespace povsim

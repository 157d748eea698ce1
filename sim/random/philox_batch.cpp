#include "sim/random/philox_batch.hpp"

#include <immintrin.h>

namespace povsim {

void philox_blocks_scalar(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                          CounterWord vary, std::uint32_t first, std::uint32_t count, std::uint32_t* out) {
  r123::Philox4x32 philox;
  r123::Philox4x32::ctr_type c = counter;
  for (std::uint32_t i = 0; i < count; ++i) {
    c[static_cast<int>(vary)] = first + i;
    const auto block = philox(c, key);
    for (int j = 0; j < 4; ++j) out[4 * i + j] = block[j];
  }
}

namespace {

// Random123's constants (philox.h): multipliers and Weyl key increments.
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

// 32x32 -> 64-bit products of eight lanes: low and high halves, lane by lane.
__attribute__((target("avx2"))) inline void mulhilo8(__m256i x, __m256i m, __m256i& lo, __m256i& hi) {
  const __m256i even = _mm256_mul_epu32(x, m);                         // lanes 0, 2, 4, 6
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);   // lanes 1, 3, 5, 7
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// Eight counters (word `vary` = g .. g+7) through ten Philox rounds; writes 32 words.
__attribute__((target("avx2"))) void philox8(const r123::Philox4x32::key_type& key,
                                             const r123::Philox4x32::ctr_type& counter, CounterWord vary,
                                             std::uint32_t g, std::uint32_t* out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0)), m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  const __m256i run = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(g)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i c0 = vary == CounterWord::block ? run : _mm256_set1_epi32(static_cast<int>(counter[0]));
  __m256i c1 = vary == CounterWord::entity ? run : _mm256_set1_epi32(static_cast<int>(counter[1]));
  __m256i c2 = _mm256_set1_epi32(static_cast<int>(counter[2]));
  __m256i c3 = _mm256_set1_epi32(static_cast<int>(counter[3]));
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) k0 += kW0, k1 += kW1;
    __m256i lo0, hi0, lo1, hi1;
    mulhilo8(c0, m0, lo0, hi0);
    mulhilo8(c2, m1, lo1, hi1);
    const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
    const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
    c0 = n0, c1 = lo1, c2 = n2, c3 = lo0;
  }
  // Interleave into blocks: out[4*i + j] = word j of lane i.
  const __m256i t0 = _mm256_unpacklo_epi32(c0, c1);  // a0 b0 a1 b1 | a4 b4 a5 b5
  const __m256i t1 = _mm256_unpackhi_epi32(c0, c1);  // a2 b2 a3 b3 | a6 b6 a7 b7
  const __m256i t2 = _mm256_unpacklo_epi32(c2, c3);  // c0 d0 c1 d1 | ...
  const __m256i t3 = _mm256_unpackhi_epi32(c2, c3);
  const __m256i u0 = _mm256_unpacklo_epi64(t0, t2);  // block 0 | block 4
  const __m256i u1 = _mm256_unpackhi_epi64(t0, t2);  // block 1 | block 5
  const __m256i u2 = _mm256_unpacklo_epi64(t1, t3);  // block 2 | block 6
  const __m256i u3 = _mm256_unpackhi_epi64(t1, t3);  // block 3 | block 7
  auto* o = reinterpret_cast<__m256i*>(out);
  _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(u0, u1, 0x20));  // blocks 0, 1
  _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(u2, u3, 0x20));  // blocks 2, 3
  _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(u0, u1, 0x31));  // blocks 4, 5
  _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(u2, u3, 0x31));  // blocks 6, 7
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

}  // namespace

void EntityDraws::fill(std::uint32_t first, std::uint32_t count, std::uint32_t* out) const {
  if (count == 0) return;
  const std::uint32_t first_group = first >> 2;
  const std::uint32_t groups = ((first + count - 1) >> 2) - first_group + 1;
  std::uint32_t words[4 * (kMaxFill / 4 + 2)];
  philox_blocks(key_, ctr_, CounterWord::entity, first_group, groups, words);
  const std::uint32_t skip = first & 3u;
  for (std::uint32_t i = 0; i < count; ++i) out[i] = words[skip + i];
}

void philox_blocks(const r123::Philox4x32::key_type& key, const r123::Philox4x32::ctr_type& counter,
                   CounterWord vary, std::uint32_t first, std::uint32_t count, std::uint32_t* out) {
  std::uint32_t i = 0;
  if (cpu_has_avx2())
    for (; i + 8 <= count; i += 8) philox8(key, counter, vary, first + i, out + 4 * i);
  philox_blocks_scalar(key, counter, vary, first + i, count - i, out + 4 * i);
}

}  // namespace povsim

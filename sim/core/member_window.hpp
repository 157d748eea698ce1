// Per-household sums over members, eight member slots at a time as one vector (GCC vector
// extensions: SSE2 or AVX2 on x86-64, NEON on Arm). A household's members are read through windows
// of kMemberWindow slots starting at its first person (the person columns are padded so a window
// never leaves them), and slots past the household's size are masked out. Per-member loops with a
// data-dependent trip count mispredicted on every household and did not vectorise; these have no
// data-dependent branch except for the rare household of more than eight.
#pragma once

#include <cstdint>
#include <cstring>

#include "sim/core/household_store.hpp"
#include "sim/core/model.hpp"

namespace povsim::lanes {

static_assert(kMemberWindow == 8, "the lane types below hold one window");

// A predicate over a window: -1 in the lanes (members) where it holds, 0 elsewhere. Comparisons
// of the column types below give one directly, e.g. `load<Bytes>(age, q) >= 60`.
using Mask = std::int8_t __attribute__((vector_size(8)));
using Bytes = std::uint8_t __attribute__((vector_size(8)));
using Words = std::uint16_t __attribute__((vector_size(16)));
using WordMask = std::int16_t __attribute__((vector_size(16)));  // what comparing Words gives

// The eight values of `column` from person q on.
template <class V, class T>
inline V load(const T* column, std::uint32_t q) {
  static_assert(sizeof(V) == kMemberWindow * sizeof(T), "one lane per member slot");
  V v;
  std::memcpy(&v, column + q, sizeof v);
  return v;
}

// Every lane equal to x. (GCC converts a scalar operand to a vector only if it is a constant
// that fits, so run-time values go through this.)
template <class V, class T>
inline V splat(T x) {
  return V{x, x, x, x, x, x, x, x};
}

// Comparisons of 16-bit lanes give 16-bit masks; this narrows one to a Mask.
inline Mask narrow(WordMask wide) { return __builtin_convertvector(wide, Mask); }

// Lanes [0, n) set, n >= 0.
inline Mask first_lanes(std::uint32_t n) {
  static constexpr std::uint64_t kFirst[kMemberWindow + 1] = {
      0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFF, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFFFF, ~0ull};
  Mask m;
  std::memcpy(&m, &kFirst[n < kMemberWindow ? n : kMemberWindow], sizeof m);
  return m;
}

inline std::uint32_t count(Mask m) {
  std::uint64_t bits;
  std::memcpy(&bits, &m, sizeof bits);
  return static_cast<std::uint32_t>(((bits & 0x0101010101010101ull) * 0x0101010101010101ull) >> 56);
}

// Sum of the eight values from `values` in the set lanes, added in a fixed order (so results never
// depend on the machine or the thread count): ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)).
// Written with 16-byte vectors only: GCC splits wider ones badly on SSE2.
inline float masked_sum(const float* values, Mask m) {
  // Widen the mask by duplicating lanes (0 or -1 stays 0 or -1 at any width): three unpacks.
  using Mask16 = std::int8_t __attribute__((vector_size(16)));
  using Shorts = std::int16_t __attribute__((vector_size(16)));
  using Ints4 = std::int32_t __attribute__((vector_size(16)));
  using Floats4 = float __attribute__((vector_size(16)));
  const Shorts shorts = reinterpret_cast<Shorts>(
      Mask16(__builtin_shufflevector(m, m, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7)));
  const Ints4 keep_low = reinterpret_cast<Ints4>(__builtin_shufflevector(shorts, shorts, 0, 0, 1, 1, 2, 2, 3, 3));
  const Ints4 keep_high = reinterpret_cast<Ints4>(__builtin_shufflevector(shorts, shorts, 4, 4, 5, 5, 6, 6, 7, 7));
  Floats4 low, high;
  std::memcpy(&low, values, sizeof low);
  std::memcpy(&high, values + 4, sizeof high);
  const Floats4 a = reinterpret_cast<Floats4>(reinterpret_cast<Ints4>(low) & keep_low) +
                    reinterpret_cast<Floats4>(reinterpret_cast<Ints4>(high) & keep_high);
  return (a[0] + a[2]) + (a[1] + a[3]);
}

}  // namespace povsim::lanes

namespace povsim {

// Calls f(q) for each person q in `persons` whose flags have all of `bits`, in increasing order,
// testing eight flags at a time: for flags that few persons carry (the unemployed, the trained
// unemployed), most words are skipped whole. Reads only the flags in `persons`, since the next
// persons may be another thread's; f may change flags[q].
template <class F>
void for_each_person_with_flags(const std::uint8_t* flags, PersonRange persons, std::uint8_t bits, F&& f) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full, kHigh = 0x8080808080808080ull;
  const std::uint64_t pattern = 0x0101010101010101ull * bits;
  std::uint32_t q = persons.begin;
  for (; q + 8 <= persons.end; q += 8) {
    std::uint64_t word;
    std::memcpy(&word, flags + q, 8);
    // A person matches where this byte is zero; the zero-byte test is exact (no carries between bytes).
    const std::uint64_t miss = (word & pattern) ^ pattern;
    std::uint64_t match = ~(((miss & kLow7) + kLow7) | miss) & kHigh;
    for (; match != 0; match &= match - 1) f(q + static_cast<std::uint32_t>(__builtin_ctzll(match)) / 8);
  }
  for (; q < persons.end; ++q)
    if ((flags[q] & bits) == bits) f(q);
}

// counts[i] = number of members q of household range.begin + i for which the window predicate
// holds; predicate(q) gives the Mask of the eight slots from person q on.
template <class T, class Predicate>
void count_members(const HouseholdStore& hh, HouseholdRange range, Predicate predicate, T* counts) {
  const std::uint32_t* first = hh.first_person.data();
  const std::uint8_t* size = hh.persons.data();
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint32_t f = first[h], n = size[h];
    std::uint32_t c = lanes::count(predicate(f) & lanes::first_lanes(n));
    for (std::uint32_t k = kMemberWindow; k < n; k += kMemberWindow)  // rare large households
      c += lanes::count(predicate(f + k) & lanes::first_lanes(n - k));
    counts[h - range.begin] = static_cast<T>(c);
  }
}

// sums[i] = sum of values[q] over the members q of household range.begin + i for which the window
// predicate holds.
template <class Predicate>
void sum_members(const HouseholdStore& hh, HouseholdRange range, Predicate predicate, const float* values,
                 float* sums) {
  const std::uint32_t* first = hh.first_person.data();
  const std::uint8_t* size = hh.persons.data();
  for (std::uint32_t h = range.begin; h < range.end; ++h) {
    const std::uint32_t f = first[h], n = size[h];
    float s = lanes::masked_sum(values + f, predicate(f) & lanes::first_lanes(n));
    for (std::uint32_t k = kMemberWindow; k < n; k += kMemberWindow)  // rare large households
      s += lanes::masked_sum(values + f + k, predicate(f + k) & lanes::first_lanes(n - k));
    sums[h - range.begin] = s;
  }
}

}  // namespace povsim

// Per-household sums over members, eight member slots at a time as one vector (GCC vector
// extensions: SSE2 or AVX2 on x86-64, NEON on Arm). A household's members are read through windows
// of kMemberWindow slots starting at its first person (the person columns are padded so a window
// never leaves them), and slots past the household's size are masked out. Per-member loops with a
// data-dependent trip count mispredicted on every household and did not vectorise; these have no
// data-dependent branch except for the rare household of more than eight.
#pragma once

#include <cstdint>
#include <cstring>

#include "sim/household_store.hpp"
#include "sim/model.hpp"

// The lane types are wider than SSE2 registers when AVX is off, and GCC notes that passing them
// by value has a different ABI with AVX on. They never cross a library boundary (everything here
// is inline), so the note is noise.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace povsim::lanes {

static_assert(kMemberWindow == 8, "the lane types below hold one window");

// A predicate over a window: -1 in the lanes (members) where it holds, 0 elsewhere. Comparisons
// of the column types below give one directly, e.g. `load<Bytes>(age, q) >= 60`.
using Mask = std::int8_t __attribute__((vector_size(8)));
using Bytes = std::uint8_t __attribute__((vector_size(8)));
using Words = std::uint16_t __attribute__((vector_size(16)));
using WordMask = std::int16_t __attribute__((vector_size(16)));  // what comparing Words gives
using Ints = std::int32_t __attribute__((vector_size(32)));
using Floats = float __attribute__((vector_size(32)));

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

// Sum of the values in the set lanes, added in a fixed order (so results never depend on the
// machine or the thread count).
inline float masked_sum(Floats values, Mask m) {
  const Ints keep = __builtin_convertvector(m, Ints);
  const Floats v = reinterpret_cast<Floats>(reinterpret_cast<Ints>(values) & keep);
  return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

}  // namespace povsim::lanes

namespace povsim {

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
    float s = lanes::masked_sum(lanes::load<lanes::Floats>(values, f), predicate(f) & lanes::first_lanes(n));
    for (std::uint32_t k = kMemberWindow; k < n; k += kMemberWindow)  // rare large households
      s += lanes::masked_sum(lanes::load<lanes::Floats>(values, f + k), predicate(f + k) & lanes::first_lanes(n - k));
    sums[h - range.begin] = s;
  }
}

}  // namespace povsim

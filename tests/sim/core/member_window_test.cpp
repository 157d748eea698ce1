#include "sim/core/member_window.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace povsim {
namespace {

// Households of 0 to 19 members (so windows past the first are exercised), with ages 0..99 and
// wages that differ per person.
HouseholdStore mixed_households() {
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < 60; ++i) sizes.push_back(static_cast<std::uint8_t>((i * 7) % 20));
  std::uint32_t persons = 0;
  for (auto n : sizes) persons += n;
  HouseholdStore hh;
  hh.resize(sizes.size(), persons);
  std::uint32_t q = 0;
  for (std::size_t h = 0; h < sizes.size(); ++h) {
    hh.first_person[h] = q, hh.persons[h] = sizes[h];
    for (int k = 0; k < sizes[h]; ++k, ++q) {
      hh.age[q] = static_cast<std::uint8_t>((q * 37) % 100);
      hh.wage[q] = 100.0f + static_cast<float>(q) * 0.37f;
    }
  }
  return hh;
}

TEST(MemberWindow, CountMembersMatchesAPlainLoop) {
  const HouseholdStore hh = mixed_households();
  const std::uint8_t* ages = hh.age.data();
  std::vector<std::uint32_t> counts(hh.size());
  count_members(hh, {0, static_cast<std::uint32_t>(hh.size())},
                [=](std::uint32_t q) { return lanes::load<lanes::Bytes>(ages, q) >= lanes::splat<lanes::Bytes>(std::uint8_t{60}); },
                counts.data());
  for (std::size_t h = 0; h < hh.size(); ++h) {
    std::uint32_t expected = 0;
    for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q) expected += hh.age[q] >= 60;
    EXPECT_EQ(counts[h], expected) << "household " << h << " of " << int(hh.persons[h]);
  }
}

// Sums agree with a plain loop to float rounding (the order of additions differs), and a
// sub-range gives the same values as the whole range.
TEST(MemberWindow, SumMembersMatchesAPlainLoop) {
  const HouseholdStore hh = mixed_households();
  const std::uint8_t* ages = hh.age.data();
  auto adult = [=](std::uint32_t q) { return lanes::load<lanes::Bytes>(ages, q) >= lanes::splat<lanes::Bytes>(std::uint8_t{16}); };
  std::vector<float> sums(hh.size()), part(hh.size());
  sum_members(hh, {0, static_cast<std::uint32_t>(hh.size())}, adult, hh.wage.data(), sums.data());
  sum_members(hh, {10, 30}, adult, hh.wage.data(), part.data());
  for (std::size_t h = 0; h < hh.size(); ++h) {
    double expected = 0;
    for (std::uint32_t q = hh.first_person[h]; q < hh.first_person[h] + hh.persons[h]; ++q)
      expected += hh.age[q] >= 16 ? hh.wage[q] : 0.0;
    EXPECT_NEAR(sums[h], expected, 1e-5 * (1 + expected)) << "household " << h;
    if (h >= 10 && h < 30) {
      EXPECT_EQ(part[h - 10], sums[h]);
    }
  }
}

// The eight-at-a-time flag scan finds exactly the persons a plain loop finds, for one bit and for
// two, over ranges that start and end inside words.
TEST(MemberWindow, FlagScanMatchesAPlainLoop) {
  std::vector<std::uint8_t> flags(200 + kMemberWindow, 0);
  for (std::size_t q = 0; q < 200; ++q) flags[q] = static_cast<std::uint8_t>((q * 37 + q / 7) % 32);
  for (std::uint8_t bits : {std::uint8_t{2}, std::uint8_t{2 | 8}, std::uint8_t{1 | 4 | 16}}) {
    for (PersonRange r : {PersonRange{0, 200}, PersonRange{3, 197}, PersonRange{9, 14}}) {
      std::vector<std::uint32_t> found, expected;
      for_each_person_with_flags(flags.data(), r, bits, [&](std::uint32_t q) { found.push_back(q); });
      for (std::uint32_t q = r.begin; q < r.end; ++q)
        if ((flags[q] & bits) == bits) expected.push_back(q);
      EXPECT_EQ(found, expected) << int(bits) << " " << r.begin;
      EXPECT_FALSE(expected.empty());
    }
  }
}

}  // namespace
}  // namespace povsim

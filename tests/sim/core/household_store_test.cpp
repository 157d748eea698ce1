#include "sim/core/household_store.hpp"

#include <gtest/gtest.h>

#include "models/synthetic_population.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/model.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

// The budget: at most 300 bytes per household, members included.
TEST(HouseholdStore, DefaultPopulationFitsTheMemoryBudget) {
  SyntheticPopulation::Params params;
  params.households = 20000;
  SyntheticPopulation pop(params);
  HouseholdStore hh;
  pop.generate(hh, StreamFactory(1, 0));
  // With every column the default scenario's models declare.
  const auto& declared = povsim::testing::full_layout().columns;
  hh.attach(declared);
  const double per_household = double(hh.bytes_used()) / hh.size();
  EXPECT_LT(per_household, 300.0);
  EXPECT_GT(per_household, 50.0);  // the count is real, not zero
  // The pre-allocation estimate covers what is actually used.
  EXPECT_GE(estimate_run_bytes(hh.size(), pop.persons_per_household(), declared), hh.bytes_used());
  EXPECT_LT(estimate_run_bytes(hh.size(), pop.persons_per_household()),
            estimate_run_bytes(hh.size(), pop.persons_per_household(), declared));  // declared columns count
}

TEST(HouseholdStore, HouseholdOfFindsEachMembersHousehold) {
  HouseholdStore hh;
  hh.resize(4, 8);
  hh.first_person = {0, 1, 4, 6};
  hh.persons = {1, 3, 2, 2};
  const std::vector<std::uint32_t> expected{0, 1, 1, 1, 2, 2, 3, 3};
  for (std::uint32_t q = 0; q < 8; ++q) EXPECT_EQ(household_of(hh, {0, 4}, q), expected[q]) << q;
  EXPECT_EQ(household_of(hh, {2, 4}, 5), 2u);  // within a sub-range too
  EXPECT_EQ(household_of(hh, {2, 4}, 7), 3u);
}

// The cursor gives household_of's answers for increasing persons, skipping any, and also past an
// empty household (first_person repeats).
TEST(HouseholdStore, HouseholdCursorAgreesWithHouseholdOf) {
  HouseholdStore hh;
  hh.resize(5, 8);
  hh.first_person = {0, 1, 4, 4, 6};
  hh.persons = {1, 3, 0, 2, 2};
  for (std::uint32_t stride : {1u, 2u, 3u, 7u}) {
    HouseholdCursor cursor(hh, {0, 5});
    for (std::uint32_t q = 0; q < 8; q += stride) EXPECT_EQ(cursor(q), household_of(hh, {0, 5}, q)) << q;
  }
  HouseholdCursor within(hh, {3, 5});
  EXPECT_EQ(within(5), 3u);
  EXPECT_EQ(within(6), 4u);
}

TEST(HouseholdStore, ResizeZeroesEveryColumn) {
  HouseholdStore hh;
  hh.resize(3, 7);
  EXPECT_EQ(hh.size(), 3u);
  EXPECT_EQ(hh.person_count(), 7u);
  EXPECT_EQ(hh.age.size(), 7u + kMemberWindow);  // padded for member windows
  EXPECT_EQ(hh.transfer[kProgrammes - 1].size(), 3u);
  EXPECT_EQ(hh.bytes_used(), 3 * HouseholdStore::bytes_per_household() + 7 * HouseholdStore::bytes_per_person());
}

// living_members counts a household's members with the alive flag (and only its own members);
// count_alive stores the same count.
TEST(HouseholdStore, LivingMembersCountsAliveFlags) {
  HouseholdStore hh;
  hh.resize(3, 6);
  hh.first_person = {0, 3, 5};
  hh.persons = {3, 2, 1};
  hh.person_flags = {person_flag::alive, 0, person_flag::alive | person_flag::female,
                     person_flag::alive, person_flag::alive, 0};
  hh.person_flags.resize(6 + kMemberWindow, person_flag::alive);  // padding must not count
  EXPECT_EQ(hh.living_members(0), 2);
  EXPECT_EQ(hh.living_members(1), 2);
  EXPECT_EQ(hh.living_members(2), 0);
  hh.count_alive(0, 3);
  EXPECT_EQ(hh.alive_members, (std::vector<std::uint8_t>{2, 2, 0}));
}

}  // namespace
}  // namespace povsim

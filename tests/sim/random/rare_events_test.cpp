#include "sim/random/rare_events.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;
using Candidate = std::pair<std::uint32_t, std::uint32_t>;  // person, acceptance draw

std::vector<Candidate> candidates(const RareEvents& events, PersonRange persons) {
  std::vector<Candidate> out;
  events.for_each_candidate(persons, [&](std::uint32_t q, std::uint32_t raw) { out.emplace_back(q, raw); });
  return out;
}

// The stream layout documented in rare_events.hpp, written out with Random123 directly: k bits per
// person from blocks 0.., all zero makes a candidate; acceptance draws from block 64 on, in order.
std::vector<Candidate> naive_candidates(const MonthContext& ctx, std::uint32_t model, std::uint32_t k,
                                        PersonRange persons) {
  const StreamKey key{ctx.rng->seed(), ctx.rng->replicate(), model};
  r123::Philox4x32 philox;
  auto word = [&](std::uint32_t chunk, std::uint32_t index) {
    auto counter = philox_counter(key, chunk, ctx.step);
    counter[0] = index / 4;
    return philox(counter, philox_key(key))[index % 4];
  };
  std::vector<Candidate> out;
  const std::uint32_t n = RareEvents::kChunk;
  for (std::uint32_t c = persons.begin / n; c <= (persons.end - 1) / n; ++c) {
    std::uint32_t found = 0;
    for (std::uint32_t i = 0; i < n && c * n + i < persons.end; ++i) {
      const std::uint32_t bit = k * i;
      const bool candidate = k == 0 || ((word(c, bit / 32) >> (bit % 32)) & ((1u << k) - 1)) == 0;
      if (!candidate) continue;
      const std::uint32_t raw = word(c, 4 * RareEvents::kAcceptanceBlock + found++);
      if (c * n + i >= persons.begin) out.emplace_back(c * n + i, raw);
    }
  }
  return out;
}

TEST(RareEvents, CandidateRateIsThePowerOfTwoAbove) {
  EXPECT_EQ(RareEvents::candidate_rate(0), 1.0 / 16);
  EXPECT_EQ(RareEvents::candidate_rate(0.03), 1.0 / 16);
  EXPECT_EQ(RareEvents::candidate_rate(0.0625), 1.0 / 16);
  EXPECT_EQ(RareEvents::candidate_rate(0.07), 1.0 / 4);
  EXPECT_EQ(RareEvents::candidate_rate(0.3), 1.0 / 2);
  EXPECT_EQ(RareEvents::candidate_rate(0.6), 1.0);
  EXPECT_EQ(RareEvents::candidate_rate(1.0), 1.0);
}

// The candidates and their draws are exactly the documented layout, for every rate and for ranges
// that start and end inside chunks.
TEST(RareEvents, CandidatesFollowTheDocumentedStreamLayout) {
  HouseholdStore hh;
  const Month month(hh, 7);
  const std::pair<double, std::uint32_t> rates[] = {{0.03, 4}, {0.2, 2}, {0.4, 1}, {0.9, 0}};
  for (const auto& [p, k] : rates) {
    const RareEvents events(month.ctx, 10, p);
    for (PersonRange r : {PersonRange{0, 1024}, PersonRange{100, 3000}, PersonRange{2047, 2049}, PersonRange{5, 6}})
      EXPECT_EQ(candidates(events, r), naive_candidates(month.ctx, 10, k, r)) << p << " " << r.begin;
  }
}

// Any split of a range gives the same candidates as the whole: results cannot depend on how
// households are divided between threads or ranks.
TEST(RareEvents, SplittingTheRangeChangesNothing) {
  HouseholdStore hh;
  const Month month(hh, 3);
  const RareEvents events(month.ctx, 12, 0.02);
  const auto whole = candidates(events, {0, 10000});
  for (std::uint32_t cut : {1u, 1023u, 1024u, 1500u, 9999u}) {
    auto parts = candidates(events, {0, cut});
    const auto rest = candidates(events, {cut, 10000});
    parts.insert(parts.end(), rest.begin(), rest.end());
    EXPECT_EQ(parts, whole) << cut;
  }
}

// Each person has the event with its own probability: 2,000,000 person-months at p = 0.03 and at
// p = 0.3 (rates 1/16 and 1/2). Tolerance: 4 binomial standard errors.
TEST(RareEvents, EventFrequencyIsTheGivenProbability) {
  HouseholdStore hh;
  for (double p : {0.03, 0.3}) {
    long events_seen = 0;
    const std::uint32_t persons = 200000, months = 10;
    for (std::uint32_t m = 0; m < months; ++m) {
      const Month month(hh, static_cast<int>(m));
      const RareEvents events(month.ctx, 11, p);
      const Bernoulli accept = RareEvents::acceptance(p, RareEvents::candidate_rate(p));
      events.for_each_candidate({0, persons}, [&](std::uint32_t, std::uint32_t raw) { events_seen += accept(raw); });
    }
    const double n = double(persons) * months;
    EXPECT_NEAR(events_seen / n, p, 4 * binomial_sd(p, n)) << p;
  }
}

}  // namespace
}  // namespace povsim

#include "sim/random/rng.hpp"
#include "sim/random/philox_batch.hpp"

#include <gtest/gtest.h>

#include <boost/random/bernoulli_distribution.hpp>

#include "test_support.hpp"

namespace povsim {
namespace {

// Replays one raw value, so a Boost distribution can be fed exactly what Bernoulli sees.
struct FixedEngine {
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xFFFFFFFFu; }
  result_type value;
  result_type operator()() { return value; }
};

TEST(Bernoulli, DecidesExactlyAsBoostBernoulliDistribution) {
  const double ps[] = {0.0, 1e-9, 0.0123, 0.25, 0.5, 0.999999, 1.0};
  Stream s(StreamKey{1, 0, 1}, 0, 0);
  for (double p : ps) {
    const Bernoulli mine(p);
    boost::random::bernoulli_distribution<double> boost_dist(p);
    for (int i = 0; i < 20000; ++i) {
      FixedEngine e{i < 4 ? std::uint32_t(i == 0 ? 0u : i == 1 ? 0xFFFFFFFFu : i == 2 ? 1u : 0x80000000u) : s()};
      ASSERT_EQ(mine(e.value), boost_dist(e)) << "p=" << p << " raw=" << e.value;
    }
  }
}

TEST(Stream, IsAPureFunctionOfItsKey) {
  Stream a(StreamKey{42, 3, 7}, 1000, 5);
  Stream b(StreamKey{42, 3, 7}, 1000, 5);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a(), b());
  // Any component of the key changes the stream.
  const std::uint32_t first = Stream(StreamKey{42, 3, 7}, 1000, 5)();
  EXPECT_NE(first, Stream(StreamKey{43, 3, 7}, 1000, 5)());
  EXPECT_NE(first, Stream(StreamKey{42, 4, 7}, 1000, 5)());
  EXPECT_NE(first, Stream(StreamKey{42, 3, 8}, 1000, 5)());
  EXPECT_NE(first, Stream(StreamKey{42, 3, 7}, 1001, 5)());
  EXPECT_NE(first, Stream(StreamKey{42, 3, 7}, 1000, 6)());
  EXPECT_NE(first, Stream(StreamKey{(1ull << 32) + 42, 3, 7}, 1000, 5)());  // high seed bits count
}

TEST(EntityDraws, SameValueWhateverTheOrderOfRequests) {
  EntityDraws forward(StreamKey{9, 0, 10}, 3), backward(StreamKey{9, 0, 10}, 3);
  std::vector<std::uint32_t> f(1000), b(1000);
  for (std::uint32_t e = 0; e < 1000; ++e) f[e] = forward(e);
  for (std::uint32_t e = 1000; e-- > 0;) b[e] = backward(e);
  EXPECT_EQ(f, b);
  EXPECT_NE(f[0], f[1]);
}

// Statistical check: uniform() has mean 1/2 and variance 1/12. n = 1e6, tolerance 5 standard errors.
TEST(Stream, UniformMoments) {
  Stream s(StreamKey{2021, 0, 1}, 0, 0);
  const int n = 1'000'000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u, sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

}  // namespace
}  // namespace povsim

namespace povsim {
namespace {

// The batched (AVX2 where available) Philox gives exactly Random123's blocks, for group counts that
// exercise both the eight-wide path and the scalar tail, running either counter word.
TEST(PhiloxBatch, MatchesRandom123BlockForBlock) {
  const r123::Philox4x32::key_type key = {{0xDEADBEEFu, 0x01234567u}};
  const r123::Philox4x32::ctr_type counter = {{5u, 9u, 77u, (12u << 16) | 3u}};
  r123::Philox4x32 reference;
  for (CounterWord vary : {CounterWord::block, CounterWord::entity}) {
    for (std::uint32_t count : {1u, 7u, 8u, 9u, 16u, 67u}) {
      std::vector<std::uint32_t> fast(4 * count), slow(4 * count);
      philox_blocks(key, counter, vary, 1000, count, fast.data());
      philox_blocks_scalar(key, counter, vary, 1000, count, slow.data());
      EXPECT_EQ(fast, slow) << count;
      for (std::uint32_t i : {0u, count - 1}) {
        r123::Philox4x32::ctr_type c = counter;
        c[static_cast<int>(vary)] = 1000 + i;
        const auto block = reference(c, key);
        for (int j = 0; j < 4; ++j) EXPECT_EQ(fast[4 * i + j], block[j]) << count << " " << i;
      }
    }
  }
}

// Blocks run along word 0 are a Stream's sequence.
TEST(PhiloxBatch, BlockRunIsTheStreamSequence) {
  const StreamKey key{11, 2, 10};
  Stream stream(key, 42, 7);
  std::vector<std::uint32_t> words(4 * 20);
  philox_blocks(philox_key(key), philox_counter(key, 42, 7), CounterWord::block, 0, 20, words.data());
  for (std::uint32_t w : words) ASSERT_EQ(w, stream());
}

TEST(EntityDraws, FillGivesTheSameValuesAsOneAtATime) {
  const StreamKey key{5, 1, 10};
  EntityDraws one(key, 9);
  const EntityDraws batch(key, 9);
  for (std::uint32_t first : {0u, 1u, 3u, 4u, 1001u}) {
    for (std::uint32_t count : {1u, 5u, 64u, 255u, 256u}) {
      std::vector<std::uint32_t> filled(count);
      batch.fill(first, count, filled.data());
      for (std::uint32_t i = 0; i < count; ++i) ASSERT_EQ(filled[i], one(first + i)) << first << "+" << i;
    }
  }
}

}  // namespace
}  // namespace povsim

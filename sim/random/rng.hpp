// Counter-based random streams: every draw is a pure function of
// (seed, replicate, model stream id, entity id, step, draw number), computed by Random123's
// Philox4x32-10. No generator state survives between calls, so results cannot depend on which
// thread or MPI rank handles a household, and a model's draws never shift when another model is
// added or removed (common random numbers across scenarios).
#pragma once

#include <Random123/philox.h>

#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdint>

namespace povsim {

// Identifies one model's family of streams within a run.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;  // < 65536
  std::uint32_t model = 0;      // the model's fixed stream id, < 65536
};

// Step numbers below this are months since the start of the run; models with one-off draws (the
// population generator) use kSetupStep so they never collide with a month.
inline constexpr std::uint32_t kSetupStep = 0xFFFFFFF0u;

// Model stream ids are 1..255; a model that needs a second family of streams (say, one per person
// besides one per household) uses substream(kStreamId, 1), and so on: ids never collide.
inline constexpr std::uint32_t kMaxModelStreamId = 255;
constexpr std::uint32_t substream(std::uint32_t model_stream_id, std::uint32_t k) {
  return model_stream_id + 256u * k;
}

// The Philox key and counter of a stream: key = seed; counter = (draw block, entity, step,
// model << 16 | replicate). Stream and EntityDraws both use this one layout.
inline r123::Philox4x32::key_type philox_key(const StreamKey& key) {
  return {{static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)}};
}
inline r123::Philox4x32::ctr_type philox_counter(const StreamKey& key, std::uint32_t entity, std::uint32_t step) {
  return {{0u, entity, step, (key.model << 16) | (key.replicate & 0xFFFFu)}};
}

// A UniformRandomBitGenerator (usable with any Boost.Random distribution) producing the stream
// of one (entity, step) pair. Cheap to construct: two words of key, four of counter.
class Stream {
 public:
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xFFFFFFFFu; }

  Stream(const StreamKey& key, std::uint32_t entity, std::uint32_t step)
      : key_(philox_key(key)), ctr_(philox_counter(key, entity, step)) {}

  result_type operator()() {
    if (next_ == 4) refill();
    return block_[next_++];
  }

  // Uniform on [0, 1) with 32 bits of resolution, through Boost.Random.
  double uniform() { return boost::random::uniform_01<double>()(*this); }

 private:
  void refill() {
    block_ = philox_(ctr_, key_);
    ++ctr_[0];
    next_ = 0;
  }

  r123::Philox4x32 philox_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_;
  int next_ = 4;
};

// One 32-bit draw per entity for consecutive entities (persons, say), four per Philox call:
// entity e's draw is lane e % 4 of the block with counter philox_counter(key, e / 4, step).
// Each draw is a pure function of the key, the entity and the step, so any loop order or
// partition of entities gives the same values; the grouping only saves Philox calls.
class EntityDraws {
 public:
  EntityDraws(const StreamKey& key, std::uint32_t step) : key_(philox_key(key)), ctr_(philox_counter(key, 0, step)) {}
  std::uint32_t operator()(std::uint32_t entity) {
    const std::uint32_t group = entity >> 2;
    if (group != group_) {
      group_ = group;
      ctr_[1] = group;
      block_ = philox_(ctr_, key_);
    }
    return block_[entity & 3u];
  }
  // Writes the draws of entities [first, first + count) to out[0, count): the values operator()
  // gives, computed in batches (sim/random/philox_batch.cpp). count <= kMaxFill.
  static constexpr std::uint32_t kMaxFill = 256;
  void fill(std::uint32_t first, std::uint32_t count, std::uint32_t* out) const;

 private:
  r123::Philox4x32 philox_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_;
  std::uint32_t group_ = 0xFFFFFFFFu;
};

// A yes/no draw with probability p from one raw 32-bit draw, decided exactly as
// boost::random::bernoulli_distribution<double>(p) decides it for a generator with range
// [0, 2^32-1]: true iff p > 0 and raw <= p * (2^32 - 1). Precomputing the bound keeps hot loops
// free of floating point; tests check the equivalence.
class Bernoulli {
 public:
  Bernoulli() = default;
  explicit Bernoulli(double p)
      : limit_(p <= 0 ? -1 : static_cast<std::int64_t>(std::floor(std::min(p, 1.0) * 4294967295.0))) {}
  bool operator()(std::uint32_t raw) const { return static_cast<std::int64_t>(raw) <= limit_; }

 private:
  std::int64_t limit_ = -1;
};

// Hands out streams for one replicate; models receive it through their step context.
class StreamFactory {
 public:
  StreamFactory(std::uint64_t seed, std::uint32_t replicate) : seed_(seed), replicate_(replicate) {}
  Stream stream(std::uint32_t model, std::uint32_t entity, std::uint32_t step) const {
    return Stream(StreamKey{seed_, replicate_, model}, entity, step);
  }
  EntityDraws entity_draws(std::uint32_t model, std::uint32_t step) const {
    return EntityDraws(StreamKey{seed_, replicate_, model}, step);
  }
  std::uint64_t seed() const { return seed_; }
  std::uint32_t replicate() const { return replicate_; }

 private:
  std::uint64_t seed_;
  std::uint32_t replicate_;
};

}  // namespace povsim

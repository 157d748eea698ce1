// Rare per-person events by thinning. Drawing a 32-bit number per person per month for an event
// that hits a few percent of them spends most of the month on draws that decide nothing (perf on
// 10 M households: illness and job loss were 40 % of the run). Instead each person gets k random
// bits, and is a *candidate* when all k are zero, which happens with probability rate = 2^-k; a
// candidate then gets a 32-bit acceptance draw and has the event with probability p / rate. So
// each person has the event with exactly its own probability p <= rate, independently of everyone
// else, for k bits per person plus 32 bits per candidate.
//
// Stream layout. Persons are grouped in chunks of kChunk consecutive keys (a person's key is its
// position in the population's canonical order, MonthContext::person_key_base + storage index);
// chunk c of a model's
// stream s in month t is the Philox stream keyed (s, entity c, step t), Stream's layout. Its
// blocks [0, 64) hold the candidate bits, person c * kChunk + i owning bits [k*i, k*i + k) of the
// words in order (bit 0 is the least significant); its blocks from 64 on hold the acceptance
// draws, one word per candidate in order of person id. Everything is a pure function of the
// person ids, never of household state or of how households are split across threads or ranks.
//
// Common random numbers: the rate is a power of two chosen from the largest probability (see
// candidate_rate), so two scenarios whose largest probabilities get the same rate share every
// candidate and acceptance draw: a person hit in one is hit in the other whenever its probability
// there is not lower.
#pragma once

#include <algorithm>
#include <cstdint>

#include "sim/core/model.hpp"
#include "sim/random/rng.hpp"

namespace povsim {

class RareEvents {
 public:
  static constexpr std::uint32_t kChunk = 1024;  // persons per chunk stream
  static constexpr std::uint32_t kAcceptanceBlock = 64;  // first block of the acceptance draws

  // The candidate rate for events whose probabilities are at most max_probability: the smallest
  // of 1/16, 1/4, 1/2 and 1 that is at least max_probability. (Lower rates would save little and
  // split scenarios with small probabilities into more rates.)
  static double candidate_rate(double max_probability);

  // `max_probability` bounds every probability this month's events will be accepted with.
  RareEvents(const MonthContext& ctx, std::uint32_t model_stream, double max_probability);

  double rate() const { return rate_; }

  // The acceptance draw of a candidate whose event probability is p (<= the bound above): true
  // with probability p / rate.
  static Bernoulli acceptance(double p, double rate) { return Bernoulli(p / rate); }

  // Calls f(q, raw) for each candidate q in `persons`, in increasing order, where raw is the
  // candidate's acceptance draw (pass it to an acceptance() Bernoulli). Allocation-free.
  template <class F>
  void for_each_candidate(PersonRange persons, F&& f) const {
    if (persons.begin >= persons.end) return;
    for (std::uint32_t c = first_chunk(persons); c <= last_chunk(persons); ++c) chunk_candidates(c, persons, f);
  }

  // The chunks that persons (storage indices) fall in, and the part of `persons` in chunk c.
  std::uint32_t first_chunk(PersonRange persons) const { return (key_base_ + persons.begin) / kChunk; }
  std::uint32_t last_chunk(PersonRange persons) const { return (key_base_ + persons.end - 1) / kChunk; }
  PersonRange chunk_persons(std::uint32_t c, PersonRange persons) const {
    const std::uint32_t first = c * kChunk - std::min(c * kChunk, key_base_);  // storage index of the chunk start
    return {std::max(persons.begin, first), std::min(persons.end, c * kChunk + kChunk - key_base_)};
  }

  // The candidates of chunk c that fall in `persons` (storage indices); for models that interleave
  // their own per-chunk work with the candidates.
  template <class F>
  void chunk_candidates(std::uint32_t c, PersonRange persons, F&& f) const {
    Candidates found;
    const std::uint32_t start = c * kChunk;  // the chunk's first key
    const std::uint32_t begin_key = key_base_ + persons.begin, end_key = key_base_ + persons.end;
    draw(c, std::min(kChunk, end_key - start), found);
    for (std::uint32_t j = 0; j < found.count; ++j) {
      const std::uint32_t key = start + found.offset[j];
      if (key >= begin_key) f(key - key_base_, found.raw[j]);
    }
  }

 private:
  struct Candidates {
    std::uint32_t count = 0;
    std::uint16_t offset[kChunk];  // person id minus the chunk's first, increasing
    std::uint32_t raw[kChunk + 3];  // acceptance draws (whole Philox blocks are written)
  };
  // The candidates among the first `persons` persons of chunk c, with their acceptance draws.
  void draw(std::uint32_t c, std::uint32_t persons, Candidates& out) const;

  const MonthContext& ctx_;
  std::uint32_t key_base_;  // key of storage index 0
  std::uint32_t model_stream_;
  double rate_;
  std::uint32_t bits_;  // k: candidate bits per person
};

}  // namespace povsim

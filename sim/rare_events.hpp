// Rare per-person events by thinning. Drawing one number per person per month for an event that
// hits a few percent of them spends most of the month's time on draws that decide nothing (perf on
// 10 M households: illness and job loss were 40 % of the run). Instead, candidate persons are laid
// down at a fixed rate by geometric gaps, and each candidate is accepted with its own probability
// divided by that rate. Each person is then hit with exactly its own probability, independently of
// everyone else, at a cost proportional to the number of candidates.
//
// Determinism and common random numbers: the candidates of persons [c * kChunk, (c + 1) * kChunk)
// come from one stream keyed by (model, chunk c, step), so they depend on person ids only, never on
// how households are split across threads, blocks or ranks, and never on any household's state.
// The candidate rate is a power of two (see candidate_rate), so two scenarios whose largest
// probabilities fall in the same octave share every candidate and every acceptance draw: a person
// hit in one scenario is hit in the other whenever its probability is not lower there.
#pragma once

#include <algorithm>
#include <boost/random/geometric_distribution.hpp>
#include <cmath>
#include <cstdint>

#include "sim/model.hpp"
#include "sim/rng.hpp"

namespace povsim {

class RareEvents {
 public:
  // Persons per candidate stream. Blocks of households rarely end on a chunk boundary, so a block
  // generates up to two chunks it only partly uses; 1024 keeps that waste small.
  static constexpr std::uint32_t kChunk = 1024;
  // The smallest candidate rate: the octaves below it save little and would split scenarios with
  // small probabilities into many octaves.
  static constexpr double kMinRate = 1.0 / 16;

  // The smallest power of two, at least kMinRate, that is >= max_probability (capped at 1).
  static double candidate_rate(double max_probability) {
    double rate = 1;
    while (rate / 2 >= std::max(max_probability, kMinRate)) rate /= 2;
    return rate;
  }

  // `max_probability` bounds every probability this month's events will be accepted with.
  RareEvents(const MonthContext& ctx, std::uint32_t model_stream, double max_probability)
      : ctx_(ctx), model_stream_(model_stream), rate_(candidate_rate(max_probability)) {}

  double rate() const { return rate_; }

  // The acceptance draw of a candidate whose event probability is p (<= the bound given above):
  // true with probability p / rate().
  Bernoulli acceptance(double p) const { return Bernoulli(p / rate_); }
  static Bernoulli acceptance(double p, double rate) { return Bernoulli(p / rate); }

  // Calls f(q, raw) for each candidate q in `persons`, in increasing order, where raw is the
  // candidate's acceptance draw (pass it to an acceptance() Bernoulli). Allocation-free.
  template <class F>
  void for_each_candidate(PersonRange persons, F&& f) const {
    if (persons.begin >= persons.end) return;
    for (std::uint32_t c = persons.begin / kChunk; c <= (persons.end - 1) / kChunk; ++c)
      chunk_candidates(c, persons, f);
  }

  // The candidates of chunk c that fall in `persons`; for models that must interleave their own
  // per-chunk work with the candidates.
  template <class F>
  void chunk_candidates(std::uint32_t c, PersonRange persons, F&& f) const {
    Stream s = ctx_.stream(model_stream_, c);
    const std::uint32_t end = std::min(persons.end, (c + 1) * kChunk);
    std::uint32_t q = c * kChunk;
    if (rate_ >= 1) {  // every person is a candidate: no gaps to draw
      for (; q < end; ++q) {
        const std::uint32_t raw = s();
        if (q >= persons.begin) f(q, raw);
      }
      return;
    }
    const boost::random::geometric_distribution<std::uint32_t, double> gap(rate_);
    for (;;) {
      q += gap(s);  // at most about 22 / rate, so no overflow
      if (q >= end) return;
      const std::uint32_t raw = s();
      if (q >= persons.begin) f(q, raw);
      ++q;
    }
  }

 private:
  const MonthContext& ctx_;
  std::uint32_t model_stream_;
  double rate_;
};

}  // namespace povsim

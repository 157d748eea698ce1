// The probe kernel (issue 15): the floor a household-month can cost on this machine, against which
// the engine's time is read as a ratio measured in the same benchmark run. Per household-month:
// one Philox4x32-10 call, three rare events (illness, job loss, disaster) by comparing a 32-bit
// lane with a threshold, an income update, a check against the poverty line, and per-county
// counters. Per household: 4 floats (income, savings, medical debt, line gap), 4 bytes (flags,
// age band, members, work) and one 16-bit value (county). No model logic: what remains when every
// model is reduced to its memory traffic and one random draw.
#pragma once

#include <Random123/philox.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace povsim::bench {

struct ProbeState {
  std::vector<float> income, savings, medical_debt, gap;       // yuan/month, yuan, yuan, yuan/month
  std::vector<std::uint8_t> flags, age_band, members, work;
  std::vector<std::uint16_t> county;
  std::uint32_t counties = 0;

  ProbeState(std::uint32_t households, std::uint32_t county_count) : counties(county_count) {
    income.resize(households), savings.resize(households), medical_debt.resize(households), gap.resize(households);
    flags.resize(households), age_band.resize(households), members.resize(households), work.resize(households);
    county.resize(households);
    for (std::uint32_t h = 0; h < households; ++h) {
      income[h] = 600.0f + static_cast<float>(h % 997);  // yuan/month, spread above a 500 line
      members[h] = static_cast<std::uint8_t>(1 + h % 6);
      county[h] = static_cast<std::uint16_t>(h / (households / county_count + 1));
    }
  }
};

struct ProbeResult {
  double seconds = 0;
  std::uint64_t returns = 0;  // household-months below the line (kept so nothing is optimised away)
};

// Steps every household `months` times on `threads` threads; counties' counters are per thread,
// summed at each month's end as the engine's reducer does.
inline ProbeResult run_probe(ProbeState& s, int months, int threads) {
  const auto n = static_cast<std::uint32_t>(s.income.size());
  // Monthly thresholds on a 32-bit lane: illness 1 %, job loss 0.5 %, disaster 0.2 % (round
  // numbers of the order of the engine's rates; the time does not depend on them).
  constexpr std::uint32_t kIll = 42949673u, kJob = 21474836u, kDisaster = 8589934u;
  constexpr float kLine = 500.0f;  // yuan/month
  tbb::task_arena arena(threads);
  ProbeResult result;
  std::vector<std::uint64_t> county_returns(s.counties);
  const auto t0 = std::chrono::steady_clock::now();
  arena.execute([&] {
    for (int m = 0; m < months; ++m) {
      tbb::enumerable_thread_specific<std::vector<std::uint32_t>> local(std::vector<std::uint32_t>(s.counties));
      tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n, 8192), [&](const tbb::blocked_range<std::uint32_t>& r) {
        auto& counts = local.local();
        r123::Philox4x32 philox;
        const r123::Philox4x32::key_type key{{20210101u, 0u}};
        for (std::uint32_t h = r.begin(); h < r.end(); ++h) {
          const auto u = philox(r123::Philox4x32::ctr_type{{0u, h, static_cast<std::uint32_t>(m), 1u}}, key);
          const float ill = u[0] < kIll ? 1.0f : 0.0f;
          const float job = u[1] < kJob ? 1.0f : 0.0f;
          const float hit = u[2] < kDisaster ? 1.0f : 0.0f;
          const float growth = 1.0f + 1e-3f * (static_cast<float>(u[3] >> 8) * (1.0f / 16777216.0f) - 0.45f);
          float income = s.income[h] * growth * (1.0f - 0.5f * job) - 300.0f * ill - 200.0f * hit;
          income = income < 0.0f ? 0.0f : income;
          s.income[h] = income + 0.5f * job * s.income[h];  // job loss recovered next month: income stays bounded
          s.savings[h] += 0.05f * income - 10.0f * ill;
          s.medical_debt[h] += 300.0f * ill;
          const float gap = kLine - income;
          s.gap[h] = gap;
          const bool poor = gap > 0.0f;
          s.flags[h] = static_cast<std::uint8_t>((s.flags[h] & 0xFEu) | (poor ? 1u : 0u));
          counts[s.county[h]] += poor;
        }
      });
      for (auto& counts : local)
        for (std::uint32_t c = 0; c < s.counties; ++c) county_returns[c] += counts[c];
    }
  });
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto c : county_returns) result.returns += c;
  return result;
}

}  // namespace povsim::bench

#include "sim/core/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace povsim {

YearTally& YearTally::operator+=(const YearTally& o) {
  all += o.all;
  edge += o.edge;
  for (int r = 0; r < kRegionTypes; ++r) by_region[r] += o.by_region[r];
  for (int c = 0; c < kMaxCauses; ++c) {
    returned_by_cause[c] += o.returned_by_cause[c];
    at_risk_by_cause[c] += o.at_risk_by_cause[c];
  }
  persons += o.persons;
  monitored += o.monitored, newly_monitored += o.newly_monitored, cleared += o.cleared;
  income_per_capita_fen_sum += o.income_per_capita_fen_sum;
  for (int m = 0; m < kMaxModels; ++m) {
    model_cost_fen[m] += o.model_cost_fen[m];
    model_cost_last_month[m] += o.model_cost_last_month[m];
    model_beneficiaries[m] += o.model_beneficiaries[m];
  }
  return *this;
}

void assess_households(HouseholdStore& hh, std::uint32_t begin, std::uint32_t end, double line, YearTally& tally) {
  namespace hf = household_flag;
  for (std::uint32_t h = begin; h < end; ++h) {
    int alive = 0;
    const std::uint32_t first = hh.first_person[h];
    for (std::uint32_t p = first; p < first + hh.persons[h]; ++p) alive += hh.person_flags[p] & person_flag::alive;
    std::uint8_t flags = hh.flags[h];
    if (alive == 0) flags |= hf::dissolved;

    // Per-capita annual net income: all income minus out-of-pocket medical spending.
    const double net = double(hh.acc_wage[h]) + hh.acc_operating[h] + hh.acc_property[h] + hh.acc_transfer[h] +
                       hh.acc_pension[h] - hh.acc_medical[h];
    const double per_capita = alive > 0 ? net / alive : 0.0;
    const bool poor_now = per_capita < line;
    const bool exists = !(flags & hf::dissolved);
    const bool lifted = exists && (flags & hf::lifted);
    const bool edge = exists && (flags & hf::edge);
    if (lifted || edge) {
      const std::int64_t w = weight_units(hh.weight[h]);
      const bool at_risk = !(flags & hf::poor);
      const bool returned = at_risk && poor_now;  // for edge households: newly poor
      if (returned) flags |= hf::ever_returned;
      HouseholdCounts c;
      c.households = w;
      c.at_risk = at_risk * w;
      c.returned = returned * w;
      c.poor = poor_now * w;
      c.ever_returned = ((flags & hf::ever_returned) != 0) * w;
      if (edge) {
        tally.edge += c;
      } else {
        tally.all += c;
        tally.by_region[static_cast<int>(hh.region[h])] += c;
        tally.returned_by_cause[hh.last_cause[h]] += c.returned;
        tally.at_risk_by_cause[hh.last_cause[h]] += c.at_risk;
        tally.persons += alive * w;
        tally.income_per_capita_fen_sum += static_cast<Int128>(std::llround(per_capita * 100.0)) * w;
      }
      tally.monitored += ((flags & hf::monitored) != 0) * w;
      for (std::uint32_t bits = hh.benefits[h]; bits != 0; bits &= bits - 1)
        tally.model_beneficiaries[__builtin_ctz(bits)] += w;
    }
    hh.benefits[h] = 0;
    hh.assessed_income_pc[h] = static_cast<float>(per_capita);
    flags = poor_now ? (flags | hf::poor) : (flags & ~hf::poor);
    hh.flags[h] = flags;
    hh.last_cause[h] = 0;
    hh.acc_wage[h] = hh.acc_operating[h] = hh.acc_property[h] = 0;
    hh.acc_transfer[h] = hh.acc_pension[h] = hh.acc_medical[h] = 0;
  }
}

RunResults simulate(const Scenario& scenario, const RunOptions& options) {
  const RunSettings& run = scenario.run;
  RunResults results;
  results.cause_names = scenario.cause_names;
  results.model_paths = scenario.model_paths;
  for (int y = run.horizon.start.year(); y <= run.horizon.end.year(); ++y) {
    results.years.push_back(y);
    results.poverty_line.push_back(run.poverty_line.line_for(y));
  }
  const long total_months = long(run.months()) * run.replicates;
  long months_done = 0;
  const auto t0 = std::chrono::steady_clock::now();

  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  HouseholdStore hh;
  for (std::uint32_t rep = 0; rep < run.replicates; ++rep) {
    const StreamFactory rng(run.seed, rep);
    // Every replicate starts from the same population (drawn with replicate 0's streams) and
    // differs only in the shocks it meets.
    arena.execute([&] { scenario.population->generate(hh, StreamFactory(run.seed, 0)); });
    hh.count_alive(0, hh.size());
    results.households = hh.size();
    const std::uint32_t n = static_cast<std::uint32_t>(hh.size());
    const std::uint32_t block = std::clamp<std::uint32_t>(options.block_size, 1, kMaxBlockHouseholds);
    const std::uint32_t blocks = (n + block - 1) / block;
    std::vector<YearTally> block_tallies(blocks);
    auto& tallies = results.tallies.emplace_back();
    PolicySpending spending;  // for budgets: what each policy paid, from the blocks' tallies
    for (std::size_t h = 0; h < hh.size(); ++h) spending.households += hh.weight[h];

    for (int step = 0; step < run.months(); ++step) {
      MonthContext ctx;
      ctx.month = YearMonth{run.horizon.start.index + step};
      ctx.step = static_cast<std::uint32_t>(step);
      ctx.first_month = step == 0;
      ctx.rng = &rng;
      ctx.counties = &hh.counties;
      ctx.poverty_line = run.poverty_line.line_for(ctx.month.year());
      ctx.next_poverty_line = run.poverty_line.line_for(ctx.month.year() + 1);
      if (ctx.is_january()) spending.this_year.fill(0.0);
      ctx.spending = &spending;
      for (const auto& m : scenario.models) m->begin_month(ctx);
      arena.execute([&] {
        for (const auto& m : scenario.models) m->prepare(ctx, hh);
      });
      const bool assess = ctx.month.month() == 12;
      const double line = ctx.poverty_line;

      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, blocks), [&](const tbb::blocked_range<std::uint32_t>& r) {
          for (std::uint32_t b = r.begin(); b != r.end(); ++b) {
            const HouseholdRange range{b * block, std::min(n, (b + 1) * block)};
            if (ctx.is_january() || ctx.first_month) block_tallies[b] = YearTally{};
            MonthContext block_ctx = ctx;  // with the block's own tally, for fiscal accounting
            block_ctx.tally = &block_tallies[b];
            for (const auto& m : scenario.models) m->step(block_ctx, hh, range);
            if (assess) assess_households(hh, range.begin, range.end, line, block_tallies[b]);
          }
        });
      });
      for (std::size_t m = 0; m < scenario.models.size(); ++m) {
        Int128 month_fen = 0;
        for (const auto& t : block_tallies) month_fen += t.model_cost_last_month[m];
        const double yuan = static_cast<double>(month_fen) / (100.0 * kWeightUnit);
        spending.last_month[m] = yuan;
        spending.this_year[m] += yuan;
      }
      if (assess) {
        YearTally year;
        for (const auto& t : block_tallies) year += t;
        tallies.push_back(year);
      }
      ++months_done;
      if (options.on_progress) options.on_progress(months_done, total_months);
    }
    if (options.on_replicate_end) options.on_replicate_end(rep, hh);
  }
  results.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return results;
}

}  // namespace povsim

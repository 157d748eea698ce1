#include "sim/core/simulation.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "sim/core/run.hpp"

namespace povsim {

namespace {
// A tally's counts as two flat lists in each_count's fixed order: 64-bit and 128-bit ones.
struct FlatCounts {
  std::vector<std::int64_t> small;
  std::vector<Int128> wide;
  explicit FlatCounts(const YearTally& t) {
    YearTally::each_count(t, [&](const auto& v) {
      if constexpr (sizeof(v) == sizeof(Int128)) wide.push_back(v);
      else small.push_back(v);
    });
  }
  // Calls f(count, flat value) for each count of `t`, in the same order.
  template <class F>
  void apply(YearTally& t, F&& f) const {
    std::size_t i = 0, j = 0;
    YearTally::each_count(t, [&](auto& v) {
      if constexpr (sizeof(v) == sizeof(Int128)) f(v, wide[j++]);
      else f(v, small[i++]);
    });
  }
};
}  // namespace

YearTally& YearTally::operator+=(const YearTally& o) {
  FlatCounts(o).apply(*this, [](auto& v, const auto& other) { v += other; });
  return *this;
}

void Reducer::sum(YearTally& tally) const {
  FlatCounts flat(tally);
  sum(std::span<std::int64_t>(flat.small));
  sum(std::span<Int128>(flat.wide));
  flat.apply(tally, [](auto& v, const auto& total) { v = total; });
}

void assess_households(HouseholdStore& hh, std::uint32_t begin, std::uint32_t end, double line, YearTally& tally) {
  namespace hf = household_flag;
  for (std::uint32_t h = begin; h < end; ++h) {
    const int alive = hh.living_members(h);  // counted from the members, not the kept alive_members
    std::uint8_t flags = hh.flags[h];
    if (alive == 0) flags |= hf::dissolved;

    // Per-capita annual net income: all income minus out-of-pocket medical spending.
    const double net = hh.net_income(h);
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

std::pair<std::uint32_t, std::uint32_t> selected_replicates(const Scenario& scenario, const RunOptions& options) {
  const std::uint32_t total = scenario.run.replicates;
  const std::uint32_t first = options.first_replicate;
  if (first >= total)
    throw ConfigError("--replicate: replicate " + std::to_string(first) + " does not exist (the scenario has " +
                      std::to_string(total) + ": 0.." + std::to_string(total - 1) + ")");
  const std::uint32_t count = options.replicate_count == 0 ? total - first : options.replicate_count;
  if (count > total - first)
    throw ConfigError("--replicate: replicates " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                      " do not all exist (the scenario has " + std::to_string(total) + ": 0.." +
                      std::to_string(total - 1) + ")");
  return {first, count};
}

RunResults results_frame(const Scenario& scenario) {
  const RunSettings& run = scenario.run;
  RunResults results;
  results.name = scenario.display_name();
  results.description = run.description;
  results.households = scenario.population->households();
  results.population_per_replicate = scenario.run.population_per_replicate;
  results.cause_names = scenario.cause_names;
  results.model_paths = scenario.model_paths;
  results.counters = scenario.layout.counters;
  for (int y = run.horizon.start.year(); y <= run.horizon.end.year(); ++y) {
    results.years.push_back(y);
    results.poverty_line.push_back(run.poverty_line.line_for(y));
  }
  return results;
}

RunResults simulate(const Scenario& scenario, const RunOptions& options) {
  const RunSettings& run = scenario.run;
  const auto [first, count] = selected_replicates(scenario, options);
  if (run.population_per_replicate && !scenario.population->sampled())
    throw ConfigError("population_per_replicate: true needs the synthetic population; a population read from "
                      "a file is one fixed population (set it to false)");
  RunResults results = results_frame(scenario);
  const long total_months = long(run.months()) * count;
  const auto t0 = std::chrono::steady_clock::now();
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);

  const Reducer& reducer = options.reducer ? *options.reducer : local_reducer();
  if (options.part && options.initial_population)
    throw std::logic_error("simulate: a part of the population cannot start from a whole initial population");
  CheckpointIdentity identity = options.identity;
  identity.first_replicate = first;
  identity.replicate_count = count;
  identity.layout_hash = Run(scenario, first, options.block_size).layout_hash();
  identity.part = static_cast<std::uint32_t>(reducer.part());
  identity.parts = static_cast<std::uint32_t>(reducer.parts());
  const std::string checkpoint_path =
      options.checkpoint_path.empty() ? "" : checkpoint_part_path(options.checkpoint_path, identity.part, identity.parts);

  // Where to begin: from the start, or from a checkpoint's finished replicates and run in progress.
  std::unique_ptr<CheckpointReader> restart;
  if (!options.restart_path.empty()) {
    // Every part reads its own file; all of them fail if any does (the others would wait for it).
    std::string failure;
    try {
      restart = std::make_unique<CheckpointReader>(
          checkpoint_part_path(options.restart_path, identity.part, identity.parts), identity);
    } catch (const CheckpointError& e) {
      failure = e.what();
    }
    if (reducer.max(failure.empty() ? 0 : 1) != 0) {
      if (!failure.empty()) throw CheckpointError(failure);
      throw CheckpointError(options.restart_path + ": another rank could not read its part of the checkpoint (" +
                            options.restart_path + ".rankK on rank K)");
    }
    results.tallies = restart->done;
    // Every part must resume at the same point: parts saved at different months (a job killed
    // while its ranks were saving) cannot be continued together.
    const std::int64_t finished = static_cast<std::int64_t>(restart->done.size());
    if (reducer.max(finished) != -reducer.max(-finished))
      throw CheckpointError(options.restart_path + ": the ranks' checkpoints hold different numbers of finished "
                            "replicates (a rank was stopped while saving); rerun from the start");
  }
  for (std::uint32_t rep = first + static_cast<std::uint32_t>(results.tallies.size()); rep < first + count; ++rep) {
    Run current(scenario, rep, options.block_size, reducer);
    current.time_models(options.model_timing);
    if (restart && restart->in_progress == rep) {
      restart->load_run(current);
      const std::int64_t month = current.months_done();
      if (reducer.max(month) != -reducer.max(-month))
        throw CheckpointError(options.restart_path + ": the ranks' checkpoints were saved after different months "
                              "(a rank was stopped while saving); rerun from the start");
    } else {
      current.start(arena, options.initial_population, options.part);
    }
    restart.reset();
    const long months_before = long(run.months()) * (rep - first);
    while (!current.done()) {
      current.advance(arena);
      if (options.on_progress) options.on_progress(months_before + current.months_done(), total_months);
      // A signal reaches the parts of a distributed run at different moments: all stop after the
      // month in which any of them saw one.
      const int signal = static_cast<int>(reducer.max(options.stop_signal ? options.stop_signal->load() : 0));
      const bool due = options.checkpoint_every > 0 && current.months_done() % options.checkpoint_every == 0;
      if (!checkpoint_path.empty() && (due || signal != 0)) {
        // A finished replicate is saved as finished, so a restart goes straight to the next one.
        std::vector<std::vector<YearTally>> done = results.tallies;
        if (current.done()) done.push_back(current.tallies());
        save_checkpoint(checkpoint_path, identity, done, current.done() ? nullptr : &current);
        reducer.barrier();  // every part's checkpoint is in place before any part goes on
      }
      if (signal != 0) throw Interrupted(signal, !checkpoint_path.empty(), current.months_done());
    }
    results.tallies.push_back(current.tallies());
    if (options.on_replicate_end) options.on_replicate_end(rep, current.households());
  }
  for (std::uint32_t k = 0; k < count; ++k) results.replicate_index.push_back(first + k);
  results.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return results;
}

}  // namespace povsim

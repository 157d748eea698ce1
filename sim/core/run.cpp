#include "sim/core/run.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "sim/core/simulation.hpp"

namespace povsim {

Run::Run(const Scenario& scenario, std::uint32_t replicate, std::uint32_t block_size, const Reducer& reducer)
    : scenario_(scenario),
      reducer_(reducer),
      replicate_(replicate),
      block_size_(std::clamp<std::uint32_t>(block_size, 1, kMaxBlockHouseholds)),
      months_(scenario.run.months()),
      rng_(scenario.run.seed, replicate) {
  for (const auto& m : scenario.models) states_.push_back(m->make_state());
}

HouseholdStore generate_population(const Scenario& scenario, tbb::task_arena& arena) {
  HouseholdStore hh;
  arena.execute([&] { scenario.population->generate(hh, StreamFactory(scenario.run.seed, 0)); });
  return hh;
}

PopulationPart population_part(const PopulationSource& population, int part, int parts) {
  const std::size_t n = population.households();
  auto cut = [&](int k) -> std::size_t {
    if (k <= 0) return 0;
    if (k >= parts) return n;
    return std::min(n, population.part_boundary(n * static_cast<std::size_t>(k) / static_cast<std::size_t>(parts)));
  };
  return {cut(part), std::max(cut(part), cut(part + 1))};
}

void Run::start(tbb::task_arena& arena, const HouseholdStore* initial, const std::optional<PopulationPart>& part) {
  // The population's stream: replicate 0's for every replicate, or the replicate's own when the
  // scenario draws one per replicate. `initial` is always replicate 0's population.
  const std::uint32_t population_stream = scenario_.run.population_per_replicate ? replicate_ : 0;
  // Generated in place, not assigned from a temporary: a store of tens of millions of households
  // must not exist twice, even for a moment.
  const StreamFactory population_rng(scenario_.run.seed, population_stream);
  if (part)
    arena.execute([&] { scenario_.population->generate_part(hh_, population_rng, part->begin, part->end, reducer_); });
  else if (initial && population_stream == 0)
    hh_ = *initial;
  else
    arena.execute([&] { scenario_.population->generate(hh_, population_rng); });
  hh_.count_alive(0, hh_.size());
  hh_.attach(scenario_.layout.columns);
  // Weighted households in the population, for budgets: an integer sum of weight units, exact in
  // any order, totalled over every part of the population.
  std::int64_t units = 0;
  for (std::size_t h = 0; h < hh_.size(); ++h) units += weight_units(hh_.weight[h]);
  reducer_.sum(std::span<std::int64_t>(&units, 1));
  population_weight_units_ = units;
  spending_.households = households_of(units);
  block_tallies_.assign((hh_.size() + block_size_ - 1) / block_size_, YearTally{});
}

void Run::time_models(ModelTiming* timing) {
  timing_ = timing;
  if (timing_) timing_->resize(scenario_.models.size());
}

void Run::advance(tbb::task_arena& arena) {
  const RunSettings& run = scenario_.run;
  const auto& models = scenario_.models;
  MonthContext ctx;
  ctx.month = YearMonth{run.horizon.start.index + step_};
  ctx.step = static_cast<std::uint32_t>(step_);
  ctx.first_month = step_ == 0;
  ctx.rng = &rng_;
  ctx.counties = &hh_.counties;
  ctx.poverty_line = run.poverty_line.line_for(ctx.month.year());
  ctx.next_poverty_line = run.poverty_line.line_for(ctx.month.year() + 1);
  if (ctx.is_january()) spending_.this_year.fill(0.0);
  ctx.spending = &spending_;
  ctx.population_weight_units = population_weight_units_;
  ctx.reducer = &reducer_;
  ctx.household_key_base = hh_.household_key_base;
  ctx.person_key_base = hh_.person_key_base;
  for (std::size_t m = 0; m < models.size(); ++m) models[m]->begin_month_with(ctx, *states_[m]);
  arena.execute([&] {
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto t0 = timing_ ? ModelTiming::Clock::now() : ModelTiming::Clock::time_point{};
      models[m]->prepare_with(ctx, hh_, *states_[m]);
      if (timing_) timing_->prepare_ns[m] += ModelTiming::since(t0);
    }
  });
  const bool assess = ctx.month.month() == 12;
  const double line = ctx.poverty_line;
  const std::uint32_t n = static_cast<std::uint32_t>(hh_.size());
  const std::uint32_t blocks = static_cast<std::uint32_t>(block_tallies_.size());
  // Timed: each block adds to its own slots (a block is one thread's at a time, so no locks),
  // summed into timing_ after the month.
  if (timing_) block_step_ns_.assign(std::size_t{blocks} * models.size(), 0);

  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, blocks), [&](const tbb::blocked_range<std::uint32_t>& r) {
      for (std::uint32_t b = r.begin(); b != r.end(); ++b) {
        const HouseholdRange range{b * block_size_, std::min(n, (b + 1) * block_size_)};
        if (ctx.is_january() || ctx.first_month) block_tallies_[b] = YearTally{};
        MonthContext block_ctx = ctx;  // with the block's own tally, for fiscal accounting
        block_ctx.tally = &block_tallies_[b];
        std::int64_t* step_ns = timing_ ? &block_step_ns_[std::size_t{b} * models.size()] : nullptr;
        for (std::size_t m = 0; m < models.size(); ++m) {
          const auto t0 = step_ns ? ModelTiming::Clock::now() : ModelTiming::Clock::time_point{};
          models[m]->step_with(block_ctx, hh_, range, *states_[m]);
          if (step_ns) step_ns[m] += ModelTiming::since(t0);
        }
        if (assess) assess_households(hh_, range.begin, range.end, line, block_tallies_[b]);
      }
    });
  });
  if (timing_) {
    for (std::uint32_t b = 0; b < blocks; ++b)
      for (std::size_t m = 0; m < models.size(); ++m)
        timing_->step_ns[m] += block_step_ns_[std::size_t{b} * models.size() + m];
    timing_->household_months += n;
  }
  // Each policy's payments this month (fen times weight units), over every block and part.
  std::vector<Int128> month_fen(models.size(), 0);
  for (const auto& t : block_tallies_)
    for (std::size_t m = 0; m < models.size(); ++m) month_fen[m] += t.model_cost_last_month[m];
  reducer_.sum(std::span<Int128>(month_fen));
  for (std::size_t m = 0; m < models.size(); ++m) {
    const double yuan = static_cast<double>(month_fen[m]) / (100.0 * kWeightUnit);
    spending_.last_month[m] = yuan;
    spending_.this_year[m] += yuan;
  }
  if (assess) {
    YearTally year;
    for (const auto& t : block_tallies_) year += t;
    reducer_.sum(year);
    tallies_.push_back(year);
  }
  ++step_;
}

void Run::save(ByteWriter& out) const {
  out(replicate_);
  out(block_size_);
  out(step_);
  const_cast<HouseholdStore&>(hh_).archive(out);  // archive() only reads through a writer
  for (const auto& s : states_) s->save(out);
  out(spending_);
  out(population_weight_units_);
  out(block_tallies_);
  out(tallies_);
}

void Run::load(ByteReader& in) {
  in.expect(replicate_, "replicate");
  in.expect(block_size_, "block size");
  in(step_);
  if (step_ < 0 || step_ > months_) in.fail("month " + std::to_string(step_) + " outside the horizon");
  hh_.attach(scenario_.layout.columns);  // the declared columns' types; archive reads their contents
  hh_.archive(in);
  for (auto& s : states_) s->load(in);
  in(spending_);
  in(population_weight_units_);
  in(block_tallies_);
  in(tallies_);
}

std::uint64_t Run::layout_hash() const {
  LayoutHash hash;
  hash.add(HouseholdStore::layout_hash());
  for (const ColumnSpec& c : scenario_.layout.columns) {
    hash.add(std::string_view(c.name));
    hash.add(c.per_person);
    hash.add(c.element_size());
  }
  for (std::size_t m = 0; m < states_.size(); ++m) {
    hash.add(std::string_view(scenario_.model_paths[m]));
    hash.add(states_[m]->layout_size());
  }
  hash.add(sizeof(YearTally));
  hash.add(sizeof(PolicySpending));
  return hash.value();
}

}  // namespace povsim

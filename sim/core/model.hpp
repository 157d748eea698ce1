// The one small interface every domain model (income process, shock, policy) implements.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "sim/config/calendar.hpp"
#include "sim/core/household_store.hpp"
#include "sim/core/budget.hpp"
#include "sim/core/byte_io.hpp"
#include "sim/core/results.hpp"
#include "sim/random/rng.hpp"

namespace povsim {

// What each policy (by model slot) has spent, for annual budgets: yuan, weighted.
struct PolicySpending {
  std::array<double, kMaxModels> this_year{};   // paid this assessment year before this month
  std::array<double, kMaxModels> last_month{};  // paid last month
  double households = 0;                        // weighted households in the population
};

// Everything a model may know about the month being simulated. Models get configuration from
// their own Params (fixed at construction) and everything else from here: no globals.
class Reducer;

// One raw 32-bit draw per person this month, by storage index q: the draw of key base + q.
class PersonDraws {
 public:
  PersonDraws(EntityDraws draws, std::uint32_t key_base) : draws_(draws), base_(key_base) {}
  std::uint32_t operator()(std::uint32_t q) { return draws_(base_ + q); }
  // out[0, count) = the draws of persons [first, first + count); count <= EntityDraws::kMaxFill.
  void fill(std::uint32_t first, std::uint32_t count, std::uint32_t* out) const { draws_.fill(base_ + first, count, out); }

 private:
  EntityDraws draws_;
  std::uint32_t base_;
};

struct MonthContext {
  YearMonth month;            // calendar month being simulated
  std::uint32_t step = 0;     // months since the start of the horizon; the RNG step
  bool first_month = false;   // the horizon's first month
  const StreamFactory* rng = nullptr;
  const std::vector<County>* counties = nullptr;
  // The assessment year's tally of the block being stepped (the engine gives each block its own,
  // so models may add to it without locks); null in tests that do not account.
  YearTally* tally = nullptr;
  double poverty_line = 0;       // this year's line, yuan/person/year
  double next_poverty_line = 0;  // next year's, for reviews in December that set next year's benefits
  const PolicySpending* spending = nullptr;  // null in tests that do not account
  // Weighted households in the whole population (weight units; lifted, edge and others), summed
  // through the reducer when the run starts.
  std::int64_t population_weight_units = 0;
  // Totals partial sums over every part of the population (sim/core/reducer.hpp); null: this
  // process holds all of it.
  const Reducer* reducer = nullptr;

  // Stable entity keys: a household's (person's) random streams are keyed by its position in the
  // population's canonical order (the generator's index; for microdata, the order of ids), which is
  // storage index + these bases: whichever block, thread or (later) MPI rank holds it, and wherever
  // it is stored, it meets the same draws. Counties are keyed by their index in the full list.
  std::uint32_t household_key_base = 0;
  std::uint32_t person_key_base = 0;

  bool is_january() const { return month.month() == 1; }
  // The stream of household h (storage index) this month.
  Stream household_stream(std::uint32_t model_stream, std::uint32_t h) const {
    return rng->stream(model_stream, household_key_base + h, step);
  }
  // The stream of person q (storage index) this month.
  Stream person_stream(std::uint32_t model_stream, std::uint32_t q) const {
    return rng->stream(model_stream, person_key_base + q, step);
  }
  // The stream of county (or resettlement site) c this month.
  Stream county_stream(std::uint32_t model_stream, std::uint32_t c) const { return rng->stream(model_stream, c, step); }
  // One raw draw per person this month, by storage index (keyed by the person's canonical key).
  PersonDraws person_draws(std::uint32_t model_stream) const {
    return PersonDraws(rng->entity_draws(model_stream, step), person_key_base);
  }
};

// Households [begin, end); a model may touch only these households and their members.
struct HouseholdRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// The persons of households [range.begin, range.end): contiguous ids [begin, end).
struct PersonRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};
inline PersonRange persons_of(const HouseholdStore& hh, HouseholdRange r) {
  if (r.begin == r.end) return {};
  return {hh.first_person[r.begin], hh.first_person[r.end - 1] + hh.persons[r.end - 1]};
}

// The household of person q, which must belong to a household in `range`. A binary search over
// first_person, which the block's loops keep in cache: for rare events, where a per-person household
// index would cost a cache miss per event (perf on 10 M households).
inline std::uint32_t household_of(const HouseholdStore& hh, HouseholdRange range, std::uint32_t q) {
  const auto begin = hh.first_person.begin() + range.begin, end = hh.first_person.begin() + range.end;
  return static_cast<std::uint32_t>(std::upper_bound(begin, end, q) - hh.first_person.begin()) - 1;
}

// household_of for persons visited in increasing order: walks first_person forward from the last
// answer. Rare events a few households apart cost a few compares each, where the binary search
// mispredicted a dozen times per event (perf: a quarter of the illness model's time).
class HouseholdCursor {
 public:
  HouseholdCursor(const HouseholdStore& hh, HouseholdRange range)
      : first_(hh.first_person.data()), h_(range.begin), end_(range.end) {}
  std::uint32_t operator()(std::uint32_t q) {
    while (h_ + 1 < end_ && first_[h_ + 1] <= q) ++h_;
    return h_;
  }

 private:
  const std::uint32_t* first_;
  std::uint32_t h_, end_;
};

// The scheduler never hands a model more households than this at once, so per-household scratch
// can live on the stack.
inline constexpr std::uint32_t kMaxBlockHouseholds = 4096;

// Calls f(q, raw) for each person q in `persons`, in order, with this month's draw for q from the
// model's stream `model_stream` (the value ctx.person_draws(model_stream)(q) gives). Draws are
// computed a chunk at a time, eight Philox blocks per AVX2 step where the CPU has it.
template <class F>
void for_each_person_draw(const MonthContext& ctx, std::uint32_t model_stream, PersonRange persons, F&& f) {
  const PersonDraws draws = ctx.person_draws(model_stream);
  std::uint32_t raw[EntityDraws::kMaxFill];
  for (std::uint32_t chunk = persons.begin; chunk < persons.end; chunk += EntityDraws::kMaxFill) {
    const std::uint32_t n = std::min(EntityDraws::kMaxFill, persons.end - chunk);
    draws.fill(chunk, n, raw);
    for (std::uint32_t i = 0; i < n; ++i) f(chunk + i, raw[i]);
  }
}

// A policy's payments during one step of one block: each payment marks the household as this
// year's beneficiary and adds to the fiscal cost, weighted by the household's survey weight; the
// total is booked into the block's tally once, when the book goes out of scope.
class PaymentBook {
 public:
  PaymentBook(const MonthContext& ctx, std::uint32_t slot) : tally_(ctx.tally), slot_(slot), bit_(1u << slot) {}
  ~PaymentBook() {
    if (!tally_) return;
    const Int128 month = (repeat_ ? tally_->model_cost_last_month[slot_] : Int128{0}) + fen_units_;
    tally_->model_cost_fen[slot_] += month;
    tally_->model_cost_last_month[slot_] = month;
  }
  PaymentBook(const PaymentBook&) = delete;
  PaymentBook& operator=(const PaymentBook&) = delete;
  // This block is paid exactly what it was paid last month (plus any pay() calls): for policies
  // whose payments change only in known months, so that the other months need no pass over the
  // households. Beneficiaries were marked when the payments were last booked one by one, which
  // must have been this assessment year (January at the latest: the year's tally starts then).
  void repeat_last_month() { repeat_ = true; }

  // Household h is paid `yuan` (>= 0; 0 is no payment) this month. Branch-free: policies call it
  // for every household. The product fits 64 bits for payments up to 10^6 yuan a month and
  // weights up to 10^7 (10^8 fen x 10^10 weight units).
  void pay(HouseholdStore& hh, std::uint32_t h, double yuan) {
    const std::int64_t fen = static_cast<std::int64_t>(yuan * 100.0 + 0.5);
    hh.benefits[h] |= fen > 0 ? bit_ : 0u;
    fen_units_ += fen * weight_units(hh.weight[h]);
  }

 private:
  YearTally* tally_;
  std::uint32_t slot_, bit_;
  Int128 fen_units_ = 0;
  bool repeat_ = false;
};

// The per-run state of one model (budget estimates, this month's schedule look-ups, rationing
// decisions): everything a model remembers from one month to the next. The Run owns one per
// model, so replicates and restarted runs never see another run's state, and a checkpoint saves
// it with save()/load().
class ModelState {
 public:
  virtual ~ModelState() = default;
  // The state as bytes (or fields) in a fixed layout: a checkpoint stores exactly this.
  virtual void save(ByteWriter& out) const = 0;
  virtual void load(ByteReader& in) = 0;
  // Identifies the layout (type size), for the checkpoint's layout hash.
  virtual std::size_t layout_size() const = 0;
};

// A model's State struct S as a ModelState. S is default-initialised at the start of a run. It is
// saved as its bytes when trivially copyable; otherwise S provides
// `template <class A> void archive(A& a)` calling a(field) for each field (a vector<T> of trivially
// copyable T, or a trivially copyable field).
template <class S>
class StateOf final : public ModelState {
 public:
  S value{};
  void save(ByteWriter& out) const override {
    if constexpr (std::is_trivially_copyable_v<S>) out.raw(&value, sizeof(S));
    else const_cast<S&>(value).archive(out);
  }
  void load(ByteReader& in) override {
    if constexpr (std::is_trivially_copyable_v<S>) in.raw(&value, sizeof(S));
    else value.archive(in);
  }
  std::size_t layout_size() const override { return sizeof(S); }
};

// The one interface the engine calls. A model object is an immutable description: its Params and
// what is derived from them, plus its slot, fixed when the scenario is built. Everything that
// changes during a run lives in the ModelState that make_state() creates and the Run owns.
// Models derive from StatefulModel<State> or StatelessModel rather than from Model directly.
class Model {
 public:
  virtual ~Model() = default;

  // The model's position in the scenario's model list; its column in fiscal accounts. Set once
  // when the scenario is built.
  void set_slot(std::uint32_t slot) { slot_ = slot; }
  std::uint32_t slot() const { return slot_; }
  // The book a policy records its payments in during one step.
  PaymentBook payments(const MonthContext& ctx) const { return PaymentBook(ctx, slot_); }

  // Once, when the scenario is built (the model's only chance to change itself): the columns,
  // flags and output counters the model needs, kept as handles, and the shared columns it reads
  // and writes (sim/core/columns.hpp).
  virtual void declare(ModelDeclarations& /*declare*/) {}

  // A fresh state for a new run.
  virtual std::unique_ptr<ModelState> make_state() const = 0;

  // Once a month, before any household is stepped, on one thread: schedule look-ups and draws
  // shared by a whole county (computed for every county, so every MPI rank gets the same).
  virtual void begin_month_with(const MonthContext& ctx, ModelState& state) const = 0;

  // Each month, after begin_month and before any household is stepped: decisions that need the
  // whole population, e.g. who gets a rationed budget. It must give the same result for any
  // thread count (a later MPI version computes it from reductions across ranks), so keep it to
  // integer or order-fixed sums.
  virtual void prepare_with(const MonthContext& ctx, const HouseholdStore& hh, ModelState& state) const = 0;

  // Advances households in `range` by one month. Called concurrently on disjoint ranges.
  virtual void step_with(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range,
                         const ModelState& state) const = 0;

 private:
  std::uint32_t slot_ = 0;
};

// A model with per-run state S: it implements the typed hooks below.
template <class S>
class StatefulModel : public Model {
 public:
  using State = S;
  std::unique_ptr<ModelState> make_state() const final { return std::make_unique<StateOf<S>>(); }
  void begin_month_with(const MonthContext& ctx, ModelState& state) const final { begin_month(ctx, typed(state)); }
  void prepare_with(const MonthContext& ctx, const HouseholdStore& hh, ModelState& state) const final {
    prepare(ctx, hh, typed(state));
  }
  void step_with(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range,
                 const ModelState& state) const final {
    step(ctx, hh, range, typed(state));
  }

  virtual void begin_month(const MonthContext& /*ctx*/, S& /*state*/) const {}
  virtual void prepare(const MonthContext& /*ctx*/, const HouseholdStore& /*hh*/, S& /*state*/) const {}
  virtual void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const S& state) const = 0;

  // This policy's pro-rata budget factor this month (sim/core/budget.hpp), its estimates kept in
  // `estimate`.
  double budget_factor(const MonthContext& ctx, const BudgetParams& budget, BudgetState& estimate,
                       double paid_at = -1) const {
    return povsim::budget_factor(ctx, slot(), budget, estimate, paid_at);
  }

 private:
  static S& typed(ModelState& s) { return static_cast<StateOf<S>&>(s).value; }
  static const S& typed(const ModelState& s) { return static_cast<const StateOf<S>&>(s).value; }
};

// A model that remembers nothing between months: only its step.
class StatelessModel : public Model {
 public:
  struct State {};
  std::unique_ptr<ModelState> make_state() const final { return std::make_unique<StateOf<State>>(); }
  void begin_month_with(const MonthContext&, ModelState&) const final {}
  void prepare_with(const MonthContext&, const HouseholdStore&, ModelState&) const final {}
  void step_with(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range, const ModelState&) const final {
    step(ctx, hh, range);
  }
  virtual void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const = 0;
};

// Builds the initial household population (synthetic, or later read from microdata).
class PopulationSource {
 public:
  virtual ~PopulationSource() = default;
  virtual std::size_t households() const = 0;
  // Expected persons per household, for the memory estimate made before allocating.
  virtual double persons_per_household() const = 0;
  virtual void generate(HouseholdStore& hh, const StreamFactory& rng) const = 0;
  // Households [begin, end) of the population generate() gives, bit for bit, with their entity keys
  // (HouseholdStore::household_key_base): one MPI rank's part. Sums over the whole population (the
  // national weights) go through `reducer`, whose parts together hold every household. The
  // default builds the whole population and keeps the part; a source that can build a part alone
  // overrides it, so that no rank holds the whole population.
  virtual void generate_part(HouseholdStore& hh, const StreamFactory& rng, std::size_t begin, std::size_t end,
                             const Reducer& reducer) const;
  // The first household at or after `h` where a part may begin: parts are cut between counties so
  // that a county's households stay on one rank. The default allows any household.
  virtual std::size_t part_boundary(std::size_t h) const { return h; }
  // What the households' weights stand for, for the output's root attribute `weights` and the
  // summary: national totals, survey weights of the input, or one household each.
  virtual std::string weights() const { return "survey weights of the input population"; }
  // Whether generate() samples households from its stream (a synthetic population) rather than
  // reading fixed ones (a file): only a sampled population can be drawn afresh per replicate.
  virtual bool sampled() const { return false; }
};

// One population source given to several scenarios (a population file compared under several
// policies): forwards to the shared source, which is read once.
class SharedPopulation final : public PopulationSource {
 public:
  explicit SharedPopulation(std::shared_ptr<const PopulationSource> source) : source_(std::move(source)) {}
  std::size_t households() const override { return source_->households(); }
  double persons_per_household() const override { return source_->persons_per_household(); }
  void generate(HouseholdStore& hh, const StreamFactory& rng) const override { source_->generate(hh, rng); }
  void generate_part(HouseholdStore& hh, const StreamFactory& rng, std::size_t begin, std::size_t end,
                     const Reducer& reducer) const override {
    source_->generate_part(hh, rng, begin, end, reducer);
  }
  std::size_t part_boundary(std::size_t h) const override { return source_->part_boundary(h); }
  std::string weights() const override { return source_->weights(); }
  bool sampled() const override { return source_->sampled(); }

 private:
  std::shared_ptr<const PopulationSource> source_;
};

// Converts an annual event probability to the monthly one with the same yearly total.
inline double monthly_probability(double annual) { return 1.0 - std::pow(1.0 - annual, 1.0 / 12.0); }


}  // namespace povsim

// A model that exists only in this test brings its own per-household column, flag bit and output
// dataset, and runs in a full scenario with no engine file edited: the declarations are all it
// needs. Also: the step-order check and the generated data-flow table in docs/model.md.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "models/market.hpp"
#include "models/synthetic_population.hpp"
#include "sim/core/registry.hpp"
#include "sim/core/scenario.hpp"
#include "sim/core/simulation.hpp"
#include "sim/output/hdf5_output.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

// Counts each household's months with a medical bill this year (its own column), flags those with
// at least `threshold` such months (its own flag) and reports the flagged lifted households each
// December as /annual/test_model/frequent_patients (its own output).
class FrequentPatients final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 250;  // draws nothing
  struct Params {
    bool enabled = true;
    int threshold = 3;  // months with a bill in a year
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
      v.integer("threshold", threshold, 1, 12);
    }
  };
  explicit FrequentPatients(const Params& params) : params_(params) {}
  void declare(ModelDeclarations& d) override {
    months_ = d.household_column<std::uint8_t>("bill_months", "months with a medical bill this year");
    bill_ = d.household_column<float>("medical_month", "out-of-pocket medical spending this month, yuan");
    flag_ = d.household_flag("frequent_patient");
    count_ = d.counter("/annual/test_model", "frequent_patients", "lifted households flagged in December");
    d.writes("bill_months");
    d.writes("frequent_patient");
    d.reads("medical_month", When::this_month);
  }
  void step(const MonthContext& ctx, HouseholdStore& hh, HouseholdRange range) const override {
    std::uint8_t* months = hh.data(months_);
    const float* bill = hh.data(bill_);
    std::int64_t flagged = 0;
    for (std::uint32_t h = range.begin; h < range.end; ++h) {
      if (ctx.is_january()) months[h] = 0, hh.model_flags[h] &= static_cast<std::uint16_t>(~flag_.mask);
      months[h] = static_cast<std::uint8_t>(months[h] + (bill[h] > 0));
      if (months[h] >= params_.threshold) hh.model_flags[h] |= flag_.mask;
      const bool counted = (hh.flags[h] & household_flag::lifted) && (hh.model_flags[h] & flag_.mask);
      flagged += counted ? weight_units(hh.weight[h]) : 0;
    }
    if (ctx.tally && ctx.month.month() == 12) ctx.tally->counters[count_.index] += flagged;
  }

 private:
  Params params_;
  ColumnHandle<std::uint8_t> months_;
  ColumnHandle<float> bill_;
  HouseholdFlag flag_;
  CounterHandle count_;
};

std::string baseline() { return std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml"; }

TEST(DeclaredModel, ATestOnlyModelBringsItsOwnColumnFlagAndOutput) {
  ModelRegistry registry = make_default_registry();
  registry.add<FrequentPatients>("policies.frequent_patients");
  const Scenario s = load_scenario(baseline(), {"population.households=5000", "horizon.end=2022-12",
                                                "policies.frequent_patients.threshold=2"},
                                   registry);
  std::uint16_t flag = 0;
  for (std::size_t k = 0; k < s.layout.household_flags.size(); ++k)
    if (s.layout.household_flags[k].first == "frequent_patient") flag = static_cast<std::uint16_t>(1u << k);
  ASSERT_NE(flag, 0);
  RunOptions options;
  std::int64_t expected = 0;  // flagged lifted households at the end (December 2022), weight units
  options.on_replicate_end = [&](std::uint32_t, const HouseholdStore& hh) {
    HouseholdStore& store = const_cast<HouseholdStore&>(hh);
    const auto& months = store.column<std::uint8_t>("bill_months");
    for (std::size_t h = 0; h < hh.size(); ++h) {
      EXPECT_EQ((hh.model_flags[h] & flag) != 0, months[h] >= 2);
      if ((hh.flags[h] & household_flag::lifted) && months[h] >= 2) expected += weight_units(hh.weight[h]);
    }
  };
  const RunResults results = simulate(s, options);
  EXPECT_GT(expected, 0);
  testing::TempDir dir;
  const std::string file = dir.file("out.h5");
  Hdf5Output out(file);
  out.commit(results, RunMetadata{"test", "test", s.resolved_yaml, s.run.seed, 1, "synthetic", "unit"});
  const auto written = testing::read_dataset(file, "/annual/test_model/frequent_patients");
  ASSERT_EQ(written.size(), 2u);
  EXPECT_DOUBLE_EQ(written[1], households_of(expected));
  // The engine's own outputs are still there, and so are other models' declared outputs.
  EXPECT_EQ(testing::read_dataset(file, "/annual/return_rate").size(), 2u);
  EXPECT_EQ(testing::read_dataset(file, "/annual/monitoring/monitored_households").size(), 2u);
}

// A model that reads this month's market_delta.
class ReadsMarketDelta final : public StatelessModel {
 public:
  static constexpr std::uint32_t kStreamId = 251;
  struct Params {
    bool enabled = true;
    template <class V>
    void visit(V& v) {
      v.flag("enabled", enabled);
    }
  };
  explicit ReadsMarketDelta(const Params&) {}
  void declare(ModelDeclarations& d) override { d.reads("market_delta", When::this_month); }
  void step(const MonthContext&, HouseholdStore&, HouseholdRange) const override {}
};

ModelRegistry registry_with(bool reader_first) {
  ModelRegistry r;
  r.set_population<SyntheticPopulation>("population");
  if (reader_first) r.add<ReadsMarketDelta>("processes.reader");
  r.add<MarketInteraction>("processes.market");
  if (!reader_first) r.add<ReadsMarketDelta>("processes.reader");
  return r;
}

TEST(DeclaredModel, AStepOrderThatReadsAValueBeforeItIsWrittenIsRefused) {
  EXPECT_NO_THROW(default_scenario({}, registry_with(false)));
  try {
    default_scenario({}, registry_with(true));
    ADD_FAILURE() << "not refused";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("processes.reader reads this month's 'market_delta'"), std::string::npos)
        << e.what();
  }
  // The order is the registry's: it is wrong even in a scenario that switches the writer off ...
  EXPECT_THROW(default_scenario({"processes.market.enabled=false"}, registry_with(true)), ConfigError);
  // ... and right in one that switches off the only earlier writer of a column that a later
  // model writes too (job loss before the income process; training after it).
  EXPECT_NO_THROW(default_scenario({"shocks.job_loss.enabled=false", "processes.demography.enabled=false"},
                                   make_default_registry()));
}

// docs/model.md shows the data flow of the default scenario as the models declare it.
TEST(DeclaredModel, TheDocumentedDataFlowIsTheDeclaredOne) {
  const std::string table = default_scenario({}, make_default_registry()).layout.data_flow_table();
  std::ifstream doc(std::string(POVSIM_SOURCE_DIR) + "/docs/model.md");
  std::stringstream text;
  text << doc.rdbuf();
  EXPECT_NE(text.str().find(table), std::string::npos)
      << "docs/model.md's data-flow table is out of date; replace it with:\n"
      << table;
}

}  // namespace
}  // namespace povsim

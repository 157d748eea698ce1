#include "sim/output/hdf5_output.hpp"

#include <limits>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "sim/output/hdf5_file.hpp"

namespace povsim {

namespace {

using namespace h5;

constexpr const char* kShareUnits = "share of households (0-1), weighted";
constexpr const char* kCountUnits = "households (weighted by survey weight)";

// Dataset names and descriptions for one household group: lifted households (returns) or edge
// households (new poverty).
struct GroupNames {
  const char* rate;
  const char* cumulative_rate;
  const char* households;
  const char* returned;
  const char* ever_returned;
  const char* group;  // "lifted households" or "edge households"
  const char* event;  // "returned" or "became newly poor"
};
constexpr GroupNames kLifted{"return_rate", "cumulative_return_rate", "lifted_households", "returned_households",
                             "ever_returned_households", "lifted households", "returned"};
constexpr GroupNames kEdge{"new_poverty_rate", "cumulative_new_poverty_rate", "edge_households",
                           "newly_poor_households", "ever_newly_poor_households", "edge households",
                           "became newly poor"};

std::string text(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

// Writes the rates and weighted counts of one household group for one breakdown. `pick(tally, k)`
// returns the HouseholdCounts of category k; dims are [replicates, categories, years] or
// [replicates, years].
template <class Pick>
void write_counts(hid_t g, const RunResults& res, std::size_t categories, bool with_category_axis, Pick pick,
                  const GroupNames& n = kLifted) {
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  std::vector<hsize_t> dims = with_category_axis ? std::vector<hsize_t>{R, categories, Y} : std::vector<hsize_t>{R, Y};
  std::vector<double> ret, cum, head, households, at_risk, returned, poor, ever;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < categories; ++k)
      for (std::size_t y = 0; y < Y; ++y) {
        const HouseholdCounts& c = pick(res.tallies[r][y], k);
        ret.push_back(rate(c.returned, c.at_risk));
        cum.push_back(rate(c.ever_returned, c.households));
        head.push_back(rate(c.poor, c.households));
        households.push_back(households_of(c.households)), at_risk.push_back(households_of(c.at_risk));
        returned.push_back(households_of(c.returned)), poor.push_back(households_of(c.poor));
        ever.push_back(households_of(c.ever_returned));
      }
  const std::string group = n.group;
  dataset(g, n.rate, H5T_NATIVE_DOUBLE, dims, ret, kShareUnits,
          text({group, " newly below the line this year / ", group, " above it the year before"}));
  dataset(g, n.cumulative_rate, H5T_NATIVE_DOUBLE, dims, cum, kShareUnits,
          text({group, " that have ", n.event, " at least once by this year / ", group}));
  dataset(g, "poverty_headcount_rate", H5T_NATIVE_DOUBLE, dims, head, kShareUnits,
          text({group, " below the line this year / ", group}));
  dataset(g, n.households, H5T_NATIVE_DOUBLE, dims, households, kCountUnits,
          text({group, " assessed this year (with a living member)"}));
  dataset(g, "at_risk_households", H5T_NATIVE_DOUBLE, dims, at_risk, kCountUnits,
          text({group, " above the line at the previous assessment"}));
  dataset(g, n.returned, H5T_NATIVE_DOUBLE, dims, returned, kCountUnits,
          text({"at-risk ", group, " below the line this year"}));
  dataset(g, "poor_households", H5T_NATIVE_DOUBLE, dims, poor, kCountUnits, text({group, " below the line"}));
  dataset(g, n.ever_returned, H5T_NATIVE_DOUBLE, dims, ever, kCountUnits,
          text({group, " that have ", n.event, " at least once by this year"}));
}

// Fiscal cost and beneficiaries of each policy (models under "policies."), [R, K, Y].
void write_policies(hid_t annual, const RunResults& res) {
  std::vector<std::string> names;
  std::vector<int> slots;
  for (std::size_t m = 0; m < res.model_paths.size(); ++m)
    if (res.model_paths[m].rfind("policies.", 0) == 0) {
      names.push_back(res.model_paths[m].substr(9));
      slots.push_back(static_cast<int>(m));
    }
  Handle g = group(annual, "policies");
  attr_strings(g, "categories", names);
  attr_string(g, "note", "policies enabled in the scenario, in step order; costs are nominal payments to households");
  const std::size_t R = res.tallies.size(), K = names.size(), Y = res.years.size();
  std::vector<double> cost, beneficiaries;
  for (std::size_t r = 0; r < R; ++r)
    for (int slot : slots)
      for (std::size_t y = 0; y < Y; ++y) {
        cost.push_back(res.tallies[r][y].model_cost_yuan(slot));
        beneficiaries.push_back(households_of(res.tallies[r][y].model_beneficiaries[slot]));
      }
  dataset(g, "fiscal_cost", H5T_NATIVE_DOUBLE, {R, K, Y}, cost, "yuan/year (weighted)",
          "payments of the policy to households this year, weighted by survey weights");
  dataset(g, "beneficiaries", H5T_NATIVE_DOUBLE, {R, K, Y}, beneficiaries, kCountUnits,
          "households (lifted or edge) paid by the policy at least once this year");
}

// The counters models declared, each a [R, Y] dataset of weighted households at its group. A
// counter with a lag of L years takes year y's value from what was added in year y + L; the last L
// years are censored: NaN, and the attribute censored_last_years = L.
void write_counters(hid_t file, const RunResults& res) {
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  for (std::size_t k = 0; k < res.counters.size(); ++k) {
    const CounterSpec& spec = res.counters[k];
    const std::size_t lag = static_cast<std::size_t>(spec.lag_years);
    Handle g = open_or_create_group(file, spec.group);
    std::vector<double> values;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t y = 0; y < Y; ++y)
        values.push_back(y + lag < Y ? households_of(res.tallies[r][y + lag].counters[k])
                                     : std::numeric_limits<double>::quiet_NaN());
    dataset(g, spec.name.c_str(), H5T_NATIVE_DOUBLE, {R, Y}, values, kCountUnits, spec.description);
    if (lag > 0) {
      Handle ds(H5Dopen2(g, spec.name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + spec.name);
      attr_scalar<std::int32_t>(ds, "censored_last_years", H5T_NATIVE_INT32, spec.lag_years);
    }
  }
}

}  // namespace

Hdf5Output::Hdf5Output(std::string path) : file_(std::move(path)) {}

void Hdf5Output::commit(const RunResults& res, const RunMetadata& meta) {
  const hid_t f = file_.id();
  attr_string(f, "povsim_version", meta.version);
  attr_scalar<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64, meta.seed);
  attr_scalar<std::uint64_t>(f, "households", H5T_NATIVE_UINT64, res.households);
  attr_scalar<std::uint32_t>(f, "replicates", H5T_NATIVE_UINT32, static_cast<std::uint32_t>(res.tallies.size()));
  attr_string(f, "scenario_file", meta.scenario_file);
  attr_string(f, "scenario_yaml", meta.scenario_yaml);
  attr_string(f, "population", meta.population);
  attr_string(f, "weights", meta.weights);
  attr_string(f, "format", "povsim-results 2 (docs/output.md)");

  Handle annual = group(f, "annual");
  const std::size_t R = res.tallies.size(), Y = res.years.size();
  dataset(f, "replicate_index", H5T_NATIVE_UINT32, {R}, res.replicate_index, "replicate number",
          "the scenario's replicate number of each entry of the replicate axis (a file may hold a subset, "
          "e.g. from run --replicate K:L)");
  dataset(annual, "year", H5T_NATIVE_INT32, {Y}, res.years, "calendar year", "assessment year (December)");
  dataset(annual, "poverty_line", H5T_NATIVE_DOUBLE, {Y}, res.poverty_line, "yuan/person/year",
          "poverty line applied at the assessment");
  write_counts(annual, res, 1, false, [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.all; });
  std::vector<double> income;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t y = 0; y < Y; ++y) income.push_back(res.tallies[r][y].mean_income_per_capita());
  dataset(annual, "mean_income_per_capita", H5T_NATIVE_DOUBLE, {R, Y}, income, "yuan/person/year",
          "mean over lifted households of per-capita net income (income minus out-of-pocket medical spending)");

  Handle by_region = group(annual, "by_region_type");
  std::vector<std::string> regions(kRegionTypeNames.begin(), kRegionTypeNames.end());
  attr_strings(by_region, "categories", regions);
  write_counts(by_region, res, kRegionTypes, true,
               [](const YearTally& t, std::size_t k) -> const HouseholdCounts& { return t.by_region[k]; });

  Handle edge = group(annual, "edge");
  attr_string(edge, "note",
              "edge households: never registered as poor, near the line at the start; new poverty is measured "
              "among them");
  write_counts(edge, res, 1, false, [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.edge; },
               kEdge);

  write_policies(annual, res);
  write_counters(f, res);

  Handle by_cause = group(annual, "by_cause");
  attr_strings(by_cause, "categories", res.cause_names);
  attr_string(by_cause, "note",
              "cause = the latest shock a household met during the assessment year; 'none' = income variation only");
  const std::size_t C = res.cause_names.size();
  std::vector<double> cause_rate, cause_returned, cause_at_risk;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t y = 0; y < Y; ++y) {
        const YearTally& t = res.tallies[r][y];
        cause_rate.push_back(rate(t.returned_by_cause[c], t.all.at_risk));
        cause_returned.push_back(households_of(t.returned_by_cause[c]));
        cause_at_risk.push_back(households_of(t.at_risk_by_cause[c]));
      }
  dataset(by_cause, "return_rate", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_rate, kShareUnits,
          "returned households whose latest shock had this cause / all at-risk households (sums over causes to "
          "/annual/return_rate)");
  dataset(by_cause, "returned_households", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_returned, kCountUnits,
          "returned households whose latest shock had this cause");
  dataset(by_cause, "at_risk_households", H5T_NATIVE_DOUBLE, {R, C, Y}, cause_at_risk, kCountUnits,
          "at-risk households whose latest shock this year had this cause");

  file_.commit();
}

}  // namespace povsim

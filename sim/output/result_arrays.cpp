#include "sim/output/result_arrays.hpp"

#include <initializer_list>
#include <limits>

namespace povsim {

namespace {

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

// Collects the arrays and groups in the order the file is written.
class Builder {
 public:
  explicit Builder(const RunResults& res) : res_(res), R_(res.tallies.size()), Y_(res.years.size()) {}

  void group(std::string path, std::vector<ResultAttribute> attributes = {}, std::string category_axis = {}) {
    out_.groups.push_back(ResultGroup{std::move(path), std::move(attributes), std::move(category_axis)});
  }

  // An array's shape with the name of each axis.
  struct Axes {
    std::vector<std::size_t> shape;
    std::vector<std::string> names;
  };
  Axes replicates_by_years() const { return {{R_, Y_}, {kReplicateAxis, kYearAxis}}; }
  Axes replicates_by_categories_by_years(std::size_t categories, const std::string& category_axis) const {
    return {{R_, categories, Y_}, {kReplicateAxis, category_axis, kYearAxis}};
  }

  ResultArray& array(const std::string& group, std::string_view name, Axes axes, std::vector<double> values,
                     std::string units, std::string description, ArrayType type = ArrayType::float64) {
    ResultArray a;
    a.path = group.empty() ? std::string(name) : group + "/" + std::string(name);
    a.shape = std::move(axes.shape), a.dimensions = std::move(axes.names);
    a.type = type, a.values = std::move(values);
    a.units = std::move(units), a.description = std::move(description);
    out_.arrays.push_back(std::move(a));
    return out_.arrays.back();
  }

  // The rates and weighted counts of one household group for one breakdown. `pick(tally, k)`
  // returns the HouseholdCounts of category k; shapes are [R, K, Y] along `category_axis`, or
  // [R, Y] when it is empty (and categories == 1).
  template <class Pick>
  void counts(const std::string& g, std::size_t categories, const std::string& category_axis, Pick pick,
              const GroupNames& n = kLifted) {
    const Axes shape = category_axis.empty() ? replicates_by_years()
                                             : replicates_by_categories_by_years(categories, category_axis);
    std::vector<double> ret, cum, head, households, at_risk, returned, poor, ever;
    for (std::size_t r = 0; r < R_; ++r)
      for (std::size_t k = 0; k < categories; ++k)
        for (std::size_t y = 0; y < Y_; ++y) {
          const HouseholdCounts& c = pick(res_.tallies[r][y], k);
          ret.push_back(rate(c.returned, c.at_risk));
          cum.push_back(rate(c.ever_returned, c.households));
          head.push_back(rate(c.poor, c.households));
          households.push_back(households_of(c.households)), at_risk.push_back(households_of(c.at_risk));
          returned.push_back(households_of(c.returned)), poor.push_back(households_of(c.poor));
          ever.push_back(households_of(c.ever_returned));
        }
    const std::string group = n.group;
    array(g, n.rate, shape, std::move(ret), kShareUnits,
          text({group, " newly below the line this year / ", group, " above it the year before"}));
    array(g, n.cumulative_rate, shape, std::move(cum), kShareUnits,
          text({group, " that have ", n.event, " at least once by this year / ", group}));
    array(g, "poverty_headcount_rate", shape, std::move(head), kShareUnits,
          text({group, " below the line this year / ", group}));
    array(g, n.households, shape, std::move(households), kCountUnits,
          text({group, " assessed this year (with a living member)"}));
    array(g, "at_risk_households", shape, std::move(at_risk), kCountUnits,
          text({group, " above the line at the previous assessment"}));
    array(g, n.returned, shape, std::move(returned), kCountUnits, text({"at-risk ", group, " below the line this year"}));
    array(g, "poor_households", shape, std::move(poor), kCountUnits, text({group, " below the line"}));
    array(g, n.ever_returned, shape, std::move(ever), kCountUnits,
          text({group, " that have ", n.event, " at least once by this year"}));
  }

  // Fiscal cost and beneficiaries of each policy (models under "policies."), [R, K, Y].
  void policies() {
    std::vector<std::string> names;
    std::vector<int> slots;
    for (std::size_t m = 0; m < res_.model_paths.size(); ++m)
      if (res_.model_paths[m].rfind("policies.", 0) == 0) {
        names.push_back(res_.model_paths[m].substr(9));
        slots.push_back(static_cast<int>(m));
      }
    const std::size_t K = names.size();
    group("annual/policies",
          {{"categories", names},
           {"note", std::string("policies enabled in the scenario, in step order; costs are nominal payments to "
                                "households")}},
          "policy");
    std::vector<double> cost, beneficiaries;
    for (std::size_t r = 0; r < R_; ++r)
      for (int slot : slots)
        for (std::size_t y = 0; y < Y_; ++y) {
          cost.push_back(res_.tallies[r][y].model_cost_yuan(slot));
          beneficiaries.push_back(households_of(res_.tallies[r][y].model_beneficiaries[slot]));
        }
    array("annual/policies", "fiscal_cost", replicates_by_categories_by_years(K, "policy"), std::move(cost), "yuan/year (weighted)",
          "payments of the policy to households this year, weighted by survey weights");
    array("annual/policies", "beneficiaries", replicates_by_categories_by_years(K, "policy"), std::move(beneficiaries), kCountUnits,
          "households (lifted or edge) paid by the policy at least once this year");
  }

  // The counters models declared, each a [R, Y] array of weighted households at its group. A
  // counter with a lag of L years takes year y's value from what was added in year y + L; the last
  // L years are censored: NaN, and the attribute censored_last_years = L.
  void counters() {
    for (std::size_t k = 0; k < res_.counters.size(); ++k) {
      const CounterSpec& spec = res_.counters[k];
      const std::size_t lag = static_cast<std::size_t>(spec.lag_years);
      std::string g = spec.group.substr(spec.group.find_first_not_of('/'));
      if (!out_.find_group(g)) group(g);
      std::vector<double> values;
      for (std::size_t r = 0; r < R_; ++r)
        for (std::size_t y = 0; y < Y_; ++y)
          values.push_back(y + lag < Y_ ? households_of(res_.tallies[r][y + lag].counters[k])
                                        : std::numeric_limits<double>::quiet_NaN());
      ResultArray& a = array(g, spec.name, replicates_by_years(), std::move(values), kCountUnits, spec.description);
      if (lag > 0) a.attributes.push_back({"censored_last_years", std::int32_t{spec.lag_years}});
    }
  }

  void causes() {
    group("annual/by_cause",
          {{"categories", res_.cause_names},
           {"note", std::string("cause = the latest shock a household met during the assessment year; 'none' = "
                                "income variation only")}},
          "cause");
    const std::size_t C = res_.cause_names.size();
    std::vector<double> cause_rate, cause_returned, cause_at_risk;
    for (std::size_t r = 0; r < R_; ++r)
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t y = 0; y < Y_; ++y) {
          const YearTally& t = res_.tallies[r][y];
          cause_rate.push_back(rate(t.returned_by_cause[c], t.all.at_risk));
          cause_returned.push_back(households_of(t.returned_by_cause[c]));
          cause_at_risk.push_back(households_of(t.at_risk_by_cause[c]));
        }
    array("annual/by_cause", "return_rate", replicates_by_categories_by_years(C, "cause"), std::move(cause_rate), kShareUnits,
          "returned households whose latest shock had this cause / all at-risk households (sums over causes to "
          "/annual/return_rate)");
    array("annual/by_cause", "returned_households", replicates_by_categories_by_years(C, "cause"), std::move(cause_returned), kCountUnits,
          "returned households whose latest shock had this cause");
    array("annual/by_cause", "at_risk_households", replicates_by_categories_by_years(C, "cause"), std::move(cause_at_risk), kCountUnits,
          "at-risk households whose latest shock this year had this cause");
  }

  ResultArrays build() {
    const std::vector<double> replicate_numbers(res_.replicate_index.begin(), res_.replicate_index.end());
    const Axes replicates{{R_}, {kReplicateAxis}}, years{{Y_}, {kYearAxis}};
    // The replicate axis's scale, named like the comparison file's; /replicate_index (older, the
    // same numbers) stays for the readers that know it.
    array("", kReplicateAxis, replicates, replicate_numbers, "replicate number",
          "the scenario's replicate number of each entry of the replicate axis", ArrayType::uint32);
    array("", "replicate_index", replicates, replicate_numbers, "replicate number",
          "the scenario's replicate number of each entry of the replicate axis (a file may hold a subset, "
          "e.g. from run --replicate K:L)",
          ArrayType::uint32);
    group("annual");
    array("annual", kYearAxis, years, std::vector<double>(res_.years.begin(), res_.years.end()), "calendar year",
          "assessment year (December)", ArrayType::int32);
    array("annual", "poverty_line", years, res_.poverty_line, "yuan/person/year",
          "poverty line applied at the assessment");
    counts("annual", 1, "", [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.all; });
    std::vector<double> income;
    for (std::size_t r = 0; r < R_; ++r)
      for (std::size_t y = 0; y < Y_; ++y) income.push_back(res_.tallies[r][y].mean_income_per_capita());
    array("annual", "mean_income_per_capita", replicates_by_years(), std::move(income), "yuan/person/year",
          "mean over lifted households of per-capita net income (income minus out-of-pocket medical spending)");

    group("annual/by_region_type",
          {{"categories", std::vector<std::string>(kRegionTypeNames.begin(), kRegionTypeNames.end())}}, "region_type");
    counts("annual/by_region_type", kRegionTypes, "region_type",
           [](const YearTally& t, std::size_t k) -> const HouseholdCounts& { return t.by_region[k]; });

    group("annual/edge", {{"note", std::string("edge households: never registered as poor, near the line at the "
                                               "start; new poverty is measured among them")}});
    counts("annual/edge", 1, "", [](const YearTally& t, std::size_t) -> const HouseholdCounts& { return t.edge; },
           kEdge);
    policies();
    counters();
    causes();
    return std::move(out_);
  }

 private:
  const RunResults& res_;
  const std::size_t R_, Y_;
  ResultArrays out_;
};

std::string_view relative(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path;
}

}  // namespace

std::int32_t ResultArray::int_attribute(std::string_view attribute, std::int32_t fallback) const {
  for (const auto& a : attributes)
    if (a.name == attribute)
      if (const auto* v = std::get_if<std::int32_t>(&a.value)) return *v;
  return fallback;
}

const ResultArray* ResultArrays::find(std::string_view path) const {
  path = relative(path);
  for (const auto& a : arrays)
    if (a.path == path) return &a;
  return nullptr;
}

const ResultGroup* ResultArrays::find_group(std::string_view path) const {
  path = relative(path);
  for (const auto& g : groups)
    if (g.path == path) return &g;
  return nullptr;
}

std::vector<std::string> ResultArrays::categories(const ResultArray& array) const {
  const ResultGroup* g = find_group(array.group());
  return g ? categories_of(*g) : std::vector<std::string>{};
}

std::vector<std::string> ResultArrays::categories_of(const ResultGroup& group) {
  for (const auto& a : group.attributes)
    if (a.name == "categories")
      if (const auto* names = std::get_if<std::vector<std::string>>(&a.value)) return *names;
  return {};
}

ResultArrays result_arrays(const RunResults& results) { return Builder(results).build(); }

}  // namespace povsim

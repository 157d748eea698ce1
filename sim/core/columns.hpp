// Columns, flag bits and output counters that models declare for themselves. The household store
// holds the population's columns (what a population source fills) and, beside them, the columns
// models declare (ModelDeclarations below): a model that needs per-household or per-person state
// of its own, a flag bit or an annual output dataset asks for it by name in Model::declare, and the
// store, the checkpoint, the memory budget and the results file take it from there. No engine
// file names a model's column.
//
// Declared reads and writes: every model says which shared columns it reads (this month's value,
// or last month's) and which it writes; building a scenario refuses a step order in which a model
// reads this month's value of a column that only later models write (check_step_order).
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace povsim {

// The element types a declared column may have.
using ColumnData = std::variant<std::vector<std::uint8_t>, std::vector<std::uint16_t>, std::vector<std::uint32_t>,
                                std::vector<float>, std::vector<double>>;

// A typed handle to a declared column: an index into the store's declared columns.
template <class T>
struct ColumnHandle {
  std::uint32_t index = ~0u;
  bool valid() const { return index != ~0u; }
};

// A declared flag: one bit of the household's model_flags word, or of a person's person_flags.
struct HouseholdFlag {
  std::uint16_t mask = 0;
};
struct PersonFlag {
  std::uint8_t mask = 0;
};

// An annual counter a model adds to (weight units) and the results file writes as a dataset
// [replicates, years] at group/name. A counter with lag_years = L holds, at year y, what the model
// added during year y + L (an outcome it can only observe L years later); the last L years are
// censored (NaN, attribute censored_last_years = L).
struct CounterHandle {
  std::uint32_t index = ~0u;
};

struct ColumnSpec {
  std::string name;          // unique in the scenario, e.g. "medical_month"
  bool per_person = false;   // one element per person (else per household)
  ColumnData prototype;      // an empty vector of the element type
  double initial = 0;        // every element's value at the start of a run
  std::string description;   // with unit
  std::string owner;         // the declaring model's path
  std::size_t element_size() const {
    return std::visit([](const auto& v) { return sizeof(typename std::decay_t<decltype(v)>::value_type); }, prototype);
  }
};

struct CounterSpec {
  std::string group;  // e.g. "/annual/monitoring"
  std::string name;   // dataset name
  std::string description;
  std::string owner;
  int lag_years = 0;  // see CounterHandle
};

// When a read takes its value: this month's (written earlier in the step order this month) or
// last month's (whatever the column held when the month began).
enum class When { this_month, last_month };

struct ColumnAccess {
  std::string model;   // the model's YAML path
  std::string column;  // declared or population column name
  bool writes = false;
  When when = When::last_month;  // for reads
};

// Everything the scenario's models declared, in step order.
struct DeclaredLayout {
  std::vector<ColumnSpec> columns;
  std::vector<CounterSpec> counters;
  std::vector<std::pair<std::string, std::string>> household_flags;  // (name, owner), bit k = 1 << k
  std::vector<std::pair<std::string, std::string>> person_flags;      // (name, owner), bit = kFirstPersonFlag << k
  std::vector<ColumnAccess> access;
  std::vector<std::string> model_order;  // model paths in step order


  // The data flow as a Markdown table: for each model in step order, what it writes and reads.
  std::string data_flow_table() const;
};

// Person flag bits below this belong to the population (alive, unemployed, female); declared
// person flags take the bits from here up.
inline constexpr std::uint8_t kFirstPersonFlag = 8;
inline constexpr int kMaxHouseholdFlags = 16;
inline constexpr int kMaxPersonFlags = 5;
inline constexpr int kMaxCounters = 128;

// Refuses (ConfigError) a step order in which a model reads this month's value of a column that
// only later models write. `access` and `order` cover every registered model, enabled or not: an
// order is wrong or right whatever a scenario switches off. A column no model writes keeps its
// population (or initial) value.
void check_step_order(const std::vector<ColumnAccess>& access, const std::vector<std::string>& order);

// What Model::declare is given: the scenario-wide layout being built and the declaring model.
class ModelDeclarations {
 public:
  ModelDeclarations(DeclaredLayout& layout, std::string model) : layout_(layout), model_(std::move(model)) {}

  // A per-household (per-person) column named `name`, created on first declaration with every
  // element `initial`; later declarations of the same name (by a model that reads it) get the same
  // column and must agree on the type. Declaring does not say who reads or writes it: see below.
  template <class T>
  ColumnHandle<T> household_column(const std::string& name, const std::string& description, double initial = 0) {
    return ColumnHandle<T>{column(name, false, ColumnData(std::vector<T>{}), initial, description)};
  }
  template <class T>
  ColumnHandle<T> person_column(const std::string& name, const std::string& description, double initial = 0) {
    return ColumnHandle<T>{column(name, true, ColumnData(std::vector<T>{}), initial, description)};
  }
  // A flag bit named `name` (shared by name like columns).
  HouseholdFlag household_flag(const std::string& name);
  PersonFlag person_flag(const std::string& name);
  // An annual counter written to group/name in the results file; lag_years: see CounterHandle.
  CounterHandle counter(const std::string& group, const std::string& name, const std::string& description,
                        int lag_years = 0);

  // Access declarations, by column (or flag) name; population columns are named as in
  // HouseholdStore::for_each_household_column.
  void writes(const std::string& column) { layout_.access.push_back({model_, column, true, When::this_month}); }
  void reads(const std::string& column, When when) { layout_.access.push_back({model_, column, false, when}); }

 private:
  std::uint32_t column(const std::string& name, bool per_person, ColumnData prototype, double initial,
                       const std::string& description);
  DeclaredLayout& layout_;
  std::string model_;
};

}  // namespace povsim

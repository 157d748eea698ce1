// Household and person state, struct-of-arrays. A household's members are the contiguous person
// range [first_person, first_person + persons). Budget: 99 bytes per household plus 11 bytes
// per person, about 135 bytes for an average household of 3.3 (bytes_per_household(),
// bytes_per_person(); a test holds the total under the 300-byte ceiling).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/columns.hpp"
#include "sim/core/region.hpp"

namespace povsim {

enum class Health : std::uint8_t { healthy = 0, chronic = 1, disabled = 2 };

// What a person does for a living; wage earners are the ones job loss can hit.
enum class Work : std::uint8_t {
  child = 0,       // under working age
  student = 1,     // in school
  farming = 2,     // works on the household's own farm or business (operating income)
  local_wage = 3,  // wage job near home
  migrant = 4,     // migrant wage job
  not_working = 5,  // disabled or otherwise out of work for good
  retired = 6       // stopped working because of age
};
inline constexpr int kWorkKinds = 7;
inline constexpr std::string_view kWorkNames[kWorkKinds] = {"child",   "student",     "farming", "local_wage",
                                                            "migrant", "not_working", "retired"};
inline constexpr int kHealthKinds = 3;
inline constexpr std::string_view kHealthNames[kHealthKinds] = {"healthy", "chronic", "disabled"};

// Highest level of schooling completed (or being followed, for children and students).
enum class Education : std::uint8_t { none = 0, primary = 1, junior_secondary = 2, senior_secondary = 3, tertiary = 4 };
inline constexpr int kEducationLevels = 5;
inline constexpr std::string_view kEducationNames[kEducationLevels] = {"none", "primary", "junior_secondary",
                                                                      "senior_secondary", "tertiary"};

inline constexpr bool is_wage_earner(Work w) { return w == Work::local_wage || w == Work::migrant; }

// The population's person flags; bits from kFirstPersonFlag up are declared by models
// (sim/core/columns.hpp).
namespace person_flag {
inline constexpr std::uint8_t alive = 1;
inline constexpr std::uint8_t unemployed = 2;  // a wage earner currently without a job
inline constexpr std::uint8_t female = 4;
}  // namespace person_flag
static_assert(person_flag::female < kFirstPersonFlag);

// The engine's and population's household flags (bits 16 and 128 are free). Models declare their
// own flags, which live in model_flags (sim/core/columns.hpp).
namespace household_flag {
inline constexpr std::uint8_t lifted = 1;         // registered household that exited poverty by 2020
inline constexpr std::uint8_t relocated = 2;      // moved to a resettlement site
inline constexpr std::uint8_t poor = 4;           // below the line at the latest assessment
inline constexpr std::uint8_t ever_returned = 8;  // lifted and assessed poor at least once since
inline constexpr std::uint8_t dissolved = 32;     // no living member left
inline constexpr std::uint8_t edge = 64;          // never registered, near the line: can become newly poor
}  // namespace household_flag

// Industry supported by poverty-alleviation funds, by how much it still depends on support.
enum class Dependence : std::uint8_t { none = 0, low = 1, medium = 2, high = 3 };
inline constexpr int kDependenceLevels = 4;
inline constexpr std::string_view kDependenceNames[kDependenceLevels] = {"none", "low", "medium", "high"};

// Transfers a household may receive (pension is paid separately, by age). `other` is every transfer
// no modelled programme pays - remittances from members living elsewhere, farmland and other
// subsidies: paid by the income process like the others, but no policy changes it and it has no
// fiscal cost.
enum class Programme : std::uint8_t { public_welfare_post = 0, ecological_compensation = 1, dibao = 2, other = 3 };
inline constexpr int kProgrammes = 4;
inline constexpr std::string_view kProgrammeNames[kProgrammes] = {"public_welfare_post", "ecological_compensation",
                                                                  "dibao", "other"};

// Person columns carry this many zeroed elements past the last person, so that a fixed-width window
// over a household's members (see sim/core/member_window.hpp) never reads outside the arrays.
inline constexpr std::uint32_t kMemberWindow = 8;

// A county, or a resettlement site (relocated households share its disaster exposure and local
// industry, like a county's households do).
struct County {
  RegionType region = RegionType::other;
  std::uint32_t code = 0;            // the user's county code (microdata) or the index (synthetic)
  std::uint8_t industry = 0;         // the local specialty industry: a product id, 0 = none
  bool resettlement_site = false;
};

class HouseholdStore {
 public:
  // Allocates `households` households and `persons` persons, zero-initialised.
  void resize(std::size_t households, std::size_t persons);
  std::size_t size() const { return county.size(); }
  std::size_t person_count() const { return person_count_; }


  // Bytes of state per household (excluding members) and per person; used to budget memory
  // before allocating.
  static std::size_t bytes_per_household();
  static std::size_t bytes_per_person();
  std::size_t bytes_used() const;

  // Living members of household h, from the members' alive flags: what count_alive stores in
  // alive_members, for code that reads a store whose alive_members is not set yet.
  std::uint8_t living_members(std::size_t h) const;
  // Net income of household h since the last assessment, yuan: every income (wages, operating
  // income with subsidies, property income, transfers, pension) minus out-of-pocket medical
  // spending. The one definition: the assessment and means tests use it.
  double net_income(std::size_t h) const {
    return double(acc_wage[h]) + acc_operating[h] + acc_property[h] + acc_transfer[h] + acc_pension[h] - acc_medical[h];
  }

  // Sets alive_members of households [begin, end) from the members' alive flags.
  void count_alive(std::size_t begin, std::size_t end);

  // Every per-household (per-person) column, once, with its name: resize(), the byte counts, the
  // checkpoint and its layout hash use these lists, so a new column cannot be forgotten in any.
  // f(name, column).
  template <class F>
  void for_each_household_column(F&& f) {
    f("county", county), f("region", region), f("flags", flags), f("last_cause", last_cause);
    f("dependence", dependence), f("model_flags", model_flags);
    f("first_person", first_person), f("persons", persons), f("alive_members", alive_members);
    f("operating_base", operating_base), f("property_income", property_income);
    f("industry_subsidy", industry_subsidy), f("income_factor", income_factor), f("savings", savings);
    f("weight", weight), f("benefits", benefits), f("assessed_income_pc", assessed_income_pc);
    for (int k = 0; k < kProgrammes; ++k) f(kProgrammeNames[k].data(), transfer[k]);
    f("acc_wage", acc_wage), f("acc_operating", acc_operating), f("acc_property", acc_property);
    f("acc_transfer", acc_transfer), f("acc_pension", acc_pension), f("acc_medical", acc_medical);
  }
  template <class F>
  void for_each_person_column(F&& f) {
    f("age", age), f("health", health), f("work", work), f("education", education);
    f("person_flags", person_flags), f("wage", wage);
  }

  // Every column (declared ones included), the counties and the person count, for checkpoints:
  // a(value) for each.
  template <class A>
  void archive(A& a) {
    for_each_household_column([&](const char*, auto& column) { a(column); });
    for_each_person_column([&](const char*, auto& column) { a(column); });
    for (auto& c : declared_) std::visit([&](auto& column) { a(column); }, c);
    a(counties);
    a(person_count_);
    a(household_key_base);
    a(person_key_base);
  }

  // Households [begin, end) and their members as a store of their own, with the key bases that keep
  // their random streams (MonthContext::household_key_base): a part of the population, as an MPI
  // rank will hold one. Counties are kept whole.
  HouseholdStore slice(std::size_t begin, std::size_t end) const;

  // Canonical position (stable random-stream key) of storage index 0: 0 for a whole population.
  std::uint32_t household_key_base = 0;
  std::uint32_t person_key_base = 0;

  // Allocates the columns models declared (after the population is built), each filled with its
  // initial value; person columns get the kMemberWindow padding.
  void attach(const std::vector<ColumnSpec>& columns);
  // A declared column's elements.
  template <class T>
  T* data(ColumnHandle<T> c) {
    return std::get<std::vector<T>>(declared_[c.index]).data();
  }
  template <class T>
  const T* data(ColumnHandle<T> c) const {
    return std::get<std::vector<T>>(declared_[c.index]).data();
  }
  template <class T>
  std::vector<T>& column(ColumnHandle<T> c) {
    return std::get<std::vector<T>>(declared_[c.index]);
  }
  // The declared column named `name` (tests and tools; models keep their handles).
  template <class T>
  std::vector<T>& column(const std::string& name) {
    for (std::uint32_t k = 0; k < declared_names_.size(); ++k)
      if (declared_names_[k] == name) return column(ColumnHandle<T>{k});
    throw std::out_of_range("no declared column '" + name + "'");
  }
  // Changes whenever a column is added, removed, renamed, reordered or changes type.
  static std::uint64_t layout_hash();

  std::vector<County> counties;  // indexed by county id

  // --- households ---------------------------------------------------------------------------
  std::vector<std::uint32_t> county;
  std::vector<RegionType> region;  // copy of counties[county].region, for branch-free loops
  std::vector<std::uint8_t> flags;
  std::vector<std::uint8_t> last_cause;  // cause code of the latest shock this assessment year
  std::vector<Dependence> dependence;
  std::vector<std::uint16_t> model_flags;  // flags models declare (ModelDeclarations::household_flag)
  std::vector<std::uint32_t> first_person;
  std::vector<std::uint8_t> persons;
  // Living members: set by the engine once the population is built, kept by demography.
  std::vector<std::uint8_t> alive_members;

  std::vector<float> operating_base;    // yuan/month, normal-year farm and business income
  std::vector<float> property_income;   // yuan/month
  std::vector<float> industry_subsidy;  // yuan/month at full support level
  std::vector<float> transfer[kProgrammes];  // yuan/month, current amount per programme
  std::vector<float> income_factor;     // this year's idiosyncratic income multiplier (mean 1)
  std::vector<float> savings;           // yuan; negative means debt
  // Households this record stands for (survey weight; 1 for synthetic households). Every rate is
  // weighted by it.
  std::vector<float> weight;
  // Models (by slot, bit k = scenario model k) that paid the household this assessment year.
  std::vector<std::uint32_t> benefits;
  // Per-capita net income at the latest assessment, yuan/person/year (0 before the first); what
  // means tests and the monitoring threshold look at.
  std::vector<float> assessed_income_pc;

  // Income accumulated since the last assessment, yuan.
  std::vector<float> acc_wage;
  std::vector<float> acc_operating;  // includes industry subsidy
  std::vector<float> acc_property;
  std::vector<float> acc_transfer;   // programme transfers
  std::vector<float> acc_pension;
  std::vector<float> acc_medical;    // out-of-pocket medical spending, subtracted at assessment

  // --- persons ------------------------------------------------------------------------------
  std::vector<std::uint8_t> age;  // years
  std::vector<Health> health;
  std::vector<Work> work;
  std::vector<Education> education;
  std::vector<std::uint8_t> person_flags;
  std::vector<float> wage;                     // yuan/month when employed

 private:
  std::vector<ColumnData> declared_;  // the columns models declared, in declaration order
  std::vector<std::string> declared_names_;
  std::vector<char> declared_per_person_;  // 1: a person column
  std::size_t person_count_ = 0;
};

}  // namespace povsim

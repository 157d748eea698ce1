#include "sim/core/household_store.hpp"

#include <algorithm>
#include <string_view>
#include <type_traits>

#include "sim/core/byte_io.hpp"

namespace povsim {

namespace {
template <class V>
constexpr std::size_t element_size(const V&) {
  return sizeof(typename std::decay_t<V>::value_type);
}
}  // namespace

void HouseholdStore::resize(std::size_t households, std::size_t persons_total) {
  auto fit = [](std::size_t n) {
    return [n](const char*, auto& v) {
      v.assign(n, {});
      v.shrink_to_fit();
    };
  };
  for_each_household_column(fit(households));
  for_each_person_column(fit(persons_total + kMemberWindow));
  person_count_ = persons_total;
}

std::size_t HouseholdStore::bytes_per_household() {
  HouseholdStore empty;
  std::size_t bytes = 0;
  empty.for_each_household_column([&](const char*, auto& v) { bytes += element_size(v); });
  return bytes;
}

std::size_t HouseholdStore::bytes_per_person() {
  HouseholdStore empty;
  std::size_t bytes = 0;
  empty.for_each_person_column([&](const char*, auto& v) { bytes += element_size(v); });
  return bytes;
}

void HouseholdStore::count_alive(std::size_t begin, std::size_t end) {
  for (std::size_t h = begin; h < end; ++h) {
    int n = 0;
    for (std::uint32_t q = first_person[h]; q < first_person[h] + persons[h]; ++q) n += person_flags[q] & person_flag::alive;
    alive_members[h] = static_cast<std::uint8_t>(n);
  }
}

void HouseholdStore::attach(const std::vector<ColumnSpec>& columns) {
  declared_.clear();
  declared_names_.clear();
  for (const ColumnSpec& spec : columns) {
    ColumnData data = spec.prototype;
    const std::size_t n = spec.per_person ? person_count_ + kMemberWindow : size();
    std::visit(
        [&](auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          v.assign(n, static_cast<T>(spec.initial));
          if (spec.per_person)  // the window's padding stays zero, as in every person column
            std::fill(v.begin() + static_cast<std::ptrdiff_t>(person_count_), v.end(), T{});
        },
        data);
    declared_.push_back(std::move(data));
    declared_names_.push_back(spec.name);
  }
}

std::uint64_t HouseholdStore::layout_hash() {
  HouseholdStore empty;
  LayoutHash hash;
  auto add = [&](const char* name, auto& column) {
    hash.add(std::string_view(name));
    hash.add(element_size(column));
  };
  empty.for_each_household_column(add);
  hash.add(std::string_view("|persons|"));
  empty.for_each_person_column(add);
  hash.add(sizeof(County));
  return hash.value();
}

std::size_t HouseholdStore::bytes_used() const {
  std::size_t declared = 0;
  for (const auto& c : declared_)
    declared += std::visit([](const auto& v) { return v.size() * sizeof(typename std::decay_t<decltype(v)>::value_type); }, c);
  return size() * bytes_per_household() + person_count() * bytes_per_person() + counties.size() * sizeof(County) +
         declared;
}

}  // namespace povsim

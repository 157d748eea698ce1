#include "sim/core/household_store.hpp"

#include <type_traits>

namespace povsim {

namespace {
template <class V>
constexpr std::size_t element_size(const V&) {
  return sizeof(typename std::decay_t<V>::value_type);
}
}  // namespace

void HouseholdStore::resize(std::size_t households, std::size_t persons_total) {
  auto fit = [](std::size_t n) {
    return [n](auto& v) {
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
  empty.for_each_household_column([&](auto& v) { bytes += element_size(v); });
  return bytes;
}

std::size_t HouseholdStore::bytes_per_person() {
  HouseholdStore empty;
  std::size_t bytes = 0;
  empty.for_each_person_column([&](auto& v) { bytes += element_size(v); });
  return bytes;
}

std::uint8_t HouseholdStore::living_members(std::size_t h) const {
  int n = 0;
  for (std::uint32_t q = first_person[h]; q < first_person[h] + persons[h]; ++q) n += person_flags[q] & person_flag::alive;
  return static_cast<std::uint8_t>(n);
}

void HouseholdStore::count_alive(std::size_t begin, std::size_t end) {
  for (std::size_t h = begin; h < end; ++h) alive_members[h] = living_members(h);
}

std::size_t HouseholdStore::bytes_used() const {
  return size() * bytes_per_household() + person_count() * bytes_per_person() + counties.size() * sizeof(County);
}

}  // namespace povsim

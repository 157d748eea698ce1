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

std::uint8_t HouseholdStore::living_members(std::size_t h) const {
  int n = 0;
  for (std::uint32_t q = first_person[h]; q < first_person[h] + persons[h]; ++q) n += person_flags[q] & person_flag::alive;
  return static_cast<std::uint8_t>(n);
}

void HouseholdStore::count_alive(std::size_t begin, std::size_t end) {
  for (std::size_t h = begin; h < end; ++h) alive_members[h] = living_members(h);
}

void HouseholdStore::attach(const std::vector<ColumnSpec>& columns) {
  declared_.clear();
  declared_names_.clear();
  declared_per_person_.clear();
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
    declared_per_person_.push_back(spec.per_person);
  }
}

HouseholdStore HouseholdStore::slice(std::size_t begin, std::size_t end) const {
  HouseholdStore out;
  const std::size_t first = begin < end ? first_person[begin] : 0;
  const std::size_t last = begin < end ? first_person[end - 1] + persons[end - 1] : first;
  out.resize(end - begin, last - first);
  auto copy = [](const auto& from, auto& to, std::size_t b, std::size_t e) {
    std::copy(from.begin() + static_cast<std::ptrdiff_t>(b), from.begin() + static_cast<std::ptrdiff_t>(e), to.begin());
  };
  auto& self = const_cast<HouseholdStore&>(*this);  // for_each_* only read through `from`
  std::vector<const void*> sources;
  self.for_each_household_column([&](const char*, auto& column) { sources.push_back(&column); });
  std::size_t k = 0;
  out.for_each_household_column([&](const char*, auto& column) {
    copy(*static_cast<const std::decay_t<decltype(column)>*>(sources[k++]), column, begin, end);
  });
  sources.clear();
  self.for_each_person_column([&](const char*, auto& column) { sources.push_back(&column); });
  k = 0;
  out.for_each_person_column([&](const char*, auto& column) {
    copy(*static_cast<const std::decay_t<decltype(column)>*>(sources[k++]), column, first, last);
  });
  for (auto& f : out.first_person) f -= static_cast<std::uint32_t>(first);
  out.counties = counties;
  for (std::size_t c = 0; c < declared_.size(); ++c) {
    ColumnData data = declared_[c];
    std::visit(
        [&](auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          const bool per_person = declared_per_person_[c];
          const std::size_t b = per_person ? first : begin, e = per_person ? last : end;
          std::vector<T> part(v.begin() + static_cast<std::ptrdiff_t>(b), v.begin() + static_cast<std::ptrdiff_t>(e));
          if (per_person) part.resize(part.size() + kMemberWindow, T{});
          v = std::move(part);
        },
        data);
    out.declared_.push_back(std::move(data));
    out.declared_names_.push_back(declared_names_[c]);
    out.declared_per_person_.push_back(declared_per_person_[c]);
  }
  out.household_key_base = household_key_base + static_cast<std::uint32_t>(begin);
  out.person_key_base = person_key_base + static_cast<std::uint32_t>(first);
  return out;
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

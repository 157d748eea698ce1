#include "sim/population/population_build.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <utility>

namespace povsim::schema {

void Locator::fail(Table t, std::size_t r, std::string_view column, std::string_view expected, std::string_view found,
                   std::string_view note) const {
  raise(cell(t, r, column) + ": expected " + std::string(expected) + ", got " + shown(found) + std::string(note));
}

void Locator::fail_row(Table t, std::size_t r, std::string_view what) const {
  raise(row(t, r) + ": " + std::string(what));
}

namespace {

// Canonical position -> file row; empty when the file is already in canonical order.
using Order = std::vector<std::uint32_t>;

std::uint32_t file_row(const Order& order, std::size_t position) {
  return order.empty() ? static_cast<std::uint32_t>(position) : order[position];
}

bool strictly_increasing(const std::vector<std::uint64_t>& ids) {
  return std::adjacent_find(ids.begin(), ids.end(), [](auto a, auto b) { return a >= b; }) == ids.end();
}

// The rows of `ids` by ascending id (empty when already so), after checking the ids are unique:
// the first repeated id in file order is an error naming the row that used it first. `noun` names
// a value in the message ("an id", "a code").
Order order_by_id(const std::vector<std::uint64_t>& ids, Table table, std::string_view column, std::string_view noun,
                  const Locator& where) {
  if (strictly_increasing(ids)) return {};
  std::vector<std::pair<std::uint64_t, std::uint32_t>> sorted(ids.size());
  for (std::size_t r = 0; r < ids.size(); ++r) sorted[r] = {ids[r], static_cast<std::uint32_t>(r)};
  std::sort(sorted.begin(), sorted.end());
  // Within a run of equal ids rows ascend: the run's second row is where the id is met again, and
  // the earliest such row (file order) is the problem reported.
  std::size_t repeat = 0;
  for (std::size_t k = 1; k < sorted.size(); ++k)
    if (sorted[k].first == sorted[k - 1].first && (repeat == 0 || sorted[k].second < sorted[repeat].second)) repeat = k;
  if (repeat > 0)
    where.fail(table, sorted[repeat].second, column, std::string(noun) + " not used before",
               std::to_string(sorted[repeat].first),
               " (first used on " + where.row_name(table, sorted[repeat - 1].second) + ")");
  Order order(sorted.size());
  for (std::size_t k = 0; k < sorted.size(); ++k) order[k] = sorted[k].second;
  return order;
}

// Rearranges a column into canonical order, plus `pad` zeroed elements.
template <class V>
void permute(V& column, const Order& order, std::size_t pad) {
  V out(order.size() + pad);
  for (std::size_t k = 0; k < order.size(); ++k) out[k] = column[order[k]];
  column.swap(out);
}

std::string region_name(RegionType r) { return std::string(kRegionTypeNames[static_cast<int>(r)]); }

// The counties, by ascending code, and each household's county index (in hh.county, file order).
void build_counties(StagedPopulation& staged, const Locator& where) {
  HouseholdStore& hh = staged.store;
  const std::size_t n = staged.household_id.size();
  std::vector<County> counties;
  std::vector<std::uint32_t> county_row;  // per county (sorted): its row in the county table
  if (staged.has_county_table) {
    const std::size_t k = hh.counties.size();
    std::vector<std::uint64_t> codes(k);
    for (std::size_t c = 0; c < k; ++c) codes[c] = hh.counties[c].code;
    const Order order = order_by_id(codes, Table::counties, "code", "a code", where);
    for (std::size_t c = 0; c < k; ++c) {
      county_row.push_back(file_row(order, c));
      counties.push_back(hh.counties[county_row.back()]);
    }
  } else {
    // One county per distinct code, of the region type of its households (all the same).
    std::unordered_map<std::uint32_t, std::uint32_t> first;  // code -> first household row
    for (std::size_t h = 0; h < n; ++h) {
      const auto [seen, added] = first.try_emplace(hh.county[h], static_cast<std::uint32_t>(h));
      if (!added && hh.region[seen->second] != hh.region[h])
        where.fail(Table::households, h, "region_type",
                   region_name(hh.region[seen->second]) + " like county " + std::to_string(hh.county[h]) + " on " +
                       where.row_name(Table::households, seen->second),
                   region_name(hh.region[h]));
    }
    for (const auto& [code, h] : first) counties.push_back(County{hh.region[h], code, 0, false});
    std::sort(counties.begin(), counties.end(), [](const County& a, const County& b) { return a.code < b.code; });
  }
  for (std::size_t h = 0; h < n; ++h) {
    const std::uint32_t code = hh.county[h];
    const auto it = std::lower_bound(counties.begin(), counties.end(), code,
                                     [](const County& c, std::uint32_t x) { return c.code < x; });
    if (it == counties.end() || it->code != code)
      where.fail(Table::households, h, "county", "a code of " + where.table(Table::counties), std::to_string(code));
    const auto c = static_cast<std::size_t>(it - counties.begin());
    if (staged.has_county_table && it->region != hh.region[h])
      where.fail(Table::households, h, "region_type",
                 region_name(it->region) + " like county " + std::to_string(code) + " in " +
                     where.row(Table::counties, county_row[c]),
                 region_name(hh.region[h]));
    hh.county[h] = static_cast<std::uint32_t>(c);
  }
  hh.counties = std::move(counties);
}

}  // namespace

std::vector<std::uint64_t>& id_column(StagedPopulation& staged, Table table, const Column& column) {
  if (table == Table::households && column.name == "household_id") return staged.household_id;
  if (table == Table::persons && column.name == "person_id") return staged.person_id;
  if (table == Table::persons && column.name == "household_id") return staged.person_household;
  throw std::logic_error("population schema: no staged ids for " + std::string(kTableNames[static_cast<int>(table)]) +
                         "/" + std::string(column.name));
}

HouseholdStore build_population(StagedPopulation staged, const Locator& where) {
  HouseholdStore& hh = staged.store;
  const std::size_t n = staged.household_id.size(), m = staged.person_id.size();
  if (n > kMaxPersons || m > kMaxPersons)
    where.raise(where.table(n > kMaxPersons ? Table::households : Table::persons) + ": more than " +
                std::to_string(kMaxPersons) + " rows (persons are indexed by 32 bits)");

  // Households: by ascending id.
  const Order household_order = order_by_id(staged.household_id, Table::households, "household_id", "an id", where);
  build_counties(staged, where);
  std::vector<std::uint64_t> sorted_ids(std::move(staged.household_id));
  if (!household_order.empty()) permute(sorted_ids, household_order, 0);

  // Persons: ids unique, then each linked to its household's canonical position, in file order
  // (so that the first person too many is the one named).
  (void)order_by_id(staged.person_id, Table::persons, "person_id", "an id", where);
  std::vector<std::uint32_t> owner(m), members(n, 0);
  std::size_t h = n;  // the previous person's household; n: none yet
  for (std::size_t q = 0; q < m; ++q) {
    const std::uint64_t id = staged.person_household[q];
    // Persons usually come grouped by household, households in order: try the previous person's
    // household and the next one before searching.
    const bool same = h < n && sorted_ids[h] == id;
    if (!same && h + 1 < n && sorted_ids[h + 1] == id) {
      ++h;
    } else if (!same) {
      const auto it = std::lower_bound(sorted_ids.begin(), sorted_ids.end(), id);
      if (it == sorted_ids.end() || *it != id)
        where.fail(Table::persons, q, "household_id", "a household_id of " + where.table(Table::households),
                   std::to_string(id));
      h = static_cast<std::size_t>(it - sorted_ids.begin());
    }
    owner[q] = static_cast<std::uint32_t>(h);
    if (++members[h] > kMaxMembers)
      where.fail_row(Table::persons, q,
                     "household " + std::to_string(id) + " (" +
                         where.row(Table::households, file_row(household_order, h)) + ") has more than " +
                         std::to_string(kMaxMembers) + " persons");
  }
  std::size_t empty = n;  // the household without persons that comes first in the file
  for (std::size_t k = 0; k < n; ++k)
    if (members[k] == 0 && (empty == n || file_row(household_order, k) < file_row(household_order, empty))) empty = k;
  if (empty < n)
    where.fail_row(
        Table::households, file_row(household_order, empty),
        "household " + std::to_string(sorted_ids[empty]) + " has no persons in " + where.table(Table::persons));

  // Persons by (household, person_id): a counting sort by household keeps file order within
  // each, then each household's few members are sorted by id.
  std::vector<std::uint32_t> first(n);
  std::uint32_t next = 0;
  for (std::size_t k = 0; k < n; ++k) first[k] = next, next += members[k];
  bool canonical = true;
  for (std::size_t q = 1; q < m && canonical; ++q)
    canonical = owner[q] > owner[q - 1] || (owner[q] == owner[q - 1] && staged.person_id[q] > staged.person_id[q - 1]);
  Order person_order;
  if (!canonical) {
    person_order.resize(m);
    std::vector<std::uint32_t> slot(first);
    for (std::size_t q = 0; q < m; ++q) person_order[slot[owner[q]]++] = static_cast<std::uint32_t>(q);
    for (std::size_t k = 0; k < n; ++k)
      std::sort(person_order.begin() + first[k], person_order.begin() + first[k] + members[k],
                [&](std::uint32_t a, std::uint32_t b) { return staged.person_id[a] < staged.person_id[b]; });
  }
  owner = {};

  if (!household_order.empty()) hh.for_each_household_column([&](const char*, auto& v) { permute(v, household_order, 0); });
  if (!person_order.empty()) hh.for_each_person_column([&](const char*, auto& v) { permute(v, person_order, kMemberWindow); });
  for (std::size_t k = 0; k < n; ++k) {
    hh.first_person[k] = first[k];
    hh.persons[k] = hh.alive_members[k] = static_cast<std::uint8_t>(members[k]);
    hh.income_factor[k] = 1.0f;
  }
  for (std::size_t q = 0; q < m; ++q) hh.person_flags[q] |= person_flag::alive;
  return std::move(staged.store);
}

}  // namespace povsim::schema

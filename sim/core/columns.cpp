#include "sim/core/columns.hpp"

#include <algorithm>
#include <map>

#include "sim/config/config.hpp"

namespace povsim {

std::uint32_t ModelDeclarations::column(const std::string& name, bool per_person, ColumnData prototype, double initial,
                                        const std::string& description) {
  for (std::uint32_t k = 0; k < layout_.columns.size(); ++k) {
    const ColumnSpec& c = layout_.columns[k];
    if (c.name != name) continue;
    if (c.per_person != per_person || c.prototype.index() != prototype.index())
      throw std::logic_error("column '" + name + "' declared by " + model_ + " with another type than by " + c.owner);
    return k;
  }
  layout_.columns.push_back(ColumnSpec{name, per_person, std::move(prototype), initial, description, model_});
  return static_cast<std::uint32_t>(layout_.columns.size() - 1);
}

HouseholdFlag ModelDeclarations::household_flag(const std::string& name) {
  auto& flags = layout_.household_flags;
  for (std::size_t k = 0; k < flags.size(); ++k)
    if (flags[k].first == name) return HouseholdFlag{static_cast<std::uint16_t>(1u << k)};
  if (flags.size() == kMaxHouseholdFlags) throw std::logic_error("more than 16 household flags declared");
  flags.emplace_back(name, model_);
  return HouseholdFlag{static_cast<std::uint16_t>(1u << (flags.size() - 1))};
}

PersonFlag ModelDeclarations::person_flag(const std::string& name) {
  auto& flags = layout_.person_flags;
  for (std::size_t k = 0; k < flags.size(); ++k)
    if (flags[k].first == name) return PersonFlag{static_cast<std::uint8_t>(kFirstPersonFlag << k)};
  if (flags.size() == kMaxPersonFlags) throw std::logic_error("more than 5 person flags declared");
  flags.emplace_back(name, model_);
  return PersonFlag{static_cast<std::uint8_t>(kFirstPersonFlag << (flags.size() - 1))};
}

CounterHandle ModelDeclarations::counter(const std::string& group, const std::string& name,
                                         const std::string& description, int lag_years) {
  auto& counters = layout_.counters;
  for (std::uint32_t k = 0; k < counters.size(); ++k) {
    const CounterSpec& c = counters[k];
    if (c.group != group || c.name != name) continue;
    if (c.owner != model_)
      throw std::logic_error("output " + group + "/" + name + " declared twice (" + c.owner + ", " + model_ + ")");
    return CounterHandle{k};  // the same model declaring again (a layout rebuilt or copied)
  }
  if (counters.size() == kMaxCounters) throw std::logic_error("more than " + std::to_string(kMaxCounters) + " output counters declared");
  counters.push_back(CounterSpec{group, name, description, model_, lag_years});
  return CounterHandle{static_cast<std::uint32_t>(counters.size() - 1)};
}

void check_step_order(const std::vector<ColumnAccess>& access, const std::vector<std::string>& order) {
  auto position = [&](const std::string& model) { return std::find(order.begin(), order.end(), model) - order.begin(); };
  for (const auto& read : access) {
    if (read.writes || read.when != When::this_month) continue;
    bool written = false, written_before = false;
    std::string later;
    for (const auto& w : access) {
      if (!w.writes || w.column != read.column || w.model == read.model) continue;
      written = true;
      if (position(w.model) < position(read.model)) written_before = true;
      else later = w.model;
    }
    if (written && !written_before)
      throw ConfigError("step order: " + read.model + " reads this month's '" + read.column + "', which only " + later +
                        " writes, later in the month; move " + later + " before " + read.model +
                        " in models/registry.cpp or read last month's value");
  }
}

std::string DeclaredLayout::data_flow_table() const {
  std::string out = "| # | model | writes | reads this month | reads last month's |\n|---|---|---|---|---|\n";
  int k = 0;
  for (const auto& model : model_order) {
    std::string writes, now, before;
    auto add = [](std::string& list, const std::string& column) {
      const std::string item = "`" + column + "`";
      if (list.find(item) != std::string::npos) return;
      list += (list.empty() ? "" : ", ") + item;
    };
    for (const auto& a : access) {
      if (a.model != model) continue;
      add(a.writes ? writes : (a.when == When::this_month ? now : before), a.column);
    }
    out += "| " + std::to_string(++k) + " | `" + model + "` | " + writes + " | " + now + " | " + before + " |\n";
  }
  return out;
}

}  // namespace povsim

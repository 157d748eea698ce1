#include "sim/config/calendar.hpp"

#include <charconv>
#include <cstdio>

namespace povsim {

std::string YearMonth::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
}

std::optional<YearMonth> YearMonth::parse(std::string_view text) {
  int year = 0;
  int month = 1;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(begin, end, year);
  if (ec != std::errc() || p - begin != 4) return std::nullopt;
  if (p != end) {
    if (*p != '-' || end - p != 3) return std::nullopt;
    auto [q, ec2] = std::from_chars(p + 1, end, month);
    if (ec2 != std::errc() || q != end) return std::nullopt;
  }
  if (year < 1900 || year > 2200 || month < 1 || month > 12) return std::nullopt;
  return YearMonth::of(year, month);
}

}  // namespace povsim

// JSON text for the commands' --json summaries: strings escaped, numbers in the shortest form that
// reads back to the same double, and null for what is not finite (JSON has no NaN).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "sim/config/params.hpp"

namespace povsim {

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += c;
  }
  return out + "\"";
}

inline std::string json_number(double v) { return std::isfinite(v) ? format_number(v) : "null"; }

}  // namespace povsim

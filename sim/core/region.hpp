// Region types of the household schema: the three zones the domain brief says still need support
// after 2020, plus ordinary farming areas. Disaster exposure and income composition differ by type.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace povsim {

enum class RegionType : std::uint8_t { plateau = 0, transition_belt = 1, karst = 2, other = 3 };

inline constexpr int kRegionTypes = 4;
inline constexpr std::array<std::string_view, kRegionTypes> kRegionTypeNames = {
    "plateau", "transition_belt", "karst", "other"};

// One value per region type, indexed by RegionType.
using PerRegion = std::array<double, kRegionTypes>;

}  // namespace povsim

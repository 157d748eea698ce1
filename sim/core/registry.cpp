#include "sim/core/registry.hpp"

namespace povsim {

void ModelRegistry::check_new(const std::string& path, std::uint32_t stream_id) const {
  if (path.find('.') == std::string::npos || path.front() == '.' || path.back() == '.')
    throw std::logic_error("model path '" + path + "' must be group.name");
  if (stream_id == 0 || stream_id > kMaxModelStreamId) throw std::logic_error("model '" + path + "': stream id out of range");
  for (const auto& e : entries_) {
    if (e.path == path) throw std::logic_error("model '" + path + "' registered twice");
    if (e.stream_id == stream_id)
      throw std::logic_error("models '" + e.path + "' and '" + path + "' share stream id " +
                             std::to_string(stream_id));
  }
}

}  // namespace povsim

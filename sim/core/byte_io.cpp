#include "sim/core/byte_io.hpp"

#include <cerrno>
#include <cstring>

namespace povsim {

void ByteWriter::raw(const void* data, std::size_t bytes) {
  if (bytes == 0) return;
  if (std::fwrite(data, 1, bytes, file_) != bytes)
    throw std::runtime_error("cannot write checkpoint " + name_ + ": " + std::strerror(errno));
  written_ += bytes;
}

void ByteReader::raw(void* data, std::size_t bytes) {
  if (bytes == 0) return;
  if (std::fread(data, 1, bytes, file_) != bytes) fail("file ends early (truncated?)");
}

void ByteReader::fail(const std::string& why) const {
  throw CheckpointError("checkpoint " + name_ + ": " + why);
}

}  // namespace povsim

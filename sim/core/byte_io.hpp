// Binary streams for checkpoints: fixed-layout bytes written to and read back from a file, with
// every read bounds-checked so that a truncated or foreign file is a clear error, never garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace povsim {

// A problem with a checkpoint file: the message is complete and names the file.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// FNV-1a, 64 bits: a fingerprint of layouts and texts (not of bulk data), stable across builds.
class LayoutHash {
 public:
  void add(std::string_view text) {
    for (unsigned char c : text) mix(c);
    mix(0xFF);  // separator, so ("ab", "c") and ("a", "bc") differ
  }
  void add(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(value >> (8 * i)));
  }
  std::uint64_t value() const { return h_; }

 private:
  void mix(unsigned char c) { h_ = (h_ ^ c) * 0x100000001b3ULL; }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

class ByteWriter {
 public:
  // Writes to `file` (open for writing); `name` appears in error messages.
  ByteWriter(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}

  void raw(const void* data, std::size_t bytes);
  template <class T>
  void operator()(const T& value) {
    if constexpr (requires { value.data(); value.size(); typename T::value_type; }) {
      static_assert(std::is_trivially_copyable_v<typename T::value_type>);
      (*this)(static_cast<std::uint64_t>(value.size()));
      raw(value.data(), value.size() * sizeof(typename T::value_type));
    } else {
      static_assert(std::is_trivially_copyable_v<T>);
      raw(&value, sizeof(T));
    }
  }
  std::uint64_t bytes_written() const { return written_; }

 private:
  std::FILE* file_;
  std::string name_;
  std::uint64_t written_ = 0;
};

class ByteReader {
 public:
  ByteReader(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}

  void raw(void* data, std::size_t bytes);
  template <class T>
  void operator()(T& value) {
    if constexpr (requires { value.data(); value.size(); value.resize(0); typename T::value_type; }) {
      static_assert(std::is_trivially_copyable_v<typename T::value_type>);
      std::uint64_t n = 0;
      (*this)(n);
      if (n > (std::uint64_t{1} << 40) / sizeof(typename T::value_type)) fail("implausible array length");
      value.resize(static_cast<std::size_t>(n));
      raw(value.data(), value.size() * sizeof(typename T::value_type));
    } else {
      static_assert(std::is_trivially_copyable_v<T>);
      raw(&value, sizeof(T));
    }
  }
  // Reads a value and fails unless it equals `expected`; `what` says which.
  template <class T>
  void expect(const T& expected, const char* what) {
    T got{};
    (*this)(got);
    if (!(got == expected)) fail(std::string("not the layout this povsim writes (") + what + ")");
  }
  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::FILE* file_;
  std::string name_;
};

}  // namespace povsim

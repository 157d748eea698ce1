// libFuzzer target, structure-aware: builds a valid HDF5 population file (docs/population.md) whose
// shapes, types and values come from the fuzzer, then reads it with read_population_file(). The
// fuzz bytes are decisions (FuzzedDataProvider): with no bytes left every decision takes its first
// choice, which is a valid population, so mutations start from files the reader accepts and move
// one thing at a time - a column's type (any integer width and sign, either byte order, float32/64,
// an enum, a string, a compound), its length (short, long, or declared far past the limits without
// being written), its rank, a category attribute, and any value (negative, fractional, NaN,
// infinite, past 8, 16, 32 or 63 bits). The HDF5 structure itself is always valid (libhdf5 is not
// under test here; population_image_fuzz_extra.cpp feeds it raw bytes). The reader may reject
// any file, with a one-line PopulationError; it must not crash or read out of bounds, and a file it
// accepts must give a consistent store.
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "sim/population/population_file.hpp"
#include "sim/population/population_schema.hpp"

namespace {

using povsim::schema::Column;
using povsim::schema::Kind;
using povsim::schema::Table;

// The types a column may be written as; the first is the writer's own choice (per Storage).
enum class Type : std::uint8_t { own, i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, i32be, u64be, f64be, boolean, text, compound, kCount };

struct Owned {  // an hid_t closed when done
  hid_t id;
  herr_t (*close)(hid_t);
  ~Owned() {
    if (id >= 0) close(id);
  }
};

hid_t own_type(const Column& c) {
  switch (c.storage) {
    case povsim::schema::Storage::u8:
      return H5T_NATIVE_UINT8;
    case povsim::schema::Storage::u32:
      return H5T_NATIVE_UINT32;
    case povsim::schema::Storage::u64:
      return H5T_NATIVE_UINT64;
    case povsim::schema::Storage::f64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_DOUBLE;
}

// A value as the fuzzer chose it: an integer and a floating-point form (the one written depends
// on the dataset's type).
struct Value {
  std::int64_t i;
  double x;
};

// The valid value of row r of a column (rows: households n, persons m, counties k).
Value default_value(Table t, const Column& c, std::size_t r, std::size_t n, std::size_t k) {
  const std::string_view name = c.name;
  std::int64_t v = 0;
  if (name == "household_id" && t == Table::persons) v = static_cast<std::int64_t>(r % n);
  else if (name == "household_id" || name == "person_id") v = static_cast<std::int64_t>(r);
  else if (name == "code") v = 100 + static_cast<std::int64_t>(r);
  else if (name == "county") v = 100 + static_cast<std::int64_t>(r % k);
  else if (name == "weight") v = 1;
  else if (name == "age") v = 30;
  return {v, static_cast<double>(v)};
}

Value special_value(FuzzedDataProvider& in, Value v) {
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: return v;
    case 1: return {-1, -1.0};
    case 2: return {1, 1.0};
    case 3: return {2, 0.5};
    case 4: return {255, std::numeric_limits<double>::quiet_NaN()};
    case 5: return {256, HUGE_VAL};
    case 6: return {300, -HUGE_VAL};
    case 7: return {std::int64_t{1} << 32, 1e-40};
    case 8: return {std::numeric_limits<std::int64_t>::min(), 1e300};
    case 9: return {std::numeric_limits<std::int64_t>::max(), 40.7};
    case 10: return {v.i + 1, -0.0};
    case 11: return {121, 1e-4};
    case 12: return {65536, 4294967296.0};
    case 13: return {4294967295, 9.3e18};
    case 14: return {v.i, v.x + in.ConsumeFloatingPointInRange<double>(-2, 2)};
    default: {
      const auto raw = in.ConsumeIntegral<std::int64_t>();
      double x;
      std::memcpy(&x, &raw, sizeof x);
      return {raw, x};
    }
  }
}

// The bytes of `values` as HDF5 type `type` (memory layout = file layout: no conversion by HDF5,
// so that what is stored is exactly what was chosen). Narrowing wraps (defined in C++20), floats
// never go through an integer cast (a NaN cast to an integer is undefined).
template <class T>
void append(std::vector<unsigned char>& out, T v) {
  const auto* p = reinterpret_cast<const unsigned char*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

std::vector<unsigned char> encode(Type type, const std::vector<Value>& values) {
  std::vector<unsigned char> out;
  for (const Value& v : values) {
    switch (type) {
      case Type::i8: case Type::boolean: append(out, static_cast<std::int8_t>(v.i)); break;
      case Type::u8: append(out, static_cast<std::uint8_t>(v.i)); break;
      case Type::i16: append(out, static_cast<std::int16_t>(v.i)); break;
      case Type::u16: append(out, static_cast<std::uint16_t>(v.i)); break;
      case Type::i32: case Type::i32be: append(out, static_cast<std::int32_t>(v.i)); break;
      case Type::u32: append(out, static_cast<std::uint32_t>(v.i)); break;
      case Type::i64: append(out, v.i); break;
      case Type::u64: case Type::u64be: append(out, static_cast<std::uint64_t>(v.i)); break;
      case Type::f32: {
        // Out of float's range the cast is undefined: write the infinity it would round to.
        const double lim = std::numeric_limits<float>::max();
        append(out, std::isnan(v.x) || std::abs(v.x) <= lim ? static_cast<float>(v.x)
                                                            : std::copysign(std::numeric_limits<float>::infinity(), v.x));
        break;
      }
      case Type::f64: case Type::f64be: append(out, v.x); break;
      case Type::text: for (int b = 0; b < 4; ++b) out.push_back(static_cast<unsigned char>('0' + (v.i & 7))); break;
      case Type::compound: append(out, static_cast<std::uint16_t>(v.i)); break;
      case Type::own: case Type::kCount: break;
    }
  }
  return out;
}

// The HDF5 type for `type` (owned by the caller) and whether its bytes were written natively (and
// need converting to big-endian before being written).
hid_t make_type(Type type) {
  switch (type) {
    case Type::i8: return H5Tcopy(H5T_NATIVE_INT8);
    case Type::u8: return H5Tcopy(H5T_NATIVE_UINT8);
    case Type::i16: return H5Tcopy(H5T_NATIVE_INT16);
    case Type::u16: return H5Tcopy(H5T_NATIVE_UINT16);
    case Type::i32: return H5Tcopy(H5T_NATIVE_INT32);
    case Type::u32: return H5Tcopy(H5T_NATIVE_UINT32);
    case Type::i64: return H5Tcopy(H5T_NATIVE_INT64);
    case Type::u64: return H5Tcopy(H5T_NATIVE_UINT64);
    case Type::f32: return H5Tcopy(H5T_NATIVE_FLOAT);
    case Type::f64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case Type::i32be: return H5Tcopy(H5T_STD_I32BE);
    case Type::u64be: return H5Tcopy(H5T_STD_U64BE);
    case Type::f64be: return H5Tcopy(H5T_IEEE_F64BE);
    case Type::boolean: {  // h5py's booleans
      const hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
      for (std::int8_t v : {0, 1}) H5Tenum_insert(t, v ? "TRUE" : "FALSE", &v);
      return t;
    }
    case Type::text: {
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, 4);
      return t;
    }
    case Type::compound: {
      const hid_t t = H5Tcreate(H5T_COMPOUND, 2);
      H5Tinsert(t, "a", 0, H5T_NATIVE_UINT8);
      H5Tinsert(t, "b", 1, H5T_NATIVE_UINT8);
      return t;
    }
    case Type::own: case Type::kCount: break;
  }
  return -1;
}

// Writes one column of a table into group g.
void write_column(FuzzedDataProvider& in, hid_t g, Table t, const Column& c, std::size_t rows, std::size_t n,
                  std::size_t k) {
  // Absent (optional columns only count as valid when absent; required ones rarely dropped).
  if (in.ConsumeIntegralInRange<int>(0, c.required ? 63 : 7) == 1) return;
  auto type = static_cast<Type>(in.ConsumeIntegralInRange<int>(0, static_cast<int>(Type::kCount) - 1));
  const Owned file_type{type == Type::own ? H5Tcopy(own_type(c)) : make_type(type), H5Tclose};
  if (type == Type::own) {
    if (c.storage == povsim::schema::Storage::u8) type = Type::u8;
    else if (c.storage == povsim::schema::Storage::u32) type = Type::u32;
    else if (c.storage == povsim::schema::Storage::u64) type = Type::u64;
    else type = Type::f64;
  }
  // Length: the table's, or off by a few, or declared past the limits (never written then).
  std::size_t length = rows;
  bool huge = false;
  switch (in.ConsumeIntegralInRange<int>(0, 15)) {
    case 1: length = rows > 0 ? rows - 1 : 0; break;
    case 2: length = rows + 1; break;
    case 3: length = in.ConsumeIntegralInRange<std::size_t>(0, 70); break;
    case 4: length = povsim::schema::kMaxRows[static_cast<int>(t)] + 1, huge = true; break;
    case 5: length = std::size_t{3'000'000'000}, huge = true; break;
    default: break;
  }
  std::vector<Value> values(huge ? 0 : length);
  for (std::size_t r = 0; r < values.size(); ++r) {
    values[r] = default_value(t, c, r, n, k);
    if (in.ConsumeIntegralInRange<int>(0, 7) == 1) values[r] = special_value(in, values[r]);
  }
  std::vector<unsigned char> bytes = encode(type, values);
  if (type == Type::i32be || type == Type::u64be || type == Type::f64be) {
    const hid_t native = type == Type::i32be ? H5T_NATIVE_INT32 : type == Type::u64be ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE;
    if (!values.empty() && H5Tconvert(native, file_type.id, values.size(), bytes.data(), nullptr, H5P_DEFAULT) < 0)
      std::abort();
  }
  // Shape: one-dimensional, rarely scalar or two-dimensional.
  const int shape = in.ConsumeIntegralInRange<int>(0, 31);
  const hsize_t dims[2] = {length, 1};
  const Owned space{shape == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(shape == 2 ? 2 : 1, dims, nullptr), H5Sclose};
  const Owned dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
  if (huge || in.ConsumeBool()) {
    const hsize_t chunk[2] = {std::max<hsize_t>(1, std::min<hsize_t>(length, 16)), 1};
    H5Pset_chunk(dcpl.id, shape == 2 ? 2 : 1, chunk);
  }
  const std::string name(c.name);
  const Owned ds{H5Dcreate2(g, name.c_str(), file_type.id, space.id, H5P_DEFAULT, dcpl.id, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return;  // e.g. a chunked scalar: HDF5 refuses it, the column stays absent
  if (!huge && shape != 1 && length > 0 && bytes.size() == length * H5Tget_size(file_type.id))
    H5Dwrite(ds.id, file_type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
  // A categories attribute: none, the schema's, or another list.
  if (c.kind == Kind::category) {
    const int which = in.ConsumeIntegralInRange<int>(0, 3);
    if (which == 0) return;
    std::vector<std::string> names(c.categories.begin(), c.categories.end());
    if (which == 2 && names.size() > 1) std::swap(names[0], names[1]);
    if (which == 3) names.push_back(in.ConsumeRandomLengthString(16));
    std::vector<const char*> ptrs;
    for (const auto& s : names) ptrs.push_back(s.c_str());
    const Owned str{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(str.id, H5T_VARIABLE);
    const hsize_t count = ptrs.size();
    const Owned aspace{H5Screate_simple(1, &count, nullptr), H5Sclose};
    const Owned attr{H5Acreate2(ds.id, "categories", str.id, aspace.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    if (attr.id >= 0) H5Awrite(attr.id, str.id, ptrs.data());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const povsim::fuzz::ScratchDir dir;  // one per process: see ScratchDir
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  FuzzedDataProvider in(data, size);
  // Rows: households n, persons m, counties k (small: the reader's work is per row).
  const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(1, 12);
  const std::size_t m = n + in.ConsumeIntegralInRange<std::size_t>(0, 24);
  const std::size_t k = in.ConsumeIntegralInRange<std::size_t>(1, 6);
  const bool county_table = !in.ConsumeBool();
  const std::string path = dir.file("pop.h5");
  {
    const Owned f{H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
    if (f.id < 0) std::abort();
    for (const Table t : {Table::households, Table::persons, Table::counties}) {
      if (t == Table::counties && !county_table) continue;
      const std::size_t rows = t == Table::households ? n : t == Table::persons ? m : k;
      const std::string group(povsim::schema::kTableNames[static_cast<int>(t)]);
      const Owned g{H5Gcreate2(f.id, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      for (const Column& c : povsim::schema::columns(t)) write_column(in, g.id, t, c, rows, n, k);
    }
  }
  povsim::HouseholdStore hh;
  try {
    povsim::read_population_file(path, hh);
  } catch (const povsim::PopulationError& e) {
    povsim::fuzz::check_message(e);
    return 0;
  }
  povsim::fuzz::check_store(hh);
  return 0;
}

// HDF5 plumbing shared by the results and population files: handles that close themselves, typed
// attribute and dataset writers and readers, and a file written atomically (temporary file beside
// the target, renamed over it only once complete, so a crash never leaves a file that looks done).
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace povsim::h5 {

// A failed HDF5 write. `reason` is the operating system's (strerror of the errno HDF5's file driver
// saw, e.g. "No space left on device"), or empty when HDF5 failed for a reason of its own.
struct WriteError : std::runtime_error {
  WriteError(const std::string& what, std::string reason);
  // One line for the user: "cannot write TARGET: REASON (writing ITEM)".
  std::string naming(const std::string& target) const;
  std::string item;    // what was being written: a dataset or attribute name
  std::string reason;
};
// The system's reason for the HDF5 call that just failed, read from HDF5's error stack (its file
// driver records "errno = N"); empty if the failure was not a system call's.
std::string system_reason();
// After a failed write (the disk is full): every HDF5 file open for writing gets its descriptor
// pointed at an anonymous in-memory file, so that closing its datasets and the file itself writes
// nothing more to the full disk (see AtomicFile::abandon). Every file this program writes with HDF5
// is an AtomicFile, which is then removed.
void divert_writable_files() noexcept;

// Closes an HDF5 handle when leaving scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) {
      // Creating can fail for lack of space too (HDF5 writes out cached metadata to make room).
      if (std::string reason = system_reason(); !reason.empty()) {
        divert_writable_files();
        throw WriteError(what, std::move(reason));
      }
      throw std::runtime_error("HDF5: cannot create or open " + what);
    }
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Throws WriteError if `status` is negative.
void check(herr_t status, const std::string& what);
Handle string_type();
void attr_string(hid_t obj, const char* name, const std::string& value);
void attr_strings(hid_t obj, const char* name, const std::vector<std::string>& values);
// A new group that remembers the order its members were created in, so that readers (povsim
// export) list datasets in the order the layout defines rather than alphabetically.
Handle group(hid_t parent, const char* name);
// The group at an absolute path ("/annual/monitoring"), created with its parents where missing.
Handle open_or_create_group(hid_t file, const std::string& path);

template <class T>
void attr_scalar(hid_t obj, const char* name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  check(H5Awrite(attr, type, &value), name);
}

// A dataset of `type` (an H5T_NATIVE_* matching T) with `units` and `description` attributes.
template <class T>
void dataset(hid_t group, const char* name, hid_t type, const std::vector<hsize_t>& dims, const std::vector<T>& data,
             const std::string& units, const std::string& description) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "dataspace");
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  if (!data.empty()) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), name);
  attr_string(ds, "units", units);
  attr_string(ds, "description", description);
}
void string_dataset(hid_t group, const char* name, const std::vector<std::string>& values,
                    const std::string& description);

// Values per chunk of a compressed column: 64 Ki (64 KiB of uint8 to 512 KiB of float64), enough
// for deflate to find the repeats in codes and flags, and small enough that a reader taking a few
// rows (an h5py slice) keeps its chunk in HDF5's default 1 MiB chunk cache.
constexpr hsize_t kColumnChunk = hsize_t{1} << 16;
// Deflate (zlib) level of compressed columns, after the byte shuffle. On a synthetic population of
// 1 M households level 4 makes the file 7 % smaller than level 1 for 40 % more compression time,
// level 6 8 % for 3.6 times the time: 1 (figures in docs/population.md).
constexpr unsigned kColumnDeflateLevel = 1;

// A one-dimensional dataset of `length` values of `type` (an H5T_NATIVE_* matching T), chunked
// (kColumnChunk values, or the whole length when shorter) and compressed with shuffle and deflate,
// with `units` and `description` attributes. `fill(first, values)` puts the values of rows
// [first, first + values.size()) into `values`; they are written a chunk at a time, so memory holds
// one chunk, never the whole column. An empty dataset is contiguous (a chunk cannot be empty).
template <class T, class Fill>
void compressed_column(hid_t group, const char* name, hid_t type, std::size_t length, Fill&& fill,
                       const std::string& units, const std::string& description) {
  const hsize_t n = length;
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
  Handle create(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, std::string("creation properties of ") + name);
  if (n > 0) {
    const hsize_t chunk = std::min(n, kColumnChunk);
    check(H5Pset_chunk(create, 1, &chunk), name);
    check(H5Pset_shuffle(create), name);
    check(H5Pset_deflate(create, kColumnDeflateLevel), name);
  }
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, create, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  std::vector<T> buffer(std::min(n, kColumnChunk));
  for (hsize_t first = 0; first < n; first += kColumnChunk) {
    const hsize_t count = std::min(kColumnChunk, n - first);
    fill(static_cast<std::size_t>(first), std::span<T>(buffer.data(), static_cast<std::size_t>(count)));
    Handle memory(H5Screate_simple(1, &count, nullptr), H5Sclose, "dataspace");
    check(H5Sselect_hyperslab(space, H5S_SELECT_SET, &first, nullptr, &count, nullptr), name);
    check(H5Dwrite(ds, type, memory, space, H5P_DEFAULT, buffer.data()), name);
  }
  attr_string(ds, "units", units);
  attr_string(ds, "description", description);
}

// Dimension scales (HDF5 High-Level H5DS): a one-dimensional dataset that names the entries of
// an axis, attached to the axes of the datasets that have it, so that h5py (`ds.dims[i].label`,
// `ds.dims[i][0]`) and xarray name the axes. Opens the dataset at `path` (relative to `loc`) and
// makes it the scale called `name`; the handle is what attach_scales takes.
Handle make_scale(hid_t loc, const std::string& path, const std::string& name);
// Attaches scales[axis] to each axis of `dataset`, in order, and labels the axis with the scale's
// name. `what` names the dataset in errors.
void attach_scales(hid_t dataset, const std::vector<hid_t>& scales, const std::string& what);

// Reading. Errors name the file and the dataset.
bool exists(hid_t parent, const std::string& path);
// The one-dimensional dataset at `path`, converted by HDF5 to `type` (H5T_NATIVE_* matching T);
// throws if it is missing or not one-dimensional.
template <class T>
std::vector<T> read_vector(hid_t file, const std::string& path, hid_t type, const std::string& file_name) {
  if (!exists(file, path)) throw std::runtime_error(file_name + ": missing dataset " + path);
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, file_name + ": " + path);
  Handle space(H5Dget_space(ds), H5Sclose, file_name + ": " + path);
  if (H5Sget_simple_extent_ndims(space) != 1)
    throw std::runtime_error(file_name + ": " + path + ": expected a one-dimensional dataset");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<T> out(n);
  if (n > 0 && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw std::runtime_error(file_name + ": " + path + ": cannot read as the expected type");
  return out;
}
std::vector<std::string> read_strings_attr(hid_t obj, const char* name);
// The text of the root attribute `name` of the HDF5 file at `path`; "" when the file cannot be
// opened as HDF5 or has no such attribute (quietly: HDF5's error stack is not printed).
std::string read_root_text_attribute(const std::string& path, const char* name);

// A file written atomically: created as a hidden temporary beside `path` (so an unwritable
// destination fails at once), renamed over `path` by commit(); removed if never committed.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  hid_t id() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  // The temporary file an AtomicFile for `path` writes in this process: ".NAME.tmp.PID" beside it.
  static std::string temp_path_for(const std::string& path);
  // Closes, syncs and renames into place. Throws (naming path() and the system's reason) if any of
  // it fails, having removed the temporary file.
  void commit();
  // After commit(): whether another process (e.g. a second run given the same --out) wrote path()
  // while this file was being written, so that commit() replaced that file.
  bool replaced_another_write() const { return replaced_another_write_; }

 private:
  // Closes the HDF5 file without writing anything more to disk (see the definition for why).
  void abandon() noexcept;
  friend void divert_writable_files() noexcept;
  static void divert(hid_t file) noexcept;

  std::string path_;
  std::string temp_path_;
  hid_t file_ = -1;
  bool committed_ = false;
  // The target as it was when this file was started (exists, device, inode, modification time), to
  // tell at commit() whether someone else wrote it meanwhile.
  struct Stamp {
    bool exists = false;
    unsigned long long device = 0, inode = 0;
    long long mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp(const std::string& path);
  Stamp target_at_start_;
  bool replaced_another_write_ = false;
};

}  // namespace povsim::h5

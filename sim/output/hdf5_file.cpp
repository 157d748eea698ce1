#include "sim/output/hdf5_file.hpp"

#include <hdf5_hl.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace povsim::h5 {

WriteError::WriteError(const std::string& what, std::string why)
    : std::runtime_error("HDF5: failed to write " + what + (why.empty() ? std::string() : ": " + why)),
      item(what),
      reason(std::move(why)) {}

std::string WriteError::naming(const std::string& target) const {
  return "cannot write " + target + ": " +
         (reason.empty() ? "HDF5 could not write " + item : reason + " (writing " + item + ")");
}

std::string system_reason() {
  // HDF5's sec2 driver reports a failed write as "file write failed: ..., errno = 28, error message
  // = 'No space left on device', ...". Walking the stack is an API call that keeps the stack.
  int found = 0;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        const char* at = e->desc ? std::strstr(e->desc, "errno = ") : nullptr;
        if (at) *static_cast<int*>(data) = std::atoi(at + 8);
        return at ? 1 : 0;  // stop at the first (innermost) system error
      },
      &found);
  return found > 0 ? std::strerror(found) : std::string();
}

void check(herr_t status, const std::string& what) {
  if (status >= 0) return;
  std::string reason = system_reason();  // before any other HDF5 call clears the error stack
  if (!reason.empty()) divert_writable_files();
  throw WriteError(what, std::move(reason));
}

void divert_writable_files() noexcept {
  const ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE);
  if (n <= 0) return;
  std::vector<hid_t> files(static_cast<std::size_t>(n));
  const ssize_t got = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_FILE, files.size(), files.data());
  for (ssize_t k = 0; k < got; ++k) {
    unsigned intent = 0;
    if (H5Fget_intent(files[static_cast<std::size_t>(k)], &intent) >= 0 && (intent & H5F_ACC_RDWR))
      AtomicFile::divert(files[static_cast<std::size_t>(k)]);
  }
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(t, H5T_VARIABLE), "string type");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "string type");
  return t;
}

void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  const char* text = value.c_str();
  check(H5Awrite(attr, type, &text), name);
}

void attr_strings(hid_t obj, const char* name, const std::vector<std::string>& values) {
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
  Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ptrs.empty()) check(H5Awrite(attr, type, ptrs.data()), name);  // an empty list has nothing to write
}

Handle group(hid_t parent, const char* name) {
  Handle properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, std::string("group ") + name);
  // Iterating by creation order needs the order indexed as well as tracked.
  check(H5Pset_link_creation_order(properties, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        std::string("group ") + name);
  return Handle(H5Gcreate2(parent, name, H5P_DEFAULT, properties, H5P_DEFAULT), H5Gclose, std::string("group ") + name);
}

Handle open_or_create_group(hid_t file, const std::string& path) {
  // Each prefix of the path in turn ("/annual", "/annual/monitoring"), created where missing.
  for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    if (!prefix.empty() && prefix != "/" && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0)
      group(file, prefix.c_str());
    if (end == std::string::npos) break;
  }
  return Handle(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose, "group " + path);
}

Handle make_scale(hid_t loc, const std::string& path, const std::string& name) {
  Handle scale(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + path);
  check(H5DSset_scale(scale, name.c_str()), "dimension scale " + name);
  return scale;
}

void attach_scales(hid_t dataset, const std::vector<hid_t>& scales, const std::string& what) {
  for (unsigned axis = 0; axis < scales.size(); ++axis) {
    check(H5DSattach_scale(dataset, scales[axis], axis), "dimension scale of " + what);
    char name[256] = {};
    if (H5DSget_scale_name(scales[axis], name, sizeof name) < 0)
      throw WriteError("dimension label of " + what, "the scale attached has no name");
    check(H5DSset_label(dataset, axis, name), "dimension label of " + what);
  }
}

void string_dataset(hid_t group, const char* name, const std::vector<std::string>& values,
                    const std::string& description) {
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!ptrs.empty()) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), name);  // e.g. no policy
  attr_string(ds, "description", description);
}

bool exists(hid_t parent, const std::string& path) {
  // Check each link along the path: H5Lexists fails on a missing intermediate group.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<std::string> read_strings_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return {};
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, name);
  Handle space(H5Aget_space(attr), H5Sclose, name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  Handle type = string_type();
  std::vector<char*> ptrs(static_cast<std::size_t>(n));
  if (H5Aread(attr, type, ptrs.data()) < 0) return {};
  std::vector<std::string> out(ptrs.begin(), ptrs.end());
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, ptrs.data());
  return out;
}

std::string read_root_text_attribute(const std::string& path, const char* name) {
  std::vector<std::string> text;
  H5E_BEGIN_TRY {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
      try {
        text = read_strings_attr(file, name);
      } catch (const std::exception&) {
        text.clear();
      }
      H5Fclose(file);
    }
  }
  H5E_END_TRY;
  return text.size() == 1 ? text.front() : std::string();
}

AtomicFile::Stamp AtomicFile::stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return Stamp{true, static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
               static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

std::string AtomicFile::temp_path_for(const std::string& path) {
  const std::filesystem::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()))).string();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as exceptions, not printed
  namespace fs = std::filesystem;
  // An empty name would otherwise become the hidden file "..tmp.PID" renamed to "" (or, worse, a
  // default in the current folder): refuse it here, whoever the caller.
  if (path_.empty()) throw std::invalid_argument("expected an output file name, got ''");
  const fs::path target(path_);
  if (fs::is_directory(target)) throw std::runtime_error("cannot write " + path_ + ": it is a directory");
  temp_path_ = temp_path_for(path_);
  target_at_start_ = stamp(path_);
  // Try a plain open first: it gives the operating system's reason (no such directory, permission).
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  ::close(fd);
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) {
    const std::string reason = system_reason();
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " +
                             (reason.empty() ? "HDF5 could not create the file" : reason));
  }
}

AtomicFile::~AtomicFile() {
  abandon();
  if (!committed_) std::remove(temp_path_.c_str());
}

// After a failed write, HDF5 1.10 cannot close the file cleanly (its cache is left half-flushed and
// every later flush fails with "slist already enabled?"); the failed H5Fclose leaves the file
// registered, which is why main() turns off HDF5's exit handler (it would close it again and
// segfault). What can be done here: point the file's descriptor at an anonymous in-memory file, so
// that nothing more goes to the full disk, and try the close; the caller removes the temporary file.
namespace {
constexpr const char* kDivertedName = "povsim-abandoned-output";
}  // namespace

void AtomicFile::divert(hid_t file) noexcept {
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
  const int fd = *static_cast<int*>(handle);  // the sec2 (default) driver's handle is its descriptor
  // Once diverted, stay so: HDF5 may have written pages to the in-memory file that it reads back.
  char link[64], target[256] = {};
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  if (::readlink(link, target, sizeof target - 1) > 0 && std::strstr(target, kDivertedName)) return;
  int sink = ::memfd_create(kDivertedName, 0);
  if (sink < 0) sink = ::open("/dev/null", O_WRONLY);
  if (sink >= 0) {
    ::dup2(sink, fd);
    ::close(sink);
  }
}

void AtomicFile::abandon() noexcept {
  if (file_ < 0) return;
  divert(file_);
  H5Fclose(file_);
  file_ = -1;
}

void AtomicFile::commit() {
  // Flush first: a full disk shows here (small datasets wait in HDF5's caches until now), and the
  // error stack then still holds the system's reason, which H5Fclose would not leave.
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) {
    const std::string reason = system_reason();
    abandon();
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " +
                             (reason.empty() ? "HDF5 could not flush the file" : reason));
  }
  const bool closed = H5Fclose(file_) >= 0;
  const std::string close_reason = closed ? std::string() : system_reason();
  file_ = -1;
  auto fail = [&](const std::string& reason) {
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " + reason);
  };
  if (!closed) fail(close_reason.empty() ? "closing the HDF5 file failed" : close_reason);
  // The data must be on disk before the rename makes it the target: a network or quota file system
  // may report a full disk only here.
  const int fd = ::open(temp_path_.c_str(), O_RDONLY);
  if (fd < 0) fail(std::strerror(errno));
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    fail(std::strerror(e));
  }
  ::close(fd);
  replaced_another_write_ = target_at_start_ != stamp(path_);
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) fail(ec.message());
  committed_ = true;
}

}  // namespace povsim::h5

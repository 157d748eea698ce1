#include "sim/output/hdf5_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace povsim::h5 {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: failed to write " + what);
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
  return Handle(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, std::string("group ") + name);
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

void string_dataset(hid_t group, const char* name, const std::vector<std::string>& values,
                    const std::string& description) {
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
  Handle ds(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            std::string("dataset ") + name);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), name);
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

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as exceptions, not printed
  namespace fs = std::filesystem;
  const fs::path target(path_);
  if (fs::is_directory(target)) throw std::runtime_error("cannot write " + path_ + ": it is a directory");
  temp_path_ = (target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()))).string();
  // Try a plain open first: it gives the operating system's reason (no such directory, permission).
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  ::close(fd);
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) {
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": HDF5 could not create the file");
  }
}

AtomicFile::~AtomicFile() {
  if (file_ >= 0) H5Fclose(file_);
  if (!committed_) std::remove(temp_path_.c_str());
}

void AtomicFile::commit() {
  if (H5Fclose(file_) < 0) throw std::runtime_error("cannot write " + path_ + ": closing the HDF5 file failed");
  file_ = -1;
  const int fd = ::open(temp_path_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) throw std::runtime_error("cannot write " + path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace povsim::h5

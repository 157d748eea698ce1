/* A full disk without a tmpfs: preloaded (LD_PRELOAD) into the povsim binary by the Faults suite,
 * it makes write, pwrite, pwrite64, writev and fallocate fail with ENOSPC on files whose path
 * contains POVSIM_ENOSPC_PATH, once POVSIM_ENOSPC_AFTER bytes (default 0) have been written to
 * such files. Other descriptors (stderr, stdout, input files) are left alone, so the error message
 * itself still gets out. Mounting a small tmpfs would be more faithful but needs privileges CI
 * does not have.
 *
 * With POVSIM_STALL_MS set it stalls instead of failing: the first write past the byte count
 * creates the file POVSIM_STALL_MARKER (so a test knows the process is mid-write), sleeps that long
 * and then writes normally, leaving a window to send signals or run a second process. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static atomic_long written;
static atomic_int stalled;

/* POVSIM_STALL_MS mode: once, announce the stall and sleep through it (signals do not cut it short). */
static int stall(void) {
  const char* ms = getenv("POVSIM_STALL_MS");
  if (ms == NULL) return 0;
  if (atomic_exchange(&stalled, 1)) return 1;
  const char* marker = getenv("POVSIM_STALL_MARKER");
  if (marker) {
    int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
  }
  struct timespec left = {atol(ms) / 1000, (atol(ms) % 1000) * 1000000L};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
  return 1;
}

/* Whether a write of `n` bytes to `fd` must fail; if not, counts it. */
static int must_fail(int fd, size_t n) {
  const char* pattern = getenv("POVSIM_ENOSPC_PATH");
  if (pattern == NULL || pattern[0] == '\0' || fd <= 2) return 0;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t len = readlink(link, path, sizeof path - 1);
  if (len <= 0) return 0;
  path[len] = '\0';
  if (strstr(path, pattern) == NULL) return 0;
  const char* after = getenv("POVSIM_ENOSPC_AFTER");
  const long limit = after ? atol(after) : 0;
  if (atomic_load(&written) + (long)n > limit) {
    if (stall()) return 0;
    return 1;
  }
  atomic_fetch_add(&written, (long)n);
  return 0;
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void*, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
typedef int (*fallocate_fn)(int, int, off_t, off_t);
#define REAL(name, type) static type real = NULL; if (!real) real = (type)dlsym(RTLD_NEXT, name)

ssize_t write(int fd, const void* buf, size_t n) {
  REAL("write", write_fn);
  if (must_fail(fd, n)) { errno = ENOSPC; return -1; }
  return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  REAL("pwrite", pwrite_fn);
  if (must_fail(fd, n)) { errno = ENOSPC; return -1; }
  return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
  REAL("pwrite64", pwrite64_fn);
  if (must_fail(fd, n)) { errno = ENOSPC; return -1; }
  return real(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  REAL("writev", writev_fn);
  size_t n = 0;
  for (int i = 0; i < count; ++i) n += iov[i].iov_len;
  if (must_fail(fd, n)) { errno = ENOSPC; return -1; }
  return real(fd, iov, count);
}

int fallocate(int fd, int mode, off_t off, off_t len) {
  REAL("fallocate", fallocate_fn);
  if (must_fail(fd, (size_t)len)) { errno = ENOSPC; return -1; }
  return real(fd, mode, off, len);
}

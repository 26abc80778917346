// An LD_PRELOAD library that makes file I/O fail at random, for the fault-injection trials
// (bench/crash/fault_injection.py): the POSIX calls LMDB makes on its files (open, pread, pwrite,
// write, writev, fsync, fdatasync, ftruncate) fail with EIO or ENOSPC with a given probability,
// as SQLite's I/O-error tests make its VFS fail. Sockets, pipes and terminals are never failed,
// so the HTTP load itself is not disturbed: only storage meets the faults.
//
// Environment:
//   SEXTANT_FAULT_PROBABILITY  chance that one eligible call fails (e.g. 0.01); 0 or unset: none
//   SEXTANT_FAULT_SWITCH       a path: failures are injected only while this file exists (polled
//                              every 20 ms), so start-up and the final check run without them
//   SEXTANT_FAULT_LOG          a file that gets one line per injected failure ("pwrite EIO")
//   SEXTANT_FAULT_SEED         seed of the per-thread random streams (default 1)
// The library's own state is set up once on load; every wrapper calls through to the next
// definition (RTLD_NEXT) when it does not fail.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_enabled{false};
std::atomic<uint64_t> g_thread_counter{0};
double g_probability = 0;
uint64_t g_seed = 1;
int g_log_fd = -1;

template <typename Fn>
Fn next_definition(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using WriteFn = ssize_t (*)(int, const void*, size_t);

ssize_t real_write(int fd, const void* data, size_t size) {
  static const WriteFn next = next_definition<WriteFn>("write");
  return next(fd, data, size);
}

// True for descriptors of regular files: the only ones that are failed.
bool is_regular_file(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

// Decides whether this call fails; when it does, sets errno and logs the call.
bool inject(const char* call, bool may_be_full) {
  if (!g_enabled.load(std::memory_order_relaxed) || g_probability <= 0) return false;
  thread_local uint64_t state =
      g_seed * 0x9E3779B97F4A7C15ull + g_thread_counter.fetch_add(1) * 0xBF58476D1CE4E5B9ull + 1;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  if (double(state >> 11) / double(uint64_t(1) << 53) >= g_probability) return false;
  const bool full = may_be_full && ((state >> 3) & 1);
  errno = full ? ENOSPC : EIO;
  if (g_log_fd >= 0) {
    char line[64];
    const int length = snprintf(line, sizeof line, "%s %s\n", call, full ? "ENOSPC" : "EIO");
    const int saved = errno;
    if (length > 0) (void)real_write(g_log_fd, line, size_t(length));
    errno = saved;
  }
  return true;
}

void poll_switch(const char* path) {
  for (;;) {
    g_enabled.store(access(path, F_OK) == 0, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

__attribute__((constructor)) void set_up() {
  if (const char* p = getenv("SEXTANT_FAULT_PROBABILITY")) g_probability = atof(p);
  if (const char* s = getenv("SEXTANT_FAULT_SEED")) g_seed = strtoull(s, nullptr, 10);
  if (const char* log = getenv("SEXTANT_FAULT_LOG"))
    g_log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const char* path = getenv("SEXTANT_FAULT_SWITCH");
  if (path != nullptr && g_probability > 0) {
    static std::string switch_path;
    switch_path = path;
    std::thread(poll_switch, switch_path.c_str()).detach();
  }
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  static const auto next = next_definition<int (*)(const char*, int, ...)>("open");
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list args;
    va_start(args, flags);
    mode = mode_t(va_arg(args, int));
    va_end(args);
  }
  // Only files LMDB keeps (data.mdb, lock.mdb) or snapshot work writes: the process's own
  // start-up files are read before the switch is on anyway.
  if ((strstr(path, ".mdb") || strstr(path, "snapshot")) && inject("open", (flags & O_CREAT) != 0))
    return -1;
  return next(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list args;
    va_start(args, flags);
    mode = mode_t(va_arg(args, int));
    va_end(args);
  }
  return open(path, flags, mode);
}

ssize_t write(int fd, const void* data, size_t size) {
  if (is_regular_file(fd) && fd != g_log_fd && inject("write", true)) return -1;
  return real_write(fd, data, size);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static const auto next = next_definition<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  if (is_regular_file(fd) && inject("pwrite", true)) return -1;
  return next(fd, data, size, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t size, off_t offset) {
  static const auto next =
      next_definition<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
  if (is_regular_file(fd) && inject("pwrite", true)) return -1;
  return next(fd, data, size, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static const auto next = next_definition<ssize_t (*)(int, const struct iovec*, int)>("writev");
  if (is_regular_file(fd) && inject("writev", true)) return -1;
  return next(fd, iov, count);
}

ssize_t pread(int fd, void* data, size_t size, off_t offset) {
  static const auto next = next_definition<ssize_t (*)(int, void*, size_t, off_t)>("pread");
  if (is_regular_file(fd) && inject("pread", false)) return -1;
  return next(fd, data, size, offset);
}

ssize_t pread64(int fd, void* data, size_t size, off_t offset) {
  static const auto next = next_definition<ssize_t (*)(int, void*, size_t, off_t)>("pread64");
  if (is_regular_file(fd) && inject("pread", false)) return -1;
  return next(fd, data, size, offset);
}

int fsync(int fd) {
  static const auto next = next_definition<int (*)(int)>("fsync");
  if (inject("fsync", false)) return -1;
  return next(fd);
}

int fdatasync(int fd) {
  static const auto next = next_definition<int (*)(int)>("fdatasync");
  if (inject("fdatasync", false)) return -1;
  return next(fd);
}

int ftruncate(int fd, off_t length) {
  static const auto next = next_definition<int (*)(int, off_t)>("ftruncate");
  if (inject("ftruncate", true)) return -1;
  return next(fd, length);
}

}  // extern "C"

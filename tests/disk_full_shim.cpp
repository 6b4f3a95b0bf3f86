// A full disk where this user may not mount a small tmpfs (issue 27's full-disk test in CI without root):
// LD_PRELOAD this library with TNAS_DISK_FULL_DIR=DIR and TNAS_DISK_FULL_BYTES=N, and the process's writes to
// files under DIR fail with ENOSPC once it has written N bytes there, after a partial write that fills the
// room, as on a file system with N bytes free. Our writers write with write(2); libstdc++'s streams too.
#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

size_t written_under_dir = 0;

bool under_dir(int fd) {
  const char* dir = std::getenv("TNAS_DISK_FULL_DIR");
  if (dir == nullptr || *dir == '\0') return false;
  char link[64], path[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t length = readlink(link, path, sizeof path - 1);
  if (length <= 0) return false;
  path[length] = '\0';
  const size_t dir_length = std::strlen(dir);
  return std::strncmp(path, dir, dir_length) == 0 && (path[dir_length] == '/' || path[dir_length] == '\0');
}

// How many of `wanted` bytes still fit under the folder (all of them for another file).
size_t room_for(int fd, size_t wanted) {
  if (!under_dir(fd)) return wanted;
  const char* budget_text = std::getenv("TNAS_DISK_FULL_BYTES");
  const size_t budget = budget_text ? std::strtoull(budget_text, nullptr, 10) : SIZE_MAX;
  const size_t left = written_under_dir >= budget ? 0 : budget - written_under_dir;
  return wanted < left ? wanted : left;
}

template <class Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

// One write of at most the room left; ENOSPC when there is none.
template <class Write>
ssize_t bounded(int fd, size_t wanted, Write write_bytes) {
  const size_t room = room_for(fd, wanted);
  if (wanted > 0 && room == 0) {
    errno = ENOSPC;
    return -1;
  }
  const ssize_t done = write_bytes(room);
  if (done > 0 && under_dir(fd)) written_under_dir += static_cast<size_t>(done);
  return done;
}

}  // namespace

extern "C" ssize_t write(int fd, const void* buffer, size_t count) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  return bounded(fd, count, [&](size_t room) { return next(fd, buffer, room); });
}

extern "C" ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  return bounded(fd, count, [&](size_t room) { return next(fd, buffer, room, offset); });
}

extern "C" ssize_t pwrite64(int fd, const void* buffer, size_t count, off64_t offset) {
  static const auto next = real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  return bounded(fd, count, [&](size_t room) { return next(fd, buffer, room, offset); });
}

// writev as one write of the first `room` bytes of the vectors (a partial write, as a full disk gives).
extern "C" ssize_t writev(int fd, const struct iovec* vectors, int count) {
  static const auto next = real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  size_t total = 0;
  for (int i = 0; i < count; ++i) total += vectors[i].iov_len;
  if (room_for(fd, total) == total)
    return bounded(fd, total, [&](size_t) { return next(fd, vectors, count); });
  return bounded(fd, total, [&](size_t room) {
    static const auto next_write = real<ssize_t (*)(int, const void*, size_t)>("write");
    ssize_t done = 0;
    for (int i = 0; i < count && room > 0; ++i) {
      const size_t part = vectors[i].iov_len < room ? vectors[i].iov_len : room;
      const ssize_t n = next_write(fd, vectors[i].iov_base, part);
      if (n < 0) return done > 0 ? done : n;
      done += n;
      room -= static_cast<size_t>(n);
      if (static_cast<size_t>(n) < part) break;
    }
    return done;
  });
}

#include "basics/liveness_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "basics/error.h"

namespace tnas {

std::string process_name() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  return std::to_string(::getpid()) + "@" + host;
}

int lock_exclusively(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot create the lock file (" + std::strerror(errno) + ")");
  while (::flock(fd, LOCK_EX) != 0)
    if (errno != EINTR) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      throw Error(path + ": cannot lock (" + reason + ")");
    }
  return fd;
}

LivenessLock::LivenessLock(const std::string& path) {
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  fd_ = lock_exclusively(path);
  const std::string mine = process_name() + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, mine.data(), mine.size(), 0) != static_cast<ssize_t>(mine.size())) {
    const std::string reason = std::strerror(errno);
    ::close(fd_);
    throw Error(path + ": cannot write the lock file (" + reason + ")");
  }
}

LivenessLock::~LivenessLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

bool is_alive(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases the shared lock when it was taken
  return held;
}

}  // namespace tnas

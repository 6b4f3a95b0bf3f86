#pragma once
// An exclusive lock on what a command writes (a search's run directory, a fit's checkpoint folder, a
// collect's or merge's meta-dataset file), so that two processes never write it at once: flock(2) on
// DIR/.lock or on FILE.lock, held while the object lives and released by the kernel when the process dies, so
// a killed run never leaves a stale lock. The holder's pid is written into the lock file for the error
// message. Taking the lock first also checks that the output's location is writable before any work starts.
#include <string>

namespace tnas {

enum class LockTarget { kDirectory, kFile };

class OutputLock {
 public:
  // kDirectory: creates `path` if needed and locks path/.lock; kFile: creates the parent folder if needed and
  // locks path.lock. Throws tnas::Error "<path> is in use by another <what> (pid N)" when another process (or
  // another lock object) holds it, or a one-line error with the system's reason when it cannot be created.
  OutputLock(const std::string& path, LockTarget target, const std::string& what);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace tnas

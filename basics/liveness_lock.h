#pragma once
// "This process is alive", told through the file system so that other processes, on this machine or on
// another node sharing the folder, can see it: the holder keeps flock(2) on a file for its lifetime, and the
// kernel (or the NFS lock manager) releases it when the process ends, however it ends: a SIGKILLed worker
// leaves no stale claim. The run directory of a parallel search uses one per worker and one for the
// coordinator.
#include <string>

namespace tnas {

class LivenessLock {
 public:
  // Blocks until it holds `path` exclusively (creating the file and its folder); writes the holder's pid and
  // host into it. Throws tnas::Error when the file cannot be created.
  explicit LivenessLock(const std::string& path);
  ~LivenessLock();
  LivenessLock(const LivenessLock&) = delete;
  LivenessLock& operator=(const LivenessLock&) = delete;

 private:
  int fd_ = -1;
};

// Whether a process (this one through another LivenessLock included) holds the lock on `path` now; false
// when the file does not exist.
bool is_alive(const std::string& path);

// Opens (creating) `path` and holds flock(2) LOCK_EX on it, waiting until it can; returns the descriptor,
// whose close releases the lock. Throws tnas::Error naming the file.
int lock_exclusively(const std::string& path);

// "pid@host" of this process (what a LivenessLock writes, and how claims name their holder).
std::string process_name();

}  // namespace tnas

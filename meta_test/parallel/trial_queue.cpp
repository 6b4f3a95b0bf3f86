#include "meta_test/parallel/trial_queue.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "basics/liveness_lock.h"

namespace tnas {
namespace fs = std::filesystem;
namespace {

// flock on queue/.lock for the guard's lifetime: every read-modify-write of the queue happens under it.
class QueueGuard {
 public:
  explicit QueueGuard(const std::string& queue) : fd_(lock_exclusively(queue + "/.lock")) {}
  ~QueueGuard() { ::close(fd_); }
  QueueGuard(const QueueGuard&) = delete;
  QueueGuard& operator=(const QueueGuard&) = delete;

 private:
  int fd_;
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": corrupt queue entry (" + e.what() + ")");
  }
}

// Trial numbers of the requests in `queue` (NNNNNN.json), ascending.
std::vector<int> requests(const std::string& queue) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(queue, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == 11 && name.compare(6, 5, ".json") == 0 && name.find_first_not_of("0123456789") == 6)
      out.push_back(std::stoi(name.substr(0, 6)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

TrialQueue::TrialQueue(std::string run_dir) : run_dir_(std::move(run_dir)), queue_(run_dir_ + "/queue") {
  std::error_code ec;
  fs::create_directories(queue_, ec);
  if (!ec) fs::create_directories(run_dir_ + "/workers", ec);
  if (ec) throw Error(queue_ + ": cannot create the queue (" + ec.message() + ")");
}

size_t TrialQueue::queued_trials(const std::string& run_dir) { return requests(run_dir + "/queue").size(); }

std::string TrialQueue::worker_lock_path(const std::string& worker) const {
  return run_dir_ + "/workers/" + worker + ".lock";
}
std::string TrialQueue::coordinator_lock_path() const { return run_dir_ + "/workers/coordinator.lock"; }

std::string TrialQueue::file(int trial, const char* suffix) const {
  char name[32];
  std::snprintf(name, sizeof name, "/%06d%s", trial, suffix);
  return queue_ + name;
}

void TrialQueue::add(const nlohmann::json& request) {
  const int trial = request.at("trial").get<int>();
  if (trial < 1 || trial > 999999)
    throw Error("trial queue: trial number " + std::to_string(trial) + " out of range");
  QueueGuard guard(queue_);
  write_text_atomically(file(trial, ".json"), request.dump() + "\n");
}

std::vector<QueuedTrial> TrialQueue::list() const {
  QueueGuard guard(queue_);
  std::vector<QueuedTrial> out;
  for (int trial : requests(queue_)) {
    QueuedTrial q;
    q.trial = trial;
    q.request = read_json(file(trial, ".json"));
    if (fs::exists(file(trial, ".claim")))
      q.worker = read_json(file(trial, ".claim")).value("worker", std::string("?"));
    if (fs::exists(file(trial, ".result.json"))) q.result = read_json(file(trial, ".result.json"));
    out.push_back(std::move(q));
  }
  return out;
}

void TrialQueue::remove(int trial) {
  QueueGuard guard(queue_);
  // The request last: a kill in between leaves a request with neither claim nor result, which runs again only
  // if its record is not in trials.jsonl (the coordinator checks).
  for (const char* suffix : {".result.json", ".claim", ".json"}) fs::remove(file(trial, suffix));
  sync_parent_dir(file(trial, ".json"));
}

std::vector<QueuedTrial> TrialQueue::release_orphans() {
  QueueGuard guard(queue_);
  std::vector<QueuedTrial> released;
  for (int trial : requests(queue_)) {
    if (!fs::exists(file(trial, ".claim")) || fs::exists(file(trial, ".result.json"))) continue;
    const nlohmann::json claim = read_json(file(trial, ".claim"));
    const std::string worker = claim.value("worker", std::string());
    if (!worker.empty() && is_alive(worker_lock_path(worker))) continue;
    fs::remove(file(trial, ".claim"));
    released.push_back({trial, read_json(file(trial, ".json")), worker, std::nullopt});
  }
  return released;
}

void TrialQueue::stop() {
  QueueGuard guard(queue_);
  write_text_atomically(queue_ + "/stop", now_text() + "\n");
}

void TrialQueue::reopen() {
  QueueGuard guard(queue_);
  fs::remove(queue_ + "/stop");
}

bool TrialQueue::stopped() const { return fs::exists(queue_ + "/stop"); }

std::optional<QueuedTrial> TrialQueue::claim(const std::string& worker) {
  QueueGuard guard(queue_);
  if (fs::exists(queue_ + "/stop")) return std::nullopt;
  for (int trial : requests(queue_)) {
    if (fs::exists(file(trial, ".claim"))) continue;
    write_text_atomically(
        file(trial, ".claim"),
        nlohmann::json{{"worker", worker}, {"process", process_name()}, {"claimed_at", now_text()}}.dump() +
            "\n");
    return QueuedTrial{trial, read_json(file(trial, ".json")), worker, std::nullopt};
  }
  return std::nullopt;
}

void TrialQueue::finish(int trial, const nlohmann::json& record) {
  QueueGuard guard(queue_);
  write_text_atomically(file(trial, ".result.json"), record.dump() + "\n");
}

}  // namespace tnas

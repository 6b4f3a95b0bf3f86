#include "meta_train/fit/checkpoint_folder.h"

#include <filesystem>
#include <fstream>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "models/surrogate/surrogate.h"

namespace tnas {
namespace fs = std::filesystem;

CheckpointFolder::CheckpointFolder(const std::string& dir)
    : dir_(dir), lock_(dir, LockTarget::kDirectory, "fit") {}

std::optional<nlohmann::json> CheckpointFolder::resume_state() const {
  const std::string path = dir_ + "/last/state.json";
  if (!fs::exists(path)) return std::nullopt;
  const auto bytes = read_file_bytes(path);
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const std::exception& e) {
    throw Error(path + ": not a resume state (" + std::string(e.what()) + "); remove " + dir_ +
                "/last to start over");
  }
}

std::string CheckpointFolder::resume_file(const nlohmann::json& state, const std::string& key,
                                          const std::string& fallback) const {
  return dir_ + "/last/" + state.value(key, fallback);
}

void CheckpointFolder::write_resume_state(int epoch, const std::vector<uint8_t>& model,
                                          const std::vector<uint8_t>& optimizer, nlohmann::json state) {
  const std::string last = dir_ + "/last";
  fs::create_directories(last);
  const std::string model_file = "model-" + std::to_string(epoch) + ".pt",
                    optimizer_file = "optimizer-" + std::to_string(epoch) + ".pt";
  write_file_atomically(last + "/" + model_file, model);
  write_file_atomically(last + "/" + optimizer_file, optimizer);
  state["model"] = model_file;
  state["optimizer"] = optimizer_file;
  const std::string text = state.dump();
  write_file_atomically(last + "/state.json", std::vector<uint8_t>(text.begin(), text.end()));
  for (const auto& entry : fs::directory_iterator(last)) {
    const std::string name = entry.path().filename().string();
    if ((name.rfind("model", 0) == 0 || name.rfind("optimizer", 0) == 0) && name != model_file &&
        name != optimizer_file)
      fs::remove(entry.path());
  }
}

void CheckpointFolder::write_best(const Surrogate& surrogate, const nlohmann::json& extra,
                                  const std::map<std::string, std::vector<uint8_t>>& files) {
  surrogate.save(dir_, extra, files);
}

}  // namespace tnas

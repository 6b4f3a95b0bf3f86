#include "models/surrogate/checkpoint_location.h"

#include <cstdlib>
#include <filesystem>

#include "basics/error.h"

namespace tnas {

namespace fs = std::filesystem;

std::vector<std::string> shipped_data_roots() {
  std::vector<std::string> candidates;
  if (const char* home = std::getenv("TNAS_HOME"); home != nullptr && *home != '\0')
    candidates.push_back(home);
  std::error_code error;
  const fs::path program = fs::read_symlink("/proc/self/exe", error);
  if (!error) candidates.push_back((program.parent_path().parent_path() / "share" / "tnas").string());
  candidates.push_back(TNAS_INSTALL_DATA_DIR);  // both set by models/CMakeLists.txt
  candidates.push_back(TNAS_SOURCE_TREE);
  std::vector<std::string> roots;
  for (const auto& candidate : candidates) {
    const fs::path root = fs::path(candidate).lexically_normal();
    bool seen = false;
    for (const auto& kept : roots) seen = seen || fs::path(kept) == root;
    if (!seen && fs::is_directory(root, error)) roots.push_back(root.string());
  }
  return roots;
}

std::string locate_checkpoint(const std::string& path) {
  std::error_code error;
  if (path.empty()) throw Error("--checkpoint is empty");
  if (fs::exists(path, error) || fs::path(path).is_absolute()) return path;
  std::string tried = "./" + path;
  for (const auto& root : shipped_data_roots()) {
    const fs::path candidate = fs::path(root) / path;
    if (fs::exists(candidate, error)) return candidate.string();
    tried += ", " + candidate.string();
  }
  throw Error("checkpoint '" + path + "' not found (tried " + tried +
              "; set TNAS_HOME to the folder that holds checkpoints/)");
}

}  // namespace tnas

#include "meta_test/dashboard/served_file.h"

#include <filesystem>

namespace tnas {
namespace fs = std::filesystem;

std::optional<std::string> file_inside(const std::string& root, const std::string& relative) {
  if (relative.empty() || relative.find('\0') != std::string::npos) return std::nullopt;
  const fs::path requested(relative);
  if (requested.is_absolute() || requested.has_root_name()) return std::nullopt;
  for (const auto& part : requested)
    if (part == "..") return std::nullopt;
  std::error_code error;
  const fs::path base = fs::canonical(root, error);
  if (error) return std::nullopt;
  const fs::path resolved = fs::canonical(base / requested, error);
  if (error || !fs::is_regular_file(resolved, error)) return std::nullopt;
  // Inside: the resolved path starts with every part of the resolved root.
  auto inner = resolved.begin();
  for (const auto& part : base) {
    if (inner == resolved.end() || *inner != part) return std::nullopt;
    ++inner;
  }
  return resolved.string();
}

const char* content_type_of(const std::string& path) {
  const std::string extension = fs::path(path).extension().string();
  if (extension == ".png") return "image/png";
  if (extension == ".json") return "application/json";
  if (extension == ".csv") return "text/csv; charset=utf-8";
  return "text/plain; charset=utf-8";
}

}  // namespace tnas

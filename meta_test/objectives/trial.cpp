#include "meta_test/objectives/trial.h"

#include <cstdio>

#include "basics/error.h"

namespace tnas {

std::string Fidelity::describe() const {
  if (is_default()) return "default";
  std::string s;
  const auto add = [&](const char* name, const std::string& value) {
    s += (s.empty() ? "" : " ") + std::string(name) + "=" + value;
  };
  if (epochs) add("epochs", std::to_string(epochs));
  if (depth) add("depth", std::to_string(depth));
  if (width) add("width", std::to_string(width));
  if (images_per_class) add("images_per_class", std::to_string(images_per_class));
  if (resolution) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", resolution);
    add("resolution", buf);
  }
  return s;
}

double TrialResult::accuracy() const {
  const auto it = metrics.find("accuracy");
  if (it == metrics.end()) throw Error("a trial result without an \"accuracy\" metric");
  return it->second;
}

TrialResult TrialResult::failure(std::string reason) {
  TrialResult r;
  r.error = std::move(reason);
  return r;
}

}  // namespace tnas

#pragma once
// An ETA for progress lines: "12m05s", or "2h14m" from an hour on; "?" when unknown.
#include <cmath>
#include <cstdio>
#include <string>

namespace tnas {

inline std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int s = static_cast<int>(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, (s / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  return buf;
}

}  // namespace tnas

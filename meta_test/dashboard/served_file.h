#pragma once
// Which file a request for RUN_DIR/RELATIVE may read: only a regular file inside the run directory, after
// every symbolic link is resolved, so that neither "..", an absolute path, nor a link pointing out of the
// directory reaches anything else on the machine.
#include <optional>
#include <string>

namespace tnas {

// The resolved path of `relative` inside `root`, or nullopt when it is empty, absolute, has a ".." part, does
// not exist, is not a regular file, or resolves (through links) outside `root`.
std::optional<std::string> file_inside(const std::string& root, const std::string& relative);

// The Content-Type for a file the dashboard serves, by its extension (text/plain for unknown ones, so that a
// browser never runs what a run directory holds).
const char* content_type_of(const std::string& path);

}  // namespace tnas

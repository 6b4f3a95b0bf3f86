#pragma once
// What a command is allocating for, so that running out of memory is reported as "out of memory while
// <what>" — naming the size that was too large — rather than as a bare std::bad_alloc. Scopes nest; a scope
// left by an exception records itself (the innermost first), and the command's error handler reads that.
#include <exception>
#include <string>
#include <vector>

namespace tnas {

class MemoryScope {
 public:
  explicit MemoryScope(std::string what) : exceptions_(std::uncaught_exceptions()) {
    stack().push_back(std::move(what));
  }
  ~MemoryScope() {
    if (std::uncaught_exceptions() > exceptions_ && unwound().empty()) unwound() = stack().back();
    stack().pop_back();
  }
  MemoryScope(const MemoryScope&) = delete;
  MemoryScope& operator=(const MemoryScope&) = delete;

  // The innermost scope an exception left since the last clear ("" if none).
  static std::string& unwound() {
    static thread_local std::string what;
    return what;
  }

 private:
  static std::vector<std::string>& stack() {
    static thread_local std::vector<std::string> s;
    return s;
  }
  int exceptions_;
};

}  // namespace tnas

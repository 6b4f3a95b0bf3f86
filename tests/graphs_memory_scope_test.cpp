// MemoryScope: an exception leaving nested scopes records the innermost one; scopes left normally do not.
#include "basics/memory_scope.h"

#include <gtest/gtest.h>

#include <new>

namespace tnas {
namespace {

TEST(MemoryScope, AnExceptionRecordsTheInnermostScopeItLeft) {
  MemoryScope::unwound().clear();
  { const MemoryScope done("finished normally"); }
  EXPECT_EQ(MemoryScope::unwound(), "");
  try {
    const MemoryScope outer("loading the dataset x");
    { const MemoryScope inner_done("a step that finished"); }
    const MemoryScope inner("resizing 3 images to 4096x4096");
    throw std::bad_alloc();
  } catch (const std::bad_alloc&) {
    EXPECT_EQ(MemoryScope::unwound(), "resizing 3 images to 4096x4096");
  }
  MemoryScope::unwound().clear();
}

}  // namespace
}  // namespace tnas

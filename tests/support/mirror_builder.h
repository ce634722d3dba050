// Builds small mirrors for tests the way a run does (OutletArchive), without
// fetching anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nm {

struct TestArticle {
  std::string guid;
  std::string title;
  int64_t published_ms = 0;
  std::string content;
};

// Archives `articles` into `root` under `outlet` (new ones get ids, known
// ones are updated), writing articles, state, lists and month pages.
void AddToMirror(const std::string& root, const std::string& outlet, const std::vector<TestArticle>& articles);

}  // namespace nm

#include "util/test_pause.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace nm {

void TestPausePoint(const char* stage) {
  const char* want = std::getenv("NEWSMIRROR_TEST_PAUSE_AT");
  if (!want || std::strcmp(want, stage) != 0) return;
  std::fprintf(stderr, "newsmirror: paused at %s\n", stage);
  std::fflush(stderr);
  ::sleep(60);
}

void TestFailurePoint(std::string_view stage, std::string_view subject) {
  const char* want = std::getenv("NEWSMIRROR_TEST_FAIL_AT");
  if (!want) return;
  std::string_view w(want);
  if (w.size() <= stage.size() || w.substr(0, stage.size()) != stage || w[stage.size()] != ':') return;
  if (subject.find(w.substr(stage.size() + 1)) != std::string_view::npos) throw std::bad_alloc();
}

}  // namespace nm

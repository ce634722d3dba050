#include "util/test_pause.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nm {

void TestPausePoint(const char* stage) {
  const char* want = std::getenv("NEWSMIRROR_TEST_PAUSE_AT");
  if (!want || std::strcmp(want, stage) != 0) return;
  std::fprintf(stderr, "newsmirror: paused at %s\n", stage);
  std::fflush(stderr);
  ::sleep(60);
}

}  // namespace nm

// Named points where a test can stop the program to kill it there.
//
// When the environment variable NEWSMIRROR_TEST_PAUSE_AT equals `stage`,
// TestPausePoint prints "newsmirror: paused at {stage}" on standard error and
// sleeps for a minute, so a crash test can send SIGKILL at exactly that step
// (tests/crash_test.cc). Unset — always, outside tests — it costs one getenv.
#pragma once

namespace nm {

void TestPausePoint(const char* stage);

}  // namespace nm

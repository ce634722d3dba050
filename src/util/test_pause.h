// Named points where a test can stop the program to kill it there, or make
// one unit of work fail.
//
// When the environment variable NEWSMIRROR_TEST_PAUSE_AT equals `stage`,
// TestPausePoint prints "newsmirror: paused at {stage}" on standard error and
// sleeps for a minute, so a crash test can send SIGKILL at exactly that step
// (tests/crash_test.cc). When NEWSMIRROR_TEST_FAIL_AT is "{stage}:{text}" and
// `subject` contains text, TestFailurePoint throws std::bad_alloc, as an
// allocation too large would, so a test can show that the failure stays with
// that one entry (tests/bounded_work_test.cc). Unset — always, outside tests —
// each costs one getenv.
#pragma once

#include <string_view>

namespace nm {

void TestPausePoint(const char* stage);
void TestFailurePoint(std::string_view stage, std::string_view subject);

}  // namespace nm

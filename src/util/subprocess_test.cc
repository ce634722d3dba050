#include "util/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

TEST(RunProcessTest, CollectsOutputErrorAndExitCode) {
  auto r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
}

TEST(RunProcessTest, InputLargerThanAPipeComesBackWhole) {
  std::string input;
  for (int i = 0; i < 200000; ++i) input += "line " + std::to_string(i) + "\n";
  auto r = RunProcess({"cat"}, {.input = input});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out.size(), input.size());
  EXPECT_TRUE(r->out == input);
}

TEST(RunProcessTest, ChildThatIgnoresItsInputDoesNotHurt) {
  std::string input(4 << 20, 'x');
  auto r = RunProcess({"true"}, {.input = input});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 0);
}

TEST(RunProcessTest, EnvironmentAndFolder) {
  TempDir dir;
  setenv("NM_TEST_GONE", "here", 1);
  auto r = RunProcess({"sh", "-c", "pwd; echo \"$NM_TEST_VALUE\"; echo \"$HOME\"; echo \"${NM_TEST_GONE-unset}\""},
                      {.cwd = dir.path(), .env = {"NM_TEST_VALUE=a b", "HOME=/nowhere", "NM_TEST_GONE"}});
  unsetenv("NM_TEST_GONE");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, dir.path() + "\na b\n/nowhere\nunset\n");
}

TEST(RunProcessTest, MissingProgramIsNotFound) {
  auto r = RunProcess({"newsmirror-no-such-program-here"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
  EXPECT_NE(r.status().message().find("newsmirror-no-such-program-here"), std::string::npos);
}

TEST(RunProcessTest, SignalShowsInTheExitCode) {
  auto r = RunProcess({"sh", "-c", "kill -9 $$"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
}

// A killed caller takes its child with it.
TEST(RunProcessTest, ChildDiesWithTheCaller) {
  TempDir dir;
  std::string pid_file = dir.path() + "/pid";
  pid_t caller = ::fork();
  if (caller == 0) {
    (void)RunProcess({"sh", "-c", "echo $$ > '" + pid_file + ".tmp' && mv '" + pid_file + ".tmp' '" + pid_file +
                                      "' && exec sleep 30"});
    ::_exit(0);
  }
  ASSERT_GT(caller, 0);
  pid_t child = 0;
  for (int i = 0; i < 500 && child == 0; ++i) {
    auto text = ReadFile(pid_file);
    if (text.ok() && !text->empty()) child = std::stoi(*text);
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(child, 0) << "the child never started";
  ASSERT_EQ(::kill(child, 0), 0);
  ::kill(caller, SIGKILL);
  ::waitpid(caller, nullptr, 0);
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    // The sleeper is reparented and reaped by init, or still a zombie of it.
    gone = ::kill(child, 0) != 0;
    if (!gone) {
      auto stat = ReadFile("/proc/" + std::to_string(child) + "/stat");
      gone = !stat.ok() || stat->find(") Z") != std::string::npos;
    }
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "pid " << child << " outlived its caller";
}

}  // namespace
}  // namespace nm

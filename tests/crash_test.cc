// Crash consistency: `newsmirror run --commit` killed with SIGKILL at random
// moments and at every named step (NEWSMIRROR_TEST_PAUSE_AT, util/test_pause.h),
// then run again normally. After each recovery run the mirror must hold every
// entry served so far exactly once, no partial or temporary file, state that
// matches the files, and a valid, fully committed git repository.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <thread>

#include "layout/layout.h"
#include "publish/git_repo.h"
#include "state/outlet_state.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_check.h"
#include "support/temp_dir.h"
#include "util/fs.h"

extern char** environ;

namespace nm {
namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string> kOutlets = {"甲台", "乙台", "丙台"};

// Feed `outlet` as of round `round`: items 0..2*round+3, the newest 12 shown;
// the newest item's text changes every round, so there are updates too.
std::string Feed(const std::string& outlet, int round, std::set<std::string>& served) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>" + outlet +
                    "</title>";
  int last = 2 * round + 3;
  std::string filler;
  for (int k = 0; k < 400; ++k) filler += "<p>段落" + std::to_string(k) + "，内容。</p>";
  for (int n = std::max(0, last - 11); n <= last; ++n) {
    std::string guid = outlet + "-" + std::to_string(n);
    served.insert(guid);
    std::string text = n == last ? "第" + std::to_string(round) + "版" : "定稿";
    xml += "<item><title>" + outlet + "新闻" + std::to_string(n) + "</title><link>https://news.example/" +
           std::to_string(n) + "</link><guid isPermaLink=\"false\">" + guid + "</guid><pubDate>" +
           "Mon, 01 Jan 2024 " + std::to_string(n / 60 % 24) + ":" + std::to_string(n % 60) +
           ":00 GMT</pubDate><description><![CDATA[<p>" + text + "</p>" + filler + "]]></description></item>";
  }
  return xml + "</channel></rss>";
}

// Starts the binary with stderr into `err_path`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, const std::string& err_path) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, 2);
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, 0);
  ::dup2(null, 1);
  std::vector<std::string> argv_s = {NEWSMIRROR_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = "[fetch]\nretries = 0\ntimeout = 10\n";
    for (size_t i = 0; i < kOutlets.size(); ++i) {
      text += "[[source]]\nname = \"" + kOutlets[i] + "\"\nurl = \"" + server_.Url("/f" + std::to_string(i)) + "\"\n";
    }
    config_ = dir_.path() + "/newsmirror.toml";
    ASSERT_TRUE(WriteFileAtomic(config_, text).ok());
  }
  void ServeRound(int round) {
    for (size_t i = 0; i < kOutlets.size(); ++i) {
      server_.Serve("/f" + std::to_string(i), 200, Feed(kOutlets[i], round, expect_.guids[kOutlets[i]]));
    }
  }
  // Turns every outlet's state back into the single file of earlier versions
  // and commits that, so kills also land in a run that converts it.
  void MakeStateOld() {
    for (const std::string& outlet : kOutlets) {
      auto state = ReadOutletState(mirror_, outlet);
      ASSERT_TRUE(state.ok()) << state.status().message();
      std::filesystem::remove_all(mirror_ + "/" + layout::OutletStateDir(outlet));
      ASSERT_TRUE(WriteFileAtomic(mirror_ + "/" + layout::LegacyOutletStatePath(outlet), SerializeOutletState(*state)).ok());
    }
    int rc = -1;
    Shell("git -C '" + mirror_ + "' add -A && git -C '" + mirror_ +
              "' -c user.name=T -c user.email=t@example.invalid commit -qm 'old state'",
          &rc);
    ASSERT_EQ(rc, 0);
  }
  std::vector<std::string> Args() { return {"run", "--config", config_, "--out", mirror_, "--commit", "-q"}; }
  void Trial(int trial, const std::string& stage, int delay_ms, bool* killed, bool* paused);
  void EveryStep(bool old_state);
  void RandomKills(unsigned seed, int want);

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  std::string config_;
  TestHttpServer server_;
  MirrorExpectation expect_;
};

const std::vector<std::string> kStages = {"fetched",       "before-journal", "journal-written", "mid-write",
                                          "files-written", "before-commit",  "index-written"};

// One trial: serve the next round, start a run, kill it (paused at `stage`,
// or after a random delay when `stage` is empty), then run again normally and
// check the mirror. Returns whether the run was killed (a random delay may
// outlast it) and sets *paused when it stopped at its step.
void CrashTest::Trial(int trial, const std::string& stage, int delay_ms, bool* killed, bool* paused) {
  *killed = *paused = false;
  ServeRound(trial);
  std::string err_path = dir_.path() + "/stderr-" + std::to_string(trial);
  std::vector<std::string> env = TestGitEnv();
  bool aimed = !stage.empty();
  if (aimed) env.push_back("NEWSMIRROR_TEST_PAUSE_AT=" + stage);
  pid_t pid = Spawn(Args(), env, err_path);
  ASSERT_GT(pid, 0);
  if (aimed) {
    // Wait until it stops at the step (or ends without reaching it).
    auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      auto err = ReadFile(err_path);
      if (err.ok() && err->find("paused at " + stage) != std::string::npos) {
        *paused = true;
        break;
      }
      if (::waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
  if (pid > 0) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    *killed = WIFSIGNALED(status);
  }
  // A kill inside libgit2's index write leaves its lock behind.
  if (trial % 3 == 0 && ::access((mirror_ + "/.git").c_str(), F_OK) == 0) {
    ASSERT_TRUE(WriteFileAtomic(mirror_ + "/.git/index.lock", "").ok());
  }
  std::string what = "trial " + std::to_string(trial) + (aimed ? " at " + stage : " random");
  CliResult again = RunNewsmirror(Args(), TestGitEnv());
  ASSERT_EQ(again.exit_code, 0) << what << ": " << again.err;
  std::vector<std::string> problems = MirrorProblems(mirror_, expect_);
  ASSERT_TRUE(problems.empty()) << what << ":\n" << JoinProblems(problems);
}

// Each named step once, in a mirror whose state is current (`old_state`
// false) or in one of earlier versions that the killed run converts.
void CrashTest::EveryStep(bool old_state) {
  ServeRound(0);
  CliResult first = RunNewsmirror(Args(), TestGitEnv());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int paused = 0;
  for (size_t i = 0; i < kStages.size(); ++i) {
    if (old_state) MakeStateOld();
    bool killed = false, stopped = false;
    Trial(static_cast<int>(i) + 1, kStages[i], 0, &killed, &stopped);
    if (HasFatalFailure()) return;
    paused += stopped;
  }
  EXPECT_GE(paused, static_cast<int>(kStages.size()) - 1);  // every step but at most one is reached
}

// Kills after random delays within the first run's duration, until `want`
// runs were killed (at most twice as many trials).
void CrashTest::RandomKills(unsigned seed, int want) {
  ServeRound(0);
  auto t0 = Clock::now();
  CliResult first = RunNewsmirror(Args(), TestGitEnv());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int run_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay(0, std::max(1, run_ms * 3 / 4));
  int killed = 0;
  for (int trial = 1; trial <= 2 * want && killed < want; ++trial) {
    if (trial % 4 == 3) MakeStateOld();
    bool k = false, stopped = false;
    Trial(trial, "", delay(rng), &k, &stopped);
    if (HasFatalFailure()) return;
    killed += k;
  }
  EXPECT_GE(killed, want);
}

TEST_F(CrashTest, KilledAtEveryStepTheMirrorStaysConsistent) { EveryStep(false); }

TEST_F(CrashTest, KilledAtEveryStepWhileConvertingOldStateTheMirrorStaysConsistent) { EveryStep(true); }

TEST_F(CrashTest, KilledAtRandomMomentsTheMirrorStaysConsistent) { RandomKills(20240101, 12); }

TEST_F(CrashTest, KilledAtOtherRandomMomentsTheMirrorStaysConsistent) { RandomKills(20241231, 12); }

// After a kill -9 between writing and committing, the next run's commit
// takes what the killed run wrote along, and its message says so: how many
// articles are new and updated, per outlet, beside what the run itself adds.
TEST_F(CrashTest, TheCommitThatCompletesAKilledRunSaysWhatItCommits) {
  ServeRound(0);  // items 0-3 of each outlet
  ASSERT_EQ(RunNewsmirror(Args(), TestGitEnv()).exit_code, 0);
  ServeRound(1);  // items 4 and 5 are new, item 3's text changed: 2 new, 1 updated per outlet
  std::vector<std::string> env = TestGitEnv();
  env.push_back("NEWSMIRROR_TEST_PAUSE_AT=before-commit");
  std::string err_path = dir_.path() + "/stderr-killed";
  // Starts a run, waits until it stops just before its commit, and kills it there.
  auto kill_before_commit = [&] {
    std::filesystem::remove(err_path);  // the last run's "paused at" is not this one's
    pid_t pid = Spawn(Args(), env, err_path);
    bool paused = false;
    for (auto deadline = Clock::now() + std::chrono::seconds(20); pid > 0 && Clock::now() < deadline && !paused;) {
      auto err = ReadFile(err_path);
      paused = err.ok() && err->find("paused at before-commit") != std::string::npos;
      if (!paused) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return paused;
  };
  ASSERT_TRUE(kill_before_commit()) << *ReadFile(err_path);
  std::string before = Shell("git -C '" + mirror_ + "' rev-parse HEAD");

  // Nothing new since: the commit is the killed run's work alone.
  CliResult again = RunNewsmirror(Args(), TestGitEnv());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(Shell("git -C '" + mirror_ + "' rev-parse HEAD"), before) << "the killed run's files are committed";
  std::string message = Shell("git -C '" + mirror_ + "' log -1 --format=%B");
  EXPECT_EQ(message.substr(0, message.find('\n')), "Archive 6 new, 3 updated articles left uncommitted by an earlier run")
      << message;
  for (const std::string& outlet : kOutlets) {
    EXPECT_NE(message.find(outlet + ": 2 new, 1 updated\n"), std::string::npos) << message;
  }
  EXPECT_EQ(message.find("Update the mirror's index and state"), std::string::npos) << message;
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);

  // Killed again, and the next run has news of its own: both are told apart.
  ServeRound(2);  // 2 new, 1 updated per outlet again
  ASSERT_TRUE(kill_before_commit()) << *ReadFile(err_path);
  ServeRound(3);
  again = RunNewsmirror(Args(), TestGitEnv());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  message = Shell("git -C '" + mirror_ + "' log -1 --format=%B");
  EXPECT_EQ(message.substr(0, message.find('\n')),
            "Archive 6 new, 3 updated articles, and 6 new, 3 updated articles left uncommitted by an earlier run")
      << message;
  EXPECT_NE(message.find("Left uncommitted by an earlier run (interrupted, or run without --commit):\n"),
            std::string::npos)
      << message;
}

// The recovery rule for git's lock file: one older than the run is removed,
// one that appeared while the run holds its lock is another git's, reported
// as busy with its name.
TEST(StaleGitLockTest, OldLockIsRemovedNewLockIsReportedByName) {
  TempDir dir;
  std::string repo = dir.path() + "/repo";
  ASSERT_TRUE(EnsureRepository(repo).ok());
  ASSERT_TRUE(WriteFileAtomic(repo + "/a.md", "a\n").ok());
  std::string lock = repo + "/.git/index.lock";
  ASSERT_TRUE(WriteFileAtomic(lock, "").ok());
  auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };

  CommitOptions before_lock;
  before_lock.remove_locks_before_ns = now_ns() - 60'000'000'000LL;
  auto busy = Commit(repo, "m\n", before_lock);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().kind(), Status::Kind::kBusy);
  EXPECT_NE(busy.status().message().find(lock), std::string::npos) << busy.status().message();
  EXPECT_EQ(::access(lock.c_str(), F_OK), 0);

  CommitOptions after_lock;
  after_lock.remove_locks_before_ns = now_ns();
  auto done = Commit(repo, "m\n", after_lock);
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->committed);
  EXPECT_NE(::access(lock.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace nm

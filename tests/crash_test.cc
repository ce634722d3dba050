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
      std::filesystem::remove_all(mirror_ + "/" + OutletStateDir(outlet));
      ASSERT_TRUE(WriteFileAtomic(mirror_ + "/" + LegacyOutletStatePath(outlet), SerializeOutletState(*state)).ok());
    }
    int rc = -1;
    Shell("git -C '" + mirror_ + "' add -A && git -C '" + mirror_ +
              "' -c user.name=T -c user.email=t@example.invalid commit -qm 'old state'",
          &rc);
    ASSERT_EQ(rc, 0);
  }
  // The steps of a run, the commit's included: its objects written, the
  // branch moved, the index brought up to date.
  static const std::vector<std::string>& AllStages() {
    static const std::vector<std::string> stages = {"fetched",        "before-journal", "journal-written",
                                                    "mid-write",      "files-written",  "before-commit",
                                                    "commit-written", "branch-moved",   "index-written"};
    return stages;
  }
  // Runs trials until `min_killed` were killed (between `min_trials` and
  // `max_trials`): each serves a new round, starts a run, kills it at one of
  // `stages` (every other trial, in turn) or at a random moment, then runs
  // again normally and checks the mirror.
  void KillRuns(int min_trials, int max_trials, int min_killed, bool convert_state,
                const std::vector<std::string>& stages) {
    ServeRound(0);
    auto t0 = Clock::now();
    CliResult first = RunNewsmirror(Args(), TestGitEnv());
    ASSERT_EQ(first.exit_code, 0) << first.err;
    int run_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());

    std::mt19937 rng(20240101);
    // A random delay may outlast the run; trials go on until enough were killed.
    int killed = 0, paused = 0, trial = 1, aimed_trials = 0;
    for (; trial <= max_trials && (trial <= min_trials || killed < min_killed); ++trial) {
      if (convert_state && trial % 4 == 3) MakeStateOld();
      ServeRound(trial);
      std::string err_path = dir_.path() + "/stderr-" + std::to_string(trial);
      std::vector<std::string> env = TestGitEnv();
      bool aimed = trial % 2 == 0;
      std::string stage = stages[(trial / 2) % stages.size()];
      if (aimed) env.push_back("NEWSMIRROR_TEST_PAUSE_AT=" + stage);
      aimed_trials += aimed;
      pid_t pid = Spawn(Args(), env, err_path);
      ASSERT_GT(pid, 0);
      if (aimed) {
        // Wait until it stops at the step (or ends without reaching it).
        auto deadline = Clock::now() + std::chrono::seconds(10);
        while (Clock::now() < deadline) {
          auto err = ReadFile(err_path);
          if (err.ok() && err->find("paused at " + stage) != std::string::npos) {
            ++paused;
            break;
          }
          if (::waitpid(pid, nullptr, WNOHANG) == pid) {
            pid = -1;
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      } else {
        std::uniform_int_distribution<int> delay(0, std::max(1, run_ms * 3 / 4));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
      }
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) ++killed;
      }
      // A kill inside git's index write leaves its lock behind.
      if (trial % 9 == 0 && ::access((mirror_ + "/.git").c_str(), F_OK) == 0) {
        ASSERT_TRUE(WriteFileAtomic(mirror_ + "/.git/index.lock", "").ok());
      }

      CliResult again = RunNewsmirror(Args(), TestGitEnv());
      ASSERT_EQ(again.exit_code, 0) << "trial " << trial << (aimed ? " at " + stage : " random") << ": "
                                    << again.err;
      std::vector<std::string> problems = MirrorProblems(mirror_, expect_);
      ASSERT_TRUE(problems.empty()) << "trial " << trial << (aimed ? " at " + stage : " random") << ":\n"
                                    << JoinProblems(problems);
    }
    EXPECT_GE(killed, min_killed);
    EXPECT_GE(paused, aimed_trials - 2);  // every step is reached
  }
  std::vector<std::string> Args() { return {"run", "--config", config_, "--out", mirror_, "--commit", "-q"}; }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  std::string config_;
  TestHttpServer server_;
  MirrorExpectation expect_;
};

TEST_F(CrashTest, KilledRunsAtRandomMomentsAndEveryStepLeaveAConsistentMirror) {
  KillRuns(56, 90, 50, /*convert_state=*/true, AllStages());
}

// The same in the checkout of an hourly job: a depth-1, blob-less, sparse
// clone (state/ lists/ feeds/), whose article files live in git alone.
TEST_F(CrashTest, KilledRunsInAShallowBlobLessSparseCloneLeaveAConsistentMirror) {
  ServeRound(0);
  std::string seed = dir_.path() + "/seed", remote = dir_.path() + "/remote.git";
  CliResult first = RunNewsmirror({"run", "--config", config_, "--out", seed, "--commit", "-q"}, TestGitEnv());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int rc = -1;
  Shell("git clone -q --bare '" + seed + "' '" + remote + "' && git -C '" + remote +
            "' config uploadpack.allowFilter true && git clone -q --depth 1 --filter=blob:none --sparse 'file://" +
            remote + "' '" + mirror_ + "' && git -C '" + mirror_ +
            "' sparse-checkout set --cone --sparse-index state lists feeds",
        &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_FALSE(std::filesystem::exists(mirror_ + "/articles"));
  // What differs from a full checkout is the commit: each of its steps is
  // aimed at, the rest of the run is reached by the random kills.
  KillRuns(8, 16, 6, /*convert_state=*/false, {"before-commit", "commit-written", "branch-moved", "index-written"});
  EXPECT_FALSE(std::filesystem::exists(mirror_ + "/articles"));
}

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

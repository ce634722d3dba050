#include "publish/git_repo.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <git2.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "support/temp_dir.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

// Runs a shell command; returns its standard output, or nullopt when it failed.
std::optional<std::string> Shell(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (rc != 0) return std::nullopt;
  return out;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The test's own git commands carry an identity so that they never depend on
// the machine's configuration.
std::string Git(const std::string& dir, const std::string& args) {
  auto out = Shell("git -c user.name=Tester -c user.email=tester@example.org -C " + Quote(dir) + " " + args);
  EXPECT_TRUE(out.has_value()) << "git " << args << " failed in " << dir;
  return out.value_or("");
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Sets (or unsets, with nullptr) an environment variable for one scope.
class EnvGuard {
 public:
  EnvGuard(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1); else unsetenv(name);
  }
  ~EnvGuard() {
    if (old_) setenv(name_.c_str(), old_->c_str(), 1); else unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Hides the machine's global and system git configuration from libgit2 for
// one scope, so that newsmirror's fallback identity is what remains.
class NoGlobalGitConfig {
 public:
  explicit NoGlobalGitConfig(const std::string& empty_dir) {
    git_libgit2_init();
    for (int level : kLevels) {
      git_buf buf = GIT_BUF_INIT;
      git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, level, &buf);
      saved_.emplace_back(buf.ptr ? std::string(buf.ptr, buf.size) : std::string());
      git_buf_dispose(&buf);
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, empty_dir.c_str());
    }
  }
  ~NoGlobalGitConfig() {
    for (size_t i = 0; i < std::size(kLevels); ++i) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, kLevels[i], saved_[i].c_str());
    }
    git_libgit2_shutdown();
  }

 private:
  static constexpr int kLevels[] = {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL};
  std::vector<std::string> saved_;
};

// A work tree with a repository and some remotes; everything under one TempDir.
class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = tmp_.path() + "/mirror";
    ASSERT_TRUE(EnsureRepository(work_).ok());
  }
  std::string AddBareRemote(const std::string& name) {
    std::string bare = tmp_.path() + "/" + name + ".git";
    Git(tmp_.path(), "init -q --bare " + Quote(bare));
    Git(work_, "remote add " + name + " " + Quote(bare));
    return bare;
  }
  std::string CommitOrDie(const std::string& message) {
    auto r = Commit(work_, message);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->oid : "";
  }
  std::string Tree() { return Git(work_, "-c core.quotepath=off ls-tree -r --name-only HEAD"); }

  TempDir tmp_;
  std::string work_;
};

TEST(EnsureRepositoryTest, CreatesRepositoryOnMainAndIsIdempotent) {
  TempDir tmp;
  std::string dir = tmp.path() + "/new/mirror";
  ASSERT_TRUE(EnsureRepository(dir).ok());
  EXPECT_TRUE(fs::is_directory(dir + "/.git"));
  EXPECT_EQ(Trim(Git(dir, "symbolic-ref HEAD")), "refs/heads/main");
  EXPECT_EQ(Trim(Git(dir, "rev-parse --is-bare-repository")), "false");
  ASSERT_TRUE(EnsureRepository(dir).ok());
  EXPECT_EQ(Trim(Git(dir, "symbolic-ref HEAD")), "refs/heads/main");
}

TEST(EnsureRepositoryTest, LeavesAnExistingRepositoryAlone) {
  TempDir tmp;
  Git(tmp.path(), "init -q -b trunk repo");
  ASSERT_TRUE(EnsureRepository(tmp.path() + "/repo").ok());
  EXPECT_EQ(Trim(Git(tmp.path() + "/repo", "symbolic-ref HEAD")), "refs/heads/trunk");
}

TEST(EnsureRepositoryTest, CreatesItsOwnRepositoryInsideAnotherCheckout) {
  TempDir tmp;
  Git(tmp.path(), "init -q outer");
  std::string inner = tmp.path() + "/outer/mirror";
  fs::create_directories(inner);
  ASSERT_TRUE(EnsureRepository(inner).ok());
  EXPECT_TRUE(fs::is_directory(inner + "/.git"));
}

TEST_F(GitRepoTest, CommitsNewFilesWithTheExactMessage) {
  Write(work_ + "/README.md", "# index\n");
  Write(work_ + "/articles/voa/1048574.md", "<!--1-->\n");
  const std::string message = "Mirror update: 2 new articles\n\n- voa: 1\n";
  auto r = Commit(work_, message);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->oid, Trim(Git(work_, "rev-parse HEAD")));
  EXPECT_EQ(Tree(), "README.md\narticles/voa/1048574.md\n");
  std::string raw = Git(work_, "cat-file commit HEAD");
  EXPECT_EQ(raw.substr(raw.find("\n\n") + 2), message);
  EXPECT_EQ(Trim(Git(work_, "rev-list --count HEAD")), "1");
  EXPECT_EQ(Git(work_, "status --porcelain"), "");
}

TEST_F(GitRepoTest, NothingChangedMeansNoCommit) {
  Write(work_ + "/a.md", "a\n");
  std::string first = CommitOrDie("first");
  auto r = Commit(work_, "second");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->committed);
  EXPECT_EQ(r->oid, first);
  EXPECT_EQ(Trim(Git(work_, "rev-parse HEAD")), first);
}

TEST_F(GitRepoTest, CommitsModificationsAndDeletions) {
  Write(work_ + "/keep.md", "old\n");
  Write(work_ + "/gone.md", "bye\n");
  Write(work_ + "/dir/gone-too.md", "bye\n");
  std::string first = CommitOrDie("first");
  Write(work_ + "/keep.md", "new\n");
  fs::remove(work_ + "/gone.md");
  fs::remove_all(work_ + "/dir");
  auto r = Commit(work_, "second");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(Tree(), "keep.md\n");
  EXPECT_EQ(Git(work_, "show HEAD:keep.md"), "new\n");
  EXPECT_EQ(Trim(Git(work_, "rev-parse HEAD^")), first);
  EXPECT_EQ(Git(work_, "status --porcelain"), "");
}

TEST_F(GitRepoTest, WhatOthersStagedStaysStagedAndOutOfTheRunsCommit) {
  Write(work_ + "/README.md", "# index\n");
  Write(work_ + "/notes.md", "v1\n");
  CommitOrDie("first");
  // The operator's own work, staged: a new file, a change and a removal.
  Write(work_ + "/draft.md", "mine\n");
  Write(work_ + "/notes.md", "v2\n");
  Git(work_, "add draft.md notes.md");
  Write(work_ + "/old.md", "x\n");
  // The run's files: one new, one changed.
  Write(work_ + "/articles/voa/1048574.md", "<!--1-->\n");
  Write(work_ + "/README.md", "# index 2\n");
  CommitOptions options;
  options.files = std::vector<std::string>{"articles/voa/1048574.md", "README.md", "articles/voa/1048574.md"};
  auto r = Commit(work_, "run", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(Tree(), "README.md\narticles/voa/1048574.md\nnotes.md\n");
  EXPECT_EQ(Git(work_, "show HEAD:notes.md"), "v1\n");
  EXPECT_EQ(Git(work_, "show HEAD:README.md"), "# index 2\n");
  // Still staged, as they were: git sees them as changes to commit.
  EXPECT_EQ(Git(work_, "diff --cached --name-status"), "A\tdraft.md\nM\tnotes.md\n");
  // A removal the run makes is committed too, and nothing else.
  fs::remove(work_ + "/articles/voa/1048574.md");
  options.files = std::vector<std::string>{"articles/voa/1048574.md"};
  r = Commit(work_, "run 2", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Tree(), "README.md\nnotes.md\n");
  EXPECT_EQ(Git(work_, "diff --cached --name-status"), "A\tdraft.md\nM\tnotes.md\n");
  EXPECT_EQ(Trim(Git(work_, "rev-list --count HEAD")), "3");
}

TEST_F(GitRepoTest, ARunsPathThroughALinkOrOutsideTheWorkTreeIsRefusedAndNothingIsCommitted) {
  Write(work_ + "/README.md", "# index\n");
  std::string first = CommitOrDie("first");
  Write(tmp_.path() + "/outside/secret.md", "not the mirror's\n");
  fs::create_directories(work_ + "/articles");
  fs::create_symlink(tmp_.path() + "/outside", work_ + "/articles/voa");
  for (const std::string& hostile : {std::string("articles/voa/secret.md"), std::string("../outside/secret.md"),
                                     std::string("/etc/passwd")}) {
    SCOPED_TRACE(hostile);
    CommitOptions options;
    options.files = std::vector<std::string>{"README.md", hostile};
    Write(work_ + "/README.md", "# index " + hostile + "\n");
    auto r = Commit(work_, "run", options);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Trim(Git(work_, "rev-parse HEAD")), first);
    EXPECT_EQ(Tree(), "README.md\n");
  }
}

TEST_F(GitRepoTest, IgnoredFilesAreNotCommitted) {
  Write(work_ + "/.gitignore", "*.tmp\ncache/\n");
  Write(work_ + "/article.md", "x\n");
  Write(work_ + "/partial.tmp", "x\n");
  Write(work_ + "/cache/index.sqlite", "x\n");
  Write(work_ + "/articles/rfi/half.tmp", "x\n");
  CommitOrDie("first");
  EXPECT_EQ(Tree(), ".gitignore\narticle.md\n");
}

TEST_F(GitRepoTest, ChineseFileAndFolderNamesKeepTheirBytes) {
  const std::string a = "articles/美国之音/1048574_习近平会见外宾：全文.md";
  const std::string b = "lists/德国之声.md";
  Write(work_ + "/" + a, "正文\n");
  Write(work_ + "/" + b, "列表\n");
  CommitOrDie("中文提交");
  EXPECT_EQ(Tree(), a + "\n" + b + "\n");
  EXPECT_EQ(Git(work_, "show " + Quote("HEAD:" + a)), "正文\n");
  EXPECT_EQ(Trim(Git(work_, "log -1 --format=%s")), "中文提交");
}

TEST_F(GitRepoTest, IdentityFallsBackToNewsmirrorThenFollowsConfig) {
  EnvGuard n1("GIT_AUTHOR_NAME", nullptr), n2("GIT_AUTHOR_EMAIL", nullptr);
  EnvGuard n3("GIT_COMMITTER_NAME", nullptr), n4("GIT_COMMITTER_EMAIL", nullptr);
  TempDir empty;
  NoGlobalGitConfig hide(empty.path());
  Write(work_ + "/a.md", "1\n");
  CommitOrDie("one");
  EXPECT_EQ(Trim(Git(work_, "log -1 --format=%an/%ae/%cn/%ce")),
            "newsmirror/newsmirror@localhost/newsmirror/newsmirror@localhost");

  Git(work_, "config user.name 'Mirror Bot'");
  Git(work_, "config user.email bot@mirror.example");
  Write(work_ + "/a.md", "2\n");
  CommitOrDie("two");
  EXPECT_EQ(Trim(Git(work_, "log -1 --format=%an/%ae/%cn/%ce")),
            "Mirror Bot/bot@mirror.example/Mirror Bot/bot@mirror.example");
}

TEST_F(GitRepoTest, AuthorFromEnvironmentWins) {
  Git(work_, "config user.name 'Mirror Bot'");
  Git(work_, "config user.email bot@mirror.example");
  EnvGuard c1("GIT_COMMITTER_NAME", nullptr), c2("GIT_COMMITTER_EMAIL", nullptr);
  EnvGuard a2("GIT_AUTHOR_EMAIL", nullptr);
  {
    EnvGuard a1("GIT_AUTHOR_NAME", "CI 机器人");
    Write(work_ + "/a.md", "1\n");
    CommitOrDie("one");
  }
  EXPECT_EQ(Trim(Git(work_, "log -1 --format=%an/%ae/%cn")), "CI 机器人/bot@mirror.example/Mirror Bot");
  Write(work_ + "/a.md", "2\n");
  CommitOrDie("two");
  EXPECT_EQ(Trim(Git(work_, "log -1 --format=%an")), "Mirror Bot");
}

TEST_F(GitRepoTest, StaleIndexLockIsReportedAndKept) {
  Write(work_ + "/a.md", "1\n");
  const std::string lock = work_ + "/.git/index.lock";
  Write(lock, "");
  auto r = Commit(work_, "one");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kBusy);
  EXPECT_NE(r.status().message().find(lock), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("remove"), std::string::npos);
  EXPECT_TRUE(fs::exists(lock));
  EXPECT_FALSE(Shell("git -C " + Quote(work_) + " rev-parse -q --verify HEAD").has_value());
  fs::remove(lock);
  EXPECT_TRUE(Commit(work_, "one").ok());
}

TEST_F(GitRepoTest, CommitWithoutRepositoryIsNotFound) {
  auto r = Commit(tmp_.path() + "/elsewhere", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
}

TEST_F(GitRepoTest, PushesToEveryRemote) {
  std::string a = AddBareRemote("origin");
  std::string b = AddBareRemote("backup");
  Write(work_ + "/a.md", "1\n");
  std::string oid = CommitOrDie("one");
  auto out = Push(work_, {"origin", "backup"});
  ASSERT_EQ(out.size(), 2u);
  for (const auto& o : out) EXPECT_TRUE(o.status.ok()) << o.remote << ": " << o.status.message();
  for (const auto& o : out) EXPECT_FALSE(o.rejected);
  EXPECT_EQ(out[0].remote, "origin");
  EXPECT_EQ(out[1].remote, "backup");
  EXPECT_EQ(Trim(Git(a, "rev-parse refs/heads/main")), oid);
  EXPECT_EQ(Trim(Git(b, "rev-parse refs/heads/main")), oid);

  // A second run fast-forwards.
  Write(work_ + "/b.md", "2\n");
  std::string next = CommitOrDie("two");
  for (const auto& o : Push(work_, {"origin", "backup"})) EXPECT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(Trim(Git(a, "rev-parse refs/heads/main")), next);
  EXPECT_EQ(Trim(Git(b, "rev-parse refs/heads/main")), next);
}

TEST_F(GitRepoTest, OneUnreachableRemoteDoesNotStopTheOthers) {
  std::string a = AddBareRemote("first");
  std::string missing = tmp_.path() + "/no-such-remote.git";
  Git(work_, "remote add broken " + Quote(missing));
  std::string c = AddBareRemote("third");
  Write(work_ + "/a.md", "1\n");
  std::string oid = CommitOrDie("one");
  auto out = Push(work_, {"first", "broken", "third", "unknown"});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].status.ok()) << out[0].status.message();
  EXPECT_TRUE(out[2].status.ok()) << out[2].status.message();
  EXPECT_EQ(out[1].remote, "broken");
  ASSERT_FALSE(out[1].status.ok());
  EXPECT_NE(out[1].status.message().find("'broken'"), std::string::npos) << out[1].status.message();
  EXPECT_NE(out[1].status.message().find(missing), std::string::npos) << out[1].status.message();
  EXPECT_NE(out[1].status.message().find("no repository"), std::string::npos) << out[1].status.message();
  ASSERT_FALSE(out[3].status.ok());
  EXPECT_EQ(out[3].status.kind(), Status::Kind::kNotFound);
  EXPECT_NE(out[3].status.message().find("'unknown'"), std::string::npos);
  EXPECT_EQ(Trim(Git(a, "rev-parse refs/heads/main")), oid);
  EXPECT_EQ(Trim(Git(c, "rev-parse refs/heads/main")), oid);
}

TEST_F(GitRepoTest, DivergedRemoteIsReportedAsFailure) {
  std::string bare = AddBareRemote("origin");
  Write(work_ + "/a.md", "1\n");
  CommitOrDie("one");
  ASSERT_TRUE(Push(work_, {"origin"})[0].status.ok());
  // Someone else pushes a commit this mirror lacks.
  std::string other = tmp_.path() + "/other";
  Git(tmp_.path(), "clone -q -b main " + Quote(bare) + " " + Quote(other));
  Write(other + "/theirs.md", "x\n");
  Git(other, "add theirs.md");
  Git(other, "commit -q -m theirs");
  Git(other, "push -q origin main");
  std::string theirs = Trim(Git(bare, "rev-parse refs/heads/main"));

  Write(work_ + "/b.md", "2\n");
  CommitOrDie("two");
  auto out = Push(work_, {"origin"});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_FALSE(out[0].status.ok());
  EXPECT_NE(out[0].status.message().find("'origin'"), std::string::npos) << out[0].status.message();
  EXPECT_TRUE(out[0].rejected);
  EXPECT_NE(out[0].status.message().find("fetch"), std::string::npos) << out[0].status.message();
  EXPECT_EQ(Trim(Git(bare, "rev-parse refs/heads/main")), theirs);
}

TEST_F(GitRepoTest, PushBeforeAnyCommitFailsForEachRemote) {
  AddBareRemote("origin");
  auto out = Push(work_, {"origin"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].status.ok());
  EXPECT_NE(out[0].status.message().find("refs/heads/main"), std::string::npos) << out[0].status.message();
}


// ---- Committing a list of files -----------------------------------------

CommitOptions Files(std::vector<std::string> files, const std::string& pending = "") {
  CommitOptions o;
  o.files = std::move(files);
  o.pending_file = pending;
  return o;
}

size_t LooseObjects(const std::string& repo) {
  size_t n = 0;
  for (const auto& dir : fs::directory_iterator(repo + "/.git/objects")) {
    std::string name = dir.path().filename().string();
    if (name.size() != 2) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) n += f.is_regular_file();
  }
  return n;
}

TEST_F(GitRepoTest, ListedFilesAreCommittedWhatTheUserStagedStaysStaged) {
  Write(work_ + "/state/a.tsv", "1\n");
  Write(work_ + "/theirs.md", "theirs\n");
  CommitOrDie("first");
  Write(work_ + "/theirs.md", "changed by the user\n");
  Write(work_ + "/notes.md", "new, by the user\n");
  Git(work_, "add theirs.md notes.md");
  Write(work_ + "/state/a.tsv", "2\n");
  Write(work_ + "/articles/a/1048574.md", "new\n");
  auto r = Commit(work_, "run\n", Files({"state/a.tsv", "articles/a/1048574.md"}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->committed);
  EXPECT_EQ(r->note, "");
  EXPECT_EQ(Git(work_, "diff-tree -r --name-only HEAD^ HEAD"), "articles/a/1048574.md\nstate/a.tsv\n");
  EXPECT_EQ(Git(work_, "show HEAD:theirs.md"), "theirs\n");
  EXPECT_EQ(Git(work_, "status --porcelain"), "A  notes.md\nM  theirs.md\n");
  // The reflog says what git's would.
  EXPECT_EQ(Trim(Git(work_, "reflog -1 --format=%gs HEAD")), "commit: run");
}

TEST_F(GitRepoTest, OnlyTheTreesOnTheChangedPathsAreWritten) {
  for (const char* f : {"x/a.md", "x/b.md", "y/a.md", "z/deep/a.md", "z/deep/b.md", "top.md"}) {
    Write(work_ + "/" + f, std::string(f) + "\n");
  }
  CommitOrDie("first");
  size_t before = LooseObjects(work_);
  Write(work_ + "/z/deep/c.md", "c\n");
  auto r = Commit(work_, "run\n", Files({"z/deep/c.md"}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  // The blob, three trees (root, z, z/deep) and the commit; nothing else.
  EXPECT_EQ(LooseObjects(work_), before + 5);
  EXPECT_EQ(Git(work_, "diff-tree -t -r --name-only HEAD^ HEAD"), "z\nz/deep\nz/deep/c.md\n");
  for (const char* same : {"x", "y", "top.md"}) {
    EXPECT_EQ(Git(work_, std::string("rev-parse HEAD:") + same), Git(work_, std::string("rev-parse HEAD^:") + same));
  }
  EXPECT_EQ(Git(work_, "ls-tree -r --name-only HEAD"), "top.md\nx/a.md\nx/b.md\ny/a.md\nz/deep/a.md\nz/deep/b.md\nz/deep/c.md\n");
  // What git itself would build from the same files.
  EXPECT_EQ(Trim(Git(work_, "rev-parse HEAD^{tree}")), Trim(Git(work_, "write-tree")));
}

TEST_F(GitRepoTest, ListedFilesThatAreGoneAreRemovedWithTheirEmptyFolders) {
  Write(work_ + "/keep.md", "k\n");
  Write(work_ + "/a/b/gone.md", "g\n");
  Write(work_ + "/a/stay.md", "s\n");
  Write(work_ + "/c/only.md", "o\n");
  CommitOrDie("first");
  fs::remove(work_ + "/a/b/gone.md");
  fs::remove_all(work_ + "/c");
  Write(work_ + "/a/b-c.md", "sorts between b and stay\n");
  auto r = Commit(work_, "run\n", Files({"a/b/gone.md", "c/only.md", "a/b-c.md", "never/was.md"}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Git(work_, "ls-tree -r --name-only HEAD"), "a/b-c.md\na/stay.md\nkeep.md\n");
  EXPECT_EQ(Trim(Git(work_, "rev-parse HEAD^{tree}")), Trim(Git(work_, "write-tree")));
  EXPECT_EQ(Git(work_, "status --porcelain"), "");
  // Nothing listed changed: no commit.
  auto again = Commit(work_, "run\n", Files({"a/b-c.md"}));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->committed);
  EXPECT_EQ(again->oid, r->oid);
}

TEST_F(GitRepoTest, APathThroughASymbolicLinkIsRefused) {
  Write(work_ + "/a.md", "a\n");
  CommitOrDie("first");
  Write(tmp_.path() + "/elsewhere/victim.md", "outside\n");
  fs::create_directory_symlink(tmp_.path() + "/elsewhere", work_ + "/articles");
  auto r = Commit(work_, "run\n", Files({"articles/victim.md"}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("symbolic link"), std::string::npos) << r.status().message();
  EXPECT_EQ(Trim(Git(work_, "rev-list --count HEAD")), "1");
}

// A depth-1, blob-less, sparse clone of a remote, as an hourly job makes it.
class SparseCloneRepoTest : public GitRepoTest {
 protected:
  void SetUp() override {
    GitRepoTest::SetUp();
    Write(work_ + "/state/a/feed.tsv", "1\n");
    Write(work_ + "/lists/a.md", "list\n");
    Write(work_ + "/articles/a/1048574.md", "one\n");
    Write(work_ + "/articles/a/1048573.md", "two\n");
    Write(work_ + "/articles/b/1048574.md", "b\n");
    Write(work_ + "/README.md", "r\n");
    CommitOrDie("first");
    Write(work_ + "/articles/a/1048572.md", "three\n");
    Commit(work_, "second\n", Files({"articles/a/1048572.md"}));
    remote_ = tmp_.path() + "/remote.git";
    Git(tmp_.path(), "clone -q --bare " + Quote(work_) + " " + Quote(remote_));
    Git(remote_, "config uploadpack.allowFilter true");
    clone_ = tmp_.path() + "/clone";
    Git(tmp_.path(), "clone -q --depth 1 --filter=blob:none --sparse " + Quote("file://" + remote_) + " " +
                         Quote(clone_));
    Git(clone_, "sparse-checkout set --cone --sparse-index state lists");
  }
  std::string remote_, clone_;
};

TEST_F(SparseCloneRepoTest, CommitsAndPushesAFastForwardFromTheShallowClone) {
  ASSERT_FALSE(fs::exists(clone_ + "/articles"));
  Write(clone_ + "/state/a/feed.tsv", "2\n");
  Write(clone_ + "/articles/a/1048571.md", "four\n");
  Write(clone_ + "/articles/a/1048574.md", "one, corrected\n");
  std::string pending = ".git/newsmirror-commit";  // relative to the work tree
  auto r = Commit(clone_, "run\n", Files({"state/a/feed.tsv", "articles/a/1048571.md", "articles/a/1048574.md"}, pending));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->committed);
  EXPECT_EQ(r->note, "");
  EXPECT_FALSE(fs::exists(clone_ + "/" + pending));
  // The committed files outside the checkout left the work tree; the index
  // is still sparse and clean.
  EXPECT_FALSE(fs::exists(clone_ + "/articles"));
  EXPECT_EQ(Git(clone_, "status --porcelain"), "");
  std::string index = Git(clone_, "ls-files --sparse");
  EXPECT_NE(index.find("articles/\n"), std::string::npos) << index;
  EXPECT_EQ(Git(clone_, "show HEAD:articles/a/1048574.md"), "one, corrected\n");
  EXPECT_EQ(Git(clone_, "show HEAD:articles/a/1048573.md"), "two\n");
  EXPECT_EQ(Git(clone_, "diff-tree -r --name-only HEAD^ HEAD"),
            "articles/a/1048571.md\narticles/a/1048574.md\nstate/a/feed.tsv\n");
  // The other outlet's folder is the very tree it was.
  EXPECT_EQ(Git(clone_, "rev-parse HEAD:articles/b"), Git(clone_, "rev-parse HEAD^:articles/b"));

  std::string before = Trim(Git(remote_, "rev-parse HEAD"));
  auto pushed = Push(clone_, {"origin"});
  ASSERT_EQ(pushed.size(), 1u);
  ASSERT_TRUE(pushed[0].status.ok()) << pushed[0].status.message();
  EXPECT_EQ(Trim(Git(remote_, "rev-parse HEAD")), r->oid);
  EXPECT_EQ(Trim(Git(remote_, "rev-parse HEAD^")), before);
  Git(remote_, "fsck --no-progress");
}

TEST_F(SparseCloneRepoTest, AListedFileOutsideTheCheckoutThatIsNotThereStaysAsHeadHasIt) {
  Write(clone_ + "/lists/a.md", "list 2\n");
  auto r = Commit(clone_, "run\n", Files({"lists/a.md", "articles/a/1048573.md"}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Git(clone_, "diff-tree -r --name-only HEAD^ HEAD"), "lists/a.md\n");
  EXPECT_EQ(Git(clone_, "show HEAD:articles/a/1048573.md"), "two\n");
  EXPECT_EQ(Git(clone_, "status --porcelain"), "");
}

TEST_F(SparseCloneRepoTest, ACommitKilledAfterTheBranchMovedIsFinishedByTheNext) {
  Write(clone_ + "/articles/a/1048571.md", "four\n");
  Write(clone_ + "/lists/a.md", "list 2\n");
  std::vector<std::string> files = {"articles/a/1048571.md", "lists/a.md"};
  std::string pending = ".git/newsmirror-commit";  // relative to the work tree
  std::string head = Trim(Git(clone_, "rev-parse HEAD"));
  pid_t pid = fork();
  if (pid == 0) {
    setenv("NEWSMIRROR_TEST_PAUSE_AT", "branch-moved", 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    (void)Commit(clone_, "run\n", Files(files, pending));
    _exit(0);
  }
  ASSERT_GT(pid, 0);
  bool moved = false;
  for (int i = 0; i < 1000 && !moved; ++i) {
    auto now = Shell("git -C " + Quote(clone_) + " rev-parse HEAD");
    moved = now && Trim(*now) != head && fs::exists(clone_ + "/" + pending);
    if (!moved) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(moved) << "the commit never moved the branch";
  // Killed before the index and the work tree followed.
  EXPECT_NE(Git(clone_, "status --porcelain"), "");

  auto r = Commit(clone_, "run\n", Files(files, pending));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->committed);
  EXPECT_EQ(r->note, "");
  EXPECT_FALSE(fs::exists(clone_ + "/" + pending));
  EXPECT_FALSE(fs::exists(clone_ + "/articles"));
  EXPECT_EQ(Git(clone_, "status --porcelain"), "");
  EXPECT_EQ(Trim(Git(clone_, "rev-list --count HEAD")), "2");
}

int FreeLoopbackPort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

bool WaitForPort(int port) {
  for (int i = 0; i < 100; ++i) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool ok = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(s);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A server that refuses the update itself (here a pre-receive hook) answers
// with a per-ref status, which libgit2 does not turn into an error return.
TEST_F(GitRepoTest, RefRefusedByTheServerIsReportedAsFailure) {
  std::string root = tmp_.path() + "/served";
  fs::create_directories(root);
  Git(root, "init -q --bare target.git");
  Write(root + "/target.git/hooks/pre-receive", "#!/bin/sh\necho 'mirror is frozen' >&2\nexit 1\n");
  fs::permissions(root + "/target.git/hooks/pre-receive", fs::perms::owner_all);
  int port = FreeLoopbackPort();
  pid_t pid = fork();
  if (pid == 0) {
    std::string port_arg = "--port=" + std::to_string(port);
    std::string base_arg = "--base-path=" + root;
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    execlp("git", "git", "daemon", "--listen=127.0.0.1", port_arg.c_str(), base_arg.c_str(), "--export-all",
           "--enable=receive-pack", "--reuseaddr", root.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  struct Reaper {
    pid_t pid;
    ~Reaper() { kill(pid, SIGTERM); waitpid(pid, nullptr, 0); }
  } reaper{pid};
  ASSERT_TRUE(WaitForPort(port)) << "git daemon did not start";

  std::string url = "git://127.0.0.1:" + std::to_string(port) + "/target.git";
  Git(work_, "remote add served " + url);
  Write(work_ + "/a.md", "1\n");
  CommitOrDie("one");
  auto out = Push(work_, {"served"});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_FALSE(out[0].status.ok());
  const std::string& m = out[0].status.message();
  EXPECT_NE(m.find("'served'"), std::string::npos) << m;
  EXPECT_NE(m.find(url), std::string::npos) << m;
  EXPECT_NE(m.find("refs/heads/main"), std::string::npos) << m;
  EXPECT_FALSE(out[0].rejected) << m;  // refused by the server, not behind it
  EXPECT_FALSE(Shell("git -C " + Quote(root + "/target.git") + " rev-parse -q --verify refs/heads/main").has_value());
}

// An HTTP server that refuses every password: newsmirror offers the token,
// gives up after a few attempts and keeps the secret out of the message.
class RefusingHttpServer {
 public:
  RefusingHttpServer() {
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> l(mu_);
        ++requests_;
        if (req.has_header("Authorization")) authorizations_.push_back(req.get_header_value("Authorization"));
      }
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"mirror\"");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~RefusingHttpServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  int requests() { std::lock_guard<std::mutex> l(mu_); return requests_; }
  std::vector<std::string> authorizations() { std::lock_guard<std::mutex> l(mu_); return authorizations_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  int port_ = 0;
  int requests_ = 0;
  std::vector<std::string> authorizations_;
};

TEST_F(GitRepoTest, HttpTokenIsOfferedAndRefusalEndsTheAttempts) {
  RefusingHttpServer server;
  EnvGuard t1("NEWSMIRROR_GIT_TOKEN", "tok-secret-123"), t2("GITHUB_TOKEN", nullptr), t3("GH_TOKEN", nullptr);
  std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/mirror.git";
  Git(work_, "remote add web " + url);
  Write(work_ + "/a.md", "1\n");
  CommitOrDie("one");
  auto out = Push(work_, {"web"});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_FALSE(out[0].status.ok());
  const std::string& m = out[0].status.message();
  EXPECT_NE(m.find(url), std::string::npos) << m;
  EXPECT_EQ(m.find("tok-secret-123"), std::string::npos) << m;
  auto auths = server.authorizations();
  ASSERT_FALSE(auths.empty());
  // base64("x-access-token:tok-secret-123")
  EXPECT_EQ(auths[0], "Basic eC1hY2Nlc3MtdG9rZW46dG9rLXNlY3JldC0xMjM=");
  EXPECT_LE(server.requests(), 10);
}

TEST_F(GitRepoTest, HttpPasswordInUrlIsUsedAndRedacted) {
  RefusingHttpServer server;
  EnvGuard t1("NEWSMIRROR_GIT_TOKEN", nullptr), t2("GITHUB_TOKEN", nullptr), t3("GH_TOKEN", nullptr);
  std::string url = "http://bot:pa%24%24word@127.0.0.1:" + std::to_string(server.port()) + "/mirror.git";
  Git(work_, "remote add web " + Quote(url));
  Write(work_ + "/a.md", "1\n");
  CommitOrDie("one");
  auto out = Push(work_, {"web"});
  ASSERT_FALSE(out[0].status.ok());
  const std::string& m = out[0].status.message();
  EXPECT_EQ(m.find("pa%24%24word"), std::string::npos) << m;
  EXPECT_NE(m.find("bot:***@127.0.0.1"), std::string::npos) << m;
  auto auths = server.authorizations();
  ASSERT_FALSE(auths.empty());
  // base64("bot:pa$$word")
  EXPECT_EQ(auths[0], "Basic Ym90OnBhJCR3b3Jk");
}

TEST(RedactUrlTest, HidesPasswordsAndTokens) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"https://github.com/o/r.git", "https://github.com/o/r.git"},
      {"https://user:secret@github.com/o/r.git", "https://user:***@github.com/o/r.git"},
      {"https://ghp_abc@github.com/o/r.git", "https://***@github.com/o/r.git"},
      {"HTTP://u:p@host:8080/r?x=a@b", "HTTP://u:***@host:8080/r?x=a@b"},
      {"ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"},
      {"ssh://git:pw@github.com/o/r.git", "ssh://git:***@github.com/o/r.git"},
      {"git@github.com:o/r.git", "git@github.com:o/r.git"},
      {"/srv/git/mirror.git", "/srv/git/mirror.git"},
      {"file:///srv/git/mirror.git", "file:///srv/git/mirror.git"},
  };
  for (const auto& c : cases) EXPECT_EQ(RedactUrl(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace nm

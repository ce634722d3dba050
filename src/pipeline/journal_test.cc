#include "pipeline/journal.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/run_lock.h"
#include "layout/layout.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

TEST(JournalTest, ApplyWritesEveryFileAndRemovesTheJournal) {
  TempDir dir;
  ASSERT_TRUE(ApplyWrites(dir.path(), {{"articles/中文/1_a.md", "A\n"}, {"lists/中文.md", "L\n"}}).ok());
  EXPECT_EQ(*ReadFile(dir.path() + "/articles/中文/1_a.md"), "A\n");
  EXPECT_EQ(*ReadFile(dir.path() + "/lists/中文.md"), "L\n");
  EXPECT_FALSE(fs::exists((dir.path() + "/" + layout::JournalPath())));
}

TEST(JournalTest, DeletionsGoThroughTheJournalAndAreCommittedToo) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/state").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/x.tsv", "old\n").ok());
  PlannedWrite gone{"state/x.tsv", "", /*remove=*/true};
  ASSERT_TRUE(ApplyWrites(dir.path(), {gone, {"state/x/feed.tsv", "F\n"}}).ok());
  EXPECT_FALSE(fs::exists(dir.path() + "/state/x.tsv"));
  EXPECT_EQ(*ReadFile(dir.path() + "/state/x/feed.tsv"), "F\n");
  // The commit stages the deletion like a write.
  auto uncommitted = UncommittedFiles(dir.path());
  ASSERT_TRUE(uncommitted.ok());
  EXPECT_EQ(*uncommitted, (std::vector<std::string>{"state/x.tsv", "state/x/feed.tsv"}));
  // Deleting a file that is already gone (a replayed journal) is no error.
  EXPECT_TRUE(ApplyWrites(dir.path(), {gone}).ok());
}

TEST(JournalTest, AReplayedJournalDeletesToo) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/.newsmirror").ok());
  ASSERT_TRUE(MakeDirs(dir.path() + "/state").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/x.tsv", "old\n").ok());
  ASSERT_TRUE(WriteFileAtomic((dir.path() + "/" + layout::JournalPath()), "newsmirror-journal v1\nstate/x.tsv\n-\nstate/x/1.tsv\n2\nok\nend\n").ok());
  int replayed = 0;
  ASSERT_TRUE(RecoverJournal(dir.path(), &replayed).ok());
  EXPECT_EQ(replayed, 2);
  EXPECT_FALSE(fs::exists(dir.path() + "/state/x.tsv"));
  EXPECT_EQ(*ReadFile(dir.path() + "/state/x/1.tsv"), "ok");
}

// A run killed after its journal was complete: the next run finishes it.
TEST(JournalTest, CompleteJournalIsReplayed) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/.newsmirror").ok());
  std::string data = "payload with\nnewlines\n";
  std::string journal = "newsmirror-journal v1\nstate/x.tsv\n" + std::to_string(data.size()) + "\n" + data +
                        "\narticles/x/1.md\n2\nok\nend\n";
  ASSERT_TRUE(WriteFileAtomic((dir.path() + "/" + layout::JournalPath()), journal).ok());
  int replayed = 0;
  ASSERT_TRUE(RecoverJournal(dir.path(), &replayed).ok());
  EXPECT_EQ(replayed, 2);
  EXPECT_EQ(*ReadFile(dir.path() + "/state/x.tsv"), data);
  EXPECT_EQ(*ReadFile(dir.path() + "/articles/x/1.md"), "ok");
  EXPECT_FALSE(fs::exists((dir.path() + "/" + layout::JournalPath())));
}

// A run killed while writing its journal changed nothing, and the torn journal is dropped.
TEST(JournalTest, IncompleteJournalIsDropped) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/.newsmirror").ok());
  ASSERT_TRUE(WriteFileAtomic((dir.path() + "/" + layout::JournalPath()), "newsmirror-journal v1\nstate/x.tsv\n100\nshort").ok());
  int replayed = 0;
  ASSERT_TRUE(RecoverJournal(dir.path(), &replayed).ok());
  EXPECT_EQ(replayed, 0);
  EXPECT_FALSE(fs::exists(dir.path() + "/state/x.tsv"));
  EXPECT_FALSE(fs::exists((dir.path() + "/" + layout::JournalPath())));
}

TEST(JournalTest, JournalNeverWritesOutsideTheMirror) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/m/.newsmirror").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/m/" + layout::JournalPath(), "newsmirror-journal v1\n../evil\n1\nx\nend\n").ok());
  int replayed = 0;
  ASSERT_TRUE(RecoverJournal(dir.path() + "/m", &replayed).ok());
  EXPECT_EQ(replayed, 0);
  EXPECT_FALSE(fs::exists(dir.path() + "/evil"));
}

TEST(JournalTest, NoJournalIsFine) {
  TempDir dir;
  int replayed = -1;
  EXPECT_TRUE(RecoverJournal(dir.path(), &replayed).ok());
  EXPECT_EQ(replayed, 0);
}

TEST(RunLockTest, SecondHolderIsRefusedUntilTheFirstLetsGo) {
  TempDir dir;
  auto first = RunLock::Acquire(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = RunLock::Acquire(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().kind(), Status::Kind::kBusy);
  EXPECT_NE(second.status().message().find("another newsmirror run"), std::string::npos);
  { RunLock released = std::move(first).value(); }
  EXPECT_TRUE(RunLock::Acquire(dir.path()).ok());
}

TEST(JournalTest, AJournalNamingAnyOtherPathThanTheMirrorsFilesIsDroppedWhole) {
  for (const char* path : {".git/hooks/post-commit", "../evil", "articles/x/../../evil", ".newsmirror/lock",
                           "/abs", "articles/CON/1.md", "state/x/feed.txt"}) {
    TempDir dir;
    ASSERT_TRUE(MakeDirs(dir.path() + "/.git/hooks").ok());
    std::string journal = "newsmirror-journal v1\nREADME.md\n2\nok\n" + std::string(path) + "\n1\nx\nend\n";
    ASSERT_TRUE(WriteFileBelow(dir.path(), layout::JournalPath(), journal).ok());
    int replayed = -1;
    ASSERT_TRUE(RecoverJournal(dir.path(), &replayed).ok()) << path;
    EXPECT_EQ(replayed, 0) << path;
    EXPECT_FALSE(fs::exists(dir.path() + "/README.md")) << path;
    EXPECT_FALSE(fs::exists(dir.path() + "/.git/hooks/post-commit")) << path;
    EXPECT_FALSE(fs::exists(dir.path() + "/.newsmirror/journal")) << path;
  }
}

TEST(JournalTest, TheUncommittedListNamesOnlyTheMirrorsFiles) {
  TempDir dir;
  ASSERT_TRUE(WriteFileBelow(dir.path(), layout::UncommittedPath(),
                             "README.md\n../x\n.git/config\narticles/x/1.md\n/etc/passwd\nstate/x/../../y.tsv\n")
                  .ok());
  auto files = UncommittedFiles(dir.path());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"README.md", "articles/x/1.md"}));
}

TEST(JournalTest, AWriteThatCannotBeCarriedOutIsRefusedBeforeTheJournal) {
  TempDir dir;
  const std::string& root = dir.path();
  ASSERT_TRUE(MakeDirs(root + "/outside").ok());
  ASSERT_TRUE(WriteFileBelow(root + "/m", "lists/x.md", "list\n").ok());
  fs::create_directories(root + "/m/articles");
  fs::create_directory_symlink(root + "/outside", root + "/m/articles/y");
  struct Case {
    std::vector<PlannedWrite> writes;
    const char* why;
  };
  const std::vector<Case> cases = {
      {{{"lists/x.md/2024-01.md", "month\n"}}, "lists/x.md is a file where a folder belongs"},
      {{{"articles/y/1.md", "a\n"}}, "articles/y is a symbolic link"},
      {{{"lists/z.md", "l\n"}, {"lists/z.md/2024-01.md", "m\n"}}, "lists/z.md is written as a file too"},
      {{{".git/config", "x"}}, "not a path of the mirror's layout"},
      {{{"README.md", "r\n"}, {"../victim.txt", "x"}}, "not a path of the mirror's layout"},
  };
  for (const Case& c : cases) {
    Status s = ApplyWrites(root + "/m", c.writes);
    ASSERT_FALSE(s.ok()) << c.why;
    EXPECT_NE(s.message().find(c.why), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("nothing was changed"), std::string::npos) << s.message();
    EXPECT_FALSE(fs::exists(root + "/m/" + layout::JournalPath()));
    EXPECT_FALSE(fs::exists(root + "/m/" + layout::UncommittedPath()));
    EXPECT_FALSE(fs::exists(root + "/m/README.md"));
  }
  EXPECT_TRUE(fs::is_empty(root + "/outside"));
  EXPECT_FALSE(fs::exists(root + "/victim.txt"));
}

TEST(JournalTest, AReplayWritesNothingThroughALink) {
  TempDir dir;
  const std::string& root = dir.path();
  ASSERT_TRUE(MakeDirs(root + "/outside").ok());
  fs::create_directories(root + "/m/articles");
  fs::create_directory_symlink(root + "/outside", root + "/m/articles/x");
  ASSERT_TRUE(WriteFileBelow(root + "/m", layout::JournalPath(), "newsmirror-journal v1\narticles/x/1.md\n2\nok\nend\n").ok());
  int replayed = 0;
  Status s = RecoverJournal(root + "/m", &replayed);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("articles/x is a symbolic link"), std::string::npos) << s.message();
  EXPECT_TRUE(fs::is_empty(root + "/outside"));
}

TEST(RunLockTest, ALinkedLockIsRefusedAndItsTargetKept) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/victim.txt", "precious\n").ok());
  fs::create_directories(dir.path() + "/m/.newsmirror");
  fs::create_symlink(dir.path() + "/victim.txt", dir.path() + "/m/.newsmirror/lock");
  auto lock = RunLock::Acquire(dir.path() + "/m");
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find(".newsmirror/lock is a symbolic link"), std::string::npos)
      << lock.status().message();
  EXPECT_EQ(*ReadFile(dir.path() + "/victim.txt"), "precious\n");
}

}  // namespace
}  // namespace nm

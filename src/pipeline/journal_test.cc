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

}  // namespace
}  // namespace nm

#include "archive/archive_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "archive/outlet_archive.h"
#include "layout/layout.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

Entry MakeEntry(const std::string& guid, int64_t published_ms) {
  Entry e;
  e.id = guid;
  e.title = "T " + guid;
  e.link = "https://news.example/a/" + guid;
  e.published = Date{"", published_ms};
  e.content = "<p>" + guid + "</p>";
  return e;
}

class NewestRecordsTest : public ::testing::Test {
 protected:
  // One run of an outlet: load, merge, write.
  void Run(const std::vector<Entry>& entries) {
    auto a = OutletArchive::Load(dir_.path(), "V");
    ASSERT_TRUE(a.ok()) << a.status().message();
    a->Merge(entries, 1700000000000, options_);
    for (const PlannedWrite& w : a->TakeWrites(options_)) {
      ASSERT_TRUE(MakeDirs(fs::path(dir_.path() + "/" + w.path).parent_path().string()).ok());
      ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/" + w.path, w.data, false).ok());
    }
  }

  // Ids of the outlet's newest `n` records as LoadMirror gives them.
  std::vector<int64_t> Newest(size_t n, const FileOverlay& overlay = {}) {
    auto view = LoadMirror(dir_.path(), overlay, n);
    EXPECT_TRUE(view.ok()) << view.status().message();
    std::vector<int64_t> ids;
    if (!view.ok() || view->outlets.empty()) return ids;
    for (const ArticleRecord& r : view->outlets[0].records) ids.push_back(r.id);
    return ids;
  }

  // The same from the whole state: every record, sorted, the first `n`.
  std::vector<int64_t> NewestOfWholeState(size_t n) {
    auto view = LoadMirror(dir_.path());
    EXPECT_TRUE(view.ok()) << view.status().message();
    std::vector<int64_t> ids;
    if (!view.ok() || view->outlets.empty()) return ids;
    for (const ArticleRecord& r : view->outlets[0].records) {
      if (ids.size() == n) break;
      ids.push_back(r.id);
    }
    return ids;
  }

  // Three runs over chunks 10481..10485: run 1 holds one entry dated far in
  // the future (so chunk 10484 keeps a record newer than all later ones), run
  // 3 a late entry dated before everything (the smallest id, an old date).
  void BuildOutlet() {
    std::vector<Entry> first;
    for (int i = 0; i < 79; ++i) first.push_back(MakeEntry("a" + std::to_string(i), 1000 + i));
    first.push_back(MakeEntry("future", 9000000000000));
    Run(first);
    std::vector<Entry> second;
    for (int i = 0; i < 300; ++i) second.push_back(MakeEntry("b" + std::to_string(i), 100000 + i * 1000));
    Run(second);
    Run({MakeEntry("late", 50)});
  }

  std::string Chunk(int64_t chunk) { return dir_.path() + "/" + layout::OutletStateChunkPath("V", chunk); }

  TempDir dir_;
  ArchiveOptions options_;
};

TEST_F(NewestRecordsTest, NewestSpanningTwoChunksAreTheSameAsFromTheWholeState) {
  // 80 articles: ids 1048574 (oldest) down to 1048495 (newest), chunks 10485 and 10484.
  std::vector<Entry> entries;
  for (int i = 0; i < 80; ++i) entries.push_back(MakeEntry("g" + std::to_string(i), 1000 + i));
  Run(entries);
  std::vector<int64_t> want = NewestOfWholeState(50);
  ASSERT_EQ(want.size(), 50u);
  EXPECT_EQ(want.front(), 1048495);
  EXPECT_EQ(want.back(), 1048544);
  EXPECT_EQ(Newest(50), want);
  EXPECT_EQ(Newest(500), NewestOfWholeState(500)) << "fewer records than asked for";
}

TEST_F(NewestRecordsTest, OutOfOrderDatesAreFoundAndUnneededChunksAreNotParsed) {
  BuildOutlet();
  std::vector<int64_t> want = NewestOfWholeState(50);
  ASSERT_EQ(want.size(), 50u);
  EXPECT_EQ(want.front(), 1048495) << "the future-dated record of the first run, in chunk 10484";
  EXPECT_EQ(std::count(want.begin(), want.end(), 1048194), 0) << "the late entry is old";
  EXPECT_EQ(Newest(50), want);

  // Chunks 10485 and 10483 cannot hold any of them: garbage of the same size
  // there still gives the same records, which shows they were not parsed.
  for (int64_t chunk : {10485, 10483}) {
    std::string text = *ReadFile(Chunk(chunk));
    ASSERT_TRUE(WriteFileAtomic(Chunk(chunk), std::string(text.size(), 'x'), false).ok());
  }
  EXPECT_FALSE(ReadOutletState(dir_.path(), "V").ok()) << "a whole read parses them";
  EXPECT_EQ(Newest(50), want);
}

TEST_F(NewestRecordsTest, AChunkWhoseSizeNoLongerMatchesItsSummaryIsRead) {
  BuildOutlet();
  // As a hand edit or an older newsmirror would leave it: chunk 10483
  // changed, feed.tsv's summary not. Its first record becomes the newest of all.
  std::string text = *ReadFile(Chunk(10483));
  size_t line = text.find('\n') + 1;
  size_t tab = text.find('\t', line);
  size_t tab2 = text.find('\t', tab + 1);
  int64_t id = std::stoll(text.substr(line, tab - line));
  text.replace(tab + 1, tab2 - tab - 1, "9999999999999");
  ASSERT_TRUE(WriteFileAtomic(Chunk(10483), text, false).ok());
  std::vector<int64_t> want = NewestOfWholeState(50);
  EXPECT_EQ(want.front(), id);
  EXPECT_EQ(Newest(50), want);
}

TEST_F(NewestRecordsTest, ARecordInAnotherChunksFileFallsBackToTheWholeState) {
  BuildOutlet();
  // A copy of record 1048300 (chunk 10483), newer, in chunk 10490's file.
  std::string text = *ReadFile(Chunk(10483));
  std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  ASSERT_EQ(last.substr(0, 8), "1048300\t");
  std::string copy = last.substr(0, 8) + "8000000000000" + last.substr(last.find('\t', 8));
  ASSERT_TRUE(WriteFileAtomic(Chunk(10490), "# header\n" + copy, false).ok());
  std::vector<int64_t> want = NewestOfWholeState(50);
  EXPECT_EQ(Newest(50), want);
}

TEST_F(NewestRecordsTest, TheOverlayIsReadBeforeTheDisk) {
  BuildOutlet();
  // The next run's writes, not yet on disk.
  auto a = OutletArchive::Load(dir_.path(), "V");
  ASSERT_TRUE(a.ok());
  a->Merge({MakeEntry("next", 9500000000000)}, 9500000000000, options_);
  std::vector<PlannedWrite> writes = a->TakeWrites(options_);
  FileOverlay overlay;
  for (const PlannedWrite& w : writes) overlay[w.path] = w.data;
  std::vector<int64_t> ids = Newest(50, overlay);
  ASSERT_EQ(ids.size(), 50u);
  EXPECT_EQ(ids.front(), 1048193);
  EXPECT_EQ(ids[1], 1048495);
}

TEST_F(NewestRecordsTest, AnOutletWithoutSummaryIsReadWhole) {
  BuildOutlet();
  // feed.tsv as an older newsmirror writes it: validators only.
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/" + layout::OutletFeedStatePath("V"), SerializeFeedState({}), false).ok());
  std::vector<int64_t> want = NewestOfWholeState(50);
  EXPECT_EQ(Newest(50), want);
  std::string text = *ReadFile(Chunk(10485));
  ASSERT_TRUE(WriteFileAtomic(Chunk(10485), std::string(text.size(), 'x'), false).ok());
  EXPECT_FALSE(LoadMirror(dir_.path(), {}, 50).ok()) << "every chunk is parsed without a summary";
}

}  // namespace
}  // namespace nm

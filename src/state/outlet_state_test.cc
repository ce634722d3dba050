#include "state/outlet_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <set>

#include "layout/layout.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

TEST(OutletStateTest, RoundTripsWithEscapes) {
  OutletState s;
  s.validators = {"https://example.com/feed", "\"abc\"", "Wed, 04 Jan 2023 14:39:05 GMT"};
  s.records.push_back({1048574, 1672843145000, "aaaa", "1048574_a.md", "guid\twith tab", "https://x/a", "title\\n"});
  s.records.push_back({1048573, 1672843146000, "bbbb", "1048573.md", "", "https://x/b", "line\nbreak"});
  std::string text = SerializeOutletState(s);
  auto back = ParseOutletState(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->validators.etag, "\"abc\"");
  EXPECT_EQ(back->validators.last_modified, s.validators.last_modified);
  ASSERT_EQ(back->records.size(), 2u);
  EXPECT_EQ(back->records[0].guid, "guid\twith tab");
  EXPECT_EQ(back->records[0].title, "title\\n");
  EXPECT_EQ(back->records[1].title, "line\nbreak");
  EXPECT_EQ(back->records[1].guid, "");
  EXPECT_EQ(SerializeOutletState(*back), text);
}

// The archive year of a moved article (rollover) is an eighth column, only
// when set: a record without one is written as before.
TEST(OutletStateTest, TheArchiveYearIsAnEighthColumnOnlyWhenSet) {
  OutletState s;
  s.records.push_back({1048574, 1, "a", "f1", "g1", "l1", "t1"});
  std::string plain = SerializeOutletState(s);
  EXPECT_NE(plain.find("\tt1\n"), std::string::npos) << plain;
  s.records[0].archive_year = 2019;
  std::string moved = SerializeOutletState(s);
  EXPECT_NE(moved.find("\tt1\t2019\n"), std::string::npos) << moved;
  auto back = ParseOutletState(moved);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->records[0].archive_year, 2019);
  EXPECT_EQ(ParseOutletState(plain)->records[0].archive_year, 0);
  // A later version's further columns after it are ignored; a bad year is damage.
  auto later = ParseOutletState("1\t1\ta\tf\tg\tl\tt\t2020\textra\n");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->records[0].archive_year, 2020);
  auto bad = ParseOutletState("# h\n1\t1\ta\tf\tg\tl\tt\tlast year\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

TEST(OutletStateTest, OneRecordPerLineNewestAppended) {
  OutletState s;
  s.records.push_back({1048574, 1, "a", "f1", "g1", "l1", "t1"});
  std::string before = SerializeOutletState(s);
  s.records.push_back({1048573, 2, "b", "f2", "g2", "l2", "t2"});
  std::string after = SerializeOutletState(s);
  // Adding an article only appends a line: diffs stay small.
  ASSERT_EQ(after.substr(0, before.size()), before);
  EXPECT_EQ(std::count(after.begin() + static_cast<long>(before.size()), after.end(), '\n'), 1);
}

TEST(OutletStateTest, DamagedRecordIsCorruptionWithLine) {
  auto r = ParseOutletState("# header\nnot-a-number\t1\ta\tb\tc\td\te\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kCorruption);
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
}

TEST(OutletStateTest, ChunksHoldFixedIdRanges) {
  EXPECT_EQ(StateChunkOf(1048574), 10485);
  EXPECT_EQ(StateChunkOf(1048500), 10485);
  EXPECT_EQ(StateChunkOf(1048499), 10484);
  EXPECT_EQ(StateChunkOf(0), 0);
  EXPECT_EQ(StateChunkOf(-1), -1);
  OutletState s;
  for (int64_t id : {1048501, 1048500, 1048499, 1048400}) s.records.push_back({id, 0, "b", "f", "g", "l", "t"});
  auto chunk = ParseOutletState(SerializeStateChunk(s, 10485));
  ASSERT_TRUE(chunk.ok());
  ASSERT_EQ(chunk->records.size(), 2u);
  EXPECT_EQ(chunk->records[0].id, 1048501);
  EXPECT_EQ(chunk->records[1].id, 1048500);
  EXPECT_EQ(ParseOutletState(SerializeStateChunk(s, 10484))->records.size(), 2u);
  EXPECT_TRUE(ParseOutletState(SerializeStateChunk(s, 10486))->records.empty());
}

TEST(OutletStateTest, ChunksOfExtremeIdsFromADamagedFile) {
  // Ids at the ends of int64 (a damaged or hostile state file) still split without overflow.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  auto s = ParseOutletState("9223372036854775807\t0\tb\tf\tg\tl\tt\n-9223372036854775808\t0\tb\tf\tg\tl\tt\n");
  ASSERT_TRUE(s.ok());
  auto top = ParseOutletState(SerializeStateChunk(*s, StateChunkOf(kMax)));
  auto bottom = ParseOutletState(SerializeStateChunk(*s, StateChunkOf(kMin)));
  ASSERT_TRUE(top.ok() && bottom.ok());
  ASSERT_EQ(top->records.size(), 1u);
  EXPECT_EQ(top->records[0].id, kMax);
  ASSERT_EQ(bottom->records.size(), 1u);
  EXPECT_EQ(bottom->records[0].id, kMin);
}

TEST(OutletStateTest, StatePathsNameTheirOutlet) {
  EXPECT_EQ(OutletOfStatePath("state/VOA (中文).tsv"), "VOA (中文)");
  EXPECT_EQ(OutletOfStatePath("state/VOA/feed.tsv"), "VOA");
  EXPECT_EQ(OutletOfStatePath(layout::OutletStateChunkPath("a.b", 10485)), "a.b");
  EXPECT_EQ(OutletOfStatePath("state/VOA.complete.txt"), std::nullopt);
  EXPECT_EQ(OutletOfStatePath("state/a/b/c.tsv"), std::nullopt);
  EXPECT_EQ(OutletOfStatePath("lists/VOA.tsv"), std::nullopt);
}

TEST(OutletStateTest, ReadsTheFolderBeforeAnOldFileAndTheOverlayBeforeTheDisk) {
  TempDir dir;
  OutletState old;
  old.validators.etag = "old";
  old.records.push_back({1048574, 0, "b", "f", "g", "l", "old"});
  ASSERT_TRUE(MakeDirs(dir.path() + "/state").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V.tsv", SerializeOutletState(old), false).ok());
  StateLayout layout = StateLayout::kNone;
  auto read = ReadOutletState(dir.path(), "V", {}, &layout);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(layout, StateLayout::kLegacyFile);
  EXPECT_EQ(read->records[0].title, "old");

  OutletState now;
  now.validators.etag = "new";
  // Chunks 9 and 10 (ids of different lengths) read back in descending order.
  for (int64_t id : {1001, 1000, 999, 950}) now.records.push_back({id, 0, "b", "f", "g", "l", "t" + std::to_string(id)});
  ASSERT_TRUE(MakeDirs(dir.path() + "/state/V").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V/9.tsv", SerializeStateChunk(now, 9), false).ok());
  std::string feed = SerializeFeedState(now.validators);
  std::string ten = SerializeStateChunk(now, 10);
  FileOverlay overlay{{"state/V/feed.tsv", feed}, {"state/V/10.tsv", ten}};
  read = ReadOutletState(dir.path(), "V", overlay, &layout);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(layout, StateLayout::kFolder);
  EXPECT_EQ(read->validators.etag, "new");
  std::vector<int64_t> ids;
  for (const ArticleRecord& r : read->records) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{1001, 1000, 999, 950}));
  EXPECT_EQ(ListStateOutlets(dir.path()), (std::set<std::string>{"V"}));
  EXPECT_EQ(ListStateOutlets(dir.path(), {{"state/W/feed.tsv", feed}}), (std::set<std::string>{"V", "W"}));
  EXPECT_EQ(ReadOutletState(dir.path(), "none").status().kind(), Status::Kind::kNotFound);
}

TEST(OutletStateTest, UnsortedRecordsAreSorted) {
  auto r = ParseOutletState("1\t0\ta\tf\tg\tl\tt\n3\t0\ta\tf\tg\tl\tt\n2\t0\ta\tf\tg\tl\tt\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 3u);
  EXPECT_EQ(r->records[0].id, 3);
  EXPECT_EQ(r->records[2].id, 1);
}

TEST(OutletStateTest, FeedStateCarriesTheChunkSummaries) {
  std::map<int64_t, ChunkSummary> chunks{{-1, {40, std::nullopt}}, {10484, {900, 1700000000000}}, {10485, {7, -5}}};
  FeedValidators v{"https://x/feed", "\"e\"", ""};
  std::string text = SerializeFeedState(v, chunks);
  EXPECT_NE(text.find("@chunks\t-1:40:,10484:900:1700000000000,10485:7:-5\n"), std::string::npos) << text;
  auto back = ParseOutletState(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->validators.url, v.url);
  EXPECT_EQ(back->validators.etag, v.etag);
  EXPECT_TRUE(back->records.empty());
  EXPECT_EQ(back->chunks, chunks);
  EXPECT_EQ(SerializeFeedState(v), SerializeFeedState(v, {})) << "no line without chunks";
  // A damaged item is dropped (that chunk is then read whole); the others stay.
  auto damaged = ParseOutletState("@chunks\t1:x:5,2:10:7,3:4,4:4:y\n");
  ASSERT_TRUE(damaged.ok());
  EXPECT_EQ(damaged->chunks, (std::map<int64_t, ChunkSummary>{{2, {10, 7}}}));
}

TEST(OutletStateTest, AWholeReadSummarizesEachChunkFileAsItIs) {
  TempDir dir;
  OutletState s;
  for (int64_t id : {1001, 1000, 999, 950}) s.records.push_back({id, id * 10, "b", "f", "g", "l", "t"});
  ASSERT_TRUE(MakeDirs(dir.path() + "/state/V").ok());
  ChunkSummary ten, nine;
  std::string ten_text = SerializeStateChunk(s, 10, &ten);
  std::string nine_text = SerializeStateChunk(s, 9, &nine);
  EXPECT_EQ(ten, (ChunkSummary{static_cast<int64_t>(ten_text.size()), 10010}));
  EXPECT_EQ(nine, (ChunkSummary{static_cast<int64_t>(nine_text.size()), 9990}));
  ChunkSummary empty;
  std::string empty_text = SerializeStateChunk(s, 8, &empty);
  EXPECT_EQ(empty, (ChunkSummary{static_cast<int64_t>(empty_text.size()), std::nullopt}));
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V/10.tsv", ten_text, false).ok());
  // A stale summary of chunk 9 in feed.tsv, and a file holding another chunk's record.
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V/feed.tsv", SerializeFeedState({}, {{9, {1, 1}}}), false).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V/7.tsv", SerializeStateChunk(s, 10), false).ok());
  auto read = ReadOutletState(dir.path(), "V", {{"state/V/9.tsv", nine_text}});
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->records.size(), 4u);
  EXPECT_EQ(read->chunks, (std::map<int64_t, ChunkSummary>{{9, nine}, {10, ten}}));

  OutletState feed;
  auto files = ListOutletStateFiles(dir.path(), "V", {}, &feed);
  ASSERT_TRUE(files.ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/V/9.tsv", nine_text, false).ok());
  ASSERT_TRUE(
      WriteFileAtomic(dir.path() + "/state/V/feed.tsv", SerializeFeedState({}, {{9, nine}, {10, {ten.bytes + 1, 5}}}), false)
          .ok());
  files = ListOutletStateFiles(dir.path(), "V", {}, &feed);
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::map<std::string, std::optional<ChunkSummary>> got;
  for (const StateFile& f : *files) got[f.path] = f.summary;
  // Only chunk 9's size matches its summary.
  EXPECT_EQ(got, (std::map<std::string, std::optional<ChunkSummary>>{{"state/V/10.tsv", std::nullopt},
                                                                     {"state/V/7.tsv", std::nullopt},
                                                                     {"state/V/9.tsv", nine},
                                                                     {"state/V/feed.tsv", std::nullopt}}));
  EXPECT_EQ(feed.chunks.size(), 2u);
  // The overlay's text counts, not the disk's.
  files = ListOutletStateFiles(dir.path(), "V", {{"state/V/9.tsv", "# other\n"}}, &feed);
  ASSERT_TRUE(files.ok());
  for (const StateFile& f : *files) {
    if (f.path == "state/V/9.tsv") {
      EXPECT_FALSE(f.summary.has_value());
    }
  }
  EXPECT_EQ(ListOutletStateFiles(dir.path(), "none", {}, &feed).status().kind(), Status::Kind::kNotFound);
}

TEST(OutletStateTest, LinkedStateIsRefusedNotRead) {
  TempDir dir;
  TempDir outside;
  OutletState s;
  s.records.push_back({1048574, 1, "b", "1048574_x.md", "g", "l", "t"});
  ASSERT_TRUE(WriteFileAtomic(outside.path() + "/10485.tsv", SerializeStateChunk(s, 10485)).ok());
  fs::create_directories(dir.path() + "/state/V");
  fs::create_symlink(outside.path() + "/10485.tsv", dir.path() + "/state/V/10485.tsv");
  auto read = ReadOutletState(dir.path(), "V");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("state/V/10485.tsv is a symbolic link"), std::string::npos)
      << read.status().message();
  // A linked folder is no outlet of the mirror, and reading it is refused.
  fs::create_directory_symlink(outside.path(), dir.path() + "/state/L");
  EXPECT_EQ(ListStateOutlets(dir.path()), (std::set<std::string>{"V"}));
  EXPECT_FALSE(ReadOutletState(dir.path(), "L").ok());
  EXPECT_FALSE(ReadFeedValidators(dir.path(), "L").ok());
}

TEST(OutletStateTest, OnlyNamesTheLayoutAcceptsAreOutlets) {
  TempDir dir;
  for (const char* folder : {"state/V", "state/.hidden", "state/CON", "state/x.complete.txt"}) {
    fs::create_directories(dir.path() + "/" + folder);
  }
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/old.tsv", "").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/state/nul.tsv", "").ok());
  EXPECT_EQ(ListStateOutlets(dir.path()), (std::set<std::string>{"V", "old", "x.complete.txt"}));
  EXPECT_EQ(OutletOfStatePath("state/../x.tsv"), std::nullopt);
  EXPECT_EQ(OutletOfStatePath("state/a/b/c.tsv"), std::nullopt);
  EXPECT_EQ(OutletOfStatePath("state/V/10485.tsv"), "V");
  EXPECT_EQ(OutletOfStatePath("state/old.tsv"), "old");
}

TEST(OutletStateTest, AFileColumnThatIsNoFileNameIsAnErrorNamingItsLine) {
  const std::string header = "# newsmirror state v2: id\tpublished_ms\tblob\tfile\tguid\tlink\ttitle\n";
  for (const char* file : {"../../../victim.txt", "a/b.md", "..", ".hidden.md", "", "x.", "CON.md"}) {
    auto parsed = ParseOutletState(header + "1048575\t0\tb\t1048575.md\tg\tl\tt\n1048574\t0\tb\t" + file +
                                   "\tg\tl\tt\n");
    ASSERT_FALSE(parsed.ok()) << file;
    EXPECT_EQ(parsed.status().kind(), Status::Kind::kCorruption);
    EXPECT_NE(parsed.status().message().find("line 3: the file column \"" + std::string(file) + "\""),
              std::string::npos)
        << parsed.status().message();
  }
  // Read from a chunk: the message names the file too.
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/m/state/V").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/m/state/V/10485.tsv", header + "1048574\t0\tb\t../x.md\tg\tl\tt\n").ok());
  auto read = ReadOutletState(dir.path() + "/m", "V");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("state/V/10485.tsv: line 2: the file column \"../x.md\""), std::string::npos)
      << read.status().message();
}

}  // namespace
}  // namespace nm

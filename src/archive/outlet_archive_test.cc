#include "archive/outlet_archive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "archive/article.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

Entry MakeEntry(const std::string& guid, const std::string& title, int64_t published_ms,
                const std::string& content = "<p>body</p>") {
  Entry e;
  e.id = guid;
  e.title = title;
  e.link = "https://news.example/a/" + guid;
  e.published = Date{"", published_ms};
  e.content = content;
  return e;
}

// Applies the planned writes to disk, as the run does.
void Apply(const std::string& root, const std::vector<PlannedWrite>& writes) {
  for (const PlannedWrite& w : writes) {
    if (w.remove) {
      fs::remove(root + "/" + w.path);
      continue;
    }
    ASSERT_TRUE(MakeDirs(fs::path(root + "/" + w.path).parent_path().string()).ok());
    ASSERT_TRUE(WriteFileAtomic(root + "/" + w.path, w.data, false).ok());
  }
}

std::map<std::string, std::string> ArticleFiles(const std::string& root, const std::string& outlet) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(root + "/articles/" + outlet, ec)) {
    out[e.path().filename().string()] = *ReadFile(e.path().string());
  }
  return out;
}

class OutletArchiveTest : public ::testing::Test {
 protected:
  // One run: load, merge, write.
  MergeStats Run(const std::vector<Entry>& entries, int64_t now = 1700000000000) {
    auto a = OutletArchive::Load(dir_.path(), "VOA");
    EXPECT_TRUE(a.ok()) << a.status().message();
    MergeStats m = a->Merge(entries, now, options_);
    Apply(dir_.path(), a->TakeWrites(options_));
    a->SaveKeyCache();
    return m;
  }
  TempDir dir_;
  ArchiveOptions options_;
};

TEST_F(OutletArchiveTest, NewArticlesAreNumberedDownInPublicationOrder) {
  // Given newest first, as feeds do.
  MergeStats m = Run({MakeEntry("c", "C", 3000), MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000)});
  EXPECT_EQ(m.new_articles, 3);
  auto files = ArticleFiles(dir_.path(), "VOA");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_TRUE(files.count("1048574_A.md"));  // oldest: first id
  EXPECT_TRUE(files.count("1048573_B.md"));
  EXPECT_TRUE(files.count("1048572_C.md"));  // newest: smallest id
  EXPECT_EQ(files["1048574_A.md"].substr(0, 12), "<!--1000-->\n");
}

TEST_F(OutletArchiveTest, SecondRunOnTheSameFeedWritesNothing) {
  std::vector<Entry> feed = {MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000)};
  Run(feed);
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  MergeStats m = a->Merge(feed, 1800000000000, options_);
  EXPECT_EQ(m.new_articles, 0);
  EXPECT_EQ(m.updated, 0);
  EXPECT_EQ(m.unchanged, 2);
  EXPECT_TRUE(a->TakeWrites(options_).empty());
}

TEST_F(OutletArchiveTest, BumpedDatesAndNewOrderMakeNoDuplicate) {
  Run({MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000)});
  MergeStats m = Run({MakeEntry("b", "B", 9000), MakeEntry("a", "A", 8000)});
  EXPECT_EQ(m.new_articles, 0);
  EXPECT_EQ(m.updated, 0);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA").size(), 2u);
}

TEST_F(OutletArchiveTest, ChangedContentUpdatesTheFileInPlace) {
  Run({MakeEntry("a", "A", 1000, "<p>first</p>")});
  MergeStats m = Run({MakeEntry("a", "A", 1000, "<p>corrected</p>")});
  EXPECT_EQ(m.updated, 1);
  auto files = ArticleFiles(dir_.path(), "VOA");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files["1048574_A.md"].find("<p>corrected</p>"), std::string::npos);
}

TEST_F(OutletArchiveTest, SameArticleByLinkOrTitleWhenGuidChanges) {
  Run({MakeEntry("a", "Title One", 1000)});
  Entry same_link = MakeEntry("a", "Title One (updated)", 1000);
  same_link.id = "new-guid-1";
  Entry same_title = MakeEntry("other", " title　one ", 1000);  // full-width space, case
  same_title.id = "new-guid-2";
  same_title.link = "https://elsewhere.example/x";
  MergeStats m = Run({same_link});
  EXPECT_EQ(m.new_articles, 0);
  auto files = ArticleFiles(dir_.path(), "VOA");
  EXPECT_EQ(files.size(), 1u);
  MergeStats m2 = Run({MakeEntry("zzz", "Title One (updated)", 5000)});
  EXPECT_EQ(m2.new_articles, 0) << "same normalized title is the same article";
}

TEST_F(OutletArchiveTest, LateEntriesOlderThanTheNewestAreStillArchived) {
  Run({MakeEntry("new", "New", 5000)});
  MergeStats m = Run({MakeEntry("new", "New", 5000), MakeEntry("old", "Old", 100)});
  EXPECT_EQ(m.new_articles, 1);
  auto files = ArticleFiles(dir_.path(), "VOA");
  EXPECT_TRUE(files.count("1048573_Old.md"));
  // The list page shows articles by publication time, newest first.
  std::string list = *ReadFile(dir_.path() + "/lists/VOA.md");
  EXPECT_LT(list.find("[New]"), list.find("[Old]"));
}

TEST_F(OutletArchiveTest, UndatedEntriesGetTheTimeFirstSeenAndKeepIt) {
  Entry e = MakeEntry("u", "Undated", 0);
  e.published.reset();
  MergeStats m = Run({e}, 1234567000000);
  EXPECT_EQ(m.new_articles, 1);
  ASSERT_FALSE(m.warnings.empty());
  Run({e}, 1999999000000);
  std::string text = ArticleFiles(dir_.path(), "VOA")["1048574_Undated.md"];
  EXPECT_EQ(text.substr(0, 21), "<!--1234567000000-->\n");
}

TEST_F(OutletArchiveTest, TakesOverAnArchiveWithBothFileNameForms) {
  std::string folder = dir_.path() + "/articles/VOA";
  ASSERT_TRUE(MakeDirs(folder).ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1048000.md",
                              FormatArticle({1000, "Old plain", "https://news.example/a/p", "<p>p</p>"})).ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1047990_Old titled.md",
                              FormatArticle({2000, "Old titled", "https://news.example/a/t", "<p>t</p>"})).ok());
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->taken_over());
  // Both known by their header lines (link, title); a new one numbers below the smallest id.
  Entry by_link = MakeEntry("p", "Renamed plain", 1000, "<p>p</p>");
  by_link.link = "https://news.example/a/p";
  Entry by_title = MakeEntry("zz", "Old titled", 2000, "<p>t</p>");
  MergeStats m = a->Merge({by_link, by_title, MakeEntry("n", "Brand new", 3000)}, 0, options_);
  EXPECT_EQ(m.new_articles, 1);
  Apply(dir_.path(), a->TakeWrites(options_));
  auto files = ArticleFiles(dir_.path(), "VOA");
  EXPECT_EQ(files.size(), 3u);
  EXPECT_TRUE(files.count("1047989_Brand new.md"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/state/VOA/feed.tsv"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/state/VOA/10479.tsv"));
}

// Paths of the planned writes under state/.
std::vector<std::string> StateWrites(const std::vector<PlannedWrite>& writes) {
  std::vector<std::string> out;
  for (const PlannedWrite& w : writes) {
    if (w.path.rfind("state/", 0) == 0) out.push_back((w.remove ? "-" : "") + w.path);
  }
  return out;
}

TEST_F(OutletArchiveTest, ARunRewritesOnlyTheChunksItChanged) {
  std::vector<Entry> entries;
  for (int i = 0; i < 250; ++i) entries.push_back(MakeEntry("g" + std::to_string(i), "T" + std::to_string(i), 1000 + i));
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  a->Merge(entries, 0, options_);
  // Ids 1048574 down to 1048325: chunks 10485, 10484 and 10483.
  auto writes = a->TakeWrites(options_);
  EXPECT_EQ(StateWrites(writes), (std::vector<std::string>{"state/VOA/feed.tsv", "state/VOA/10483.tsv",
                                                           "state/VOA/10484.tsv", "state/VOA/10485.tsv"}));
  Apply(dir_.path(), writes);
  auto b = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->records().size(), 250u);
  EXPECT_EQ(b->records().front().id, 1048574);
  EXPECT_EQ(b->records().back().id, 1048325);
  entries.push_back(MakeEntry("new", "Newest", 5000));
  b->Merge(entries, 0, options_);
  // feed.tsv's summary of chunk 10483 is stale now, which costs a parse of
  // that chunk only: feed.tsv waits for the validators, or more stale chunks.
  EXPECT_EQ(StateWrites(b->TakeWrites(options_)), (std::vector<std::string>{"state/VOA/10483.tsv"}));
  b->SetValidators({"u", "\"e\"", ""});
  EXPECT_EQ(StateWrites(b->TakeWrites(options_)), (std::vector<std::string>{"state/VOA/feed.tsv"}));
}

TEST_F(OutletArchiveTest, AnOldSingleStateFileIsReadAndConvertedAtTheNextWrite) {
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  a->Merge({MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000)}, 0, options_);
  a->SetValidators({"https://x/feed", "\"v\"", ""});
  OutletState old;
  old.validators = a->validators();
  old.records = a->records();
  for (const PlannedWrite& w : a->TakeWrites(options_)) {
    if (w.path.rfind("state/", 0) != 0) Apply(dir_.path(), {w});
  }
  ASSERT_TRUE(MakeDirs(dir_.path() + "/state").ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/state/VOA.tsv", SerializeOutletState(old), false).ok());

  auto b = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->taken_over());
  EXPECT_EQ(b->records().size(), 2u);
  EXPECT_EQ(b->validators().etag, "\"v\"");
  b->Merge({MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000)}, 0, options_);
  EXPECT_TRUE(StateWrites(b->TakeWrites(options_)).empty()) << "nothing changed: the old file stays";
  b->Merge({MakeEntry("c", "C", 3000)}, 0, options_);
  auto writes = b->TakeWrites(options_);
  EXPECT_EQ(StateWrites(writes),
            (std::vector<std::string>{"-state/VOA.tsv", "state/VOA/feed.tsv", "state/VOA/10485.tsv"}));
  Apply(dir_.path(), writes);
  EXPECT_FALSE(fs::exists(dir_.path() + "/state/VOA.tsv"));
  auto c = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->records().size(), 3u);
  EXPECT_EQ(c->validators().etag, "\"v\"");
}

TEST_F(OutletArchiveTest, AMissingFileIsRestoredFromTheFeed) {
  Run({MakeEntry("a", "A", 1000)});
  fs::remove(dir_.path() + "/articles/VOA/1048574_A.md");
  MergeStats m = Run({MakeEntry("a", "A", 1000)});
  EXPECT_EQ(m.new_articles, 0);
  EXPECT_TRUE(fs::exists(dir_.path() + "/articles/VOA/1048574_A.md"));
}

TEST_F(OutletArchiveTest, DuplicatesWithinOneFeedAreArchivedOnce) {
  MergeStats m = Run({MakeEntry("a", "A", 1000), MakeEntry("a", "A", 1000)});
  EXPECT_EQ(m.new_articles, 1);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA").size(), 1u);
}

TEST_F(OutletArchiveTest, TenThousandEntriesOfOneArticleAreArchivedOnceAndARerunChangesNothing) {
  // One guid, one link, different content: one article. With equal dates the
  // first in the feed wins.
  std::vector<Entry> feed;
  for (int i = 0; i < 10000; ++i) {
    Entry e = MakeEntry("same", "Same " + std::to_string(i), 1000, "<p>version " + std::to_string(i) + "</p>");
    feed.push_back(std::move(e));
  }
  MergeStats first = Run(feed);
  EXPECT_EQ(first.new_articles, 1);
  EXPECT_EQ(first.updated, 0);
  EXPECT_EQ(first.duplicates, 9999);
  auto files = ArticleFiles(dir_.path(), "VOA");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files.begin()->second.find("<p>version 0</p>"), std::string::npos);
  EXPECT_EQ(std::count_if(first.warnings.begin(), first.warnings.end(),
                          [](const std::string& w) { return w.find("9999 later entries") != std::string::npos; }),
            1) << "one warning for the lot";
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  MergeStats second = a->Merge(feed, 1700000000000, options_);
  EXPECT_EQ(second.new_articles, 0);
  EXPECT_EQ(second.updated, 0);
  EXPECT_EQ(second.unchanged, 1);
  EXPECT_TRUE(a->TakeWrites(options_).empty()) << "a rerun writes nothing";
}

TEST_F(OutletArchiveTest, OfTwoEntriesWithOneGuidTheFirstPublishedIsArchivedAndStays) {
  Entry later = MakeEntry("g", "Later copy", 5000, "<p>later</p>");
  Entry earlier = MakeEntry("g", "Earlier", 4000, "<p>earlier</p>");
  MergeStats m = Run({later, earlier});  // newest first, as feeds list them
  EXPECT_EQ(m.new_articles, 1);
  EXPECT_EQ(m.duplicates, 1);
  auto files = ArticleFiles(dir_.path(), "VOA");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files.count("1048574_Earlier.md"));
  EXPECT_NE(files["1048574_Earlier.md"].find("<p>earlier</p>"), std::string::npos);
  // Either order, any number of runs: nothing changes.
  for (const auto& order : {std::vector<Entry>{later, earlier}, std::vector<Entry>{earlier, later}}) {
    auto a = OutletArchive::Load(dir_.path(), "VOA");
    ASSERT_TRUE(a.ok());
    MergeStats again = a->Merge(order, 1700000000000, options_);
    EXPECT_EQ(again.updated + again.new_articles, 0);
    EXPECT_TRUE(a->TakeWrites(options_).empty());
  }
}

TEST_F(OutletArchiveTest, AGuidSharedByEntriesWithDifferentLinksIdentifiesNone) {
  // A feed that gives every item the same guid: the items are told apart by link.
  std::vector<Entry> feed;
  for (int i = 0; i < 1000; ++i) {
    Entry e = MakeEntry("constant", "Story " + std::to_string(i), 1000 + i);
    e.link = "https://news.example/story/" + std::to_string(i);
    feed.push_back(std::move(e));
  }
  MergeStats first = Run(feed);
  EXPECT_EQ(first.new_articles, 1000);
  EXPECT_EQ(first.duplicates, 0);
  EXPECT_TRUE(std::any_of(first.warnings.begin(), first.warnings.end(),
                          [](const std::string& w) { return w.find("\"constant\" is shared") != std::string::npos; }));
  MergeStats second = Run(feed);
  EXPECT_EQ(second.new_articles, 0);
  EXPECT_EQ(second.updated, 0);
  EXPECT_EQ(second.unchanged, 1000);
}

TEST_F(OutletArchiveTest, DatesFarInTheFutureAreNotBelieved) {
  const int64_t now = 1700000000000;
  Entry far = MakeEntry("far", "Far", 253402300799000);  // 9999-12-31 23:59:59 UTC
  far.published->text = "Fri, 31 Dec 9999 23:59:59 GMT";
  Entry ahead = MakeEntry("ahead", "Ahead", now + kFutureToleranceMs + 1);
  Entry soon = MakeEntry("soon", "Soon", now + kFutureToleranceMs);  // within the tolerance: believed
  Entry by_updated = MakeEntry("upd", "Updated", now + 400LL * 86400000);
  by_updated.updated = Date{"", now - 3600000};  // the next date given, believable
  MergeStats m = Run({far, ahead, soon, by_updated}, now);
  EXPECT_EQ(m.new_articles, 4);
  auto files = ArticleFiles(dir_.path(), "VOA");
  auto header = [&](const std::string& suffix) {
    for (const auto& [name, text] : files) {
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return text.substr(0, text.find('\n'));
      }
    }
    return std::string();
  };
  EXPECT_EQ(header("_Far.md"), "<!--" + std::to_string(now) + "-->");
  EXPECT_EQ(header("_Ahead.md"), "<!--" + std::to_string(now) + "-->");
  EXPECT_EQ(header("_Soon.md"), "<!--" + std::to_string(now + kFutureToleranceMs) + "-->");
  EXPECT_EQ(header("_Updated.md"), "<!--" + std::to_string(now - 3600000) + "-->");
  EXPECT_TRUE(std::any_of(m.warnings.begin(), m.warnings.end(), [](const std::string& w) {
    return w.find("Fri, 31 Dec 9999") != std::string::npos && w.find("\"Far\"") != std::string::npos;
  }));
  // No page for a month that is not there.
  EXPECT_FALSE(fs::exists(dir_.path() + "/lists/VOA/9999-12.md"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/lists/VOA/10000-01.md"));
  // The second run keeps the time the entries were first seen.
  Run({far, ahead, soon, by_updated}, now + 86400000);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA"), files);
}

TEST_F(OutletArchiveTest, AHostileDateInATakenOverArticleNamesNoFiveDigitMonth) {
  std::string folder = dir_.path() + "/articles/VOA";
  ASSERT_TRUE(MakeDirs(folder).ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1048000_Hostile.md",
                              "<!--99999999999999999-->\n[Hostile](https://news.example/h)\n------\n\n<p>h</p>\n").ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1047999_Negative.md",
                              "<!---9223372036854775808-->\n[Negative](https://news.example/n)\n------\n\n<p>n</p>\n").ok());
  Run({});
  std::error_code ec;
  std::vector<std::string> months;
  for (auto& e : fs::directory_iterator(dir_.path() + "/lists/VOA", ec)) months.push_back(e.path().filename().string());
  std::sort(months.begin(), months.end());
  EXPECT_EQ(months, (std::vector<std::string>{"0001-01.md", "9999-12.md"}));
  std::string list = *ReadFile(dir_.path() + "/lists/VOA.md");
  EXPECT_NE(list.find("12-31 [Hostile]"), std::string::npos) << list;
  EXPECT_NE(list.find("1-1 [Negative]"), std::string::npos) << list;
}

TEST_F(OutletArchiveTest, ListPageHoldsTheNewestListSize) {
  options_.list_size = 2;
  Run({MakeEntry("a", "A", 1000), MakeEntry("b", "B", 2000), MakeEntry("c", "C", 3000)});
  std::string list = *ReadFile(dir_.path() + "/lists/VOA.md");
  EXPECT_NE(list.find("[C]"), std::string::npos);
  EXPECT_NE(list.find("[B]"), std::string::npos);
  EXPECT_EQ(list.find("[A]"), std::string::npos);
}

TEST(KeysTest, LinkKeyIgnoresSchemeFragmentAndTracking) {
  EXPECT_EQ(LinkKey("https://Example.com/a?utm_source=x&id=3#top"), LinkKey("http://example.com/a?id=3"));
  EXPECT_NE(LinkKey("https://example.com/a?id=3"), LinkKey("https://example.com/a?id=4"));
  EXPECT_EQ(LinkKey(""), "");
}

TEST(KeysTest, TitleKeyFoldsWidthCaseAndSpace) {
  EXPECT_EQ(TitleKey("Ｇ７ 峰会"), TitleKey("g7峰会"));
  EXPECT_NE(TitleKey("峰会一"), TitleKey("峰会二"));
}

TEST_F(OutletArchiveTest, MonthlyPagesHoldEveryArticleAndOnlyChangedMonthsAreRewritten) {
  options_.list_size = 1;  // the list page shows one; the month pages still show all
  const int64_t jan3 = 1672704000000, jan20 = 1674172800000, feb5 = 1675555200000;  // 2023, 00:00 UTC
  Run({MakeEntry("a", "Jan A", jan3), MakeEntry("b", "Jan B", jan20), MakeEntry("c", "Feb C", feb5)});
  std::string jan = *ReadFile(dir_.path() + "/lists/VOA/2023-01.md");
  EXPECT_EQ(jan.substr(0, jan.find('\n')), "VOA 2023-01");
  EXPECT_LT(jan.find("1-20 [Jan B](/articles/VOA/1048573_Jan%20B.md)"), jan.find("1-3 [Jan A]"));
  EXPECT_EQ(jan.find("Feb C"), std::string::npos);
  EXPECT_NE(ReadFile(dir_.path() + "/lists/VOA/2023-02.md")->find("2-5 [Feb C]"), std::string::npos);

  std::string list = *ReadFile(dir_.path() + "/lists/VOA.md");
  EXPECT_EQ(list.find("Jan B"), std::string::npos) << "the list page keeps list_size";
  std::string months = "按月：[2023-02](/lists/VOA/2023-02.md) · [2023-01](/lists/VOA/2023-01.md)\n\n";
  EXPECT_NE(list.find(months + "[查看更多](/articles/VOA)\n"), std::string::npos) << list;

  // A new February article rewrites February's page only.
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  a->Merge({MakeEntry("d", "Feb D", feb5 + 3600000)}, 1700000000000, options_);
  std::vector<std::string> paths;
  for (const PlannedWrite& w : a->TakeWrites(options_)) paths.push_back(w.path);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "lists/VOA/2023-02.md"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "lists/VOA/2023-01.md"), paths.end());
}

TEST_F(OutletArchiveTest, MissingMonthlyPagesAreWrittenForAnOlderArchive) {
  Run({MakeEntry("a", "Jan A", 1672704000000)});
  fs::remove_all(dir_.path() + "/lists/VOA");
  Run({});
  EXPECT_TRUE(fs::exists(dir_.path() + "/lists/VOA/2023-01.md"));
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  a->Merge({}, 1700000000000, options_);
  EXPECT_TRUE(a->TakeWrites(options_).empty()) << "nothing changed, nothing written";
}

TEST_F(OutletArchiveTest, MonthPagesSplitAtLocalMidnightAlsoBefore1970) {
  // UTC+8 (the default): 2023-01-31 16:00 UTC is already February there.
  const int64_t jan31_1559 = 1675180740000, jan31_1600 = 1675180800000;
  // 1969-12-31 15:59:59.999 UTC and 16:00 UTC: December and January at UTC+8.
  const int64_t dec69 = -28800001, jan70 = -28800000;
  Run({MakeEntry("a", "A", jan31_1559), MakeEntry("b", "B", jan31_1600), MakeEntry("c", "C", dec69),
       MakeEntry("d", "D", jan70)});
  auto page = [&](const std::string& month) { return ReadFile(dir_.path() + "/lists/VOA/" + month + ".md"); };
  ASSERT_TRUE(page("2023-01").ok());
  EXPECT_NE(page("2023-01")->find("1-31 [A]"), std::string::npos);
  EXPECT_EQ(page("2023-01")->find("[B]"), std::string::npos);
  EXPECT_NE(page("2023-02")->find("2-1 [B]"), std::string::npos);
  ASSERT_TRUE(page("1969-12").ok());
  EXPECT_NE(page("1969-12")->find("12-31 [C]"), std::string::npos);
  EXPECT_NE(page("1970-01")->find("1-1 [D]"), std::string::npos);
  EXPECT_EQ(page("1970-01")->find("[C]"), std::string::npos);
}

TEST_F(OutletArchiveTest, FeedStateIsRewrittenOnceMoreThanTwoChunkSummariesAreStale) {
  int next = 0;
  auto entries = [&](int n) {
    std::vector<Entry> out;
    for (int i = 0; i < n; ++i, ++next) out.push_back(MakeEntry("g" + std::to_string(next), "T" + std::to_string(next), 1000 + next));
    return out;
  };
  auto run = [&](int n) {
    auto a = OutletArchive::Load(dir_.path(), "VOA");
    EXPECT_TRUE(a.ok());
    a->Merge(entries(n), 0, options_);
    auto writes = a->TakeWrites(options_);
    Apply(dir_.path(), writes);
    return StateWrites(writes);
  };
  // The first write creates the folder, feed.tsv with it (chunks 10485..10483).
  EXPECT_EQ(run(250), (std::vector<std::string>{"state/VOA/feed.tsv", "state/VOA/10483.tsv", "state/VOA/10484.tsv",
                                                "state/VOA/10485.tsv"}));
  auto summaries_true = [&] {
    auto state = ReadOutletState(dir_.path(), "VOA");
    return state.ok() && state->chunks == state->stored_chunks;
  };
  EXPECT_TRUE(summaries_true());
  EXPECT_EQ(run(1), (std::vector<std::string>{"state/VOA/10483.tsv"})) << "one stale summary";
  EXPECT_EQ(run(100), (std::vector<std::string>{"state/VOA/10482.tsv", "state/VOA/10483.tsv"})) << "two";
  EXPECT_FALSE(summaries_true());
  EXPECT_EQ(run(100), (std::vector<std::string>{"state/VOA/feed.tsv", "state/VOA/10481.tsv", "state/VOA/10482.tsv"}))
      << "three: feed.tsv is brought up to date";
  EXPECT_TRUE(summaries_true());

  // A mirror written before the summaries: nothing changed, nothing written;
  // the next change brings feed.tsv up to date.
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  a->SetValidators({"https://x/feed", "\"e\"", ""});
  Apply(dir_.path(), a->TakeWrites(options_));
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/state/VOA/feed.tsv", SerializeFeedState({"https://x/feed", "\"e\"", ""}),
                              false).ok());
  EXPECT_FALSE(summaries_true());
  auto b = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(StateWrites(b->TakeWrites(options_)).empty());
  EXPECT_EQ(run(1), (std::vector<std::string>{"state/VOA/feed.tsv", "state/VOA/10481.tsv"}));
  EXPECT_TRUE(summaries_true());
  auto c = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->validators().etag, "\"e\"");
}

std::string KeyCache(const std::string& root) { return root + "/.newsmirror/keys/VOA.bin"; }

TEST_F(OutletArchiveTest, KeysComputedForALookupAreCachedAndCheckedAgainstTheirRecords) {
  std::vector<Entry> entries;
  for (int i = 0; i < 70; ++i) entries.push_back(MakeEntry("g" + std::to_string(i), "Title " + std::to_string(i), 1000 + i));
  Run(entries);
  // A new guid needs the link and title keys of the whole archive: all 70
  // were computed, more than the 64 that make the cache worth writing.
  ASSERT_TRUE(fs::exists(KeyCache(dir_.path())));
  std::string cache = *ReadFile(KeyCache(dir_.path()));
  EXPECT_EQ(cache.size() - cache.find('\n') - 1, 70u * 40);
  // One new article's keys are folded again next time rather than the file rewritten.
  entries.push_back(MakeEntry("new", "Brand new", 9000));
  EXPECT_EQ(Run(entries).new_articles, 1);
  EXPECT_EQ(*ReadFile(KeyCache(dir_.path())), cache);
  Entry new_by_link = MakeEntry("new", "Brand new, retitled", 9000);
  new_by_link.id = "guid-changed-0";
  EXPECT_EQ(Run({new_by_link}).new_articles, 0) << "found by the link key the cache lacks";

  // With the cache: an entry under another guid is still the same article by
  // its link, by its title, and by a title changed since the cache was written.
  Entry by_link = MakeEntry("g1", "Retitled", 1001);
  by_link.id = "guid-changed-1";
  EXPECT_EQ(Run({by_link}).new_articles, 0);
  Entry by_new_title = MakeEntry("x", " retitled ", 1001);
  by_new_title.id = "guid-changed-2";
  by_new_title.link = "https://elsewhere.example/x";
  EXPECT_EQ(Run({by_new_title}).new_articles, 0) << "the cached title key of record g1 is stale";
  Entry by_title = MakeEntry("y", "TITLE 3", 1003);
  by_title.id = "guid-changed-3";
  by_title.link = "https://elsewhere.example/y";
  EXPECT_EQ(Run({by_title}).new_articles, 0);

  // The cache is what the lookups read: one that says "no key" for every
  // record (same records, same link and title hashes) makes them find nothing.
  std::string header = cache.substr(0, cache.find('\n') + 1);
  std::string blank = *ReadFile(KeyCache(dir_.path()));
  for (size_t at = header.size(); at + 40 <= blank.size(); at += 40) std::fill_n(blank.begin() + at + 24, 16, '\0');
  ASSERT_TRUE(WriteFileAtomic(KeyCache(dir_.path()), blank, false).ok());
  Entry again = MakeEntry("g2", "Title 2", 1002);
  again.id = "guid-changed-4";
  EXPECT_EQ(Run({again}).new_articles, 1);

  // A cache of another version (or damaged) is ignored.
  ASSERT_TRUE(WriteFileAtomic(KeyCache(dir_.path()), "newsmirror keys v0\n" + blank.substr(header.size()), false).ok());
  Entry fourth = MakeEntry("g4", "Title 4", 1004);
  fourth.id = "guid-changed-5";
  EXPECT_EQ(Run({fourth}).new_articles, 0);
  ASSERT_TRUE(WriteFileAtomic(KeyCache(dir_.path()), blank.substr(0, blank.size() - 3), false).ok());
  Entry zeroth = MakeEntry("g0", "Title 0", 1000);
  zeroth.id = "guid-changed-6";
  EXPECT_EQ(Run({zeroth}).new_articles, 0);
}

TEST_F(OutletArchiveTest, AnOutletWhosePathsAreLinksIsNotLoaded) {
  TempDir outside;
  ASSERT_TRUE(WriteFileAtomic(outside.path() + "/1048000.md",
                              FormatArticle({1000, "Outside", "https://news.example/a/o", "<p>o</p>"})).ok());
  ASSERT_TRUE(MakeDirs(dir_.path() + "/articles").ok());
  fs::create_directory_symlink(outside.path(), dir_.path() + "/articles/VOA");
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("articles/VOA is a symbolic link"), std::string::npos) << a.status().message();
}

TEST_F(OutletArchiveTest, ATakeOverReadsNoLinkAndNoNameAMirrorCannotHold) {
  TempDir outside;
  ASSERT_TRUE(WriteFileAtomic(outside.path() + "/a.md",
                              FormatArticle({1000, "Outside", "https://news.example/a/o", "<p>o</p>"})).ok());
  std::string folder = dir_.path() + "/articles/VOA";
  ASSERT_TRUE(MakeDirs(folder).ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1048000.md",
                              FormatArticle({1000, "Plain", "https://news.example/a/p", "<p>p</p>"})).ok());
  fs::create_symlink(outside.path() + "/a.md", folder + "/1047999_Linked.md");
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("articles/VOA/1047999_Linked.md is a symbolic link"), std::string::npos)
      << a.status().message();
  fs::remove(folder + "/1047999_Linked.md");
  ASSERT_TRUE(WriteFileAtomic(folder + "/1047998_a:b.md",
                              FormatArticle({1000, "a:b", "https://news.example/a/c", "<p>c</p>"})).ok());
  a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("1047998_a:b.md cannot be an article's file name: it contains ':'"),
            std::string::npos)
      << a.status().message();
  fs::remove(folder + "/1047998_a:b.md");
  EXPECT_TRUE(OutletArchive::Load(dir_.path(), "VOA").ok());
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

// A year moved to an archive repository: its records stay, marked; its files
// go; its month page links the archive's web address; its entries, even
// changed, are unchanged; new articles are numbered below every moved one.
TEST_F(OutletArchiveTest, AMovedYearStaysKnownAndIsLinkedInItsArchive) {
  const int64_t y2019 = 1552000000000;  // March 2019
  const int64_t y2024 = 1717000000000;  // May 2024
  Run({MakeEntry("old1", "Old one", y2019), MakeEntry("old2", "Old two", y2019 + 86400000),
       MakeEntry("new1", "New one", y2024)},
      y2024 + 1000);
  options_.archive_web = "https://git.example/o/news-{year}/blob/main";
  auto a = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(a.ok());
  std::vector<ArticleRecord> moved = a->MoveYear(2019, options_);
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_TRUE(a->MoveYear(2019, options_).empty());  // once
  std::vector<PlannedWrite> writes = a->TakeWrites(options_);
  int removals = 0;
  std::string month;
  for (const PlannedWrite& w : writes) {
    removals += w.remove;
    if (w.path == "lists/VOA/2019-03.md") month = w.data;
  }
  EXPECT_EQ(removals, 2);
  EXPECT_NE(month.find("](https://git.example/o/news-2019/blob/main/articles/VOA/" + moved[0].file.substr(0, 7)),
            std::string::npos)
      << month;
  Apply(dir_.path(), writes);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA").size(), 1u);

  // The records came back with their year; a changed entry of one is unchanged.
  MergeStats m = Run({MakeEntry("old1", "Old one", y2019, "<p>edited</p>"), MakeEntry("new2", "New two", y2024 + 5)},
                     y2024 + 2000);
  EXPECT_EQ(m.new_articles, 1);
  EXPECT_EQ(m.updated, 0);
  EXPECT_EQ(m.unchanged, 1);
  auto again = OutletArchive::Load(dir_.path(), "VOA");
  ASSERT_TRUE(again.ok());
  int marked = 0;
  int64_t smallest = INT64_MAX;
  for (const ArticleRecord& r : again->records()) {
    marked += r.archive_year == 2019;
    smallest = std::min(smallest, r.id);
  }
  EXPECT_EQ(marked, 2);
  EXPECT_EQ(again->records().size(), 4u);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA").size(), 2u);
  EXPECT_EQ(ArticleFiles(dir_.path(), "VOA").begin()->first.substr(0, 7), std::to_string(smallest));
}

}  // namespace
}  // namespace nm

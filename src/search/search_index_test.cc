#include "search/search_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/mirror_builder.h"
#include "layout/layout.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kJan = 1672531200000;  // 2023-01-01 UTC
constexpr int64_t kDay = 86400000;

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddToMirror(root_, "美国之音", {
        {"kishida", "日本首相岸田文雄访美会晤拜登", kJan + 3 * kDay,
         "<p>岸田表示，他将访问华盛顿，与拜登总统举行峰会。</p><p>七大工业国组织（G7）峰会将在广岛举行。</p>"},
        {"hk", "香港国安法实施三周年", kJan + 5 * kDay,
         "<p>国安法实施以来，多名民主派人士被捕。</p><script>var 拜登 = 1;</script>"},
        {"chips", "台积电在美国设厂", kJan + 40 * kDay,
         "<p>TSMC 表示，亚利桑那州的芯片工厂将于明年投产。Apple 是其最大客户。</p>"},
    });
    AddToMirror(root_, "BBC", {
        {"iphone", "iPhone销量在中国下滑", kJan + 7 * kDay,
         "<p>苹果公司的 iPhone 15 在中国市场的销量下降，华为手机销量上升。</p>"},
        {"biden", "拜登谈中美关系", kJan + 60 * kDay, "<p>美国总统拜登星期二表示，中美关系稳定。</p>"},
    });
  }

  std::vector<std::string> Find(const std::string& q, const std::string& source = "", int64_t since = 0) {
    auto idx = OpenMirrorIndex(root_);
    EXPECT_TRUE(idx.ok()) << idx.status().message();
    SearchQuery query;
    query.text = q;
    query.source = source;
    query.since_ms = since;
    auto hits = idx->Search(query);
    EXPECT_TRUE(hits.ok()) << hits.status().message();
    std::vector<std::string> out;
    for (const SearchHit& h : *hits) out.push_back(h.title);
    return out;
  }

  TempDir dir_;
  std::string root_ = dir_.path();
};

using Titles = std::vector<std::string>;

TEST_F(SearchIndexTest, TwoCharacterChineseQueries) {
  // The title match ranks first; the script's "拜登" is not text.
  EXPECT_EQ(Find("拜登"), (Titles{"拜登谈中美关系", "日本首相岸田文雄访美会晤拜登"}));
  EXPECT_EQ(Find("岸田"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
  EXPECT_EQ(Find("拜仁"), Titles{});
  EXPECT_EQ(Find("田文"), (Titles{"日本首相岸田文雄访美会晤拜登"})) << "inside a longer word";
}

TEST_F(SearchIndexTest, ThreeAndMoreCharacterQueries) {
  EXPECT_EQ(Find("国安法"), (Titles{"香港国安法实施三周年"}));
  EXPECT_EQ(Find("岸田文雄"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
  EXPECT_EQ(Find("民主派人士被捕"), (Titles{"香港国安法实施三周年"}));
  EXPECT_EQ(Find("国安局"), Titles{}) << "all three characters in order, not just two of them";
  EXPECT_EQ(Find("岸田拜登"), Titles{}) << "a phrase, not two words";
}

TEST_F(SearchIndexTest, MixedChineseAndLatinQueries) {
  EXPECT_EQ(Find("TSMC 芯片"), (Titles{"台积电在美国设厂"}));
  EXPECT_EQ(Find("tsmc"), (Titles{"台积电在美国设厂"})) << "Latin letters ignore case";
  EXPECT_EQ(Find("iPhone销量"), (Titles{"iPhone销量在中国下滑"}));
  EXPECT_EQ(Find("G7峰会"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
  EXPECT_EQ(Find("Apple 华为"), Titles{}) << "every term must occur";
  EXPECT_EQ(Find("拜登 峰会"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
}

TEST_F(SearchIndexTest, FiltersBySourceAndDate) {
  EXPECT_EQ(Find("拜登", "BBC"), (Titles{"拜登谈中美关系"}));
  EXPECT_EQ(Find("拜登", "", kJan + 30 * kDay), (Titles{"拜登谈中美关系"}));
  EXPECT_EQ(Find("拜登", "美国之音", kJan + 30 * kDay), Titles{});
}

TEST_F(SearchIndexTest, QueriesWithSyntaxCharactersAreJustText) {
  for (const char* q : {"\"", "拜登\"", "AND", "拜登 OR", "*", "(岸田", "NEAR(a b)", "  ", "。，"}) {
    auto idx = OpenMirrorIndex(root_);
    ASSERT_TRUE(idx.ok());
    SearchQuery query;
    query.text = q;
    EXPECT_TRUE(idx->Search(query).ok()) << q;
  }
  EXPECT_EQ(Find("(岸田"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
}

TEST_F(SearchIndexTest, SnippetMarksTheMatch) {
  auto idx = OpenMirrorIndex(root_);
  ASSERT_TRUE(idx.ok());
  SearchQuery q;
  q.text = "民主派";
  auto hits = idx->Search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  const SearchHit& h = (*hits)[0];
  EXPECT_EQ(h.snippet.substr(h.mark_begin, h.mark_end - h.mark_begin), "民主派");
  EXPECT_NE(h.snippet.find("多名民主派人士被捕"), std::string::npos);
  EXPECT_EQ(h.outlet, "美国之音");
  EXPECT_EQ(h.link, "https://news.example/hk");
  EXPECT_EQ(h.snippet.find("<p>"), std::string::npos);
}

TEST_F(SearchIndexTest, SyncIsIncremental) {
  SyncStats first, second, third;
  ASSERT_TRUE(OpenMirrorIndex(root_, &first).ok());
  EXPECT_TRUE(first.rebuilt);
  EXPECT_EQ(first.indexed, 5);
  ASSERT_TRUE(OpenMirrorIndex(root_, &second).ok());
  EXPECT_EQ(second.indexed, 0);
  EXPECT_EQ(second.outlets_skipped, 2);

  // An updated article is indexed again, its old text forgotten.
  AddToMirror(root_, "BBC", {{"biden", "拜登谈中美关系", kJan + 60 * kDay, "<p>拜登表示，气候合作将继续。</p>"}});
  ASSERT_TRUE(OpenMirrorIndex(root_, &third).ok());
  EXPECT_EQ(third.indexed, 1);
  EXPECT_EQ(third.outlets_skipped, 1);
  EXPECT_EQ(Find("气候合作"), (Titles{"拜登谈中美关系"}));
  EXPECT_EQ(Find("中美关系稳定"), Titles{});

  // An outlet that leaves the archive leaves the index.
  fs::remove_all(root_ + "/articles/BBC");
  fs::remove_all(root_ + "/state/BBC");
  EXPECT_EQ(Find("拜登"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
}

TEST_F(SearchIndexTest, AnUnreadableIndexIsRebuilt) {
  ASSERT_TRUE(MakeDirs(root_ + "/.newsmirror").ok());
  ASSERT_TRUE(WriteFileAtomic(root_ + "/" + layout::SearchIndexPath(), std::string(4096, 'x'), false).ok());
  SyncStats stats;
  ASSERT_TRUE(OpenMirrorIndex(root_, &stats).ok());
  EXPECT_TRUE(stats.rebuilt);
  EXPECT_EQ(Find("岸田"), (Titles{"日本首相岸田文雄访美会晤拜登"}));
}

TEST(CjkBigramsTest, SplitsCjkRunsOnly) {
  EXPECT_EQ(CjkBigrams("岸田文雄"), " 岸田 田文 文雄 ");
  EXPECT_EQ(CjkBigrams("G7峰会"), "G7 峰会 ");
  EXPECT_EQ(CjkBigrams("他。好"), " 他 。 好 ");
  EXPECT_EQ(CjkBigrams("plain text"), "plain text");
}

TEST(FtsQueryTest, TermsBecomeQuotedPhrases) {
  EXPECT_EQ(FtsQuery("岸田文雄"), "\" 岸田 田文 文雄 \"");
  EXPECT_EQ(FtsQuery("TSMC 芯片"), "\"TSMC\" AND \" 芯片 \"");
  EXPECT_EQ(FtsQuery("a\"b"), "\"a b\"");
  EXPECT_EQ(FtsQuery("岸"), "\" 岸 \"*");
  EXPECT_EQ(FtsQuery(" 。 "), "");
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST(SearchPagingTest, OffsetAndLimitPageThroughTheTrueCount) {
  TempDir dir;
  std::vector<TestArticle> many;
  for (int i = 0; i < 300; ++i) {
    many.push_back({"g" + std::to_string(i), "新闻" + std::to_string(i), kJan + i * 60000, "<p>拜登今天讲话。</p>"});
  }
  AddToMirror(dir.path(), "美国之音", many);
  AddToMirror(dir.path(), "BBC", {{"x", "别的", kJan, "<p>拜登</p>"}});
  auto idx = OpenMirrorIndex(dir.path());
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  SearchQuery q;
  q.text = "拜登";
  EXPECT_EQ(*idx->Count(q), 301);
  q.source = "美国之音";
  EXPECT_EQ(*idx->Count(q), 300) << "filters count too";
  q.since_ms = kJan + 100 * 60000;
  EXPECT_EQ(*idx->Count(q), 200);
  q.since_ms = 0;
  std::set<std::string> seen;
  for (int offset = 0; offset < 300; offset += 100) {
    q.limit = 100;
    q.offset = offset;
    auto hits = idx->Search(q);
    ASSERT_TRUE(hits.ok());
    EXPECT_EQ(hits->size(), 100u) << offset;
    for (const SearchHit& h : *hits) seen.insert(h.file);
  }
  EXPECT_EQ(seen.size(), 300u) << "the pages do not overlap and miss nothing";
  q.offset = 300;
  EXPECT_TRUE(idx->Search(q)->empty());
  q.text = "没有的词";
  EXPECT_EQ(*idx->Count(q), 0);
}

TEST(SearchMirrorCheckTest, AFolderThatIsNotAMirrorIsRefusedAndLeftAlone) {
  TempDir dir;
  std::string typo = dir.path() + "/typo";
  auto missing = OpenMirrorIndex(typo);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(missing.status().message().find(typo), std::string::npos) << missing.status().message();
  EXPECT_FALSE(fs::exists(typo)) << "no " << typo << "/.newsmirror/search.sqlite";
  ASSERT_TRUE(MakeDirs(dir.path() + "/empty").ok());
  auto empty = OpenMirrorIndex(dir.path() + "/empty");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("not a newsmirror mirror"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() + "/empty/.newsmirror"));
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/file", "x").ok());
  EXPECT_FALSE(OpenMirrorIndex(dir.path() + "/file").ok());
}

TEST(SearchMirrorCheckTest, AWritableMirrorKeepsItsIndexInside) {
  TempDir dir;
  AddToMirror(dir.path(), "BBC", {{"x", "标题", kJan, "<p>正文</p>"}});
  EXPECT_EQ(SearchIndexLocation(dir.path()), dir.path() + "/" + layout::SearchIndexPath());
  std::string where = "unset";
  ASSERT_TRUE(OpenMirrorIndex(dir.path(), nullptr, &where).ok());
  EXPECT_EQ(where, dir.path() + "/" + layout::SearchIndexPath());
  EXPECT_TRUE(fs::exists(dir.path() + "/" + layout::SearchIndexPath()));
  auto memory = SearchIndex::Open("");
  ASSERT_TRUE(memory.ok()) << memory.status().message();
  auto view = LoadMirror(dir.path());
  ASSERT_TRUE(memory->Sync(*view).ok());
  SearchQuery q;
  q.text = "标题";
  EXPECT_EQ(memory->Search(q)->size(), 1u) << "an index in memory works like one on disk";
}

}  // namespace
}  // namespace nm

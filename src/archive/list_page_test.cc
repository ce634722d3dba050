#include "archive/list_page.h"

#include <gtest/gtest.h>

#include <limits>

#include "archive/outlet_archive.h"
#include "layout/layout.h"
#include "support/commonmark.h"

namespace nm {
namespace {

TEST(ListPageTest, FormatMatchesTheContract) {
  std::vector<ListItem> items = {
      {1672843145000, "日本首相岸田文雄", "1048574_日本首相岸田文雄.md"},
      {1672800000000, "A (b)", "1048575_A (b).md"},
  };
  std::string page = FormatListPage("美国之音", items, 8 * 60);
  EXPECT_EQ(page,
            "美国之音\n------\n\n"
            "1-4 [日本首相岸田文雄](/articles/美国之音/1048574_%E6%97%A5%E6%9C%AC%E9%A6%96%E7%9B%B8%E5%B2%B8%E7%94%B0%E6%96%87%E9%9B%84.md)\n\n"
            "1-4 [A (b)](/articles/美国之音/1048575_A%20%28b%29.md)\n\n"
            "[查看更多](/articles/美国之音)\n");
}

TEST(ListPageTest, MonthDayFollowsTheZone) {
  // 2023-01-04 20:00 UTC is already 1-5 in UTC+8 but still 1-4 in UTC.
  int64_t ms = 1672862400000;
  EXPECT_EQ(MonthDay(ms, 8 * 60), "1-5");
  EXPECT_EQ(MonthDay(ms, 0), "1-4");
  EXPECT_EQ(MonthDay(ms, -5 * 60), "1-4");
  EXPECT_EQ(MonthDay(1704067199000, 0), "12-31");  // 2023-12-31 23:59:59
}

TEST(ListPageTest, OutletNamesThatWouldBreakALinkAreEncoded) {
  EXPECT_EQ(MarkdownPathSegment("美国之音"), "美国之音");
  EXPECT_EQ(MarkdownPathSegment("VOA (中文)"), "VOA%20%28中文%29");
}

TEST(ListPageTest, ReadmeLinksEveryOutlet) {
  std::string readme = FormatReadme({"美国之音", "BBC"});
  EXPECT_NE(readme.find("[美国之音](/lists/美国之音.md)"), std::string::npos);
  EXPECT_NE(readme.find("[BBC](/lists/BBC.md)"), std::string::npos);
  EXPECT_LT(readme.find("美国之音"), readme.find("BBC"));
}

TEST(ListPageTest, MonthLinksSitAboveTheLastLine) {
  std::vector<ListItem> items = {{1672843145000, "T", "1_T.md"}};
  std::string page = FormatListPage("VOA (中文)", items, 8 * 60, {"2023-01", "2022-12"});
  EXPECT_NE(page.find("\n\n按月：[2023-01](/lists/VOA%20%28中文%29/2023-01.md) · "
                      "[2022-12](/lists/VOA%20%28中文%29/2022-12.md)\n\n[查看更多](/articles/VOA%20%28中文%29)\n"),
            std::string::npos)
      << page;
}

TEST(ListPageTest, MonthPageListsItsArticlesAndLinksBack) {
  std::vector<ListItem> items = {{1672843145000, "T", "1_T.md"}};
  EXPECT_EQ(FormatMonthPage("美国之音", "2023-01", items, 8 * 60),
            "美国之音 2023-01\n------\n\n1-4 [T](/articles/美国之音/1_T.md)\n\n[美国之音](/lists/美国之音.md)\n");
}

TEST(ListPageTest, EveryPageEndsWithTheMirrorsCopiesWhenThereAreAny) {
  std::vector<ListItem> items = {{1672843145000, "T", "1_T.md"}};
  const std::string footer = "\n## 其他镜像\n\n若本页被封锁，请访问：\n\n- [GitHub](https://github.com/u/r)\n";
  std::string plain = FormatListPage("美国之音", items, 8 * 60, {"2023-01"});
  std::string with = FormatListPage("美国之音", items, 8 * 60, {"2023-01"}, footer);
  EXPECT_EQ(with, plain + footer);
  EXPECT_EQ(FormatMonthPage("美国之音", "2023-01", items, 8 * 60, footer),
            FormatMonthPage("美国之音", "2023-01", items, 8 * 60) + footer);
  EXPECT_EQ(FormatReadme({"美国之音"}, footer), "# newsmirror\n\n[美国之音](/lists/美国之音.md)\n" + footer);
  EXPECT_EQ(FormatReadme({"美国之音"}), "# newsmirror\n\n[美国之音](/lists/美国之音.md)\n\n");
  // A page on disk tells whether it names the copies as configured.
  EXPECT_TRUE(ListPageHasFooter(with, "美国之音", footer));
  EXPECT_TRUE(ListPageHasFooter(plain, "美国之音", ""));
  EXPECT_FALSE(ListPageHasFooter(plain, "美国之音", footer));
  EXPECT_FALSE(ListPageHasFooter(with, "美国之音", ""));
  EXPECT_FALSE(ListPageHasFooter(with, "美国之音", footer + "- [GitLab](https://gitlab.com/u/r)\n"));
}

// [rollover] web must start with https:// and name {year}, but the rest of it
// is the operator's free text, as the titles are the outlet's: a ")", a
// second link, a tag or a line break in either must leave each article one
// link, to its file at that address, and no heading, HTML or script link.
TEST(ListPageTest, AMovedArticleUnderAHostileArchiveAddressIsOneLinkToItsFile) {
  const std::string base = ArchiveWebRoot(
      "https://h.example/news-{year}/blob/main/) [点我](javascript:alert(1)) <img src=x onerror=alert(1)>\n# 标题", 2019);
  const std::string hostile_title = "旧](javascript:alert(1)) [文章 <script>x</script>\n# 标题";
  std::vector<ListItem> items = {{1672843145000, "新", "6_新.md", ""},
                                 {1546300800000, hostile_title, "5_旧.md", base}};
  for (const std::string& page : {FormatMonthPage("美国之音", "2019-01", items, 8 * 60),
                                  FormatListPage("美国之音", items, 8 * 60, {"2023-01", "2019-01"})}) {
    test::Rendered r = test::RenderMarkdown(page);
    EXPECT_EQ(r.raw_html, 0) << page;
    EXPECT_EQ(r.images, 0) << page;
    int headings = 0;
    for (const test::RenderedBlock& b : r.blocks) headings += b.type == "heading";
    EXPECT_EQ(headings, 1) << page;
    for (const test::RenderedLink& l : r.links) {
      EXPECT_TRUE(l.destination.rfind("/", 0) == 0 || l.destination.rfind("https://h.example/", 0) == 0)
          << l.destination << "\n" << page;
      EXPECT_TRUE(l.text_only) << l.text;
    }
    // The two articles come first, each its own link with its whole title.
    ASSERT_GE(r.links.size(), 3u) << page;
    EXPECT_EQ(r.links[0].text, "新");
    EXPECT_EQ(test::PercentDecoded(r.links[0].destination), "/articles/美国之音/6_新.md");
    EXPECT_EQ(r.links[1].text, hostile_title.substr(0, hostile_title.find('\n')) + " " +
                                   hostile_title.substr(hostile_title.find('\n') + 1))
        << "the title's line break is one space";
    std::string moved = test::PercentDecoded(r.links[1].destination);
    EXPECT_EQ(moved.rfind("https://h.example/news-2019/blob/main/", 0), 0u) << moved;
    EXPECT_NE(moved.find("/articles/美国之音/5_旧.md"), std::string::npos) << moved;
    EXPECT_EQ(moved.size() - moved.find("/articles/美国之音/5_旧.md"), std::string("/articles/美国之音/5_旧.md").size())
        << "the link ends at the file: " << moved;
  }
}

TEST(ListPageTest, YearMonthFollowsTheZone) {
  EXPECT_EQ(YearMonth(1672502400000, 8 * 60), "2023-01");  // 2022-12-31 16:00 UTC
  EXPECT_EQ(YearMonth(1672502400000, 0), "2022-12");
  EXPECT_EQ(YearMonth(0, 0), "1970-01");
}

TEST(ListPageTest, AnyInstantAnArchiveMayHoldHasAFourDigitMonth) {
  // 9999-12-31 20:00 UTC is already the year 10000 at UTC+8.
  const int64_t end_of_9999 = 253402300799999, late_9999 = 253402300799999 - 4 * 3600000;
  EXPECT_EQ(YearMonth(late_9999, 8 * 60), "9999-12");
  EXPECT_EQ(MonthDay(late_9999, 8 * 60), "12-31");
  EXPECT_EQ(YearMonth(end_of_9999, 14 * 60), "9999-12");
  // What a hostile <!--…--> line or state file can hold.
  for (int64_t ms : {int64_t{99999999999999999}, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                     int64_t{-99999999999999999}, int64_t{-62135596800001}}) {
    for (int offset : {0, 8 * 60, -14 * 60, 14 * 60}) {
      std::string month = YearMonth(ms, offset);
      ASSERT_EQ(month.size(), 7u) << ms;
      EXPECT_TRUE(month == "9999-12" || month == "0001-01") << ms << " " << offset << ": " << month;
      EXPECT_EQ(layout::MonthPagePath("VOA", month), "lists/VOA/" + month + ".md");
      std::string day = MonthDay(ms, offset);
      EXPECT_TRUE(day == "12-31" || day == "1-1") << day;
    }
  }
  // Before 1970 and before the year 1000: still four digits.
  EXPECT_EQ(YearMonth(-1, 0), "1969-12");
  EXPECT_EQ(YearMonth(-30610224000000, 0), "1000-01");  // 1000-01-01
  EXPECT_EQ(YearMonth(-30610224000001, 0), "0999-12");
}

}  // namespace
}  // namespace nm

#include "archive/markdown.h"

#include <gtest/gtest.h>

#include "archive/article.h"
#include "archive/file_name.h"
#include "archive/list_page.h"
#include "support/commonmark.h"
#include "url/url.h"

namespace nm {
namespace {

using test::RenderMarkdown;

// Titles a hostile feed or page could give: each must render as the text of
// exactly one link.
const char* const kHostileTitles[] = {
    "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟",
    "](javascript:alert(1))",
    "[x](https://phish.example/)",
    "点击 [这里](https://phish.example/) 查看",
    "![图](https://tracker.example/p.gif)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<https://phish.example/>",
    "<!-- 注释 -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;",
    "&#60;b&#62; &#x3C;i&#x3E;",
    "AT&T 与 Q&A：&copy 2024 & 更多",
    "*强调* **粗体** _下划线_ ~~删除~~ ~删~ `代码`",
    "foo_bar_baz 2*3*4 a~b~c",
    "https://phish.example/ www.phish.example a@phish.example",
    "\\",
    "结尾的反斜杠\\",
    "\\[已转义\\] \\\\ \\*",
    "[",
    "]",
    "[[嵌套]]",
    "[x]: https://phish.example/",
    "# 标题",
    "> 引用",
    "- 列表",
    "+ 列表",
    "1. 列表",
    "1) 列表",
    "| a | b |",
    "------",
    "=====",
    "```",
    "~~~",
    "引号 \"双\" 与 'single'",
    "两个  空格",
    "tab\tinside",
    "emoji :smile: @user #123",
    "\\](javascript:alert(1))",
    "a]b[c",
    "]]]]((((",
};

// Links a hostile feed or page could give, and what is stored of them.
const char* const kHostileLinks[] = {
    "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/6903827.html",
    "https://x.example/a)b",
    "https://x.example/a(b)c",
    "https://x.example/wiki/Foo_(bar)",
    "https://x.example/?q=a&amp;b&lt;c&#40;d",
    "https://x.example/?q=\\)",
    "https://user:secret@x.example/p",
    "https://x.example/<script>",
    "https://x.example/\"onmouseover=\"alert(1)",
    "https://x.example/ spaced path",
    "https://例子.测试/路径?查询=值#片段",
    "https://x.example/?a=1&b=2#frag)ment",
};

void ExpectOneLink(const std::string& markdown, const std::string& text, const std::string& destination) {
  test::Rendered r = RenderMarkdown(markdown);
  ASSERT_EQ(r.links.size(), 1u) << markdown << "\n" << r.html;
  EXPECT_EQ(r.links[0].destination, destination) << markdown << "\n" << r.html;
  EXPECT_EQ(r.links[0].text, text) << markdown << "\n" << r.html;
  EXPECT_TRUE(r.links[0].text_only) << markdown << "\n" << r.html;
  EXPECT_EQ(r.images, 0) << markdown << "\n" << r.html;
  EXPECT_EQ(r.raw_html, 0) << markdown << "\n" << r.html;
}

TEST(MarkdownTest, HostileTitlesAndLinksRenderAsOneLinkToTheEntrysLink) {
  for (const char* title : kHostileTitles) {
    for (const char* raw_link : kHostileLinks) {
      std::string link = ArchiveLink(raw_link);
      ASSERT_FALSE(link.empty()) << raw_link;
      EXPECT_EQ(link.find("secret"), std::string::npos) << raw_link;
      std::string line = "[" + MarkdownLinkText(title) + "](" + MarkdownDestination(link) + ")";
      ExpectOneLink(line, title, link);
      // The same line inside a list page's line and in a list item.
      ExpectOneLink("1-4 " + line + "\n\n", title, link);
    }
  }
}

// Titles come back from state files others may edit: a line break in one
// must not end the link's line (the next line would start a heading, a list
// or a link of its own). It is written as a space, in links and headings.
TEST(MarkdownTest, ALineBreakInATitleStaysInsideItsLink) {
  for (const std::string& title : {std::string("旧闻\n# 标题"), std::string("甲\r\n- 乙"), std::string("a\r[b](https://evil.example)"),
                                   std::string("一\n\n二"), std::string("\n===")}) {
    SCOPED_TRACE(title);
    std::string shown;
    for (char c : title) shown += c == '\n' || c == '\r' ? ' ' : c;
    std::string line = "1-4 [" + MarkdownLinkText(title) + "](" + MarkdownDestination("https://x.example/a") + ")\n\n";
    EXPECT_EQ(line.find_first_of("\r\n"), line.size() - 2) << line;
    ExpectOneLink(line, shown, "https://x.example/a");
    std::string heading = MarkdownHeadingText(title);
    EXPECT_EQ(heading.find_first_of("\r\n"), std::string::npos) << heading;
    test::Rendered r = RenderMarkdown(heading + "\n------\n");
    ASSERT_EQ(r.blocks.size(), 1u) << heading << "\n" << r.html;
    EXPECT_EQ(r.blocks[0].type, "heading") << r.html;
    EXPECT_EQ(r.links.size(), 0u) << r.html;
  }
}

TEST(MarkdownTest, AnArticleFileShowsItsTitleAsOneLinkInItsHeading) {
  for (const char* title : kHostileTitles) {
    for (const char* raw_link : kHostileLinks) {
      ArticleDoc doc{1672843145000, CleanTitle(title), ArchiveLink(raw_link), "<p>正文</p>"};
      std::string text = FormatArticle(doc);
      test::Rendered r = RenderMarkdown(text);
      ASSERT_EQ(r.links.size(), 1u) << text << r.html;
      EXPECT_EQ(r.links[0].destination, doc.link) << text;
      EXPECT_EQ(r.links[0].text, doc.title) << text;
      EXPECT_TRUE(r.links[0].text_only) << text;
      EXPECT_EQ(r.images, 0) << text;
      // The comment on line 1 and the content are HTML blocks; the title line is the heading.
      ASSERT_GE(r.blocks.size(), 2u) << text;
      EXPECT_EQ(r.blocks[1].type, "heading") << text << r.html;
      EXPECT_EQ(r.blocks[1].heading_level, 2) << text;
      // Reading inverts writing.
      auto back = ParseArticle(text);
      ASSERT_TRUE(back.ok()) << text;
      EXPECT_EQ(back->title, doc.title) << text;
      EXPECT_EQ(back->link, doc.link) << text;
      EXPECT_EQ(FormatArticle(*back), text);
    }
  }
}

TEST(MarkdownTest, ListPagesShowEachTitleAsOneLinkToItsFile) {
  std::vector<ListItem> items;
  int64_t ms = 1672843145000;
  for (const char* title : kHostileTitles) {
    items.push_back({ms, title, ArticleFileName(1048574 - static_cast<int64_t>(items.size()), title)});
    ms -= 3600000;
  }
  // File names keep ( ) & ; ' ! that a title holds; the link must still reach them.
  items.push_back({ms, "括号", "1048000_a(b)c&amp;d;e'f!g.md"});
  for (const char* outlet : {"美国之音", "VOA (中文)"}) {
    std::string page = FormatListPage(outlet, items, 8 * 60, {"2023-01"});
    test::Rendered r = RenderMarkdown(page);
    ASSERT_EQ(r.links.size(), items.size() + 2) << page;  // the items, one month, 查看更多
    EXPECT_EQ(r.images, 0);
    EXPECT_EQ(r.raw_html, 0) << r.html;
    std::string folder = "/articles/" + MarkdownPathSegment(outlet) + "/";
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(r.links[i].text, items[i].title) << page;
      EXPECT_TRUE(r.links[i].text_only) << items[i].title;
      std::string dest = r.links[i].destination;
      ASSERT_EQ(dest.rfind(folder, 0), 0u) << dest;
      // The file part, percent-decoded, is the file's name.
      EXPECT_EQ(test::PercentDecoded(dest.substr(folder.size())), items[i].file_name) << dest;
    }
    EXPECT_EQ(r.links[items.size()].text, "2023-01");
    EXPECT_EQ(r.links[items.size() + 1].text, "查看更多");
    EXPECT_EQ(r.links[items.size() + 1].destination, "/articles/" + MarkdownPathSegment(outlet));
  }
}

TEST(MarkdownTest, OutletNamesAreShownAsTextInHeadingsAndLinks) {
  const char* outlets[] = {"美国之音", "# 标题", "- 列表", "+ x", "1. x", "12) x", "> 引用", "| a | b |", "------",
                           "===", "  两个空格", "    四个空格", "尾随空格  ", "\t制表", "<div>", "*x*", "~~~",
                           "```", "[x](https://phish.example/)", "&amp; &copy;", "x\\", "a|b", "<!--",
                           "https://phish.example/ 与 www.phish.example", "VOA: 中文"};
  std::vector<std::string> all(std::begin(outlets), std::end(outlets));
  test::Rendered readme = RenderMarkdown(FormatReadme(all));
  ASSERT_EQ(readme.links.size(), all.size()) << readme.html;
  EXPECT_EQ(readme.raw_html, 0) << readme.html;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(readme.links[i].text, all[i]) << readme.html;
    EXPECT_TRUE(readme.links[i].text_only) << all[i];
    EXPECT_EQ(readme.links[i].destination, "/lists/" + MarkdownPathSegment(all[i]) + ".md");
  }
  std::vector<ListItem> one = {{1672843145000, "标题", "1048574_标题.md"}};
  for (const std::string& outlet : all) {
    for (const std::string& page : {FormatListPage(outlet, one, 8 * 60), FormatMonthPage(outlet, "2023-01", one, 8 * 60)}) {
      test::Rendered r = RenderMarkdown(page);
      ASSERT_FALSE(r.blocks.empty()) << page;
      EXPECT_EQ(r.blocks[0].type, "heading") << page << r.html;
      EXPECT_EQ(r.blocks[0].heading_level, 2) << page;
      bool month = page.find("2023-01\n------") != std::string::npos;
      EXPECT_EQ(r.blocks[0].text, month ? outlet + " 2023-01" : outlet) << page << r.html;
      EXPECT_TRUE(r.blocks[0].text_only) << page << r.html;
      EXPECT_EQ(r.links.size(), 2u) << page << r.html;  // the article, and 查看更多 or the outlet's list
      EXPECT_EQ(r.raw_html, 0) << page << r.html;
    }
  }
}

TEST(MarkdownTest, TextWithoutSpecialCharactersIsWrittenAsItIs) {
  for (const char* t : {"日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟", "AT&T 与 Q&A", "引号 \"双\" (括号) 'single'",
                        "a!b#c$d%e^f+g=h|i:j;k,l.m?n/o", "&", "&;", "&#;", "&#x;", "& amp;"}) {
    EXPECT_EQ(MarkdownLinkText(t), t);
  }
  std::string seed_link =
      "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/6903827.html";
  EXPECT_EQ(MarkdownDestination(seed_link), seed_link);
  EXPECT_EQ(MarkdownDestination("https://x.example/?a=1&b=2"), "https://x.example/?a=1&b=2");
  EXPECT_EQ(MarkdownHeadingText("美国之音"), "美国之音");
}

TEST(MarkdownTest, EscapesExactlyWhatWouldBecomeMarkup) {
  EXPECT_EQ(MarkdownLinkText("](javascript:alert(1))"), "\\](javascript:alert(1))");
  EXPECT_EQ(MarkdownLinkText("<b>*a*_b_~c~`d`\\"), "\\<b\\>\\*a\\*\\_b\\_\\~c\\~\\`d\\`\\\\");
  EXPECT_EQ(MarkdownLinkText("&lt; &#60; &#x3c; AT&T"), "\\&lt; \\&#60; \\&#x3c; AT&T");
  EXPECT_EQ(MarkdownDestination("https://x.example/a(b) c<d>\\e?f=&lt;&g"),
            "https://x.example/a%28b%29%20c%3Cd%3E%5Ce?f=&amp;lt;&g");
  EXPECT_EQ(MarkdownHeadingText("# x"), "\\# x");
  EXPECT_EQ(MarkdownHeadingText("1. x"), "1\\. x");
  EXPECT_EQ(MarkdownHeadingText("  x "), "&#32;&#32;x&#32;");
  EXPECT_EQ(MarkdownHeadingText("https://x.example www.x.example VOA: 中文"),
            "https\\://x.example www\\.x.example VOA: 中文");
}

TEST(MarkdownTest, ReadingInvertsWriting) {
  for (const char* t : kHostileTitles) {
    auto back = ReadMarkdownLinkText(MarkdownLinkText(t));
    ASSERT_TRUE(back.has_value()) << t;
    EXPECT_EQ(*back, t);
  }
  for (const char* l : kHostileLinks) {
    std::string link = ArchiveLink(l);
    EXPECT_EQ(ReadMarkdownDestination(MarkdownDestination(link)), link) << l;
  }
  for (const char* l : {"&amp;", "&amp;amp;", "&&lt;", "x&amp;lt;y&#1;"}) {
    EXPECT_EQ(ReadMarkdownDestination(MarkdownDestination(l)), l) << l;
  }
}

TEST(MarkdownTest, TitlesOfEarlierArchivesAreTakenAsTheyAre) {
  // Written before titles were escaped: unescaped brackets, markup, a lone backslash.
  for (const char* t : {"A [bracketed] title", "a\\b", "<b>x</b>", "*x*", "&lt;", "\\q"}) {
    EXPECT_FALSE(ReadMarkdownLinkText(t).has_value()) << t;
    std::string file = std::string("<!--1-->\n[") + t + "](https://x.example/a(1))\n------\n\n<p>x</p>\n";
    auto doc = ParseArticle(file);
    ASSERT_TRUE(doc.ok()) << t;
    EXPECT_EQ(doc->title, t);
    EXPECT_EQ(doc->link, "https://x.example/a(1)");
  }
}

}  // namespace
}  // namespace nm

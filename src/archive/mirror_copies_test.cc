#include "archive/mirror_copies.h"

#include <gtest/gtest.h>

#include <regex>

namespace nm {
namespace {

MirrorCopy Checked(std::string name, std::string url, std::string article = "") {
  MirrorCopy c{std::move(name), std::move(url), std::move(article)};
  Status s = CheckMirrorCopy(c);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

TEST(MirrorCopiesTest, UrlsAreStoredNormalizedWithParenthesesEncoded) {
  MirrorCopy c = Checked("GitLab", "HTTPS://GitLab.com/u/r(1) x?a=1&b=2");
  EXPECT_EQ(c.url, "https://gitlab.com/u/r%281%29%20x?a=1&b=2");
}

TEST(MirrorCopiesTest, NamesAndUrlsThatCouldBreakAPageAreRefused) {
  struct Case {
    std::string name, url, article, why;
  } cases[] = {
      {"", "https://a.example/", "", "empty"},
      {"Git]Hub", "https://a.example/", "", "']'"},
      {"a[b", "https://a.example/", "", "'['"},
      {"x\ny", "https://a.example/", "", "control"},
      {"x\xE2\x80\xA8y", "https://a.example/", "", "control"},  // U+2028
      {" x", "https://a.example/", "", "space"},
      {"a*b", "https://a.example/", "", "'*'"},
      {"ok", "javascript:alert(1)", "", "http"},
      {"ok", "ftp://a.example/", "", "http"},
      {"ok", "/relative", "", "http"},
      {"ok", "https://user:secret@a.example/", "", "password"},
      {"ok", "https://a.example/", "https://a.example/{nope}", "placeholder"},
      {"ok", "https://a.example/", "https://a.example/", "{path}"},
      {"ok", "https://a.example/", "javascript:{path}", "http"},
  };
  for (const Case& c : cases) {
    MirrorCopy copy{c.name, c.url, c.article};
    Status s = CheckMirrorCopy(copy);
    EXPECT_FALSE(s.ok()) << c.name << " " << c.url;
    EXPECT_NE(s.message().find(c.why), std::string::npos) << s.message();
  }
}

TEST(MirrorCopiesTest, EveryFormIsEmptyWithoutCopies) {
  EXPECT_EQ(MirrorCopiesMarkdown({}), "");
  EXPECT_EQ(MirrorCopiesHtml({}), "");
  EXPECT_EQ(MirrorCopiesText({}), "");
}

TEST(MirrorCopiesTest, MarkdownHasOneLinkPerCopyWithItsExactUrl) {
  std::vector<MirrorCopy> copies = {Checked("GitHub", "https://github.com/u/r"),
                                    Checked("静态网站 #2", "https://u.example/r/?a=1&copy;=2&b=3"),
                                    Checked("Codeberg", "https://codeberg.org/u/r(old)")};
  std::string md = MirrorCopiesMarkdown(copies);
  EXPECT_EQ(md.rfind("\n## 其他镜像\n\n若本页被封锁，请访问：\n\n", 0), 0u) << md;
  // Each copy is one list item holding one inline link: [text](destination)
  // with no bracket, parenthesis or space that could end either early. An
  // '&' that starts a character reference is written as &amp;, so "&copy;"
  // is not read as "©" (archive/markdown.h).
  std::regex item(R"(^- \[([^\[\]\\]+)\]\(([^()<>\s\\]+)\)$)");
  std::vector<std::pair<std::string, std::string>> links;
  size_t start = md.find("- [");
  while (start < md.size()) {
    size_t end = md.find('\n', start);
    std::string line = md.substr(start, end - start);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, item)) << line;
    links.emplace_back(m[1], m[2]);
    start = end + 1;
  }
  ASSERT_EQ(links.size(), 3u) << md;
  EXPECT_EQ(links[0], (std::pair<std::string, std::string>{"GitHub", "https://github.com/u/r"}));
  EXPECT_EQ(links[1], (std::pair<std::string, std::string>{"静态网站 #2", "https://u.example/r/?a=1&amp;copy;=2&b=3"}));
  EXPECT_EQ(links[2], (std::pair<std::string, std::string>{"Codeberg", "https://codeberg.org/u/r%28old%29"}));
}

TEST(MirrorCopiesTest, HtmlAndTextNameEveryCopy) {
  std::vector<MirrorCopy> copies = {Checked("GitHub \"main\"", "https://github.com/u/r?a=1&b=2")};
  std::string html = MirrorCopiesHtml(copies);
  EXPECT_NE(html.find("<h2>其他镜像</h2><p>若本页被封锁，请访问：</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<li><a href=\"https://github.com/u/r?a=1&amp;b=2\">GitHub \"main\"</a></li>"),
            std::string::npos)
      << html;
  EXPECT_EQ(MirrorCopiesText(copies), "其他镜像 — 若本页被封锁，请访问：\n  GitHub \"main\": https://github.com/u/r?a=1&b=2\n");
}

TEST(MirrorCopiesTest, ArticleTemplatesAreFilledPercentEncoded) {
  MirrorCopy git = Checked("GitHub", "https://github.com/u/r", "https://github.com/u/r/blob/main/{path}");
  MirrorCopy site = Checked("网站", "https://u.github.io/r/", "https://u.github.io/r/outlets/{outlet}/{id}.html");
  EXPECT_EQ(*ArticleUrlInCopy(git, "美国之音", "1048574_a b(c).md", 1048574),
            "https://github.com/u/r/blob/main/articles/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/1048574_a%20b%28c%29.md");
  EXPECT_EQ(*ArticleUrlInCopy(site, "美国之音", "x.md", 1048573),
            "https://u.github.io/r/outlets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/1048573.html");
  EXPECT_FALSE(ArticleUrlInCopy(Checked("x", "https://x.example/"), "o", "f.md", 1));
}

}  // namespace
}  // namespace nm

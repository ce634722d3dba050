#include "mail/digest.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

DigestArticle Article(int64_t id, int64_t published_ms, std::string title, std::string content) {
  return {"美国之音", id, std::to_string(id) + "_" + title + ".md", published_ms, std::move(title),
          "https://www.voachinese.com/a/" + std::to_string(id) + ".html", std::move(content)};
}

DigestOptions Options(size_t max_bytes) {
  DigestOptions o;
  o.max_bytes = max_bytes;
  o.excerpt_chars = 40;
  MirrorCopy git{"GitHub", "https://github.com/u/r", "https://github.com/u/r/blob/main/{path}"};
  MirrorCopy site{"网站", "https://u.example/r/", ""};
  EXPECT_TRUE(CheckMirrorCopy(git).ok());
  EXPECT_TRUE(CheckMirrorCopy(site).ok());
  o.copies = {git, site};
  return o;
}

TEST(DigestTest, ShowsTitlesDatesExcerptsAndLinksToEveryCopy) {
  DigestBuilder b(Options(100 * 1024), 1672880000000);
  ASSERT_TRUE(b.Add(Article(1048574, 1672843145000, "日本首相<b>访美</b>",
                            "<p>第一段。</p><script>x()</script><p>第二段，很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。</p>")));
  ASSERT_TRUE(b.Add(Article(1048573, 1672846745000, "第二篇", "<p>短。</p>")));
  Digest d = b.Finish(0);
  EXPECT_EQ(d.subject, "newsmirror：第二篇 等 2 篇");
  EXPECT_NE(d.text.find("newsmirror · 2023-01-05：2 篇新文章"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("【美国之音】"), std::string::npos);
  // Newest first within the outlet.
  EXPECT_LT(d.text.find("第二篇"), d.text.find("日本首相"));
  EXPECT_NE(d.text.find("2023-01-04 22:39\n第一段。\n第二段，很长"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("…"), std::string::npos) << "the excerpt is cut at 40 characters";
  EXPECT_EQ(d.text.find("x()"), std::string::npos);
  EXPECT_NE(d.text.find("GitHub: https://github.com/u/r/blob/main/articles/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/1048574_"),
            std::string::npos)
      << d.text;
  EXPECT_NE(d.text.find("原文: https://www.voachinese.com/a/1048574.html"), std::string::npos);
  EXPECT_NE(d.text.find("其他镜像 — 若本页被封锁，请访问：\n  GitHub: https://github.com/u/r\n  网站: https://u.example/r/\n"),
            std::string::npos)
      << d.text;
  // HTML: everything escaped, the copies in the footer.
  EXPECT_NE(d.html.find("日本首相&lt;b&gt;访美&lt;/b&gt;"), std::string::npos) << d.html;
  EXPECT_EQ(d.html.find("<script"), std::string::npos);
  EXPECT_NE(d.html.find("<a href=\"https://u.example/r/\">网站</a>"), std::string::npos);
  EXPECT_NE(d.html.find("<a href=\"https://www.voachinese.com/a/1048573.html\">原文</a>"), std::string::npos);
}

TEST(DigestTest, TheCapLeavesTheNewerArticlesForTheNextDigest) {
  std::string body = "<p>" + std::string(2000, 'x') + "</p>";
  DigestOptions o = Options(16 * 1024);
  o.excerpt_chars = 1500;
  DigestBuilder b(o, 1672880000000);
  int added = 0;
  for (int i = 0; i < 40; ++i) {
    if (!b.Add(Article(1048574 - i, 1672843145000 + i * 60000, "标题" + std::to_string(i), body))) break;
    ++added;
  }
  EXPECT_GT(added, 1);
  EXPECT_LT(added, 40);
  EXPECT_EQ(b.size(), static_cast<size_t>(added));
  Digest d = b.Finish(40 - added);
  EXPECT_LE(d.text.size() + d.html.size(), o.max_bytes);
  EXPECT_NE(d.text.find("还有 " + std::to_string(40 - added) + " 篇新文章将在下一封邮件中寄出。"), std::string::npos);
  // One more would not have fitted.
  DigestBuilder again(o, 1672880000000);
  for (int i = 0; i < added; ++i) again.Add(Article(1048574 - i, 1672843145000 + i * 60000, "标题" + std::to_string(i), body));
  EXPECT_FALSE(again.Add(Article(1, 1672843145000, "再一篇", body)));
}

TEST(DigestTest, TheFirstArticleAlwaysGoesIn) {
  DigestOptions o = Options(16 * 1024);
  o.excerpt_chars = 5000;
  DigestBuilder b(o, 1672880000000);
  EXPECT_TRUE(b.Add(Article(1048574, 1672843145000, std::string(300, 'T'), "<p>" + std::string(20000, 'y') + "</p>")));
  Digest d = b.Finish(0);
  // The title line (the file name in the links keeps the whole title).
  EXPECT_NE(d.text.find("\n" + std::string(200, 'T') + "…\n"), std::string::npos) << "titles are cut at 200 characters";
  EXPECT_EQ(d.text.find(std::string(201, 'T') + "\n"), std::string::npos);
  EXPECT_EQ(d.html.find(std::string(201, 'T') + "<"), std::string::npos);
  EXPECT_NE(d.text.find(std::string(5000, 'y') + "…\n"), std::string::npos) << "the excerpt is cut, not dropped";
}

TEST(DigestTest, ExcerptTakesTheFirstParagraphsOfTheText) {
  EXPECT_EQ(Excerpt("<div><p>一</p><p>  二  </p><p>三三三三</p></div>", 5), "一\n二\n三三三…");
  EXPECT_EQ(Excerpt("<p>short</p>", 300), "short");
  EXPECT_EQ(Excerpt("", 300), "");
}

}  // namespace
}  // namespace nm

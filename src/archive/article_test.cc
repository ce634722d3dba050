#include "archive/article.h"

#include <gtest/gtest.h>

#include "util/fs.h"

namespace nm {
namespace {

TEST(JsTrimTest, RemovesJavaScriptWhiteSpaceOnly) {
  struct Case { std::string in, out; };
  const Case cases[] = {
      {"  a b  ", "a b"},
      {"\t\r\n a\n", "a"},
      {"\xC2\xA0" "x" "\xC2\xA0", "x"},                 // U+00A0
      {"\xE3\x80\x80" "標題" "\xE3\x80\x80", "標題"},   // U+3000 ideographic space
      {"\xEF\xBB\xBF" "bom", "bom"},                    // U+FEFF
      {"\xE2\x80\x8A" "hair" "\xE2\x80\xA8", "hair"},   // U+200A, U+2028
      {"\xE2\x80\x8B" "zw", "\xE2\x80\x8B" "zw"},       // U+200B is not white space in JS
      {"\xE1\xA0\x8E" "mv", "\xE1\xA0\x8E" "mv"},       // U+180E is not either (ES2016+)
      {"", ""},
      {"   ", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(std::string(JsTrim(c.in)), c.out) << c.in;
}

TEST(CleanTitleTest, JoinsLinesIntoOne) {
  EXPECT_EQ(CleanTitle("\n        日本首相岸田文雄\n      "), "日本首相岸田文雄");
  EXPECT_EQ(CleanTitle("first line\r\n   second line"), "first line second line");
  EXPECT_EQ(CleanTitle("a\n\n\nb"), "a b");
  EXPECT_EQ(CleanTitle("no breaks  inside"), "no breaks  inside");
}

TEST(FlattenContentTest, TrimsEachLineAndJoinsWithNothing) {
  EXPECT_EQ(FlattenContent("\n  <p>a</p>\n  <p>b</p>\n  "), "<p>a</p><p>b</p>");
  EXPECT_EQ(FlattenContent("<p>one\r\ntwo</p>"), "<p>onetwo</p>");
  EXPECT_EQ(FlattenContent("<div ><img  src=\"x\"/></div>"), "<div ><img  src=\"x\"/></div>");
}

TEST(ArticleTest, FormatsFiveLines) {
  ArticleDoc doc{1672843145000, "Title", "https://example.com/a", "<p>x</p>"};
  EXPECT_EQ(FormatArticle(doc), "<!--1672843145000-->\n[Title](https://example.com/a)\n------\n\n<p>x</p>\n");
}

TEST(ArticleTest, ParsesWhatItFormats) {
  ArticleDoc doc{42, "A [bracketed] title", "https://example.com/a(1)", "<p>x</p>"};
  auto back = ParseArticle(FormatArticle(doc));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->published_ms, 42);
  EXPECT_EQ(back->title, doc.title);
  EXPECT_EQ(back->content, doc.content);
}

TEST(ArticleTest, ParsesTheSeedArticle) {
  auto text = ReadFile(std::string(NEWSMIRROR_SHARED_DIR) + "/seed/000_aaf80997af946b83.txt");
  ASSERT_TRUE(text.ok()) << text.status().message();
  auto doc = ParseArticle(*text);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->published_ms, 1672843145000);
  EXPECT_EQ(doc->title, "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟");
  EXPECT_EQ(doc->link,
            "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/"
            "6903827.html");
  EXPECT_EQ(FormatArticle(*doc), *text);
}

TEST(ArticleTest, RejectsFilesInOtherFormats) {
  EXPECT_FALSE(ParseArticle("# Just markdown\n").ok());
  EXPECT_FALSE(ParseArticle("<!--abc-->\n[t](l)\n------\n\nx\n").ok());
  EXPECT_FALSE(ParseArticle("<!--1-->\nno link\n------\n\nx\n").ok());
  EXPECT_FALSE(ParseArticle("").ok());
}

}  // namespace
}  // namespace nm

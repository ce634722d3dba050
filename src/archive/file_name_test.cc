#include "archive/file_name.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(FileNameTest, IdAndTitle) {
  EXPECT_EQ(ArticleFileName(1048574, "日本首相岸田文雄1月13日访美"), "1048574_日本首相岸田文雄1月13日访美.md");
}

TEST(FileNameTest, RemovesCharactersForbiddenOnSomeSystem) {
  EXPECT_EQ(ArticleFileName(7, "a/b\\c:d*e?f\"g<h>i|j"), "7_abcdefghij.md");
  EXPECT_EQ(ArticleFileName(7, std::string("tab\there\x01") + "\xC2\x85" + "x"), "7_tabherex.md");
  EXPECT_EQ(ArticleFileName(7, "...hidden"), "7_hidden.md");
  EXPECT_EQ(ArticleFileName(7, "ends with dots... "), "7_ends with dots.md");
  EXPECT_EQ(ArticleFileName(7, "习近平：讲话"), "7_习近平：讲话.md");  // full-width colon is fine
}

TEST(FileNameTest, EmptyTitleGivesIdOnly) {
  EXPECT_EQ(ArticleFileName(1048573, ""), "1048573.md");
  EXPECT_EQ(ArticleFileName(1048573, "???"), "1048573.md");
}

TEST(FileNameTest, CutAtCharacterBoundaryWithin255Bytes) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "中";  // 600 bytes
  std::string name = ArticleFileName(1048574, title);
  EXPECT_LE(name.size(), 255u);
  EXPECT_GE(name.size(), 252u);
  EXPECT_EQ(name.substr(name.size() - 3), ".md");
  // Every character is whole: the title part is a multiple of 3 bytes.
  EXPECT_EQ((name.size() - 3 - 8) % 3, 0u);
}

TEST(FileNameTest, IdFromEitherForm) {
  EXPECT_EQ(ArticleIdFromFileName("1048574_标题.md"), 1048574);
  EXPECT_EQ(ArticleIdFromFileName("1048000.md"), 1048000);
  EXPECT_FALSE(ArticleIdFromFileName("README.md"));
  EXPECT_FALSE(ArticleIdFromFileName("123abc.md"));
  EXPECT_FALSE(ArticleIdFromFileName("123_x.txt"));
  EXPECT_FALSE(ArticleIdFromFileName("_x.md"));
}

}  // namespace
}  // namespace nm

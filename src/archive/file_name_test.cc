#include "archive/file_name.h"

#include <gtest/gtest.h>

#include "layout/layout.h"

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

// A title from a hostile feed or a hostile article file: what the writer
// names a file, the reader of the archive accepts (layout::CheckFileName),
// or the outlet could not be read again.
TEST(FileNameTest, EveryTitleGivesANameTheArchiveAccepts) {
  EXPECT_EQ(ArticleFileName(7, "\xE5\xB2\xB8\xE7\x94\xB0\xE6\x96 cut \xFF\xC0\xAF"), "7_岸田 cut.md");
  EXPECT_EQ(ArticleFileName(7, "non\xEF\xB7\x90" "char\xEF\xBF\xBE\xF4\x8F\xBF\xBF"), "7_nonchar.md");
  EXPECT_EQ(ArticleFileName(7, "\xED\xA0\x80surrogate"), "7_surrogate.md");
  std::string hostile;
  for (int b = 1; b < 256; ++b) hostile.push_back(static_cast<char>(b));
  hostile += "\xEF\xB7\x90\xEF\xBF\xBF" "..." " ";
  for (size_t len = 0; len <= hostile.size(); ++len) {
    for (size_t from : {size_t{0}, size_t{100}, size_t{200}}) {
      if (from > len) continue;
      std::string name = ArticleFileName(1048574, hostile.substr(from, len - from));
      EXPECT_TRUE(layout::CheckFileName(name).ok()) << name << ": " << layout::CheckFileName(name).message();
      EXPECT_EQ(ArticleIdFromFileName(name), 1048574);
    }
  }
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

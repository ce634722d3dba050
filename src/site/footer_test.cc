#include "site/footer.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace nm {
namespace {

TEST(ReaderFooterTest, NamesEveryCopyOfTheMirrorTheConfigurationLists) {
  auto config = ParseConfig(
      "[publish]\n"
      "mirrors = [{ name = \"GitHub\", url = \"https://github.com/example/mirror\" },\n"
      "           { name = \"Codeberg 镜像\", url = \"https://codeberg.org/example/mirror\" }]\n"
      "[[source]]\nname = \"voa\"\nurl = \"https://www.voachinese.com/api/feed\"\n",
      "footer.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ReaderFooter footer = ReaderFooterFor(&*config);
  ASSERT_EQ(footer.links.size(), 2u);
  EXPECT_EQ(footer.links[0].first, "GitHub");
  EXPECT_EQ(footer.links[1].second, "https://codeberg.org/example/mirror");
  std::string html = FormatReaderFooter(footer);
  EXPECT_NE(html.find("<a href=\"https://github.com/example/mirror\">GitHub</a> · "
                      "<a href=\"https://codeberg.org/example/mirror\">Codeberg 镜像</a>"),
            std::string::npos)
      << html;
}

TEST(ReaderFooterTest, WithoutAConfigurationOnlyTheNote) {
  ReaderFooter footer = ReaderFooterFor(nullptr);
  EXPECT_TRUE(footer.links.empty());
  EXPECT_EQ(FormatReaderFooter(footer), "<footer class=\"nm-footer\"><p>" + footer.note + "</p></footer>");
}

}  // namespace
}  // namespace nm

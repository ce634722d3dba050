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

TEST(ReaderFooterTest, AHostileLinkIsLeftOutAndEveryTextEscaped) {
  ReaderFooter footer;
  footer.note = "</footer><script>alert(1)</script>";
  footer.links = {{"脚本", "javascript:alert(1)"},
                  {"数据", "data:text/html,<script>alert(1)</script>"},
                  {"<b>粗</b>", "https://a.example/?q=\"><script>alert(1)</script>&x=1"}};
  std::string html = FormatReaderFooter(footer);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(html.find("data:"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://a.example/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=1\">"
                      "&lt;b&gt;粗&lt;/b&gt;</a>"),
            std::string::npos)
      << html;
  // One footer, closed once: the note cannot end it early.
  EXPECT_EQ(html.rfind("</footer>"), html.size() - 9) << html;
  EXPECT_EQ(html.find("</footer>"), html.size() - 9) << html;
}

}  // namespace
}  // namespace nm

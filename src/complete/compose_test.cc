#include "complete/compose.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "util/fs.h"

namespace nm {
namespace {

constexpr char kPageUrl[] = "https://www.voachinese.com/a/japan-kishida/6903827.html";

std::string Fixture(const std::string& name) {
  auto text = ReadFile(std::string(NEWSMIRROR_SOURCE_DIR) + "/src/complete/testdata/" + name);
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? *text : std::string();
}

TEST(ComposeArticle, WritesAFixturePageAsTheSeedArticleLooks) {
  auto article = ExtractArticle(Fixture("voa_article.html"), {kPageUrl, ""});
  ASSERT_TRUE(article.ok()) << article.status().message();
  std::string html = ComposeArticle(*article, 1672841206000, kPageUrl);
  EXPECT_EQ(html,
            "<div><i>Wed, 04 Jan 2023 14:06:46 GMT</i></div>"
            "<img src=\"https://gdb.voanews.com/lead_w900.jpg\" width=\"100%\">"
            "<div><small style=\"color: #999;\">日本首相岸田文雄在新年记者会上讲话。</small></div>"
            "<p>日本首相岸田文雄星期三表示，由于地区紧张局势的升高，日本将根据新出炉的安全和防卫战略，深化与美国的安全与防卫同盟关系。"
            "这是一段足够长的正文，用来让提取器相信这里就是文章的主体部分。</p>"
            "<p>岸田是在参访日本中部的伊势神宫后举行的记者会上作上述表示的。"
            "<a href=\"https://www.voachinese.com/a/related-123.html\" rel=\"noopener noreferrer nofollow\">相关报道</a>说明了更多背景。</p>"
            "<h2>同盟的基石</h2>"
            "<p>“我们将向世界其他地区展示更为强大的日美同盟，而这也是日本安全和外交的基石，”美联社引述岸田的话说。他还说，双方将讨论更多合作。</p>"
            "<ul><li>采购战斧导弹</li><li>强化西南诸岛部署</li></ul>"
            "<blockquote><p>日美同盟是地区和平的基石，这一点不会改变。</p></blockquote>"
            "<figure><img src=\"https://gdb.voanews.com/second_w900.jpg\" alt=\"航母\"><figcaption>岸田登上里根号航空母舰。</figcaption></figure>"
            "<p>根据日本媒体的报道，岸田在会晤拜登时，双方将讨论万一台海发生冲突时美日将如何进行合作。</p>"
            // The page's YouTube player is kept (sandboxed); its other iframe is not.
            "<p><iframe src=\"https://www.youtube.com/embed/abc123\" allowfullscreen "
            "sandbox=\"allow-scripts allow-same-origin allow-presentation\"></iframe>   </p>");
}

TEST(ComposeArticle, LeavesOutImageAndCaptionWhenThePageHasNone) {
  ExtractedArticle a;
  a.body_html = "<p>正文</p>";
  a.lead_caption = "a caption without an image";
  EXPECT_EQ(ComposeArticle(a, 0, kPageUrl), "<div><i>Thu, 01 Jan 1970 00:00:00 GMT</i></div><p>正文</p>");
}

TEST(ComposeArticle, EscapesTheCaptionAndResolvesARelativeLeadImage) {
  ExtractedArticle a;
  a.lead_image = "/img/a.jpg?w=1&h=2";
  a.lead_caption = "  <b>x</b> & \"y\"  ";
  a.body_html = "<p>t</p>";
  EXPECT_EQ(ComposeArticle(a, 0, kPageUrl),
            "<div><i>Thu, 01 Jan 1970 00:00:00 GMT</i></div>"
            "<img src=\"https://www.voachinese.com/img/a.jpg?w=1&amp;h=2\" width=\"100%\">"
            "<div><small style=\"color: #999;\">&lt;b&gt;x&lt;/b&gt; &amp; \"y\"</small></div><p>t</p>");
}

TEST(ComposeArticle, KeepsVideoPlayersFromTheAllowlistOnly) {
  ExtractedArticle a;
  a.body_html =
      "<p>视频</p><iframe src=\"https://www.youtube.com/embed/abc123\" width=\"640\" height=\"360\"></iframe>"
      "<iframe src=\"https://player.vimeo.com/video/42\"></iframe>"
      "<iframe src=\"https://evil.example.com/frame.html\"></iframe>";
  std::string html = ComposeArticle(a, 0, kPageUrl);
  EXPECT_NE(html.find("https://www.youtube.com/embed/abc123"), std::string::npos) << html;
  EXPECT_NE(html.find("https://player.vimeo.com/video/42"), std::string::npos) << html;
  EXPECT_EQ(html.find("evil.example.com"), std::string::npos) << html;
}

TEST(ComposeArticle, DropsTrackingPixels) {
  ExtractedArticle a;
  a.body_html =
      "<p>a<img src=\"https://example.com/real.jpg\" alt=\"r\"></p>"
      "<p>b<img src=\"https://example.com/p.gif\" width=\"1\" height=\"1\"></p>"
      "<p>c<img src=\"https://www.google-analytics.com/collect?v=1&amp;t=pageview\"></p>"
      "<p>d<img src=\"https://pixel.wp.com/g.gif?x=1\"></p>"
      "<p>e<img height=\"0\" src=\"https://example.com/zero.gif\"></p>";
  std::string html = ComposeArticle(a, 0, kPageUrl);
  EXPECT_NE(html.find("real.jpg"), std::string::npos) << html;
  EXPECT_EQ(html.find("p.gif"), std::string::npos) << html;
  EXPECT_EQ(html.find("google-analytics"), std::string::npos) << html;
  EXPECT_EQ(html.find("pixel.wp.com"), std::string::npos) << html;
  EXPECT_EQ(html.find("zero.gif"), std::string::npos) << html;
  EXPECT_NE(html.find("<p>e</p>"), std::string::npos) << html;
}

// Every tag of the composed HTML, lower-cased. Text cannot hold a raw '<'
// after sanitizing, so each '<' starts a tag.
std::vector<std::string> Tags(const std::string& html) {
  std::vector<std::string> tags;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    size_t end = i + 1;
    char quote = 0;
    while (end < html.size() && !(html[end] == '>' && quote == 0)) {
      if (quote == 0 && (html[end] == '"' || html[end] == '\'')) quote = html[end];
      else if (html[end] == quote) quote = 0;
      ++end;
    }
    std::string tag = html.substr(i, end + 1 - i);
    std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
    tags.push_back(tag);
    i = end;
  }
  return tags;
}

class XssVector : public testing::TestWithParam<const char*> {};

TEST_P(XssVector, DoesNotSurviveComposition) {
  ExtractedArticle a;
  a.body_html = std::string("<p>before</p>") + GetParam() + "<p>after</p>";
  a.lead_caption = GetParam();
  a.lead_image = "javascript:alert(1)";
  std::string html = ComposeArticle(a, 0, kPageUrl);
  static const std::regex kEventHandler(R"(\son[a-z]+\s*=)");
  static const std::regex kBadUrl(R"((href|src|srcset|action|formaction|data|xlink:href|poster|background)\s*=\s*["']?\s*(javascript|vbscript|data|livescript):)");
  for (const std::string& tag : Tags(html)) {
    EXPECT_FALSE(std::regex_search(tag, kEventHandler)) << tag << "\nin " << html;
    EXPECT_FALSE(std::regex_search(tag, kBadUrl)) << tag << "\nin " << html;
    for (const char* bad : {"<script", "<style", "<svg", "<math", "<object", "<embed", "<meta", "<base", "<form",
                            "<input", "<button", "<link", "<noscript", "<template", "<frame", "<applet", "<textarea",
                            "<select", "<isindex", "srcdoc", "expression(", "style=\"", "xlink", "formaction",
                            "javascript", "vbscript"}) {
      if (std::string(bad) == "style=\"" && tag.rfind("<small", 0) == 0) continue;  // the caption's own style
      EXPECT_EQ(tag.find(bad), std::string::npos) << bad << " in " << tag << "\nin " << html;
    }
    if (tag.rfind("<iframe", 0) == 0) ADD_FAILURE() << "an iframe off the allowlist survived: " << tag;
  }
  EXPECT_NE(html.find("<p>before</p>"), std::string::npos) << html;
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, XssVector,
    testing::Values(
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" ONERROR=\"alert(1)\">",
        "<img/src=x/onerror=alert(1)>",
        "<svg onload=alert(1)><circle r=1></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=\" &#14; javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<p style=\"width: expression(alert(1))\">x</p>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe src=\"https://www.youtube.com.evil.example/embed/x\"></iframe>",
        "<object data=\"https://evil.example/x.swf\"></object>",
        "<embed src=\"https://evil.example/x.swf\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<form><button formaction=\"javascript:alert(1)\">go</button></form>",
        "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
        "<math><a xlink:href=\"javascript:alert(1)\">x</a></math>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<input autofocus onfocus=alert(1)>",
        "<template><img src=x onerror=alert(1)></template>",
        "<a href=\"https://ok.example/\" onmouseover=\"alert(1)\">ok</a>",
        "<img src=\"https://ok.example/a.jpg\" srcset=\"javascript:alert(1) 1x\">",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<video poster=\"javascript:alert(1)\"></video>",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        "<a href=\"javascript&colon;alert(1)\">x</a>"));

TEST(LooksLikeSummary, ShortOrCutTextIsASummary) {
  EXPECT_TRUE(LooksLikeSummary("<p>日本首相岸田文雄星期三表示，将深化与美国的同盟。</p>"));
  std::string long_text = "<p>" + std::string(300, 'a') + " " + std::string(300, 'b') + "</p>";
  EXPECT_FALSE(LooksLikeSummary(long_text));
  EXPECT_TRUE(LooksLikeSummary("<p>" + std::string(600, 'a') + "…</p>"));
  EXPECT_TRUE(LooksLikeSummary("<p>" + std::string(600, 'a') + " <a href=\"x\">阅读全文</a></p>"));
}

TEST(PageAddsToFeed, ThePageMustHoldMoreThanTheFeed) {
  std::string feed = "<p>" + std::string(600, 'x') + "…</p>";
  EXPECT_TRUE(PageAddsToFeed(feed, "dateline " + std::string(900, 'x')));
  EXPECT_FALSE(PageAddsToFeed(feed, std::string(300, 'x')));             // shorter
  EXPECT_FALSE(PageAddsToFeed(feed, std::string(900, 'y')));             // another text
  EXPECT_TRUE(PageAddsToFeed("<p>短摘要</p>", "完全不同但更长的正文内容"));  // a short feed always gives way
}

TEST(VisibleText, DropsTagsAndCollapsesSpace) {
  EXPECT_EQ(VisibleText("<p>a &amp; b</p>\n<p>c</p>"), "a & b c");
}

}  // namespace
}  // namespace nm

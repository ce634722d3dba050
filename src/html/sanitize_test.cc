#include "html/sanitize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace nm {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(SanitizeTest, KeepsTextStructure) {
  EXPECT_EQ(SanitizeHtml("<p>段落 <b>粗</b> <a href=\"https://x.example/a\">链接</a></p><ul><li>一</li></ul>"),
            "<p>段落 <b>粗</b> <a href=\"https://x.example/a\" rel=\"noopener noreferrer nofollow\">链接</a></p>"
            "<ul><li>一</li></ul>");
  EXPECT_EQ(SanitizeHtml("<img src=\"https://i.example/a.jpg\" alt=\"图\" width=\"100%\">"),
            "<img src=\"https://i.example/a.jpg\" alt=\"图\" width=\"100%\">");
  EXPECT_EQ(SanitizeHtml("<figure><img src=\"/a.jpg\"><figcaption>说明</figcaption></figure>"),
            "<figure><img src=\"/a.jpg\"><figcaption>说明</figcaption></figure>");
}

TEST(SanitizeTest, PreKeepsALeadingLineBreakThroughAReparse) {
  // The parser drops the first line break after <pre>; the second is content.
  std::string once = SanitizeHtml("<pre>\n\ncode</pre>");
  EXPECT_EQ(once, "<pre>\n\ncode</pre>");
  EXPECT_EQ(SanitizeHtml(once), once);
  EXPECT_EQ(SanitizeHtml("<pre><font>\nx</font></pre>"), "<pre>\n\nx</pre>");
  EXPECT_EQ(SanitizeHtml("<pre>code\n</pre>"), "<pre>code\n</pre>");
}

TEST(SanitizeTest, CharactersAParserRewritesAreWrittenAsReferences) {
  // Read raw, a parser would turn these into U+FFFD or LF; as references they stay.
  std::string once = SanitizeHtml("<p title=\"a&#13;b\">x&#29;y&#x81;z&#xFDD0;&#13;</p>");
  EXPECT_EQ(once, "<p title=\"a&#13;b\">x&#29;y&#129;z&#64976;&#13;</p>");
  EXPECT_EQ(SanitizeHtml(once), once);
  EXPECT_EQ(SanitizeHtml("<p>\t中文\n</p>"), "<p>\t中文\n</p>");
}

TEST(SanitizeTest, UnwrapsUnknownElementsKeepingText) {
  EXPECT_EQ(SanitizeHtml("<section><font color=red>文字</font></section>"), "文字");
}

TEST(SanitizeTest, ResolvesAgainstBase) {
  SanitizePolicy p;
  p.base_url = "https://www.voachinese.com/a/1.html";
  EXPECT_EQ(SanitizeHtml("<img src=\"/img/x.jpg\">", p), "<img src=\"https://www.voachinese.com/img/x.jpg\">");
}

TEST(SanitizeTest, IframesOnlyFromAllowedHosts) {
  SanitizePolicy p;
  p.iframe_hosts = {"www.youtube.com"};
  std::string ok = SanitizeHtml("<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>", p);
  EXPECT_NE(ok.find("src=\"https://www.youtube.com/embed/abc\""), std::string::npos);
  EXPECT_EQ(SanitizeHtml("<iframe src=\"https://evil.example/x\"></iframe>", p), "");
  EXPECT_EQ(SanitizeHtml("<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>"), "");
  EXPECT_EQ(SanitizeHtml("<iframe srcdoc=\"<script>alert(1)</script>\" src=\"https://www.youtube.com/e\"></iframe>", p)
                .find("srcdoc"),
            std::string::npos);
}

// Vectors from common XSS cheat sheets: none may leave anything executable.
TEST(SanitizeTest, XssVectorsDoNotSurvive) {
  const char* vectors[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
      "<img src=x onerror=alert(1)>",
      "<img src=\"javascript:alert(1)\">",
      "<img src=\"jav&#x09;ascript:alert(1)\">",
      "<img src=\" &#14;  javascript:alert(1)\">",
      "<a href=\"javascript:alert(1)\">x</a>",
      "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
      "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
      "<a href=\"java\nscript:alert(1)\">x</a>",
      "<a href=\"vbscript:msgbox(1)\">x</a>",
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
      "<svg onload=alert(1)><circle r=1 /></svg>",
      "<svg><script>alert(1)</script></svg>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<body onload=alert(1)>",
      "<div style=\"background:url(javascript:alert(1))\">x</div>",
      "<div style=\"width: expression(alert(1))\">x</div>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<embed src=\"javascript:alert(1)\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
      "<base href=\"javascript:alert(1)//\">",
      "<form action=\"javascript:alert(1)\"><input type=submit></form>",
      "<details open ontoggle=alert(1)>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
      "<style>@import 'javascript:alert(1)';</style>",
      "<a href=\"#\" onclick=\"alert(1)\">x</a>",
      "<img srcset=\"javascript:alert(1) 1x\">",
      "<math href=\"javascript:alert(1)\">x</math>",
      "<a xlink:href=\"javascript:alert(1)\">x</a>",
      "<video><source onerror=alert(1)></video>",
      "<p onmouseover=\"alert(1)\">hover</p>",
      "<template><script>alert(1)</script></template>",
  };
  for (const char* v : vectors) {
    std::string out = Lower(SanitizeHtml(v));
    EXPECT_EQ(out.find("<script"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("javascript:"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("vbscript:"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("data:"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("expression"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("<svg"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("<iframe"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("<meta"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("<base"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("<form"), std::string::npos) << v << " -> " << out;
    EXPECT_EQ(out.find("style="), std::string::npos) << v << " -> " << out;
    // No event handler attribute of any name.
    for (size_t p = out.find(" on"); p != std::string::npos; p = out.find(" on", p + 1)) {
      size_t eq = out.find('=', p);
      size_t space = out.find_first_of(" >", p + 1);
      EXPECT_FALSE(eq != std::string::npos && eq < space && out.rfind('<', p) > out.rfind('>', p))
          << v << " -> " << out;
    }
  }
}

TEST(SanitizeTest, TheSeedContentKeepsItsText) {
  std::string out = SanitizeHtml(
      "<div><i>Wed, 04 Jan 2023 14:06:46 GMT</i></div><img src=\"https://images.weserv.nl?url=gdb.voanews.com/a.jpg\" "
      "width=\"100%\"><div><small style=\"color: #999;\">说明</small></div><p>正文<br /><br />第二段</p>");
  EXPECT_EQ(out,
            "<div><i>Wed, 04 Jan 2023 14:06:46 GMT</i></div><img src=\"https://images.weserv.nl?url=gdb.voanews.com/a.jpg\" "
            "width=\"100%\"><div><small>说明</small></div><p>正文<br><br>第二段</p>");
}

}  // namespace
}  // namespace nm

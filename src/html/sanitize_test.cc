#include "html/sanitize.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "html/escape.h"
#include "util/fs.h"

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

SanitizePolicy Xhtml() {
  SanitizePolicy p;
  p.xhtml = true;
  return p;
}

// Parses `text` as XML inside an XHTML <div>; the error when it is not well-formed.
std::string XmlError(const std::string& fragment) {
  std::string doc = "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + fragment + "</div>";
  xmlDocPtr d = xmlReadMemory(doc.data(), static_cast<int>(doc.size()), "fragment.xhtml", "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (d) {
    xmlFreeDoc(d);
    return "";
  }
  const xmlError* e = xmlGetLastError();
  return e && e->message ? e->message : "not well-formed";
}

TEST(SanitizeXhtmlTest, VoidElementsCloseAndAttributesTakeHtml5Forms) {
  EXPECT_EQ(SanitizeHtml("<p>一<br>二</p><hr><img src=\"https://i.example/a.jpg\" width=\"100%\" height=\"300\">", Xhtml()),
            "<p>一<br/>二</p><hr/><img src=\"https://i.example/a.jpg\" height=\"300\" alt=\"\"/>");
  EXPECT_EQ(SanitizeHtml("<p lang=\"zh_CN\" dir=\"sideways\">x</p><p lang=\"zh-Hant\" dir=\"rtl\">y</p>", Xhtml()),
            "<p>x</p><p lang=\"zh-Hant\" dir=\"rtl\">y</p>");
  EXPECT_EQ(SanitizeHtml("<table width=\"50%\"><tr><td colspan=\"0\" rowspan=\"2\">x</td></tr></table>", Xhtml()),
            "<table><tbody><tr><td rowspan=\"2\">x</td></tr></tbody></table>");
  EXPECT_EQ(SanitizeHtml("<time datetime=\"昨天\">昨天</time>", Xhtml()), "<time>昨天</time>");
  // Characters XML cannot carry are dropped, not written as references.
  std::string xml;
  AppendXmlEscaped(xml, std::string("a\x01z\x0b<\xff\xef\xbf\xbe\t\xed\xa0\x80") + "é", false);
  EXPECT_EQ(xml, "az&lt;\té");
  // Raw or as references, the parser reads them as U+FFFD: none is written
  // back as a control or a reference to one.
  for (std::string in : {std::string("<p>a\x01z\x0b</p>"), std::string("<p>a&#1;z&#11;</p>")}) {
    std::string out = SanitizeHtml(in, Xhtml());
    EXPECT_EQ(out.find_first_of("\x01\x0b"), std::string::npos) << out;
    EXPECT_EQ(out.find("&#"), std::string::npos) << out;
    EXPECT_EQ(out.rfind("<p>a", 0), 0u) << out;
  }
  // The HTML form is as it was.
  EXPECT_EQ(SanitizeHtml("<p>一<br>二</p><img src=\"https://i.example/a.jpg\" width=\"100%\">"),
            "<p>一<br>二</p><img src=\"https://i.example/a.jpg\" width=\"100%\">");
}

TEST(SanitizeXhtmlTest, ElementsWhereTheirContentModelForbidsThemGiveWay) {
  // A block inside phrasing: its content stays, with a break where the block ended.
  EXPECT_EQ(SanitizeHtml("<span>甲<div>乙</div>丙</span>", Xhtml()), "<span>甲乙<br/>丙</span>");
  EXPECT_EQ(SanitizeHtml("<h2><p>标题</p></h2>", Xhtml()), "<h2>标题<br/></h2>");
  EXPECT_EQ(SanitizeHtml("<strong><p>粗</p><hr></strong>", Xhtml()), "<strong>粗<br/></strong>");
  // List items outside a list, and what a list holds besides its items.
  EXPECT_EQ(SanitizeHtml("<div><li>一</li></div>", Xhtml()), "<div>一<br/></div>");
  EXPECT_EQ(SanitizeHtml("<ul><li>一</li><div>二</div>三</ul>", Xhtml()), "<ul><li>一</li><li><div>二</div></li><li>三</li></ul>");
  EXPECT_EQ(SanitizeHtml("<dl><dt>词</dt><p>释</p></dl>", Xhtml()), "<dl><dt>词</dt><dd><p>释</p></dd></dl>");
  EXPECT_EQ(SanitizeHtml("<div><figcaption>说明</figcaption></div>", Xhtml()), "<div>说明<br/></div>");
  // Links are transparent: a block inside one is fine where the link may hold it.
  EXPECT_EQ(SanitizeHtml("<div><a href=\"https://x.example/\"><div>块</div></a></div>", Xhtml()),
            "<div><a href=\"https://x.example/\" rel=\"noopener noreferrer nofollow\"><div>块</div></a></div>");
  EXPECT_EQ(SanitizeHtml("<span><a href=\"https://x.example/\"><div>块</div></a></span>", Xhtml()),
            "<span><a href=\"https://x.example/\" rel=\"noopener noreferrer nofollow\">块<br/></a></span>");
  EXPECT_EQ(SanitizeHtml("<em><div>块</div></em>", Xhtml()), "<em>块<br/></em>");
}

TEST(SanitizeXhtmlTest, ThePolicyDecidesEveryImage) {
  SanitizePolicy p = Xhtml();
  std::vector<std::string> asked;
  p.image_src = [&](std::string_view src) -> std::optional<std::string> {
    asked.emplace_back(src);
    if (src == "../../assets/V/a.png") return std::string("images/a.png");
    return std::nullopt;
  };
  EXPECT_EQ(SanitizeHtml("<p><img src=\"../../assets/V/a.png\" srcset=\"../../assets/V/a.png 2x\" alt=\"存\">"
                         "<img src=\"https://proxy.example/?url=b.jpg\" alt=\" 代理 \"><img src=\"https://c.example/c.jpg\"></p>"
                         "<picture><source srcset=\"https://c.example/d.webp\"><img src=\"../../assets/V/a.png\"></picture>",
                         p),
            "<p><img src=\"images/a.png\" alt=\"存\"/><span class=\"alt\">代理</span></p><img src=\"images/a.png\" alt=\"\"/>");
  EXPECT_EQ(asked.size(), 4u);
}

// Every page of the extraction corpus (real news pages, whole) comes out as
// well-formed XHTML.
TEST(SanitizeXhtmlTest, RealPagesComeOutWellFormed) {
  std::string dir = std::string(NEWSMIRROR_SHARED_DIR) + "/corpora/extraction/html";
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    gzFile gz = gzopen(entry.path().c_str(), "rb");
    ASSERT_NE(gz, nullptr) << entry.path();
    std::string html;
    char buf[65536];
    int n;
    while ((n = gzread(gz, buf, sizeof buf)) > 0) html.append(buf, static_cast<size_t>(n));
    gzclose(gz);
    SanitizePolicy p = Xhtml();
    p.base_url = "https://news.example/a/1";
    std::string out = SanitizeHtml(html, p);
    EXPECT_EQ(XmlError(out), "") << entry.path();
    EXPECT_GT(out.size(), 100u) << entry.path();
    ++pages;
  }
  EXPECT_GT(pages, 100);
}

}  // namespace
}  // namespace nm

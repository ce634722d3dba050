#include "html/image_rewrite.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nm {
namespace {

constexpr const char* kWeserv = "https://images.weserv.nl?url={url_noscheme}";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The HTML inside <content:encoded><![CDATA[ ... ]]></content:encoded>.
std::string SeedContent() {
  std::string xml = ReadFile(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml");
  const std::string open = "<content:encoded><![CDATA[";
  size_t begin = xml.find(open);
  if (begin == std::string::npos) return "";
  begin += open.size();
  size_t end = xml.find("]]></content:encoded>", begin);
  if (end == std::string::npos) return "";
  return xml.substr(begin, end - begin);
}

TEST(RewriteImages, SeedArticleAlreadyOnProxyIsByteIdentical) {
  std::string content = SeedContent();
  ASSERT_NE(content.find("<img"), std::string::npos) << "fixture not found or without images";
  ASSERT_NE(content.find("images.weserv.nl"), std::string::npos);
  EXPECT_EQ(RewriteImages(content, kWeserv,
                          "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-"
                          "us-on-defense-20230104/6903827.html"),
            content);
  EXPECT_EQ(RewriteImages(content, kWeserv), content);
}

TEST(RewriteImages, PlainImageIsProxied) {
  EXPECT_EQ(RewriteImages(R"(<p>x</p><img src="https://gdb.voanews.com/a/b_w900.jpg" width="100%"><p>y</p>)",
                          kWeserv),
            R"(<p>x</p><img src="https://images.weserv.nl?url=gdb.voanews.com/a/b_w900.jpg" width="100%"><p>y</p>)");
}

TEST(RewriteImages, RewritingTwiceEqualsRewritingOnce) {
  const std::string html =
      R"(<img src="http://a.example/x.jpg?a=1&amp;b=2"><picture><source srcset="//b.example/y.webp 1x, )"
      R"(/z.webp 2x"></picture><img src=c.png>)";
  std::string once = RewriteImages(html, kWeserv, "https://site.example/post/1");
  ASSERT_NE(once, html);
  EXPECT_EQ(RewriteImages(once, kWeserv, "https://site.example/post/1"), once);
}

TEST(RewriteImages, SrcsetCandidatesKeepTheirDescriptors) {
  EXPECT_EQ(RewriteImages(R"(<img srcset="http://a.example/s.jpg 480w,  http://a.example/l.jpg 1080w" sizes="50vw">)",
                          kWeserv),
            R"(<img srcset="https://images.weserv.nl?url=a.example/s.jpg 480w,  )"
            R"(https://images.weserv.nl?url=a.example/l.jpg 1080w" sizes="50vw">)");
  // A URL ending in ',' has no descriptors; the comma separates candidates.
  EXPECT_EQ(RewriteImages("<source srcset=\"http://a.example/1.jpg,\nhttp://a.example/2.jpg 2x\">", kWeserv),
            "<source srcset=\"https://images.weserv.nl?url=a.example/1.jpg,\n"
            "https://images.weserv.nl?url=a.example/2.jpg 2x\">");
}

TEST(RewriteImages, TagAndAttributeNamesAreCaseInsensitive) {
  EXPECT_EQ(RewriteImages(R"(<IMG SRC="http://a.example/x.jpg" ALT="X">)", kWeserv),
            R"(<IMG SRC="https://images.weserv.nl?url=a.example/x.jpg" ALT="X">)");
  EXPECT_EQ(RewriteImages(R"(<Source SrcSet="http://a.example/x.jpg 1x">)", kWeserv),
            R"(<Source SrcSet="https://images.weserv.nl?url=a.example/x.jpg 1x">)");
}

TEST(RewriteImages, SingleQuotedAndUnquotedValues) {
  EXPECT_EQ(RewriteImages(R"(<img src='http://a.example/x.jpg'>)", kWeserv),
            R"(<img src='https://images.weserv.nl?url=a.example/x.jpg'>)");
  // An unquoted value that now holds '=' gets quotes, to stay valid HTML.
  EXPECT_EQ(RewriteImages(R"(<img src=http://a.example/x.jpg alt=x>)", kWeserv),
            R"(<img src="https://images.weserv.nl?url=a.example/x.jpg" alt=x>)");
  // A proxy URL without such characters stays unquoted.
  EXPECT_EQ(RewriteImages(R"(<img src=http://a.example/x.jpg>)", "https://proxy.example/{url_noscheme}"),
            R"(<img src=https://proxy.example/a.example/x.jpg>)");
}

TEST(RewriteImages, SingleQuotedValueEscapesItsQuote) {
  EXPECT_EQ(RewriteImages(R"(<img src='http://a.example/x.jpg'>)", "https://proxy.example/?u={url}"),
            R"(<img src='https://proxy.example/?u=http%3A%2F%2Fa.example%2Fx.jpg'>)");
  EXPECT_EQ(RewriteImages(R"(<img src='http://a.example/it&#39;s.jpg'>)", "https://proxy.example/?u={url}"),
            R"(<img src='https://proxy.example/?u=http%3A%2F%2Fa.example%2Fit&#39;s.jpg'>)");
}

TEST(RewriteImages, CommentsScriptsStylesAndCdataAreLeftAlone) {
  const std::string html =
      R"(<!-- <img src="http://a.example/1.jpg"> --><script>var s = '<img src="http://a.example/2.jpg">';)"
      R"(</script><STYLE>/* <img src="http://a.example/3.jpg"> */</STYLE>)"
      R"(<![CDATA[<img src="http://a.example/4.jpg">]]><textarea><img src="http://a.example/5.jpg"></textarea>)";
  EXPECT_EQ(RewriteImages(html, kWeserv), html);
  // ...while a tag right after them still counts.
  EXPECT_EQ(RewriteImages(html + R"(<img src="http://a.example/6.jpg">)", kWeserv),
            html + R"(<img src="https://images.weserv.nl?url=a.example/6.jpg">)");
}

TEST(RewriteImages, OnlySrcAndSrcsetChange) {
  const std::string html =
      R"(<img data-src="http://a.example/lazy.jpg" data-srcset="http://a.example/l.jpg 1x" )"
      R"(longdesc="http://a.example/d.html"><a src="http://a.example/x.jpg">)"
      R"(<imgx src="http://a.example/y.jpg">)";
  EXPECT_EQ(RewriteImages(html, kWeserv), html);
}

TEST(RewriteImages, SpecialCharactersAreEncodedForTheQueryValue) {
  EXPECT_EQ(RewriteImages(R"(<img src="http://a.example/a b+c%20d.jpg?x=1&amp;y=2#f">)", kWeserv),
            R"(<img src="https://images.weserv.nl?url=a.example/a%2520b%2Bc%2520d.jpg?x=1%26y=2%23f">)");
}

TEST(RewriteImages, UrlTemplateKeepsAmpersandStyle) {
  const char* tmpl = "https://proxy.example/i?src={url}&w=300";
  EXPECT_EQ(RewriteImages(R"(<img src="http://a.example/x.jpg?k=1&amp;v=2">)", tmpl),
            R"(<img src="https://proxy.example/i?src=http%3A%2F%2Fa.example%2Fx.jpg%3Fk%3D1%26v%3D2&amp;w=300">)");
  EXPECT_EQ(RewriteImages(R"(<img src="http://a.example/x.jpg">)", tmpl),
            R"(<img src="https://proxy.example/i?src=http%3A%2F%2Fa.example%2Fx.jpg&w=300">)");
}

TEST(RewriteImages, RelativeSourcesNeedABase) {
  const std::string html = R"(<img src="../img/x.jpg"><img src="//cdn.example/y.jpg">)";
  EXPECT_EQ(RewriteImages(html, kWeserv, "http://site.example/news/a/1.html"),
            R"(<img src="https://images.weserv.nl?url=site.example/news/img/x.jpg">)"
            R"(<img src="https://images.weserv.nl?url=cdn.example/y.jpg">)");
  // Without a base the relative one stays; the protocol-relative one is https.
  EXPECT_EQ(RewriteImages(html, kWeserv),
            R"(<img src="../img/x.jpg"><img src="https://images.weserv.nl?url=cdn.example/y.jpg">)");
}

TEST(RewriteImages, BytesAroundTheValueAreUnchanged) {
  const std::string html =
      "<div>\n<img\n  alt = \"a > b\"   class=pic\tSRC =  \"http://a.example/x.jpg\"\n  width=\"1\" />"
      "<img src=\"\"><img src><img src=\"data:image/png;base64,AAAA\"><img src=\"javascript:x\"></div>";
  EXPECT_EQ(RewriteImages(html, kWeserv),
            "<div>\n<img\n  alt = \"a > b\"   class=pic\tSRC =  \"https://images.weserv.nl?url=a.example/x.jpg\"\n"
            "  width=\"1\" /><img src=\"\"><img src><img src=\"data:image/png;base64,AAAA\">"
            "<img src=\"javascript:x\"></div>");
}

TEST(RewriteImages, VideoSourcesAreNotImages) {
  const std::string html =
      R"(<video><source src="http://a.example/v.mp4" type="video/mp4"></video>)"
      R"(<picture><source srcset="http://a.example/p.webp"><img src="http://a.example/p.jpg"></picture>)";
  EXPECT_EQ(RewriteImages(html, kWeserv),
            R"(<video><source src="http://a.example/v.mp4" type="video/mp4"></video>)"
            R"(<picture><source srcset="https://images.weserv.nl?url=a.example/p.webp">)"
            R"(<img src="https://images.weserv.nl?url=a.example/p.jpg"></picture>)");
}

TEST(RewriteImages, EmptyTemplateChangesNothing) {
  const std::string html = R"(<img src="http://a.example/x.jpg">)";
  EXPECT_EQ(RewriteImages(html, ""), html);
}

TEST(ProxyImageUrl, NoschemeEncodesOnlyItsFiveCharacters) {
  EXPECT_EQ(ProxyImageUrl("https://a.example/p/中.jpg?q=a&b=c+d%41#frag", kWeserv),
            "https://images.weserv.nl?url=a.example/p/%25E4%25B8%25AD.jpg?q=a%26b=c%2Bd%2541%23frag");
  EXPECT_EQ(ProxyImageUrl("http://a.example/x.jpg", kWeserv), "https://images.weserv.nl?url=a.example/x.jpg");
}

TEST(ProxyImageUrl, UrlPlaceholderIsEncodedAsAComponent) {
  EXPECT_EQ(ProxyImageUrl("https://a.example/x.jpg?a=1&b=2", "https://p.example/?u={url}"),
            "https://p.example/?u=https%3A%2F%2Fa.example%2Fx.jpg%3Fa%3D1%26b%3D2");
}

TEST(ProxyImageUrl, LeavesProxyHostDataAndEmptyAlone) {
  EXPECT_EQ(ProxyImageUrl("https://Images.Weserv.nl?url=a.example/x.jpg", kWeserv),
            "https://Images.Weserv.nl?url=a.example/x.jpg");
  EXPECT_EQ(ProxyImageUrl("data:image/gif;base64,R0lGOD", kWeserv), "data:image/gif;base64,R0lGOD");
  EXPECT_EQ(ProxyImageUrl("", kWeserv), "");
  EXPECT_EQ(ProxyImageUrl("http://a.example/x.jpg", ""), "http://a.example/x.jpg");
  EXPECT_EQ(ProxyImageUrl("//cdn.example/x.jpg", kWeserv), "https://images.weserv.nl?url=cdn.example/x.jpg");
}

}  // namespace
}  // namespace nm

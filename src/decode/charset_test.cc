#include "decode/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <vector>

#include "feed/parser.h"

namespace nm {
namespace {

// `utf8` in `charset`, encoded by ICU: the bytes a server of that charset sends.
std::string Encode(const std::string& utf8, const char* charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t len = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                             static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << charset << ": " << u_errorName(err);
  out.resize(static_cast<size_t>(len));
  // ICU writes a BOM for the unmarked "UTF-16"/"UTF-32"; the tests add their own.
  return out;
}

std::string Rss(const std::string& declared, const std::vector<std::string>& titles) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"" + declared + "\"?>\n<rss version=\"2.0\"><channel><title>" +
                    titles[0] + "</title>";
  for (size_t i = 1; i < titles.size(); ++i) {
    xml += "\n<item><title>" + titles[i] + "</title><link>https://x.example/" + std::to_string(i) + "</link></item>";
  }
  return xml + "</channel></rss>\n";
}

// Parses `bytes` and checks that the feed title and every entry title decode to `titles`.
Feed ExpectTitles(const std::string& bytes, const std::vector<std::string>& titles,
                  const std::string& content_type = "") {
  ParseOptions o;
  o.url = "https://x.example/feed";
  o.content_type = content_type;
  auto f = ParseFeed(bytes, o);
  EXPECT_TRUE(f.ok()) << f.status().message();
  if (!f.ok()) return {};
  EXPECT_EQ(f->title, titles[0]);
  EXPECT_EQ(f->entries.size(), titles.size() - 1);
  for (size_t i = 1; i < titles.size() && i - 1 < f->entries.size(); ++i) {
    EXPECT_EQ(f->entries[i - 1].title, titles[i]);
  }
  return *f;
}

TEST(CharsetTest, GbkDeclaredGb2312IsReadAsGb18030) {
  // 镕 and 喆 are GBK, not GB2312: a GB2312 decoder garbles them.
  std::vector<std::string> titles = {"新闻", "朱镕基访美", "陶喆新专辑", "中国经济增长放缓"};
  std::string bytes = Encode(Rss("gb2312", titles), "gbk");
  EXPECT_EQ(bytes.find("\xE9\x95\x95"), std::string::npos) << "the bytes are GBK, not UTF-8";
  Feed f = ExpectTitles(bytes, titles);
  EXPECT_EQ(f.encoding, "gb18030");
}

TEST(CharsetTest, Gb18030FourByteCharacters) {
  // U+20BB7 and U+3400 take four bytes in GB18030.
  std::vector<std::string> titles = {"标题", "𠮷野家", "㐀字", "€ 价格"};
  std::string bytes = Encode(Rss("GB18030", titles), "gb18030");
  EXPECT_NE(bytes.find("\x95\x34\xB2\x35"), std::string::npos) << "U+20BB7 as four bytes";
  Feed f = ExpectTitles(bytes, titles);
  EXPECT_EQ(f.encoding, "gb18030");
}

TEST(CharsetTest, Big5WithHkscs) {
  // 嘅 and 㗎 are HKSCS characters (Cantonese), outside plain Big5.
  std::vector<std::string> titles = {"臺灣新聞", "香港人講嘅嘢", "係㗎", "總統大選"};
  Feed f = ExpectTitles(Encode(Rss("big5", titles), "big5-hkscs"), titles);
  EXPECT_EQ(f.encoding, "big5");
}

TEST(CharsetTest, Utf16AndUtf32WithAndWithoutBom) {
  std::vector<std::string> titles = {"美国之音", "日本首相岸田文雄", "𠮷"};
  struct Case {
    const char* icu;
    std::string bom;
    const char* reported;
  } cases[] = {
      {"UTF-16LE", "\xFF\xFE", "utf-16le"},
      {"UTF-16BE", "\xFE\xFF", "utf-16be"},
      {"UTF-16LE", "", "utf-16le"},
      {"UTF-16BE", "", "utf-16be"},
      {"UTF-32LE", std::string("\xFF\xFE\x00\x00", 4), "utf-32le"},
      {"UTF-32BE", std::string("\x00\x00\xFE\xFF", 4), "utf-32be"},
      {"UTF-32LE", "", "utf-32le"},
      {"UTF-32BE", "", "utf-32be"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.icu) + (c.bom.empty() ? " without BOM" : " with BOM"));
    std::string declared = std::string(c.icu).substr(0, 6);  // "UTF-16" / "UTF-32"
    Feed f = ExpectTitles(c.bom + Encode(Rss(declared, titles), c.icu), titles);
    EXPECT_EQ(f.encoding, c.reported);
  }
}

TEST(CharsetTest, Windows1252DeclaredAsUtf8IsDetected) {
  std::vector<std::string> titles = {"Café société", "Naïve “quotes” – déjà vu", "Ærøskøbing façade"};
  std::string bytes = Encode(Rss("utf-8", titles), "windows-1252");
  ParseOptions o;
  auto f = ParseFeed(bytes, o);
  ASSERT_TRUE(f.ok());
  Feed feed = ExpectTitles(bytes, titles);
  EXPECT_TRUE(feed.encoding == "windows-1252" || feed.encoding == "iso-8859-1") << feed.encoding;
  EXPECT_FALSE(feed.warnings.empty()) << "the wrong declaration is reported";
}

TEST(CharsetTest, AFewBadBytesInUtf8AreReplacedNotGarbled) {
  std::string xml = Rss("utf-8", {"中文新闻", "第一条新闻标题", "BAD\xFF", "第三条新闻标题，内容很长"});
  ParseOptions o;
  auto f = ParseFeed(xml, o);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->encoding, "utf-8");
  ASSERT_EQ(f->entries.size(), 3u);
  EXPECT_EQ(f->entries[0].title, "第一条新闻标题");
  EXPECT_EQ(f->entries[1].title, "BAD\uFFFD");
  EXPECT_EQ(f->entries[2].title, "第三条新闻标题，内容很长");
}

TEST(CharsetTest, EbcdicCodePagesAsInXmlAppendixF) {
  std::vector<std::string> titles = {"Ünïcödé títlé", "Øresund £5 [x]", "plain"};
  for (const char* cp : {"cp037", "cp500", "ibm-1047"}) {
    SCOPED_TRACE(cp);
    std::string bytes = Encode(Rss(cp, titles), cp);
    ASSERT_EQ(bytes.substr(0, 4), "\x4C\x6F\xA7\x94");
    Feed f = ExpectTitles(bytes, titles);
    EXPECT_EQ(f.encoding, cp);
  }
}

TEST(CharsetTest, HttpCharsetOverridesTheDeclaration) {
  std::vector<std::string> titles = {"新闻", "朱镕基", "陶喆"};
  Feed f = ExpectTitles(Encode(Rss("iso-8859-1", titles), "gbk"), titles, "application/rss+xml; charset=GBK");
  EXPECT_EQ(f.encoding, "gb18030");
  std::vector<std::string> traditional = {"新聞", "朱鎔基", "臺灣總統"};
  f = ExpectTitles(Encode(Rss("utf-8", traditional), "big5"), traditional, "text/xml; charset=\"big5\"");
  EXPECT_EQ(f.encoding, "big5");
}

TEST(CharsetTest, AWrongHttpCharsetGivesWayToBytesThatDecode) {
  std::vector<std::string> titles = {"新闻", "朱镕基"};
  // A server default of UTF-8 in front of a GBK feed declared as such.
  Feed f = ExpectTitles(Encode(Rss("gbk", titles), "gbk"), titles, "text/xml; charset=utf-8");
  EXPECT_EQ(f.encoding, "gb18030");
  // A server default of Latin-1 in front of a UTF-8 feed.
  f = ExpectTitles(Rss("utf-8", titles), titles, "application/xml; charset=ISO-8859-1");
  EXPECT_EQ(f.encoding, "utf-8");
}

TEST(CharsetTest, TextXmlWithoutCharsetIsAsciiOnlyForAsciiBytes) {
  Feed f = ExpectTitles(Rss("iso-8859-1", {"plain", "ascii"}), {"plain", "ascii"}, "text/xml");
  EXPECT_EQ(f.encoding, "us-ascii");
  f = ExpectTitles(Rss("utf-8", {"中文", "標題"}), {"中文", "標題"}, "text/xml");
  EXPECT_EQ(f.encoding, "utf-8");
}

TEST(CharsetTest, C1ControlsAreWindows1252) {
  std::string xml = "<rss><channel><title>t</title><item><title>don\xC2\x92t &#147;x&#148;</title></item></channel></rss>";
  ParseOptions o;
  auto f = ParseFeed(xml, o);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->entries.size(), 1u);
  EXPECT_EQ(f->entries[0].title, "don’t “x”");
}

TEST(CharsetTest, HtmlMetaCharset) {
  std::string page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                     "<title>" + Encode("朱镕基", "gbk") + "</title></head></html>";
  Decoded d = DecodeDocument(page, "", DocumentKind::kHtml);
  EXPECT_EQ(d.charset, "gb18030");
  EXPECT_EQ(d.source, "declaration");
  EXPECT_NE(d.text.find("朱镕基"), std::string::npos);
  d = DecodeDocument("<meta charset='big5'>" + Encode("臺灣", "big5"), "", DocumentKind::kHtml);
  EXPECT_EQ(d.charset, "big5");
  EXPECT_EQ(d.text, "<meta charset='big5'>臺灣");
  EXPECT_EQ(HtmlMetaCharset(std::string(1100, ' ') + "<meta charset=gbk>"), "") << "only the first 1024 bytes";
}

TEST(CharsetTest, InvalidBytesAfterABomAreReplaced) {
  Decoded d = DecodeDocument("\xEF\xBB\xBF<a>ok \xFF\xFE done</a>", "application/xml; charset=big5", DocumentKind::kXml);
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.source, "bom");
  EXPECT_EQ(d.text, "<a>ok \uFFFD\uFFFD done</a>");
  EXPECT_EQ(d.replaced, 2u);
}

TEST(CharsetTest, ContentTypeParameters) {
  EXPECT_EQ(CharsetFromContentType("text/xml; charset=\"UTF-8\""), "utf-8");
  EXPECT_EQ(CharsetFromContentType("application/rss+xml;charset= 'us-ascii'"), "us-ascii");
  EXPECT_EQ(CharsetFromContentType("text/xml;charset = gb2312; q=1"), "gb2312");
  EXPECT_EQ(CharsetFromContentType("text/xml; charset:iso-8859-1"), "");
  EXPECT_EQ(CharsetFromContentType("text/xml"), "");
}

TEST(CharsetTest, Supersets) {
  EXPECT_EQ(WidenCharset("GB2312"), "gb18030");
  EXPECT_EQ(WidenCharset("x-gbk"), "gb18030");
  EXPECT_EQ(WidenCharset("Big5"), "big5-hkscs");
  EXPECT_EQ(WidenCharset("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(WidenCharset("KOI8-R"), "koi8-r");
  EXPECT_EQ(WidenCharset("no-such-charset"), "");
}

}  // namespace
}  // namespace nm

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

// --- documents in two charsets ------------------------------------------------

const std::vector<std::string> kUtf8Titles = {"美国之音中文网", "拜登与习近平在旧金山会面", "台湾大选：民进党赢得总统选举",
                                              "香港国安法实施三周年", "新闻"};
// Simplified Chinese for GB18030, traditional for Big5 (which has no simplified characters).
const std::vector<std::string> kGbTitles = {"北京宣布新的经济刺激计划", "上海疫情封控两个月后解除", "国",
                                            "第三条：中文新闻标题很长"};
const std::vector<std::string> kBig5Titles = {"北京宣佈新的經濟刺激計劃", "上海疫情封控兩個月後解除", "國",
                                              "第三條：中文新聞標題很長"};
const std::vector<std::string>& LegacyTitles(const std::string& charset) {
  return charset == "big5" ? kBig5Titles : kGbTitles;
}

// A feed whose items come first in UTF-8, then in `charset` (or the reverse),
// as a badly templated or concatenated feed does.
std::string MixedFeed(const char* charset, bool utf8_first, const std::string& declared) {
  std::string head = "<?xml version=\"1.0\" encoding=\"" + declared + "\"?>\n<rss version=\"2.0\"><channel><title>";
  std::string utf8_part, legacy_part;
  for (size_t i = 1; i < kUtf8Titles.size(); ++i) {
    utf8_part += "\n<item><title>" + kUtf8Titles[i] + "</title><link>https://x.example/u" + std::to_string(i) + "</link></item>";
  }
  const std::vector<std::string>& legacy_titles = LegacyTitles(charset);
  for (size_t i = 0; i < legacy_titles.size(); ++i) {
    legacy_part += "\n<item><title>" + legacy_titles[i] + "</title><link>https://x.example/l" + std::to_string(i) + "</link></item>";
  }
  legacy_part = Encode(legacy_part, charset);
  std::string channel_title = utf8_first ? kUtf8Titles[0] : Encode(kUtf8Titles[0], charset);
  std::string body = utf8_first ? utf8_part + legacy_part : legacy_part + utf8_part;
  return head + channel_title + "</title>" + body + "\n</channel></rss>\n";
}

// The titles each part should come out as, in document order.
std::vector<std::string> ExpectedMixedTitles(const std::string& charset, bool utf8_first) {
  std::vector<std::string> titles = {kUtf8Titles[0]};
  std::vector<std::string> first(kUtf8Titles.begin() + 1, kUtf8Titles.end()), second = LegacyTitles(charset);
  if (!utf8_first) std::swap(first, second);
  titles.insert(titles.end(), first.begin(), first.end());
  titles.insert(titles.end(), second.begin(), second.end());
  return titles;
}

TEST(CharsetTest, Utf8ThenGb18030OrBig5IsReadPartByPart) {
  for (std::string charset : {"gb18030", "big5"}) {
    // The template's own declaration, or the legacy part's.
    for (std::string declared : {std::string("utf-8"), charset == "big5" ? charset : "gb2312"}) {
      std::string bytes = MixedFeed(charset.c_str(), /*utf8_first=*/true, declared);
      // Neither a UTF-8 nor a legacy reading of the whole gets every title.
      ExpectTitles(bytes, ExpectedMixedTitles(charset, true));
      Decoded d = DecodeDocument(bytes, "", DocumentKind::kXml);
      EXPECT_EQ(d.source, "mixed") << charset << " declared " << declared;
      EXPECT_EQ(d.replaced, 0u) << charset << " declared " << declared;
      EXPECT_NE(d.text.find(kUtf8Titles[2]), std::string::npos);
      EXPECT_NE(d.text.find(LegacyTitles(charset)[3]), std::string::npos);
    }
  }
}

TEST(CharsetTest, Gb18030ThenUtf8IsReadPartByPart) {
  std::string bytes = MixedFeed("gb18030", /*utf8_first=*/false, "gb2312");
  Feed feed = ExpectTitles(bytes, ExpectedMixedTitles("gb18030", false));
  EXPECT_EQ(feed.encoding, "utf-8+gb18030");
  bool reported = false;
  for (const std::string& w : feed.warnings) reported |= w.find("mixes two charsets") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST(CharsetTest, TheLegacyPartsCharsetMayComeFromItsOwnDeclaration) {
  // Two documents concatenated into one: the second part's declaration names
  // its charset, which the detector would otherwise have to guess.
  std::string first = "<rss version=\"2.0\"><channel><title>" + kUtf8Titles[0] + "</title>";
  for (size_t i = 1; i < kUtf8Titles.size(); ++i) first += "\n<item><title>" + kUtf8Titles[i] + "</title></item>";
  std::string second = "\n<?xml version=\"1.0\" encoding=\"big5\"?>\n<item><title>" + kBig5Titles[2] + "</title></item>";
  Decoded d = DecodeDocument(first + Encode(second, "big5") + "</channel></rss>", "", DocumentKind::kXml);
  EXPECT_EQ(d.charset, "utf-8+big5");
  EXPECT_NE(d.text.find("<title>" + kBig5Titles[2] + "</title>"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find(kUtf8Titles[4]), std::string::npos);
}

TEST(CharsetTest, WhenTheOtherCharsetCannotBeToldTheUtf8PartIsNoMojibake) {
  // Too few legacy bytes for the detector, and no label names them: the
  // UTF-8 part comes out right, the rest as U+FFFD (not all as windows-1252).
  std::string first = "<rss version=\"2.0\"><channel><title>" + kUtf8Titles[0] + "</title>";
  for (size_t i = 1; i < kUtf8Titles.size(); ++i) first += "\n<item><title>" + kUtf8Titles[i] + "</title></item>";
  std::string bytes = first + Encode("\n<item><title>" + kBig5Titles[2] + "</title></item>", "big5") + "</channel></rss>";
  Decoded d = DecodeDocument(bytes, "", DocumentKind::kXml);
  EXPECT_EQ(d.charset, "utf-8");
  for (const std::string& title : kUtf8Titles) EXPECT_NE(d.text.find(title), std::string::npos) << title;
  EXPECT_GT(d.replaced, 0u);
}

TEST(CharsetTest, APureGbFeedIsStillReadInOneCharset) {
  std::vector<std::string> titles = {"中文新闻", "中", "国", "北京宣布新的经济刺激计划", "第三条"};
  std::string bytes = Encode(Rss("gb2312", titles), "gb18030");
  Feed feed = ExpectTitles(bytes, titles);
  EXPECT_EQ(feed.encoding, "gb18030");
}

}  // namespace
}  // namespace nm

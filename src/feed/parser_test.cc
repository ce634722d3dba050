#include "feed/parser.h"

#include <gtest/gtest.h>

#include <chrono>

#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

Feed MustParse(const std::string& xml, const std::string& url = "https://feeds.example/feed.xml") {
  ParseOptions o;
  o.url = url;
  auto f = ParseFeed(xml, o);
  EXPECT_TRUE(f.ok()) << f.status().message();
  return f.ok() ? *f : Feed{};
}

TEST(ParserTest, SeedFeed) {
  auto xml = ReadFile(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml");
  ASSERT_TRUE(xml.ok());
  Feed f = MustParse(*xml);
  EXPECT_EQ(f.format, "rss20");
  EXPECT_EQ(f.title, "美国之音");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.id, "voa-6903827");
  EXPECT_NE(e.title.find("日本首相岸田文雄"), std::string::npos);
  ASSERT_TRUE(e.published && e.published->ms);
  EXPECT_EQ(*e.published->ms, 1672843145000);
  EXPECT_EQ(e.summary, "岸田表示，他将访问华盛顿，与拜登总统举行峰会。");
  EXPECT_EQ(e.content.substr(0, 19), "<div><i>Wed, 04 Jan") << "values are trimmed";
}

TEST(ParserTest, Rss20Fields) {
  Feed f = MustParse(R"(<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    <title>T</title><link>https://site.example/</link>
    <item><title>A &amp; B</title><link> /a/1 </link><guid isPermaLink="false">id-1</guid>
      <description>&lt;p&gt;sum&lt;/p&gt;</description><author>ed@site.example (Ed Editor)</author>
      <category>World</category><enclosure url="/img/1.jpg" type="image/jpeg" length="1"/></item>
    <item><guid>https://site.example/a/2</guid><dc:creator>Wang</dc:creator><dc:date>2023-01-04T10:00:00+08:00</dc:date></item>
  </channel></rss>)");
  ASSERT_EQ(f.entries.size(), 2u);
  const Entry& a = f.entries[0];
  EXPECT_EQ(a.title, "A & B");
  EXPECT_EQ(a.link, "https://feeds.example/a/1");
  EXPECT_EQ(a.summary, "<p>sum</p>");
  EXPECT_EQ(a.content, "<p>sum</p>") << "content falls back to the description";
  ASSERT_TRUE(a.author);
  EXPECT_EQ(a.author->email, "ed@site.example");
  EXPECT_EQ(a.author->name, "Ed Editor");
  EXPECT_EQ(a.categories, std::vector<std::string>{"World"});
  EXPECT_EQ(a.images, std::vector<std::string>{"https://feeds.example/img/1.jpg"});
  const Entry& b = f.entries[1];
  EXPECT_EQ(b.link, "https://site.example/a/2") << "a permalink guid is the link";
  EXPECT_EQ(b.author->name, "Wang");
  EXPECT_FALSE(b.published);
  ASSERT_TRUE(b.updated) << "dc:date is the date of the last change";
  EXPECT_EQ(*b.updated->ms, 1672797600000);
}

TEST(ParserTest, Rdf) {
  Feed f = MustParse(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
      xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel rdf:about="x"><title>DW</title><link>https://www.dw.com/zh/</link></channel>
    <item rdf:about="https://www.dw.com/zh/a-1"><title>標題</title><link>https://www.dw.com/zh/a-1</link>
      <description>short</description><content:encoded><![CDATA[<p>full</p>]]></content:encoded>
      <dc:date>2023-01-04T14:39:05Z</dc:date></item></rdf:RDF>)");
  EXPECT_EQ(f.format, "rss10");
  EXPECT_EQ(f.title, "DW");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].id, "https://www.dw.com/zh/a-1");
  EXPECT_EQ(f.entries[0].content, "<p>full</p>");
  ASSERT_TRUE(f.entries[0].updated);
  EXPECT_EQ(*f.entries[0].updated->ms, 1672843145000);
}

TEST(ParserTest, AtomConstructsLinksAndXmlBase) {
  Feed f = MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/dir/">
    <title type="html">A &amp;lt;b&amp;gt; title</title>
    <entry xml:base="sub/">
      <title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more</title>
      <link rel="enclosure" href="/x.mp3"/><link rel="alternate" type="text/html" href="page.html"/>
      <id>tag:1</id><published>2023-01-04T14:39:05Z</published><updated>2023-01-05T00:00:00Z</updated>
      <summary>plain &lt; text</summary>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div></content>
      <author><name>Li</name><email>li@example.org</email></author>
    </entry>
    <entry><title>Text</title><link href="https://other.example/t"/><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>
  </feed>)");
  EXPECT_EQ(f.format, "atom10");
  ASSERT_EQ(f.entries.size(), 2u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.title, "Bold & more");
  EXPECT_EQ(e.link, "https://base.example/dir/sub/page.html");
  EXPECT_EQ(e.id, "tag:1");
  EXPECT_EQ(e.summary, "plain &lt; text");
  EXPECT_EQ(e.content, "<p>Hello <b>world</b></p>");
  EXPECT_EQ(e.author->name, "Li");
  EXPECT_EQ(*e.updated->ms, 1672876800000);
  EXPECT_EQ(f.entries[1].content, "<p>x</p>");
  EXPECT_EQ(f.entries[1].link, "https://other.example/t");
}

TEST(ParserTest, UnsafeLinksNeverBecomeLinks) {
  Feed f = MustParse(R"(<rss version="2.0"><channel><item><title>x</title>
    <link>javascript:alert(1)</link></item></channel></rss>)");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].link, "");
}

TEST(ParserTest, NotAFeedIsAParseError) {
  ParseOptions o;
  auto html = ParseFeed("<html><body>hello</body></html>", o);
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.status().message().find("<html>"), std::string::npos);
  EXPECT_FALSE(ParseFeed("", o).ok());
  EXPECT_FALSE(ParseFeed("just text", o).ok());
}

TEST(ParserTest, RecoversHtmlEntitiesBareAmpersandsAndControls) {
  Feed f = MustParse("<rss version=\"2.0\"><channel><item><title>A&nbsp;B &mdash; C & D\x01</title>"
                     "<description><![CDATA[keep &nbsp; & as is]]></description></item></channel></rss>");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title, "A\xC2\xA0" "B \xE2\x80\x94 C & D");
  EXPECT_EQ(f.entries[0].summary, "keep &nbsp; & as is") << "CDATA is left alone";
  EXPECT_FALSE(f.warnings.empty());
}

TEST(ParserTest, RecoversTruncatedDocuments) {
  Feed f = MustParse("<rss version=\"2.0\"><channel><item><title>one</title></item><item><title>tw");
  ASSERT_GE(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title, "one");
}

TEST(ParserTest, GbkDeclaredAsGb2312IsReadAsGb18030) {
  // "镕" (U+9555) is in GBK but not in GB2312: a strict GB2312 decoder loses it.
  std::string xml = "<?xml version=\"1.0\" encoding=\"gb2312\"?><rss version=\"2.0\"><channel><item><title>"
                    "\xE6\x9C\xB1\xE9\x95\x95\xBB\xF9</title></item></channel></rss>";
  // 朱 = D6EC, 镕 = E946, 基 = BBF9 in GBK.
  xml.replace(xml.find("\xE6\x9C\xB1"), 6, "\xD6\xEC\xE9\x46");
  Feed f = MustParse(xml);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title, "朱镕基");
}

TEST(ParserTest, ExternalEntitiesAreNeverRead) {
  TempDir dir;
  std::string secret = dir.path() + "/secret.txt";
  ASSERT_TRUE(WriteFileAtomic(secret, "TOP-SECRET").ok());
  Feed f = MustParse("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://" + secret +
                     "\">]><rss version=\"2.0\"><channel><item><title>a&xxe;b</title></item>"
                     "<item><title>harmless</title></item></channel></rss>");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].title.find("TOP-SECRET"), std::string::npos);
  EXPECT_EQ(f.entries[1].title, "harmless");
}

TEST(ParserTest, ExponentialEntitiesStayBounded) {
  std::string dtd = "<!DOCTYPE rss [<!ENTITY a0 \"xxxxxxxxxx\">";
  for (int i = 1; i <= 10; ++i) {
    std::string prev = "&a" + std::to_string(i - 1) + ";";
    std::string body;
    for (int k = 0; k < 10; ++k) body += prev;
    dtd += "<!ENTITY a" + std::to_string(i) + " \"" + body + "\">";
  }
  dtd += "]>";
  ParseOptions o;
  auto f = ParseFeed("<?xml version=\"1.0\"?>" + dtd +
                         "<rss version=\"2.0\"><channel><item><title>&a10;</title></item>"
                         "<item><title>harmless</title></item></channel></rss>",
                     o);
  // A billion bytes of expansion is refused, not built: what comes out is
  // small, and the harmless entry after it survives.
  ASSERT_TRUE(f.ok()) << f.status().message();
  size_t total = 0;
  for (const Entry& e : f->entries) total += e.title.size();
  EXPECT_LT(total, 2u << 20);
  bool harmless = false;
  for (const Entry& e : f->entries) harmless |= e.title == "harmless";
  EXPECT_TRUE(harmless);
}

}  // namespace
}  // namespace nm

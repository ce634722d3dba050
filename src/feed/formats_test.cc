// One test per format adapter and per module: what each reads into the entry model.
#include <gtest/gtest.h>

#include "feed/parser.h"

namespace nm {
namespace {

Feed MustParse(const std::string& doc, ParseOptions o = {}) {
  if (o.url.empty()) o.url = "https://feeds.example/dir/feed.xml";
  auto f = ParseFeed(doc, o);
  EXPECT_TRUE(f.ok()) << f.status().message();
  return f.ok() ? *f : Feed{};
}

TEST(AtomAdapter, Atom03ModesAndTextLinks) {
  Feed f = MustParse(R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#">
    <title mode="xml" type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>feed</b></div></title>
    <modified>2004-01-01T00:00:00Z</modified>
    <entry><title type="text/html" mode="escaped">&lt;b&gt;Q&amp;amp;A&lt;/b&gt;</title>
      <link rel="enclosure">http://example.com/enclosure</link><link rel="alternate" type="text/html">http://example.com/alt</link>
      <issued>2004-01-02T00:00:00Z</issued><created>2004-01-01T12:00:00Z</created>
      <content type="text/html" mode="base64">PGEgaHJlZj0iL3giPng8L2E+</content></entry></feed>)");
  EXPECT_EQ(f.format, "atom03");
  EXPECT_EQ(f.title, "A feed");
  EXPECT_EQ(f.title_html, "<div>A <b>feed</b></div>") << "Atom 0.3 keeps its markup whole, without the XHTML namespace";
  EXPECT_EQ(*f.updated->ms, 1072915200000);
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.title, "Q&A");
  EXPECT_EQ(e.title_html, "<b>Q&amp;A</b>");
  EXPECT_EQ(e.link, "http://example.com/alt") << "the alternate link wins, its URL in the text";
  EXPECT_EQ(*e.published->ms, 1073001600000);
  EXPECT_EQ(*e.created->ms, 1072958400000);
  EXPECT_EQ(e.content, "<a href=\"https://feeds.example/x\">x</a>") << "base64 decoded, then resolved";
}

TEST(AtomAdapter, XmlBaseOnAnyElementResolvesLinksIdsAndHtmlButKeepsAbsoluteUrls) {
  Feed f = MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/a/">
    <id>/feed-id</id>
    <entry xml:base="b/"><id>tag:example.com,2004:1</id><link href="page"/>
      <content type="html" xml:base="http://other.example/c/">&lt;p&gt;&lt;a href="d"&gt;r&lt;/a&gt; &lt;img src='HTTP://Img.Example/%7e?a=1&amp;amp;b=2'&gt;&lt;/p&gt;</content>
      <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="../up">u</a><br/></div></summary></entry></feed>)");
  EXPECT_EQ(f.id, "http://example.com/feed-id");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.id, "tag:example.com,2004:1");
  EXPECT_EQ(e.link, "http://example.com/a/b/page");
  EXPECT_EQ(e.content,
            "<p><a href=\"http://other.example/c/d\">r</a> <img src='HTTP://Img.Example/%7e?a=1&amp;b=2'></p>");
  EXPECT_EQ(e.summary, "<a href=\"http://example.com/a/up\">u</a><br />");
}

TEST(AtomAdapter, ForeignMarkupKeepsItsNamespace) {
  Feed f = MustParse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml">
    <div xmlns="http://www.w3.org/1999/xhtml" xmlns:svg="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
    <svg:svg width="3"><svg:a xlink:href="http://example.com/"><svg:circle r="1"/></svg:a></svg:svg></div></content></entry></feed>)");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].content,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"3\"><a xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
            "xlink:href=\"http://example.com/\"><circle r=\"1\"></circle></a></svg>");
}

TEST(ParseFeedTest, ContentLocationIsTheBaseUnlessItIsUnsafe) {
  const std::string doc = R"(<rss version="2.0"><channel><link>/home</link><item><link>/a</link></item></channel></rss>)";
  ParseOptions o;
  o.url = "http://127.0.0.1:8097/feed.xml";
  o.content_location = "http://example.com/feeds/";
  Feed f = MustParse(doc, o);
  EXPECT_EQ(f.link, "http://example.com/home");
  o.content_location = "javascript:alert(1)";
  f = MustParse(doc, o);
  EXPECT_EQ(f.link, "http://127.0.0.1:8097/home");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].link, "http://127.0.0.1:8097/a");
}

TEST(RssAdapter, NamespacedRssDublinCoreAndModules) {
  Feed f = MustParse(R"(<rss version="2.0" xmlns="http://backend.userland.com/rss2"
      xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
      xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns:xhtml="http://www.w3.org/1999/xhtml"><channel>
    <title>T</title><dc:creator>Ed (ed@example.com)</dc:creator><dc:date>2003-12-31T10:14:55Z</dc:date>
    <dcterms:created>2003-12-30T10:14:55Z</dcterms:created>
    <item><title>One</title><itunes:author>Mark</itunes:author><dcterms:issued>2004-01-01T00:00:00Z</dcterms:issued>
      <description>short</description><xhtml:body><p>full <a href="x">x</a></p></xhtml:body>
      <media:content url="https://img.example/1.jpg" medium="image"><media:title>ignored</media:title></media:content></item>
    <item><media:title>From media</media:title><media:thumbnail url="t.png"/></item></channel></rss>)");
  EXPECT_EQ(f.title, "T");
  ASSERT_TRUE(f.author);
  EXPECT_EQ(f.author->name, "Ed");
  EXPECT_EQ(f.author->email, "ed@example.com");
  EXPECT_EQ(*f.updated->ms, 1072865695000) << "dc:date is the date of the last change";
  EXPECT_EQ(*f.created->ms, 1072779295000);
  ASSERT_EQ(f.entries.size(), 2u);
  const Entry& a = f.entries[0];
  EXPECT_EQ(a.title, "One");
  EXPECT_EQ(a.author->name, "Mark");
  EXPECT_EQ(*a.published->ms, 1072915200000);
  EXPECT_EQ(a.summary, "short");
  EXPECT_EQ(a.content, "<p>full <a href=\"https://feeds.example/dir/x\">x</a></p>");
  EXPECT_EQ(a.images, std::vector<std::string>{"https://img.example/1.jpg"});
  EXPECT_EQ(f.entries[1].title, "From media");
  EXPECT_EQ(f.entries[1].images, std::vector<std::string>{"https://feeds.example/dir/t.png"});
}

TEST(RssAdapter, GuidRulesAndLinksKeptAsWritten) {
  Feed f = MustParse(R"(<rss version="2.0"><channel>
    <item><guid isPermaLink="false">http://example.com/not-a-link</guid></item>
    <item><guid>http://Item.TEST/%7ebob</guid></item>
    <item><title>Q &lt;b&gt;bold&lt;/b&gt;</title><link> http://item.TEST/x </link></item>
    <item><title>Tom &amp;amp; Jerry &amp;quot;2&amp;quot; &lt; 3</title></item></channel></rss>)");
  ASSERT_EQ(f.entries.size(), 4u);
  EXPECT_EQ(f.entries[0].link, "");
  EXPECT_EQ(f.entries[0].id, "http://example.com/not-a-link");
  EXPECT_EQ(f.entries[1].link, "http://Item.TEST/%7ebob");
  EXPECT_EQ(f.entries[2].link, "http://item.TEST/x");
  EXPECT_EQ(f.entries[2].title, "Q bold");
  EXPECT_EQ(f.entries[2].title_html, "Q <b>bold</b>");
  EXPECT_EQ(f.entries[3].title, "Tom & Jerry \"2\" < 3") << "a title escaped twice is read once more";
}

TEST(CdfAdapter, ChannelAndItems) {
  Feed f = MustParse(R"(<CHANNEL HREF="http://www.example.org/" LASTMOD="2004-04-06T23:05:43-05:00">
    <TITLE>Example feed</TITLE><ITEM HREF="/item"><TITLE>Item</TITLE><ABSTRACT>About</ABSTRACT></ITEM></CHANNEL>)");
  EXPECT_EQ(f.format, "cdf");
  EXPECT_EQ(f.title, "Example feed");
  EXPECT_EQ(f.link, "http://www.example.org/");
  EXPECT_EQ(*f.updated->ms, 1081310743000);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].link, "https://feeds.example/item");
  EXPECT_EQ(f.entries[0].summary, "About");
}

TEST(JsonFeedAdapter, Version11And10) {
  Feed f = MustParse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "美国之音",
    "home_page_url": "https://www.voachinese.com/", "authors": [{"name": "VOA"}],
    "items": [{"id": "1", "url": "/a/1.html", "title": "标题", "content_html": "<p><img src=\"i.jpg\"></p>",
               "summary": "s < t", "date_published": "2023-01-04T14:39:05Z", "tags": ["World"],
               "image": "https://img.example/1.jpg"},
              {"id": 2, "external_url": "https://x.example/", "content_text": "a < b",
               "date_modified": "2023-01-05T00:00:00+08:00"}]})");
  EXPECT_EQ(f.format, "json11");
  EXPECT_EQ(f.encoding, "utf-8");
  EXPECT_EQ(f.title, "美国之音");
  EXPECT_EQ(f.link, "https://www.voachinese.com/");
  ASSERT_EQ(f.entries.size(), 2u);
  const Entry& a = f.entries[0];
  EXPECT_EQ(a.link, "https://feeds.example/a/1.html");
  EXPECT_EQ(a.content, "<p><img src=\"https://feeds.example/dir/i.jpg\"></p>");
  EXPECT_EQ(a.summary, "s &lt; t");
  EXPECT_EQ(*a.published->ms, 1672843145000);
  EXPECT_EQ(a.author->name, "VOA");
  EXPECT_EQ(a.categories, std::vector<std::string>{"World"});
  EXPECT_EQ(a.images, std::vector<std::string>{"https://img.example/1.jpg"});
  const Entry& b = f.entries[1];
  EXPECT_EQ(b.id, "2");
  EXPECT_EQ(b.link, "https://x.example/");
  EXPECT_EQ(b.content, "a &lt; b");
  EXPECT_EQ(*b.updated->ms, 1672848000000);

  Feed old = MustParse(R"({"version": "https://jsonfeed.org/version/1", "title": "t",
    "author": {"name": "N", "url": "mailto:n@example.com"}, "items": [{"id": "x", "content_text": "c"}]})");
  EXPECT_EQ(old.format, "json10");
  ASSERT_EQ(old.entries.size(), 1u);
  EXPECT_EQ(old.entries[0].author->email, "n@example.com");
  EXPECT_FALSE(ParseFeed("{\"not\": \"a feed\"}", ParseOptions{}).ok());
  EXPECT_FALSE(ParseFeed("{broken", ParseOptions{}).ok());
}

}  // namespace
}  // namespace nm

// The byte caps of entry.h: every field of the entry model and of the feed
// stays within its cap, each cut is a warning naming the entry, and the
// other entries come through untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "feed/parser.h"

namespace nm {
namespace {

bool HasWarning(const Feed& f, const std::string& part1, const std::string& part2 = "") {
  return std::any_of(f.warnings.begin(), f.warnings.end(), [&](const std::string& w) {
    return w.find(part1) != std::string::npos && w.find(part2) != std::string::npos;
  });
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const char kHarmless[] =
    "<item><title>Harmless</title><link>https://site.example/ok</link><guid>ok</guid>"
    "<description>&lt;p&gt;fine&lt;/p&gt;</description><category>c</category></item>";

void ExpectHarmlessEntry(const Entry& e) {
  EXPECT_EQ(e.title, "Harmless");
  EXPECT_EQ(e.link, "https://site.example/ok");
  EXPECT_EQ(e.id, "ok");
  EXPECT_EQ(e.content, "<p>fine</p>");
  EXPECT_EQ(e.categories, std::vector<std::string>{"c"});
}

TEST(FieldCapsTest, EveryFieldOfAnEntryIsCappedAndTheCutNamed) {
  const std::string title = Repeat("标题", 2000);  // 12,000 bytes, cut inside no character
  std::string item = "<item><title>" + title + "</title>";
  item += "<link>https://site.example/" + std::string(10000, 'l') + "</link>";
  item += "<guid isPermaLink=\"false\">" + std::string(5000, 'g') + "</guid>";
  item += "<author>" + std::string(1000, 'a') + "@x.example (" + std::string(1000, 'n') + ")</author>";
  item += "<pubDate>Wed, 04 Jan 2023 14:39:05 GMT" + std::string(400, ' ') + "x</pubDate>";
  item += "<description>" + Repeat("&lt;p&gt;summary &amp;amp; more&lt;/p&gt;", 60000) + "</description>";
  item += "<content:encoded><![CDATA[<div>" + Repeat("<p>第一段 <b>bold</b></p>", 200000) + "</div>]]></content:encoded>";
  for (int i = 0; i < 100; ++i) item += "<category>" + std::string(300, 'c') + std::to_string(i) + "</category>";
  for (int i = 0; i < 100; ++i) item += "<media:thumbnail url=\"https://img.example/" + std::to_string(i) + ".jpg\"/>";
  item += "<enclosure type=\"image/jpeg\" url=\"https://img.example/" + std::string(9000, 'u') + ".jpg\"/>";
  item += "</item>";
  std::string xml =
      "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
      "xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>T</title>" +
      item + kHarmless + "</channel></rss>";
  ParseOptions o;
  o.url = "https://site.example/feed";
  auto f = ParseFeed(xml, o);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->entries.size(), 2u);
  const Entry& e = f->entries[0];
  EXPECT_EQ(e.title, title.substr(0, 2046)) << "cut at a character boundary within 2 KiB";
  EXPECT_LE(e.title.size(), caps::kTitle);
  EXPECT_EQ(e.link, "") << "a URL over its cap is dropped, not cut";
  EXPECT_EQ(e.id, std::string(caps::kId, 'g'));
  ASSERT_TRUE(e.author);
  EXPECT_LE(e.author->name.size(), caps::kPersonName);
  EXPECT_LE(e.author->email.size(), caps::kPersonName);
  ASSERT_TRUE(e.published);
  EXPECT_LE(e.published->text.size(), caps::kDateText);
  EXPECT_LE(e.summary.size(), caps::kSummary);
  EXPECT_EQ(e.summary.substr(0, 19), "<p>summary &amp; mo");
  EXPECT_EQ(e.summary.substr(e.summary.size() - 4), "</p>") << "the cut summary ends with the end tag it needs";
  EXPECT_LE(e.content.size(), caps::kContent);
  EXPECT_GT(e.content.size(), caps::kContent - 100);
  EXPECT_EQ(e.content.substr(e.content.size() - 6), "</div>");
  EXPECT_EQ(e.categories.size(), caps::kCategories);
  for (const std::string& c : e.categories) EXPECT_LE(c.size(), caps::kCategory);
  EXPECT_EQ(e.images.size(), caps::kImages);
  for (const std::string& u : e.images) EXPECT_LE(u.size(), caps::kUrl);
  // Each cut is reported, naming the entry by its position and title.
  const std::string label = "entry 1 (\"" + title.substr(0, 78) + "…\")";
  for (const char* what : {"title cut", "link of", "id cut", "author name", "author email", "published date text",
                           "summary (HTML) cut", "content (HTML) cut", "categories", "image URLs", "category cut"}) {
    EXPECT_TRUE(HasWarning(*f, label, what)) << what;
  }
  ExpectHarmlessEntry(f->entries[1]);
  EXPECT_FALSE(HasWarning(*f, "entry 2")) << "the other entry is not touched";
}

TEST(FieldCapsTest, TheFeedsOwnFieldsAreCapped) {
  std::string xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>" + std::string(5000, 't') + "</title><id>" +
                    std::string(5000, 'i') + "</id><link href=\"https://site.example/" + std::string(9000, 'l') +
                    "\"/><author><name>" + std::string(600, 'n') + "</name><uri>https://a.example/" +
                    std::string(9000, 'u') + "</uri></author><updated>" + std::string(300, '2') +
                    "</updated><entry><title>e</title><id>x</id></entry></feed>";
  ParseOptions o;
  auto f = ParseFeed(xml, o);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->title.size(), caps::kTitle);
  EXPECT_EQ(f->id.size(), caps::kId);
  EXPECT_EQ(f->link, "");
  ASSERT_TRUE(f->author);
  EXPECT_EQ(f->author->name.size(), caps::kPersonName);
  EXPECT_EQ(f->author->uri, "");
  ASSERT_TRUE(f->updated);
  EXPECT_EQ(f->updated->text.size(), caps::kDateText);
  EXPECT_TRUE(HasWarning(*f, "the feed: title cut"));
  ASSERT_EQ(f->entries.size(), 1u);
  EXPECT_EQ(f->entries[0].title, "e");
}

TEST(FieldCapsTest, JsonFeedsAreCappedToo) {
  std::string json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"" + std::string(3000, 'T') +
                     "\", \"items\": [{\"id\": \"1\", \"title\": \"" + std::string(3000, 'x') +
                     "\", \"url\": \"https://site.example/" + std::string(9000, 'u') +
                     "\", \"content_html\": \"<p>ok</p>\"}, {\"id\": \"2\", \"title\": \"Harmless\", "
                     "\"url\": \"https://site.example/ok\"}]}";
  ParseOptions o;
  auto f = ParseFeed(json, o);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->title.size(), caps::kTitle);
  ASSERT_EQ(f->entries.size(), 2u);
  EXPECT_EQ(f->entries[0].title.size(), caps::kTitle);
  EXPECT_EQ(f->entries[0].link, "");
  EXPECT_EQ(f->entries[0].content, "<p>ok</p>");
  EXPECT_EQ(f->entries[1].title, "Harmless");
  EXPECT_EQ(f->entries[1].link, "https://site.example/ok");
}

TEST(FieldCapsTest, EntriesAndWarningsAreCountedOut) {
  // More entries than the cap, each with a title to cut: the first kEntries
  // are kept, and the warnings end with one that counts the rest.
  std::string items;
  items.reserve((caps::kEntries + 10) * 2200);
  const std::string long_title(caps::kTitle + 10, 'x');
  for (size_t i = 0; i < caps::kEntries + 10; ++i) {
    items += "<item><title>" + (i < 300 ? long_title : "t") + "</title><guid>" + std::to_string(i) + "</guid></item>";
  }
  ParseOptions o;
  auto f = ParseFeed("<rss><channel>" + items + "</channel></rss>", o);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->entries.size(), caps::kEntries);
  EXPECT_EQ(f->entries.back().id, std::to_string(caps::kEntries - 1));
  EXPECT_EQ(f->warnings.size(), caps::kWarnings);
  EXPECT_NE(f->warnings.back().find("more warnings"), std::string::npos) << f->warnings.back();
  EXPECT_TRUE(HasWarning(*f, "kept the first " + std::to_string(caps::kEntries)));
  for (const std::string& w : f->warnings) EXPECT_LE(w.size(), caps::kWarning);
}

}  // namespace
}  // namespace nm

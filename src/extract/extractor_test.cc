#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "dates/date_parser.h"

namespace nm {
namespace {

// Article paragraphs long enough to read as prose.
std::string Prose(int n, const std::string& tag = "p") {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    out += "<" + tag + ">Paragraph " + std::to_string(i) +
           " of the story, with enough words, commas, and detail to read as prose in a news "
           "article, which is what the extractor looks for.</" + tag + ">\n";
  }
  return out;
}

std::string Page(const std::string& head, const std::string& body) {
  return "<!doctype html><html><head><meta charset=utf-8>" + head + "</head><body>" + body +
         "</body></html>";
}

ExtractedArticle MustExtract(const std::string& html, const std::string& url = "https://news.example/a/1.html",
                             const std::string& selector = "") {
  auto r = ExtractArticle(html, ExtractOptions{url, selector});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : ExtractedArticle{};
}

bool Has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(ExtractorTest, KeepsTheBodyAndDropsNavigationShareRelatedAndComments) {
  std::string html = Page("<title>Storm hits coast - Example News</title>",
      "<header class=site-header><a href=/>Example News</a><nav><a href=/world>World</a><a href=/tech>Tech</a></nav></header>"
      "<div class=layout><div class=main-column><h1>Storm hits coast</h1>"
      "<div class=share-tools><a href='https://twitter.com/share'>Share on Twitter</a><a href='#'>Email this story</a></div>"
      "<div class=article-body>" + Prose(6) + "</div>"
      "<div class=related-articles><h3>Related</h3><ul><li><a href=/x>Another story about storms and weather</a></li>"
      "<li><a href=/y>Yet another story about the coast line</a></li></ul></div>"
      "<section id=comments><h3>Comments</h3><p>Reader comment that goes on for a while, saying things, many things.</p></section>"
      "</div><div class=sidebar><p>Most read: a list of things that are popular today, everywhere.</p></div></div>"
      "<footer><p>Copyright Example News, all rights reserved, since long ago.</p></footer>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_EQ(a.title, "Storm hits coast");
  for (int i = 1; i <= 6; ++i) EXPECT_TRUE(Has(a.text, "Paragraph " + std::to_string(i) + " of the story")) << a.text;
  for (const char* junk : {"Share on Twitter", "Email this", "Related", "Another story", "Reader comment",
                           "Most read", "Copyright", "World", "Storm hits coast"}) {
    EXPECT_FALSE(Has(a.text, junk)) << junk << "\n" << a.text;
    EXPECT_FALSE(Has(a.body_html, junk)) << junk;
  }
  // One paragraph per line.
  EXPECT_EQ(std::count(a.text.begin(), a.text.end(), '\n'), 6) << a.text;
  EXPECT_TRUE(Has(a.body_html, "<p>Paragraph 1 of the story")) << a.body_html;
}

TEST(ExtractorTest, KeepsVideoPlayersFromKnownHostsOnly) {
  std::string html = Page("",
      "<article>" + Prose(2) +
      "<iframe src='https://www.youtube.com/embed/abc123' width=560 height=315></iframe>"
      "<iframe src='//player.vimeo.com/video/42'></iframe>"
      "<iframe src='https://ads.example/frame.html'></iframe>"
      "<iframe src='javascript:alert(1)'></iframe>" + Prose(2) + "</article>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_TRUE(Has(a.body_html, "<iframe src=\"https://www.youtube.com/embed/abc123\"")) << a.body_html;
  EXPECT_TRUE(Has(a.body_html, "<iframe src=\"https://player.vimeo.com/video/42\"")) << a.body_html;
  EXPECT_FALSE(Has(a.body_html, "ads.example")) << a.body_html;
  EXPECT_FALSE(Has(a.body_html, "javascript")) << a.body_html;
  EXPECT_TRUE(Has(a.text, "Paragraph 2 of the story"));
}

TEST(ExtractorTest, DropsHiddenElementsAdsAndScripts) {
  std::string html = Page("",
      "<article>" + Prose(2) +
      "<div style='display: none'>Hidden text that nobody should ever see in the article body.</div>"
      "<p hidden>Also hidden text that is long enough to be counted as a paragraph.</p>"
      "<div class='ad-slot ad'>Advertisement</div><script>var tracking = 'Script text';</script>"
      "<style>.x{}</style><form><input name=q><button>Search now</button></form>" + Prose(2) + "</article>");
  ExtractedArticle a = MustExtract(html);
  for (const char* junk : {"Hidden text", "Also hidden", "Advertisement", "Script text", "Search now", ".x{}", "<form",
                           "<input", "<script", "<style"}) {
    EXPECT_FALSE(Has(a.body_html, junk)) << junk << "\n" << a.body_html;
  }
  EXPECT_TRUE(Has(a.text, "Paragraph 2 of the story"));
}

TEST(ExtractorTest, CleansLinksAndResolvesRelativeUrls) {
  std::string html = Page("",
      "<article>" + Prose(3) +
      "<p onclick='steal()'>See <a href='../b/2.html' onmouseover='x()'>the earlier report</a>, "
      "<a href='javascript:alert(1)'>this trick</a> and <a href='#note'>the note</a> for the background of it.</p>"
      "</article>");
  ExtractedArticle a = MustExtract(html, "https://news.example/a/1.html");
  EXPECT_TRUE(Has(a.body_html, "<a href=\"https://news.example/b/2.html\" rel=\"noopener noreferrer nofollow\">the earlier report</a>")) << a.body_html;
  EXPECT_FALSE(Has(a.body_html, "javascript:"));
  EXPECT_FALSE(Has(a.body_html, "onclick"));
  EXPECT_FALSE(Has(a.body_html, "onmouseover"));
  EXPECT_TRUE(Has(a.body_html, "this trick"));  // the text stays, the link goes
  EXPECT_FALSE(Has(a.body_html, "href=\"#"));
}

TEST(ExtractorTest, LazyImagesBecomeRealImages) {
  std::string html = Page("<meta property='og:image' content='https://news.example/img/other.jpg'>",
      "<article>" + Prose(2) +
      "<figure><img src='data:image/gif;base64,R0lGOD' data-src='/img/a.jpg' alt='A'><figcaption>Caption A</figcaption></figure>" +
      Prose(1) +
      "<figure><img class=lazy src='/static/placeholder.png' data-original='https://cdn.example/b.jpg'></figure>"
      "<figure><img data-lazy-src='//cdn.example/c.jpg'></figure>"
      "<figure><img srcset='/img/d-320.jpg 320w, /img/d-1024.jpg 1024w, /img/d-640.jpg 640w'></figure>"
      "<figure><img src='data:image/gif;base64,R0l'><noscript><img src='/img/e.jpg'></noscript></figure>"
      "<figure><img src='/img/f.jpg'><noscript><img src='/img/f.jpg'></noscript></figure>"
      "<picture><source srcset='/img/g.webp 1x, /img/g2.webp 2x'><img></picture>"
      "<img src='https://tracker.example/pixel.png' width=1 height=1>" + Prose(2) + "</article>");
  ExtractedArticle a = MustExtract(html, "https://news.example/a/1.html");
  for (const char* img : {"https://news.example/img/a.jpg", "https://cdn.example/b.jpg", "https://cdn.example/c.jpg",
                          "https://news.example/img/d-1024.jpg", "https://news.example/img/e.jpg",
                          "https://news.example/img/g2.webp"}) {
    EXPECT_TRUE(Has(a.body_html, std::string("<img src=\"") + img + "\"")) << img << "\n" << a.body_html;
  }
  EXPECT_FALSE(Has(a.body_html, "data:image"));
  EXPECT_FALSE(Has(a.body_html, "placeholder"));
  EXPECT_FALSE(Has(a.body_html, "pixel.png"));
  size_t first = a.body_html.find("img/f.jpg");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(a.body_html.find("img/f.jpg", first + 1), std::string::npos) << "noscript copy kept twice";
  EXPECT_TRUE(Has(a.body_html, "<figcaption>Caption A</figcaption>"));
}

TEST(ExtractorTest, LeadImageAndCaptionFromOpenGraphAndTheFirstFigure) {
  std::string html = Page(
      "<meta property='og:image' content='https://cdn.example/photos/harbour_w1200.jpg'>",
      "<article><h1>Harbour</h1><figure class=lead><img src='/photos/harbour_w800.jpg'>"
      "<figcaption>The harbour at dawn. (Photo: Agency)</figcaption></figure>" + Prose(4) +
      "<figure><img src='/photos/second.jpg'><figcaption>Second picture</figcaption></figure></article>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_EQ(a.lead_image, "https://cdn.example/photos/harbour_w1200.jpg");
  EXPECT_EQ(a.lead_caption, "The harbour at dawn. (Photo: Agency)");
  EXPECT_FALSE(Has(a.body_html, "harbour_w800")) << "the lead figure is shown above the body, not in it";
  EXPECT_FALSE(Has(a.text, "The harbour at dawn"));
  EXPECT_TRUE(Has(a.body_html, "second.jpg"));
  EXPECT_TRUE(Has(a.body_html, "Second picture"));
}

TEST(ExtractorTest, LeadImageFromTheFirstFigureWithoutMetadata) {
  std::string html = Page("",
      "<div class=post><figure><img src='/p/1.jpg'><figcaption>First figure caption</figcaption></figure>" +
      Prose(4) + "</div>");
  ExtractedArticle a = MustExtract(html, "https://blog.example/post/9");
  EXPECT_EQ(a.lead_image, "https://blog.example/p/1.jpg");
  EXPECT_EQ(a.lead_caption, "First figure caption");
}

TEST(ExtractorTest, CaptionOfALeadImageOutsideTheBody) {
  std::string html = Page("<meta property='og:image' content='/media/top.jpg'>",
      "<div class=hero><div class=img-wrap><img src='/media/top.jpg'></div><span class=caption>Hero caption text</span></div>"
      "<div class=text>" + Prose(4) + "</div>");
  ExtractedArticle a = MustExtract(html, "https://site.example/n/1");
  EXPECT_EQ(a.lead_image, "https://site.example/media/top.jpg");
  EXPECT_EQ(a.lead_caption, "Hero caption text");
}

TEST(ExtractorTest, PublishedTimeFromMetadataJsonLdOrTimeElement) {
  std::string body = "<article>" + Prose(3) + "</article>";
  EXPECT_EQ(MustExtract(Page("<meta property='article:published_time' content='2024-03-05T08:30:00+08:00'>", body)).published_ms,
            ParseDate("2024-03-05T00:30:00Z"));
  EXPECT_EQ(MustExtract(Page("<script type='application/ld+json'>{\"@context\":\"https://schema.org\",\"@graph\":["
                             "{\"@type\":\"WebSite\",\"name\":\"X\"},{\"@type\":\"NewsArticle\",\"headline\":\"H\","
                             "\"datePublished\":\"2023-11-20T10:00:00Z\"}]}</script>", body)).published_ms,
            ParseDate("2023-11-20T10:00:00Z"));
  EXPECT_EQ(MustExtract(Page("", "<article><time datetime='2022-01-02T03:04:05Z'>Jan 2</time>" + Prose(3) + "</article>")).published_ms,
            ParseDate("2022-01-02T03:04:05Z"));
  EXPECT_FALSE(MustExtract(Page("", body)).published_ms.has_value());
}

TEST(ExtractorTest, JsonLdArticleBodyWhenTheMarkupHidesTheText) {
  std::string html = Page(
      "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":\"Budget passes\","
      "\"articleBody\":\"The budget passed on Tuesday after a long debate in the chamber.\\nLawmakers voted 60 to 40, "
      "and the bill now goes to the president for signature.\\nCritics said it cuts too deep.\"}</script>",
      "<div id=app><p>Loading…</p></div>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_EQ(a.text,
            "The budget passed on Tuesday after a long debate in the chamber.\n"
            "Lawmakers voted 60 to 40, and the bill now goes to the president for signature.\n"
            "Critics said it cuts too deep.\n");
  EXPECT_TRUE(Has(a.body_html, "<p>Critics said it cuts too deep.</p>"));
  EXPECT_EQ(a.title, "Budget passes");
}

TEST(ExtractorTest, ItempropArticleBodyWinsOverALongerSidebar) {
  std::string html = Page("",
      "<div class=wrap><div itemprop=articleBody>" + Prose(3) + "</div>"
      "<div class=rail>" + Prose(5, "div") + "</div></div>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_TRUE(Has(a.text, "Paragraph 3 of the story")) << a.text;
  EXPECT_EQ(std::count(a.text.begin(), a.text.end(), '\n'), 3) << a.text;
}

TEST(ExtractorTest, SelectorNamesTheBody) {
  std::string html = Page("",
      "<div class=story><p>Chosen paragraph that the selector names, short as it is.</p></div>"
      "<div class=other>" + Prose(5) + "</div>");
  ExtractedArticle a = MustExtract(html, "https://x.example/", "div.story");
  EXPECT_EQ(a.text, "Chosen paragraph that the selector names, short as it is.\n");
  auto bad = ExtractArticle(html, ExtractOptions{"", "div:first-child"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), Status::Kind::kInvalidArgument);
  auto none = ExtractArticle(html, ExtractOptions{"", "section.missing"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().kind(), Status::Kind::kParseError);
}

TEST(ExtractorTest, TitleFromH1OpenGraphOrDocumentTitle) {
  std::string body = "<article>" + Prose(3) + "</article>";
  EXPECT_EQ(MustExtract(Page("<meta property='og:title' content='Rain returns'><title>Rain returns | Daily</title>", body)).title,
            "Rain returns");
  EXPECT_EQ(MustExtract(Page("<title>Rain returns to the valley - The Daily Paper</title>", body)).title,
            "Rain returns to the valley");
  EXPECT_EQ(MustExtract(Page("<title>Rain returns - Daily</title>", "<h1>Rain returns</h1>" + body)).title, "Rain returns");
}

TEST(ExtractorTest, NoArticleIsAParseError) {
  auto r = ExtractArticle("<html><body><nav><a href=/>Home</a></nav></body></html>", ExtractOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kParseError);
}

TEST(ExtractorTest, KeepsStructure) {
  std::string html = Page("",
      "<article>" + Prose(3) + "<h2>A subheading</h2><ul><li>First point of the list</li><li>Second point</li></ul>"
      "<blockquote><p>A quotation from someone, said at length, with feeling.</p></blockquote>" + Prose(2) + "</article>");
  ExtractedArticle a = MustExtract(html);
  EXPECT_TRUE(Has(a.body_html, "<h2>A subheading</h2>")) << a.body_html;
  EXPECT_TRUE(Has(a.body_html, "<ul><li>First point of the list</li><li>Second point</li></ul>")) << a.body_html;
  EXPECT_TRUE(Has(a.body_html, "<blockquote><p>A quotation")) << a.body_html;
  EXPECT_TRUE(Has(a.text, "A subheading\nFirst point of the list\nSecond point\nA quotation")) << a.text;
}

}  // namespace
}  // namespace nm

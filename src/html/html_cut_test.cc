#include "html/html_cut.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace nm {
namespace {

// The part of `cut` that came from `html` (before the appended end tags),
// checked to be a prefix of it.
std::string KeptPrefix(const std::string& html, const std::string& cut) {
  size_t n = 0;
  while (n < cut.size() && n < html.size() && cut[n] == html[n]) ++n;
  return cut.substr(0, n);
}

TEST(HtmlCutTest, HtmlWithinTheCapIsReturnedAsItIs) {
  EXPECT_EQ(CutHtml("<p>short</p>", 100), "<p>short</p>");
  EXPECT_EQ(CutHtml("<p>short</p>", 12), "<p>short</p>");
  EXPECT_EQ(CutHtml("", 0), "");
}

TEST(HtmlCutTest, CutsOutsideMarkupAndClosesWhatIsOpen) {
  const std::string html = "<div class=\"a>b\"><p>Hello <b>world</b>, and <i>more</i> text.</p><p>Second</p></div>";
  EXPECT_EQ(CutHtml(html, 40), "<div class=\"a>b\"><p>Hello </p></div>");
  // At every cap: within it, the original bytes up to a point outside any tag,
  // then end tags for exactly the elements open there.
  for (size_t cap = 0; cap < html.size(); ++cap) {
    std::string cut = CutHtml(html, cap);
    ASSERT_LE(cut.size(), cap);
    size_t lt = cut.rfind('<'), gt = cut.rfind('>');
    EXPECT_TRUE(lt == std::string::npos || (gt != std::string::npos && gt > lt)) << "inside a tag at " << cap << ": " << cut;
    // Parsed naively, every element the cut opens is closed again.
    int depth = 0;
    for (size_t i = 0; i < cut.size(); ++i) {
      if (cut.compare(i, 2, "</") == 0) --depth;
      else if (cut[i] == '<') ++depth;
      if (cut[i] == '"') i = cut.find('"', i + 1);  // the quoted "a>b"
    }
    EXPECT_EQ(depth, 0) << cap << ": " << cut;
  }
}

TEST(HtmlCutTest, NeverSplitsACharacterAReferenceACommentOrAScript) {
  // "中文" is six bytes: a cut inside a character steps back to its start.
  EXPECT_EQ(CutHtml("<p>a中文</p>", 9), "<p>a</p>");
  EXPECT_EQ(CutHtml("<p>a中文</p>", 11), "<p>a中</p>");
  // A reference stays whole or goes.
  EXPECT_EQ(CutHtml("<p>x &amp; y &#x4E2D; z</p>", 12), "<p>x </p>");
  EXPECT_EQ(CutHtml("<p>x &amp; y &#x4E2D; z</p>", 17), "<p>x &amp; y </p>");
  EXPECT_EQ(CutHtml("<p>x &amp; y &#x4E2D; z</p>", 19), "<p>x &amp; y </p>");
  // Comments and raw-text elements are kept or dropped whole.
  EXPECT_EQ(CutHtml("a<!-- long comment -->bcdef", 10), "a");
  EXPECT_EQ(CutHtml("a<script>if (x < 1) go();</script>bcd", 30), "a");
  EXPECT_EQ(CutHtml("a<style>p{}</style>bcdefgh", 20), "a<style>p{}</style>b");
  // Void and self-closed elements need no end tag; implied end tags are not doubled.
  EXPECT_EQ(CutHtml("<p>one<br>two<img src=\"x\"/>three</p>", 26), "<p>one<br>two</p>");
  EXPECT_EQ(CutHtml("<ul><li>one<li>two<li>three</ul>", 26), "<ul><li>one<li>t</li></ul>");
}

TEST(HtmlCutTest, AnUnclosedTagOrCommentIsNotKept) {
  EXPECT_EQ(CutHtml("<p>text<a href=\"never closed", 20), "<p>text</p>");
  EXPECT_EQ(CutHtml("text<!-- never closed", 10), "text");
}

TEST(HtmlCutTest, DeepAndLongHtmlIsCutQuickly) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += std::string(2 << 20, 'x');
  for (int i = 0; i < 100000; ++i) deep += "</div>";
  auto t0 = std::chrono::steady_clock::now();
  std::string cut = CutHtml(deep, 1 << 20);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LE(cut.size(), 1u << 20);
  EXPECT_LT(seconds, 5.0);
  std::string kept = KeptPrefix(deep, cut);
  // The kept <div>s are closed by as many </div>s.
  size_t opened = 0;
  for (size_t p = kept.find("<div>"); p != std::string::npos; p = kept.find("<div>", p + 5)) ++opened;
  size_t closed = 0;
  for (size_t p = cut.find("</div>"); p != std::string::npos; p = cut.find("</div>", p + 6)) ++closed;
  EXPECT_GT(opened, 0u);
  EXPECT_EQ(opened, closed);
}

}  // namespace
}  // namespace nm

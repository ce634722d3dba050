#include "html/html_tree.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "extract/extractor.h"
#include "extract/selector.h"
#include "html/html_text.h"
#include "html/sanitize.h"
#include "util/fs.h"

namespace nm {
namespace {

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

struct TreeShape {
  size_t depth = 0;     // elements from the root down, at the deepest
  size_t elements = 0;
  std::string text;     // all text, in order
};

// Iterative: the tree under test may be anything.
TreeShape Shape(const GumboNode* root) {
  TreeShape shape;
  std::vector<std::pair<const GumboNode*, size_t>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      shape.text += n->v.text.text;
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
    ++shape.elements;
    shape.depth = std::max(shape.depth, depth);
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = kids.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(kids.data[i]), depth + 1});
      EXPECT_EQ(static_cast<const GumboNode*>(kids.data[i])->parent, n);
    }
  }
  return shape;
}

// Hostile shapes, each about 1 MB: the 100,000 nested elements of a poison
// page, and the ways the HTML5 tree builder nests elements by itself.
struct Hostile {
  const char* name;
  std::string html;
  bool deep = true;   // the tree builder nests it (a select ignores what it cannot hold)
  bool text = true;   // its text stays (a frameset replaces the body)
};

size_t Tags(std::string_view html) { return static_cast<size_t>(std::count(html.begin(), html.end(), '<')); }

std::vector<Hostile> HostileInputs() {
  const size_t n = 100000;
  std::vector<Hostile> out;
  out.push_back({"div", Repeat("<div>", n) + "deep" + Repeat("</div>", n)});
  out.push_back({"unclosed div", Repeat("<div>", n) + "deep"});
  out.push_back({"b i", Repeat("<b><i>", n / 2) + "deep" + Repeat("</i></b>", n / 2)});
  out.push_back({"b i misnested", Repeat("<b><i>", n / 2) + "deep" + Repeat("</b></i>", n / 2)});
  out.push_back({"table", Repeat("<table><tr><td>", n / 3) + "deep" + Repeat("</td></tr></table>", n / 3)});
  out.push_back({"bare cells", Repeat("<table><td>", n / 2) + "deep"});
  out.push_back({"list", Repeat("<ul><li>", n / 2) + "deep" + Repeat("</li></ul>", n / 2)});
  out.push_back({"definition list", Repeat("<dl><dd>", n / 2) + "deep"});
  out.push_back({"block in formatting", Repeat("<b><p>x</b></p>", n / 2) + "deep"});
  out.push_back({"reopened formatting", [] {
                   std::string s;
                   for (int i = 0; i < 5000; ++i) s += "<p><b id=" + std::to_string(i) + ">x</p>";
                   return s + "deep";
                 }()});
  out.push_back({"frameset after depth", Repeat("<div>", n) + "<frameset>deep", true, false});
  out.push_back({"svg", "<svg>" + Repeat("<g>", n) + "deep"});
  out.push_back({"math", "<math>" + Repeat("<mrow>", n) + "deep"});
  out.push_back({"select", "<select>" + Repeat("<option><div>", n / 2) + "deep", false});
  out.push_back({"template", Repeat("<template>", n) + "deep"});
  out.push_back({"object", Repeat("<object><b>", n / 2) + "deep"});
  out.push_back({"spans", Repeat("<span>", n) + "deep"});
  out.push_back({"custom elements", Repeat("<x-a><x-b>", n / 2) + "deep"});
  out.push_back({"anchors", Repeat("<a href=x><div>", n / 2) + "deep"});
  out.push_back({"script deep", Repeat("<div>", 600) + "<script>if (a<b) x()</script><style>p{}</style>deep"});
  return out;
}

TEST(HtmlTreeTest, HostileNestingStaysWithinTheBoundsAndKeepsTheText) {
  for (const Hostile& h : HostileInputs()) {
    SCOPED_TRACE(h.name);
    HtmlTree tree(h.html);
    TreeShape shape = Shape(tree.root());
    EXPECT_LE(shape.depth, kMaxHtmlDepth);
    EXPECT_EQ(tree.flattened(), h.deep);
    if (h.text) {
      EXPECT_NE(shape.text.find("deep"), std::string::npos);
    }
    // The tree builder's reopened formatting elements stay a small multiple
    // of the input's tags (unbounded, they grow with its square).
    EXPECT_LE(shape.elements, (kMaxActiveFormatting + 3) * Tags(h.html)) << shape.elements;
  }
}

TEST(HtmlTreeTest, ScriptsDroppedAtTheBoundAreDroppedWhole) {
  HtmlTree tree(Repeat("<div>", 600) + "<script>alert(1)</script>deep");
  TreeShape shape = Shape(tree.root());
  EXPECT_EQ(shape.text.find("alert"), std::string::npos);
  EXPECT_NE(shape.text.find("deep"), std::string::npos);
}

TEST(HtmlTreeTest, WhatTheTreeBuilderNestsPastTheBoundIsFlattened) {
  // In a template a cell opens where a bare cell would be ignored: the tree
  // is twice as deep as the templates LimitHtmlNesting lets through (510).
  // Below 512 the tree is flattened, leaving out what no reader shows (the
  // text of scripts, styles and templates).
  std::string html = "<p>前文</p>" + Repeat("<template><td><script>var s;</script>级", 600) + "底";
  HtmlTree tree(html);
  TreeShape shape = Shape(tree.root());
  EXPECT_EQ(shape.depth, kMaxHtmlDepth);
  EXPECT_TRUE(tree.flattened());
  auto count = [&](std::string_view what) {
    size_t n = 0;
    for (size_t at = shape.text.find(what); at != std::string::npos; at = shape.text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_GT(count("var s;"), 200u);  // the levels above the bound
  EXPECT_LT(count("var s;"), 300u);
  EXPECT_NEAR(static_cast<double>(count("级")), static_cast<double>(count("var s;")), 1);  // the level at the bound may split
  EXPECT_EQ(ReadableText(html), "前文");
  EXPECT_EQ(SanitizeHtml(html), "<p>前文</p>");
}

TEST(HtmlTreeTest, NestingJustWithinTheBoundIsKeptWhole) {
  // html and body count: 510 divs fit, the text at the bottom.
  std::string html = Repeat("<div>", kMaxHtmlDepth - 2) + "x" + Repeat("</div>", kMaxHtmlDepth - 2);
  EXPECT_FALSE(LimitHtmlNesting(html).changed);
  HtmlTree tree(html);
  EXPECT_FALSE(tree.flattened());
  EXPECT_EQ(Shape(tree.root()).depth, kMaxHtmlDepth);
  // One more is dropped (its end tag too), the text kept.
  NestingLimit more = LimitHtmlNesting("<p>a</p>" + Repeat("<div>", kMaxHtmlDepth - 1) + "x" +
                                       Repeat("</div>", kMaxHtmlDepth - 1) + "<p>b</p>");
  ASSERT_TRUE(more.changed);
  EXPECT_EQ(more.html, "<p>a</p>" + Repeat("<div>", kMaxHtmlDepth - 2) + "x" + Repeat("</div>", kMaxHtmlDepth - 2) +
                           "<p>b</p>");
}

// Gumbo's nodes point into the text they were parsed from (their tag names
// as written): when the bounds changed that text, the tree keeps it.
TEST(HtmlTreeTest, ATreeParsedFromABoundedCopyKeepsThatCopy) {
  std::string html = Repeat("<x-a>", 600) + "deep";
  size_t bounded = LimitHtmlNesting(html).html.size();
  HtmlTree tree(html);
  ASSERT_TRUE(tree.flattened());
  // Memory of the bounded copy's size, taken and overwritten: a copy freed
  // with the constructor would now hold these bytes.
  std::vector<std::string> filler;
  for (int i = 0; i < 64; ++i) filler.emplace_back(bounded, 'z');
  size_t elements = 0;
  for (const GumboNode* n = tree.root(); n;) {
    const GumboNode* next = nullptr;
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      const auto* kid = static_cast<const GumboNode*>(kids.data[i]);
      if (kid->type != GUMBO_NODE_ELEMENT || kid->v.element.tag != GUMBO_TAG_UNKNOWN) continue;
      GumboStringPiece piece = kid->v.element.original_tag;
      ASSERT_TRUE(piece.length > 0 && piece.data[0] == '<') << "at depth " << elements;
      gumbo_tag_from_original_text(&piece);
      ASSERT_EQ(std::string_view(piece.data, piece.length), "x-a") << "at depth " << elements;
      ++elements;
      next = kid;
    }
    if (!next && n->v.element.tag == GUMBO_TAG_HTML) {  // down through body
      for (unsigned i = 0; i < kids.length && !next; ++i) {
        const auto* kid = static_cast<const GumboNode*>(kids.data[i]);
        if (kid->type == GUMBO_NODE_ELEMENT && kid->v.element.tag == GUMBO_TAG_BODY) next = kid;
      }
    }
    n = next;
  }
  EXPECT_EQ(elements, kMaxHtmlDepth - 2);
}

// What the sanitizer writes is stored in articles and read again as whole
// documents (site, search, serve): from any hostile input it writes HTML that
// reads back within the bounds, whole, and the same when sanitized again.
TEST(HtmlTreeTest, SanitizedHostileNestingReadsBackWithinTheBounds) {
  for (const Hostile& h : HostileInputs()) {
    SCOPED_TRACE(h.name);
    std::string once = SanitizeHtml(h.html);
    EXPECT_FALSE(LimitHtmlNesting(once).changed);
    HtmlTree tree(once);
    EXPECT_FALSE(tree.flattened());
    EXPECT_LE(Shape(tree.root()).depth, kMaxHtmlDepth);
    EXPECT_EQ(SanitizeHtml(once), once);
  }
}

TEST(HtmlTreeTest, ImpliedEndTagsDoNotCountAsDepth) {
  // Unclosed paragraphs, list items, cells, options and anchors close
  // themselves: thousands of them are one level deep, not thousands.
  for (const std::string& html :
       {Repeat("<p>段落", 5000), Repeat("<ul><li>一<li>二</ul>", 2000), Repeat("<li>项", 5000),
        "<table>" + Repeat("<tr><td>格<td>格", 3000) + "</table>", "<select>" + Repeat("<option>选", 5000) + "</select>",
        Repeat("<a href=x>链接", 5000), Repeat("<dt>词<dd>义", 3000), Repeat("<h2>标题<h3>小标题", 3000),
        Repeat("<b>粗</b><i>斜</i><font color=red>红</font>", 5000), Repeat("<table><tr><td>x</td></tr></table>", 3000),
        Repeat("<svg><path/><circle/></svg>", 3000)}) {
    SCOPED_TRACE(html.substr(0, 40));
    EXPECT_FALSE(LimitHtmlNesting(html).changed);
  }
}

// Real pages: the bound changes none of their bytes.
TEST(HtmlTreeTest, RealPagesPassUnchanged) {
  std::vector<std::string> pages;
  for (const char* name : {"bbc", "cdt", "dw", "nyt", "rfa", "rfi", "voa"}) {
    auto text = ReadFile(std::string(NEWSMIRROR_SOURCE_DIR) + "/src/extract/testdata/" + name + ".html");
    ASSERT_TRUE(text.ok());
    pages.push_back(*text);
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::string(NEWSMIRROR_SHARED_DIR) + "/corpora/extraction/html", ec)) {
    gzFile gz = gzopen(entry.path().c_str(), "rb");
    ASSERT_NE(gz, nullptr);
    std::string page;
    char buf[65536];
    int got;
    while ((got = gzread(gz, buf, sizeof buf)) > 0) page.append(buf, static_cast<size_t>(got));
    gzclose(gz);
    pages.push_back(std::move(page));
  }
  ASSERT_GT(pages.size(), 100u);
  for (const std::string& page : pages) {
    EXPECT_FALSE(LimitHtmlNesting(page).changed) << page.substr(0, 200);
  }
}

TEST(HtmlTreeTest, ReadersOfHtmlGetThroughHostileNesting) {
  const std::string lead = "<p>" + Repeat("正文的一段。", 60) + "</p>";
  for (const Hostile& h : HostileInputs()) {
    if (!h.text) continue;
    SCOPED_TRACE(h.name);
    std::string page = "<html><head><title>标题</title></head><body><article>" + lead + h.html + "</article></body></html>";
    EXPECT_NE(SanitizeHtml(page).find("正文的一段。"), std::string::npos);
    EXPECT_NE(ReadableText(page).find("正文的一段。"), std::string::npos);
    auto article = ExtractArticle(page, {"https://news.example/a", ""});
    ASSERT_TRUE(article.ok()) << article.status().message();
    EXPECT_EQ(article->flattened, h.deep);
    EXPECT_NE(article->text.find("正文的一段。"), std::string::npos);
  }
}

// The readers recurse over the tree: at the deepest a tree can be, they fit
// in an eighth of a thread's usual stack (8 MiB), under ASan too.
TEST(HtmlTreeTest, WalksAtTheDeepestFitInAMebibyteOfStack) {
  struct Work {
    std::string html;
    bool done = false;
  } work;
  // Every kind of element the walks treat differently, to the bound.
  work.html = "<html><body><article><p>" + Repeat("正文的一段。", 60) + "</p>" +
              Repeat("<div><blockquote><ul><li><p><b><a href=x><span><table><tr><td><figure>", 60) + "深处的文字" +
              "</article></body></html>";
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, size_t{1} << 20), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* arg) -> void* {
                  auto* w = static_cast<Work*>(arg);
                  HtmlTree tree(w->html);
                  bool deep = Shape(tree.root()).depth == kMaxHtmlDepth;
                  bool read = SanitizeHtml(w->html).find("深处的文字") != std::string::npos &&
                              ReadableText(w->html).find("深处的文字") != std::string::npos &&
                              ExtractArticle(w->html, {"https://news.example/a", ""}).ok();
                  w->done = deep && read;
                  return nullptr;
                },
                &work),
            0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(work.done);
}

// Within the bounds, reopened formatting elements can still multiply the
// nodes by up to 17: past its memory budget a parse stops with bad_alloc
// (which the caller's containment turns into a failed entry), and everything
// it held is freed (ASan's leak check holds the test to that).
TEST(HtmlTreeTest, AParseOverItsMemoryBudgetStopsAndFreesWhatItHeld) {
  std::string html;
  for (int i = 0; i < 2000; ++i) html += "<p><b id=" + std::to_string(i) + ">x</p>";
  HtmlParseOptions small;
  small.memory_budget = size_t{2} << 20;
  EXPECT_THROW(HtmlTree(html, small), std::bad_alloc);
  HtmlParseOptions enough;
  enough.memory_budget = size_t{64} << 20;
  HtmlTree tree(html, enough);
  EXPECT_GT(Shape(tree.root()).elements, 20000u);  // the reopened <b>s
  EXPECT_EQ(Shape(HtmlTree(Repeat("<p>段落</p>", 2000), small).root()).elements, 2003u);
}

TEST(HtmlTreeTest, SelectorMatchingCostsNoMoreThanThePartsPerElement) {
  // A failing three-part descendant selector on a page 500 levels deep with
  // thousands of paragraphs at the bottom: tried ancestor by ancestor it
  // never ends.
  std::string page = "<body>" + Repeat("<div class=a>", 500) + Repeat("<p>文字</p>", 20000) + "</body>";
  HtmlTree tree(page);
  auto selector = CssSelector::Parse("article div.a div.a p");
  ASSERT_TRUE(selector.ok());
  EXPECT_TRUE(selector->SelectOutermost(tree.root()).empty());
  auto matching = CssSelector::Parse("body > div.a div.a > div.a p");
  ASSERT_TRUE(matching.ok());
  EXPECT_EQ(matching->SelectOutermost(tree.root()).size(), 20000u);
}

}  // namespace
}  // namespace nm

#include "extract/selector.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <string>
#include <vector>

#include "extract/dom.h"

namespace nm {
namespace {

const char kPage[] = R"(<html><body>
<div id="main" class="page wide">
  <article class="story" data-kind="news">
    <h1 class="title">T</h1>
    <div class="story-body"><p id="p1">one</p><section><p id="p2" lang="zh-Hans">two</p></section></div>
  </article>
  <aside class="related"><p id="p3">three</p></aside>
</div>
<p id="p4" class="note lead">four</p>
</body></html>)";

class SelectorTest : public ::testing::Test {
 protected:
  void SetUp() override { out_ = gumbo_parse(kPage); }
  void TearDown() override { gumbo_destroy_output(&kGumboDefaultOptions, out_); }

  // Ids (or tag names) of the outermost matches, joined by spaces.
  std::string Select(const std::string& css) {
    auto sel = CssSelector::Parse(css);
    EXPECT_TRUE(sel.ok()) << css << ": " << sel.status().message();
    if (!sel.ok()) return "<invalid>";
    std::string out;
    for (const GumboNode* n : sel->SelectOutermost(out_->root)) {
      if (!out.empty()) out += ' ';
      std::string id(dom::AttrOr(n, "id"));
      out += id.empty() ? dom::TagName(n) : id;
    }
    return out;
  }

  GumboOutput* out_ = nullptr;
};

TEST_F(SelectorTest, TypeClassIdAndAttributes) {
  EXPECT_EQ(Select("article"), "article");
  EXPECT_EQ(Select("ARTICLE"), "article");
  EXPECT_EQ(Select(".story-body"), "div");
  EXPECT_EQ(Select("#p4"), "p4");
  EXPECT_EQ(Select("p.note.lead"), "p4");
  EXPECT_EQ(Select("p.note.missing"), "");
  EXPECT_EQ(Select("[lang]"), "p2");
  EXPECT_EQ(Select("article[data-kind=news]"), "article");
  EXPECT_EQ(Select("article[data-kind='news']"), "article");
  EXPECT_EQ(Select("article[data-kind=\"other\"]"), "");
  EXPECT_EQ(Select("[class~=wide]"), "main");
  EXPECT_EQ(Select("[class^=story-]"), "div");
  EXPECT_EQ(Select("[lang$=Hans]"), "p2");
  EXPECT_EQ(Select("[lang*=h-H]"), "p2");
}

TEST_F(SelectorTest, CombinatorsAndLists) {
  EXPECT_EQ(Select("article p"), "p1 p2");
  EXPECT_EQ(Select(".story-body > p"), "p1");
  EXPECT_EQ(Select("#main > p"), "");
  EXPECT_EQ(Select("#main p"), "p1 p2 p3");
  EXPECT_EQ(Select("div > article .story-body section > p"), "p2");
  EXPECT_EQ(Select(".related p, #p4"), "p3 p4");
  EXPECT_EQ(Select("#p4,.related p"), "p3 p4");  // document order, not list order
  EXPECT_EQ(Select("* > #p1"), "p1");
}

TEST_F(SelectorTest, OutermostMatchHidesNestedMatches) {
  EXPECT_EQ(Select("div"), "main");
  EXPECT_EQ(Select("div, p"), "main p4");
}

TEST(SelectorParseTest, RejectsWhatItDoesNotSupport) {
  for (const char* bad : {"", "p:first-child", "a + b", "a ~ b", "[x", "[=v]", ".", "#", "p >", "p,", "a[x^=]"}) {
    auto sel = CssSelector::Parse(bad);
    EXPECT_FALSE(sel.ok()) << bad;
    if (!sel.ok()) {
      EXPECT_EQ(sel.status().kind(), Status::Kind::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace nm

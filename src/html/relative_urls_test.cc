#include "html/relative_urls.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(ResolveRelativeUrls, JoinsRelativeValuesInPlace) {
  EXPECT_EQ(ResolveRelativeUrls("<a href=\"/relative/uri\">click</a>", "http://example.com/feed/"),
            "<a href=\"http://example.com/relative/uri\">click</a>");
  EXPECT_EQ(ResolveRelativeUrls("<IMG SRC='pic.jpg' alt=x>", "http://example.com/feed/"),
            "<IMG SRC='http://example.com/feed/pic.jpg' alt=x>");
  EXPECT_EQ(ResolveRelativeUrls("<a href=\"À\">uri</a>", "http://any.test/"),
            "<a href=\"http://any.test/À\">uri</a>");
}

TEST(ResolveRelativeUrls, LeavesAbsoluteUrlsAndOtherBytesAlone) {
  const std::string html =
      "<p class=x>a &amp; b</p><a  href='HTTP://Example.COM/%7e?a=1&amp;b=2'>x</a>"
      "<a href=\"#top\">t</a><img src=\"\"><a href=mailto:me@example.com>m</a>"
      "<!-- <a href=\"rel\"> --><script>var s = '<a href=\"rel\">';</script>";
  EXPECT_EQ(ResolveRelativeUrls(html, "http://example.com/"), html);
}

TEST(ResolveRelativeUrls, QuotesAnUnquotedValueThatNeedsItAndKeepsAmpersands) {
  EXPECT_EQ(ResolveRelativeUrls("<a href=x?a=1&amp;b=2 title=t>", "http://h.test/d/"),
            "<a href=\"http://h.test/d/x?a=1&amp;b=2\" title=t>");
  EXPECT_EQ(ResolveRelativeUrls("<a href=\"x\">", ""), "<a href=\"x\">");
}

}  // namespace
}  // namespace nm

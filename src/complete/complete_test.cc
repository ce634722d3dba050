#include "complete/complete.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

// "中文新闻报道" in GBK, repeated into a page long enough to be an article.
std::string GbkPage(bool declare_in_meta) {
  const std::string words = "\xD6\xD0\xCE\xC4\xD0\xC2\xCE\xC5\xB1\xA8\xB5\xC0";
  std::string para;
  for (int i = 0; i < 30; ++i) para += words;
  std::string head = declare_in_meta ? "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">" : "";
  return "<html><head>" + head + "<title>t</title></head><body><article><h1>" + words + "</h1><p>" + para +
         "</p><p>" + para + "</p><p>" + para + "</p></article></body></html>";
}

TEST(ArticleFromPage, DecodesThePageByItsHttpCharset) {
  FetchResponse page;
  page.body = GbkPage(false);
  page.content_type = "text/html; charset=GBK";
  page.effective_url = "https://news.example/a/1.html";
  auto a = ArticleFromPage(page, "", int64_t{1672843145000}, 0);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_NE(a->content.find("中文新闻报道中文新闻报道"), std::string::npos) << a->content;
  EXPECT_EQ(a->content.rfind("<div><i>Wed, 04 Jan 2023 14:39:05 GMT</i></div><", 0), 0u) << a->content;
  EXPECT_EQ(a->published_ms, 1672843145000);
}

TEST(ArticleFromPage, DecodesThePageByItsMetaCharset) {
  FetchResponse page;
  page.body = GbkPage(true);
  page.content_type = "text/html";
  page.effective_url = "https://news.example/a/1.html";
  auto a = ArticleFromPage(page, "", std::nullopt, 5000);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_NE(a->text.find("中文新闻报道"), std::string::npos) << a->text;
  EXPECT_EQ(a->published_ms, 5000);  // the page has no date: the fallback
}

TEST(ArticleFromPage, APageWithoutAnArticleIsAnError) {
  FetchResponse page;
  page.body = "<html><body><nav><a href=\"/\">home</a></nav></body></html>";
  page.content_type = "text/html; charset=utf-8";
  page.effective_url = "https://news.example/";
  EXPECT_FALSE(ArticleFromPage(page, "", std::nullopt, 0).ok());
}

TEST(ArchiveOptionsFor, OnlyProxyModeLetsTheMergeProxyImages) {
  Config config;
  SourceConfig s;
  EXPECT_EQ(ArchiveOptionsFor(s, config).image_proxy, config.archive.image_proxy);
  s.images = ImageMode::kLocal;
  EXPECT_EQ(ArchiveOptionsFor(s, config).image_proxy, "");
  s.images.reset();
  config.complete.images = ImageMode::kOff;
  EXPECT_EQ(ArchiveOptionsFor(s, config).image_proxy, "");
}

}  // namespace
}  // namespace nm

// End to end: article pages, link repairs, stored images and `add`, with the
// real binary against feeds, pages and images served on 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/test_images.h"
#include "support/mirror_files.h"
#include "support/socks_proxy.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

std::string Fixture() { return Slurp(std::string(NEWSMIRROR_SOURCE_DIR) + "/src/complete/testdata/voa_article.html"); }

struct Item {
  std::string guid, title, link, date, content;
};

std::string Rss(const std::vector<Item>& items) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>)";
  for (const Item& i : items) {
    xml += "<item><title>" + i.title + "</title><link>" + i.link + "</link><guid>" + i.guid + "</guid><pubDate>" +
           i.date + "</pubDate><content:encoded><![CDATA[" + i.content + "]]></content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

// The article's content line (the fifth line of its file).
std::string ContentOf(const std::string& file) {
  std::string text = Slurp(file);
  size_t pos = 0;
  for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = text.find('\n', pos) + 1;
  std::string content = text.substr(pos);
  if (!content.empty() && content.back() == '\n') content.pop_back();
  return content;
}

class FullTextTest : public ::testing::Test {
 protected:
  std::string Config(const std::string& source_extra, const std::string& archive_extra = "") {
    std::string text = "[archive]\nimage_proxy = \"https://images.weserv.nl?url={url_noscheme}\"\n" + archive_extra +
                       "[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 10\npage_spacing_ms = 0\n"
                       "[[source]]\nname = \"VOA\"\nurl = \"" + server_.Url("/feed") + "\"\n" + source_extra;
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(const std::string& config) {
    return RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json", "-v"});
  }
  std::vector<std::string> Articles(const std::string& outlet = "VOA") { return ArticleFiles(mirror_, outlet); }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

TEST_F(FullTextTest, PageModeArchivesThePageAndFetchesEachPageOnce) {
  server_.Serve("/a/1.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  server_.Serve("/a/2.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  Item one{"g1", "日本首相访美", server_.Url("/a/1.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>摘要一</p>"};
  server_.Serve("/feed", 200, Rss({one}));
  std::string config = Config("full_text = \"page\"\n");
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 1u);
  std::string content = ContentOf(Articles()[0]);
  EXPECT_EQ(content.rfind("<div><i>Wed, 04 Jan 2023 14:06:46 GMT</i></div>"
                          "<img src=\"https://images.weserv.nl?url=gdb.voanews.com/lead_w900.jpg\" width=\"100%\">"
                          "<div><small style=\"color: #999;\">日本首相岸田文雄在新年记者会上讲话。</small></div><p>",
                          0),
            0u)
      << content;
  EXPECT_NE(content.find("<h2>同盟的基石</h2>"), std::string::npos);
  EXPECT_EQ(content.find("摘要一"), std::string::npos);
  EXPECT_EQ(server_.Hits("/a/1.html"), 1);
  EXPECT_EQ(server_.LastRequestHeader("/a/1.html", "Referer"), server_.Url("/"));

  // The next hours: the archived page is never fetched again; a new entry's page is.
  auto before = Slurp(Articles()[0]);
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["written"].empty()) << r.out;
  Item two{"g2", "第二篇", server_.Url("/a/2.html"), "Thu, 05 Jan 2023 10:00:00 GMT", "<p>摘要二</p>"};
  server_.Serve("/feed", 200, Rss({two, one}));
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/1.html"), 1);
  EXPECT_EQ(server_.Hits("/a/2.html"), 1);
  EXPECT_EQ(Articles().size(), 2u);
  EXPECT_EQ(Slurp(Articles()[1]), before);

  // A changed feed entry is completed again.
  one.content = "<p>摘要一（更正）</p>";
  server_.Serve("/feed", 200, Rss({two, one}));
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/1.html"), 2);
  EXPECT_EQ(server_.Hits("/a/2.html"), 1);
  EXPECT_NE(Slurp(mirror_ + "/state/VOA.complete.txt").find("page\t127.0.0.1:"), std::string::npos);
}

TEST_F(FullTextTest, APageThatFailsKeepsTheFeedContentWithAWarning) {
  server_.Serve("/a/broken.html", 500, "oops");
  server_.Serve("/a/empty.html", 200, "<html><body></body></html>", {{"Content-Type", "text/html"}});
  server_.Serve("/feed", 200,
                Rss({{"g1", "坏页面", server_.Url("/a/broken.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>摘要一</p>"},
                     {"g2", "空页面", server_.Url("/a/empty.html"), "Wed, 04 Jan 2023 15:06:46 GMT", "<p>摘要二</p>"}}));
  CliResult r = Run(Config("full_text = \"page\"\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 2u);
  EXPECT_EQ(ContentOf(Articles()[0]), "<p>摘要二</p>");
  EXPECT_EQ(ContentOf(Articles()[1]), "<p>摘要一</p>");
  EXPECT_NE(r.err.find("kept the feed's text of \"坏页面\": HTTP 500"), std::string::npos) << r.err;
  auto source = nlohmann::json::parse(r.out)["sources"][0];
  EXPECT_EQ(source["pages"]["fetched"], 0) << source;
  EXPECT_EQ(source["pages"]["failed"], 2) << source;
  EXPECT_NE(r.err.find("VOA: 2 new, 0 updated, 0 unchanged; 0 pages read (2 failed)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kept the feed's text of \"空页面\""), std::string::npos) << r.err;
}

TEST_F(FullTextTest, AFailedPageIsFetchedAgainByLaterRunsAndTheArticleCompletedInPlace) {
  server_.ServeSequence("/a/later.html",
                        {{503, "busy"}, {200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}}}});
  server_.Serve("/feed", 200,
                Rss({{"g1", "稍后", server_.Url("/a/later.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>摘要一</p>"}}));
  std::string config = Config("full_text = \"page\"\n");
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 1u);
  EXPECT_EQ(ContentOf(Articles()[0]), "<p>摘要一</p>");
  EXPECT_NE(r.err.find("; the page is fetched again next run (attempt 1 of 5)"), std::string::npos) << r.err;
  EXPECT_NE(Slurp(mirror_ + "/state/VOA.complete.txt").find("pagefail\t"), std::string::npos);

  // The next run reads the page and rewrites the same article with it.
  std::string file = Articles()[0];
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/later.html"), 2);
  ASSERT_EQ(Articles().size(), 1u);
  EXPECT_EQ(Articles()[0], file);
  EXPECT_NE(ContentOf(file).find("<h2>同盟的基石</h2>"), std::string::npos) << ContentOf(file);
  EXPECT_EQ(Slurp(mirror_ + "/state/VOA.complete.txt").find("pagefail\t"), std::string::npos);

  // Then it is done: no more fetches, nothing written.
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/later.html"), 2);
  EXPECT_TRUE(nlohmann::json::parse(r.out)["written"].empty()) << r.out;
}

TEST_F(FullTextTest, APageThatKeepsFailingIsGivenUpAfterFiveAttempts) {
  server_.Serve("/a/dead.html", 500, "oops");
  server_.Serve("/a/gone.html", 500, "oops");
  Item dead{"g1", "坏页面", server_.Url("/a/dead.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>摘要一</p>"};
  Item gone{"g2", "下架", server_.Url("/a/gone.html"), "Wed, 04 Jan 2023 13:06:46 GMT", "<p>摘要二</p>"};
  server_.Serve("/feed", 200, Rss({dead, gone}));
  std::string config = Config("full_text = \"page\"\n");
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 2u);
  // Newer articles get smaller ids: the dead page's article is the first file.
  ASSERT_EQ(ContentOf(Articles()[0]), "<p>摘要一</p>");
  std::string before = Slurp(Articles()[0]);
  // An entry that leaves the feed is not tried again.
  server_.Serve("/feed", 200, Rss({dead}));
  for (int run = 2; run <= 7; ++run) {
    r = Run(config);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (run == 5) {
      EXPECT_NE(r.err.find("gave up on the page after 5 attempts"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(nlohmann::json::parse(r.out)["written"].empty() || run <= 5) << r.out;
  }
  EXPECT_EQ(server_.Hits("/a/dead.html"), 5);
  EXPECT_EQ(server_.Hits("/a/gone.html"), 1);
  ASSERT_EQ(Articles().size(), 2u);
  EXPECT_EQ(Slurp(Articles()[0]), before);
  EXPECT_EQ(Slurp(mirror_ + "/state/VOA.complete.txt").find("pagefail\t"), std::string::npos);
}

TEST_F(FullTextTest, PagesOnOtherHostsMustBeAtPublicAddresses) {
  // The feed is on 127.0.0.1, so pages there are fetched as the feed is; a
  // link to another host that is loopback (or private, or link-local) is not.
  server_.Serve("/a/1.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  server_.Serve("/a/2.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  std::string other = "http://localhost:" + std::to_string(server_.port()) + "/a/2.html";
  server_.Serve("/feed", 200,
                Rss({{"g1", "同一主机", server_.Url("/a/1.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>摘要一</p>"},
                     {"g2", "内网", other, "Wed, 04 Jan 2023 13:06:46 GMT", "<p>摘要二</p>"}}));
  CliResult r = Run(Config("full_text = \"page\"\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/1.html"), 1);
  EXPECT_EQ(server_.Hits("/a/2.html"), 0);
  EXPECT_NE(r.err.find("kept the feed's text of \"内网\": refused to fetch " + other), std::string::npos) << r.err;
  ASSERT_EQ(Articles().size(), 2u);
  EXPECT_NE(ContentOf(Articles()[0]).find("<h2>同盟的基石</h2>"), std::string::npos);
  EXPECT_EQ(ContentOf(Articles()[1]), "<p>摘要二</p>");
}

TEST_F(FullTextTest, ThroughASocks5ProxyThatResolvesTheNames) {
  // The outlet's host does not resolve here: only the proxy (socks5h) knows it.
  TestSocksProxy proxy(server_.port());
  server_.Serve("/a/1.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  server_.Serve("/a/inside.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  const std::string site = "http://www.voachinese.invalid";
  std::string inside = "http://10.1.2.3/a/inside.html";  // another host, a private address
  server_.Serve("/feed", 200,
                Rss({{"g1", "经代理", site + "/a/1.html", "Wed, 04 Jan 2023 14:06:46 GMT",
                      "<p>摘要一</p>"},
                     {"g2", "内网", inside, "Wed, 04 Jan 2023 13:06:46 GMT", "<p>摘要二</p>"}}));
  std::string text = "[archive]\nimage_proxy = \"\"\n"
                     "[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 10\npage_spacing_ms = 0\nproxy = \"" +
                     proxy.Url() + "\"\n[[source]]\nname = \"VOA\"\nurl = \"" + site +
                     "/feed\"\nfull_text = \"page\"\n";
  std::string config = dir_.path() + "/newsmirror.toml";
  ASSERT_TRUE(WriteFileAtomic(config, text).ok());
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 2u);
  EXPECT_NE(ContentOf(Articles()[0]).find("<h2>同盟的基石</h2>"), std::string::npos) << ContentOf(Articles()[0]);
  EXPECT_EQ(server_.Hits("/a/1.html"), 1);
  // The private address is refused before anything is sent to the proxy.
  EXPECT_EQ(server_.Hits("/a/inside.html"), 0);
  EXPECT_NE(r.err.find("refused to fetch " + inside), std::string::npos) << r.err;
  std::vector<std::string> asked = proxy.Requests();
  EXPECT_NE(std::find(asked.begin(), asked.end(), "www.voachinese.invalid:80"), asked.end())
      << ::testing::PrintToString(asked);
  for (const std::string& a : asked) EXPECT_EQ(a.find("10.1.2.3"), std::string::npos) << a;
}

TEST_F(FullTextTest, AutoFetchesPagesOnlyForSummaries) {
  server_.Serve("/a/short.html", 200, Fixture(), {{"Content-Type", "text/html"}});
  server_.Serve("/a/full.html", 200, Fixture(), {{"Content-Type", "text/html"}});
  std::string full = "<p>" + std::string(700, 'x') + "</p>";
  server_.Serve("/feed", 200,
                Rss({{"g1", "摘要", server_.Url("/a/short.html"), "Wed, 04 Jan 2023 14:06:46 GMT", "<p>日本首相岸田文雄星期三表示…</p>"},
                     {"g2", "全文", server_.Url("/a/full.html"), "Wed, 04 Jan 2023 15:06:46 GMT", full}}));
  CliResult r = Run(Config("full_text = \"auto\"\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/a/short.html"), 1);
  EXPECT_EQ(server_.Hits("/a/full.html"), 0);
  ASSERT_EQ(Articles().size(), 2u);
  EXPECT_EQ(ContentOf(Articles()[0]), full);
  EXPECT_NE(ContentOf(Articles()[1]).find("<h2>同盟的基石</h2>"), std::string::npos);
}

TEST_F(FullTextTest, RewriteRulesRepairTheLinkBeforeThePageIsFetched) {
  server_.Serve("/zh/a-64321987", 200, Fixture(), {{"Content-Type", "text/html"}});
  server_.Serve("/feed", 200,
                Rss({{"g1", "德国之声", "https://api.dw.com/api/detail/article/64321987", "Wed, 04 Jan 2023 14:06:46 GMT",
                      "<p>见 <a href=\"https://api.dw.com/api/detail/article/1\">旧文</a></p>"}}));
  std::string rule = "full_text = \"page\"\nrewrite = [{ match = \"https://api.dw.com/api/detail/article/{id}\", replace = \"" +
                     server_.Url("/zh/a-{id}") + "\" }]\n";
  CliResult r = Run(Config(rule));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.Hits("/zh/a-64321987"), 1);
  ASSERT_EQ(Articles().size(), 1u);
  EXPECT_NE(Slurp(Articles()[0]).find("](" + server_.Url("/zh/a-64321987") + ")\n"), std::string::npos)
      << Slurp(Articles()[0]);
}

TEST_F(FullTextTest, LocalImagesAreStoredAndFailedOnesRetriedInLaterRuns) {
  const std::string jpeg = TestImage(64, 48, ".jpg", 1);
  server_.Serve("/img/ok.jpg", 200, jpeg, {{"Content-Type", "image/jpeg"}});
  server_.ServeSequence("/img/later.jpg", {{503, "busy"}, {200, TestImage(64, 48, ".jpg", 2), {{"Content-Type", "image/jpeg"}}}});
  Item item{"g1", "有图", "https://news.example/a/1", "Wed, 04 Jan 2023 14:06:46 GMT",
            "<p>a<img src=\"" + server_.Url("/img/ok.jpg") + "\"></p><p>b<img src=\"" + server_.Url("/img/later.jpg") + "\"></p>"};
  server_.Serve("/feed", 200, Rss({item}));
  std::string config = Config("", "images = \"local\"\n");
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles().size(), 1u);
  std::string content = ContentOf(Articles()[0]);
  EXPECT_NE(content.find("<p>a<img src=\"../../assets/VOA/"), std::string::npos) << content;
  EXPECT_NE(content.find("<p>b<img src=\"https://images.weserv.nl?url=127.0.0.1:"), std::string::npos) << content;
  std::vector<std::string> assets;
  for (auto& e : fs::directory_iterator(mirror_ + "/assets/VOA")) assets.push_back(e.path().string());
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(Slurp(assets[0]), jpeg);
  EXPECT_NE(Slurp(mirror_ + "/state/VOA.complete.txt").find("retry\t" + server_.Url("/img/later.jpg")), std::string::npos);
  auto images = nlohmann::json::parse(r.out)["sources"][0]["images"];
  EXPECT_EQ(images["stored"], 1) << images;
  EXPECT_EQ(images["failed"], 1) << images;

  // The entry has left the feed; the next run still stores its image and updates its file.
  server_.Serve("/feed", 200, Rss({}));
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  content = ContentOf(Articles()[0]);
  EXPECT_EQ(content.find("images.weserv.nl"), std::string::npos) << content;
  EXPECT_NE(content.find("<p>b<img src=\"../../assets/VOA/"), std::string::npos) << content;
  EXPECT_EQ(server_.Hits("/img/ok.jpg"), 1);
  EXPECT_EQ(server_.Hits("/img/later.jpg"), 2);
  EXPECT_EQ(Slurp(mirror_ + "/state/VOA.complete.txt").find("retry\t"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["updated"], 1) << r.out;

  // And nothing more happens after that.
  r = Run(config);
  EXPECT_TRUE(nlohmann::json::parse(r.out)["written"].empty()) << r.out;
  EXPECT_EQ(server_.Hits("/img/later.jpg"), 2);
}

TEST_F(FullTextTest, AddArchivesAPageOnceUnderItsHost) {
  server_.Serve("/a/article.html", 200, Fixture(), {{"Content-Type", "text/html; charset=utf-8"}});
  CliResult r = RunNewsmirror({"add", server_.Url("/a/article.html"), "--allow-private", "--out", mirror_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Articles("127.0.0.1").size(), 1u) << r.err;
  std::string file = Articles("127.0.0.1")[0];
  EXPECT_EQ(r.out, "articles/127.0.0.1/" + fs::path(file).filename().string() + "\n");
  std::string text = Slurp(file);
  EXPECT_EQ(text.rfind("<!--1672841206000-->\n[日本首相岸田文雄访美](" + server_.Url("/a/article.html") + ")\n------\n\n"
                       "<div><i>Wed, 04 Jan 2023 14:06:46 GMT</i></div>",
                       0),
            0u)
      << text;
  EXPECT_NE(Slurp(mirror_ + "/README.md").find("127.0.0.1"), std::string::npos);
  EXPECT_NE(Slurp(mirror_ + "/lists/127.0.0.1.md").find("日本首相岸田文雄访美"), std::string::npos);

  // Asked again (also with a tracking parameter): the same article, not a second one.
  r = RunNewsmirror({"add", server_.Url("/a/article.html?utm_source=x"), "--allow-private", "--out", mirror_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Articles("127.0.0.1").size(), 1u);
  EXPECT_NE(r.err.find("archived already"), std::string::npos) << r.err;
}

TEST_F(FullTextTest, AddUsesTheSourceNameAndCommits) {
  server_.Serve("/a/article.html", 200, Fixture(), {{"Content-Type", "text/html"}});
  CliResult r = RunNewsmirror({"add", server_.Url("/a/article.html"), "--source", "读者推荐", "--allow-private",
                               "--out", mirror_, "--commit", "--json"},
                              {"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=t@example.invalid",
                               "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=t@example.invalid"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["committed"].get<bool>());
  EXPECT_EQ(j["pages"][0]["outlet"], "读者推荐");
  EXPECT_EQ(Articles("读者推荐").size(), 1u);
  EXPECT_NE(Shell("git -C '" + mirror_ + "' log -1 --format=%s"), "");
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' status --porcelain"), "");
}

TEST_F(FullTextTest, AddRefusesLoopbackWithoutTheFlag) {
  server_.Serve("/a/article.html", 200, Fixture(), {{"Content-Type", "text/html"}});
  for (const std::string& url : {server_.Url("/a/article.html"), server_.UrlOnHost("localhost", "/a/article.html"),
                                 "http://[::1]:" + std::to_string(server_.port()) + "/a/article.html"}) {
    CliResult r = RunNewsmirror({"add", url, "--source", "读者推荐", "--out", mirror_});
    EXPECT_EQ(r.exit_code, 2) << url;
    EXPECT_NE(r.err.find("refused to fetch " + url), std::string::npos) << r.err;
  }
  EXPECT_EQ(server_.Hits("/a/article.html"), 0);
  EXPECT_FALSE(fs::exists(mirror_ + "/articles"));
  CliResult r = RunNewsmirror({"add", "javascript:alert(1)", "--out", mirror_});
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
}  // namespace nm

#include "site/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <set>

#include "support/mirror_builder.h"
#include "support/temp_dir.h"
#include "url/url.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {
namespace {

constexpr int64_t kJan = 1672531200000;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddToMirror(root_, "美国之音", {
        {"a", "岸田文雄访美", kJan, "<p>岸田表示将访问华盛顿。</p><img src=\"https://img.example/1.jpg\" onerror=\"alert(1)\">"
                                   "<script>alert(2)</script><a href=\"javascript:alert(3)\">x</a>"},
        {"b", "香港新闻", kJan + 3600000, "<p>其他</p>"},
    });
    ServeOptions opts;
    opts.archive = root_;
    opts.port = 0;
    auto server = ReaderServer::Start(opts);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  std::string Get(const std::string& path, int expect_status = 200) {
    auto res = client_->Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expect_status) << path;
    return res->body;
  }

  TempDir dir_;
  std::string root_ = dir_.path();
  std::unique_ptr<ReaderServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, BrowsesOutletsMonthsAndArticles) {
  std::string home = Get("/");
  EXPECT_NE(home.find("岸田文雄访美"), std::string::npos);
  EXPECT_NE(home.find("href=\"outlets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/index.html\""), std::string::npos);
  EXPECT_NE(Get("/outlets/美国之音/").find("2023-01"), std::string::npos);
  EXPECT_NE(Get("/outlets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/2023-01.html").find("香港新闻"), std::string::npos);
  std::string article = Get("/outlets/美国之音/1048574.html");
  EXPECT_NE(article.find("<p>岸田表示将访问华盛顿。</p>"), std::string::npos);
  auto res = client_->Get("/assets/site.css");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/css; charset=utf-8");
  Get("/outlets/美国之音/999.html", 404);
  Get("/../etc/passwd", 404);
  Get("/outlets/美国之音/../../state/美国之音/feed.tsv", 404);
}

TEST_F(ServerTest, ArticlePagesAreSanitized) {
  std::string article = Get("/outlets/美国之音/1048574.html");
  EXPECT_NE(article.find("src=\"https://img.example/1.jpg\""), std::string::npos);
  EXPECT_EQ(article.find("alert("), std::string::npos);
  EXPECT_EQ(article.find("<script"), std::string::npos);
  EXPECT_EQ(article.find("onerror"), std::string::npos);
  EXPECT_EQ(article.find("javascript:"), std::string::npos);
}

TEST_F(ServerTest, SearchesOnTheServerWithoutScript) {
  std::string page = Get("/search.html?q=" + EncodeUriComponent("岸田"));
  EXPECT_NE(page.find("找到 1 篇"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"outlets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/1048574.html\">岸田文雄访美</a>"),
            std::string::npos);
  EXPECT_NE(page.find("<mark>岸田</mark>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos) << "the server answers; no script needed";
  EXPECT_NE(Get("/search.html?q=" + EncodeUriComponent("不存在的词")).find("没有找到"), std::string::npos);
  std::string hostile = Get("/search.html?q=" + EncodeUriComponent("\"><script>alert(1)</script>"));
  EXPECT_EQ(hostile.find("<script>alert"), std::string::npos);
}

TEST_F(ServerTest, ShowsWhatARunAddsLater) {
  AddToMirror(root_, "BBC", {{"c", "新来的文章", kJan + 7200000, "<p>新</p>"}});
  std::string home;
  for (int i = 0; i < 40 && home.find("新来的文章") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    home = Get("/");
  }
  EXPECT_NE(home.find("新来的文章"), std::string::npos);
  EXPECT_NE(Get("/search.html?q=" + EncodeUriComponent("新来")).find("新来的文章"), std::string::npos);
}

std::unique_ptr<ReaderServer> StartServer(const std::string& root) {
  ServeOptions opts;
  opts.archive = root;
  opts.port = 0;
  auto server = ReaderServer::Start(opts);
  EXPECT_TRUE(server.ok()) << server.status().message();
  return server.ok() ? std::move(server).value() : nullptr;
}

TEST(ServerSearchTest, ResultsComeInPagesWithTheTrueCount) {
  TempDir dir;
  std::vector<TestArticle> articles;
  for (int i = 0; i < 45; ++i) {
    articles.push_back({"g" + std::to_string(i), "岸田第" + std::to_string(i) + "条", kJan + i * 60000,
                        "<p>岸田文雄今天发表讲话。</p>"});
  }
  AddToMirror(dir.path(), "美国之音", articles);
  auto server = StartServer(dir.path());
  ASSERT_TRUE(server);
  httplib::Client client("127.0.0.1", server->port());
  std::string q = EncodeUriComponent("岸田");
  auto first = client.Get("/search.html?q=" + q);
  ASSERT_TRUE(first);
  EXPECT_NE(first->body.find("找到 45 篇"), std::string::npos) << "the true count, not the page's";
  EXPECT_NE(first->body.find("第 1–20 篇"), std::string::npos);
  auto count = [](const std::string& page) {
    size_t n = 0;
    for (size_t at = 0; (at = page.find("<span class=\"snippet\">", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(count(first->body), 20u);
  EXPECT_NE(first->body.find("rel=\"next\" href=\"search.html?q=" + q + "&amp;page=2\""), std::string::npos);
  EXPECT_EQ(first->body.find("rel=\"prev\""), std::string::npos);
  auto third = client.Get("/search.html?q=" + q + "&page=3");
  ASSERT_TRUE(third);
  EXPECT_EQ(count(third->body), 5u);
  EXPECT_NE(third->body.find("第 41–45 篇"), std::string::npos);
  EXPECT_NE(third->body.find("rel=\"prev\" href=\"search.html?q=" + q + "&amp;page=2\""), std::string::npos);
  EXPECT_EQ(third->body.find("rel=\"next\""), std::string::npos);
  // Pages do not overlap: every one of the 45 is on exactly one page.
  std::set<std::string> links;
  for (int p = 1; p <= 3; ++p) {
    auto page = client.Get("/search.html?q=" + q + "&page=" + std::to_string(p));
    ASSERT_TRUE(page);
    for (size_t at = 0; (at = page->body.find("<a href=\"outlets/", at)) != std::string::npos; ++at) {
      links.insert(page->body.substr(at, page->body.find('"', at + 9) - at));
    }
  }
  EXPECT_EQ(links.size(), 45u);
  auto beyond = client.Get("/search.html?q=" + q + "&page=99");
  ASSERT_TRUE(beyond);
  EXPECT_EQ(count(beyond->body), 0u);
  EXPECT_NE(beyond->body.find("找到 45 篇"), std::string::npos);
  auto junk = client.Get("/search.html?q=" + q + "&page=-1");
  ASSERT_TRUE(junk);
  EXPECT_EQ(count(junk->body), 20u) << "a page that is not a number is the first";
  server->Stop();
}

TEST(ServerImagesTest, ServesStoredImagesOfTheMirrorAndNothingElse) {
  TempDir dir;
  std::string root = dir.path();
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\x01');
  std::string file = GitBlobId(png) + ".png";
  std::string enc = EncodeUriComponent("美国之音");
  AddToMirror(root, "美国之音", {{"a", "有图", kJan, "<p>图</p><img src=\"../../assets/" + enc + "/" + file + "\">"}});
  ASSERT_TRUE(MakeDirs(root + "/assets/美国之音").ok());
  ASSERT_TRUE(WriteFileAtomic(root + "/assets/美国之音/" + file, png, false).ok());
  // Files a hostile committer could place: a link out of the mirror, and state.
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/secret.txt", "secret", false).ok());
  std::string linked = std::string(40, 'a') + ".png";
  std::filesystem::create_symlink(root + "/secret.txt", root + "/assets/美国之音/" + linked);
  auto server = StartServer(root);
  ASSERT_TRUE(server);
  httplib::Client client("127.0.0.1", server->port());

  auto article = client.Get("/outlets/" + enc + "/1048574.html");
  ASSERT_TRUE(article);
  std::string src = "../../images/" + enc + "/" + file;
  EXPECT_NE(article->body.find("src=\"" + src + "\""), std::string::npos) << article->body;
  EXPECT_EQ(article->body.find("news.example/assets"), std::string::npos) << "not the outlet's host";
  EXPECT_NE(article->body.find("img-src 'self'"), std::string::npos) << "the CSP lets the copy load";

  auto image = client.Get("/images/" + enc + "/" + file);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->status, 200);
  EXPECT_EQ(image->body, png);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(image->get_header_value("X-Content-Type-Options"), "nosniff");

  for (const std::string& path : {
           "/images/" + enc + "/" + linked,                        // a symbolic link
           "/images/" + enc + "/" + GitBlobId("other") + ".png",   // not in the mirror
           "/images/" + enc + "/../../state/x.png",
           "/images/" + enc + "/%2e%2e/%2e%2e/secret.txt",
           "/images/" + enc + "/" + file + ".html",
           "/images/%2e%2e/" + file,
           "/images/BBC/" + file,                                  // not an outlet of the mirror
           "/assets/" + enc + "/" + file,                          // the mirror's own folder is not served
       }) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("secret"), std::string::npos) << path;
  }
  server->Stop();
}

TEST(ServerStartTest, RefusesAFolderThatIsNotAMirror) {
  TempDir dir;
  ServeOptions opts;
  opts.port = 0;
  opts.archive = dir.path() + "/typo";
  auto missing = ReaderServer::Start(opts);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(missing.status().message().find(opts.archive), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(opts.archive)) << "nothing is created for a typo";
  opts.archive = dir.path();
  auto empty = ReaderServer::Start(opts);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("not a newsmirror mirror"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/.newsmirror"));
}

}  // namespace
}  // namespace nm

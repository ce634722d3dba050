#include "site/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>

#include "support/mirror_builder.h"
#include "url/url.h"
#include "support/temp_dir.h"

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

}  // namespace
}  // namespace nm

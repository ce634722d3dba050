#include "complete/local_images.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

constexpr char kProxy[] = "https://images.weserv.nl?url={url_noscheme}";
const std::string kOutlet = "美国之音";
const std::string kAssets = "../../assets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0") + std::string(200, 'j');
const std::string kPng = std::string("\x89PNG\r\n\x1A\n") + std::string(100, 'p');

class LocalImagesTest : public ::testing::Test {
 protected:
  // One run of the image step over `html`, with the writes applied to the mirror.
  std::string Run(std::string html, ImageMode mode = ImageMode::kLocal, int64_t max_bytes = 1 << 20) {
    OutletImages out;
    out.outlet = kOutlet;
    out.mode = mode;
    out.state = &state_;
    out.feed_url = server_.Url("/feed");
    out.warnings = &warnings_;
    out.documents.push_back({&html, server_.Url("/a/article.html")});
    std::vector<OutletImages> outlets{out};
    ImageStoreOptions o;
    o.root = dir_.path();
    o.proxy_template = kProxy;
    o.max_bytes = max_bytes;
    o.fetch.retries = 0;
    o.fetch.connect_timeout_ms = 3000;
    o.fetch.timeout_ms = 5000;
    last_writes_ = StoreImages(outlets, o);
    stored_ = outlets[0].stored;
    failed_ = outlets[0].failed;
    for (const PlannedWrite& w : last_writes_) {
      EXPECT_TRUE(MakeDirs(std::filesystem::path(dir_.path() + "/" + w.path).parent_path().string()).ok());
      EXPECT_TRUE(WriteFileAtomic(dir_.path() + "/" + w.path, w.data).ok());
    }
    return html;
  }

  std::string Proxied(const std::string& path) {
    return "https://images.weserv.nl?url=127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  TestHttpServer server_;
  TempDir dir_;
  CompletionState state_;
  std::vector<std::string> warnings_;
  std::vector<PlannedWrite> last_writes_;
  int stored_ = 0, failed_ = 0;
};

TEST_F(LocalImagesTest, DownloadsEachImageOnceAcrossRuns) {
  server_.Serve("/img/a.jpg", 200, kJpeg, {{"Content-Type", "image/jpeg"}});
  std::string html = "<p>x<img src=\"" + server_.Url("/img/a.jpg") + "\" alt=\"a\"></p>";
  std::string first = Run(html);
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(last_writes_[0].path, "assets/" + kOutlet + "/" + file);
  EXPECT_EQ(file.substr(file.size() - 4), ".jpg");
  EXPECT_EQ(last_writes_[0].data, kJpeg);
  EXPECT_EQ(first, "<p>x<img src=\"" + kAssets + file + "\" alt=\"a\"></p>");
  // The path works from articles/{outlet}/ in a checkout (and so on git hosts).
  std::string decoded;  // what a browser asks for: the path percent-decoded
  for (size_t i = 0; i < kAssets.size(); ++i) {
    if (kAssets[i] == '%') {
      decoded += static_cast<char>(std::stoi(kAssets.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += kAssets[i];
    }
  }
  std::filesystem::create_directories(dir_.path() + "/articles/" + kOutlet);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/articles/" + kOutlet + "/" + decoded + file));
  EXPECT_EQ(server_.LastRequestHeader("/img/a.jpg", "Referer"), server_.Url("/a/article.html"));

  // Next run: the same image in another article is not fetched again.
  std::string second = Run("<img src=\"" + server_.Url("/img/a.jpg") + "\">");
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(second, "<img src=\"" + kAssets + file + "\">");
  EXPECT_EQ(server_.Hits("/img/a.jpg"), 1);
  // And the stored form is left as it is.
  EXPECT_EQ(Run(first), first);
  EXPECT_EQ(server_.Hits("/img/a.jpg"), 1);
}

TEST_F(LocalImagesTest, TwoUrlsWithTheSameBytesShareOneFile) {
  server_.Serve("/img/one.png", 200, kPng, {{"Content-Type", "image/png"}});
  server_.Serve("/img/two.png", 200, kPng, {{"Content-Type", "image/png; charset=binary"}});
  std::string html = Run("<img src=\"" + server_.Url("/img/one.png") + "\"><img src=\"" + server_.Url("/img/two.png") + "\">");
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(html, "<img src=\"" + kAssets + file + "\"><img src=\"" + kAssets + file + "\">");
  EXPECT_EQ(state_.images.size(), 2u);
  EXPECT_EQ(stored_, 2);
}

TEST_F(LocalImagesTest, ImagesOverTheCapAreProxiedAndNotStored) {
  server_.Serve("/img/big.jpg", 200, kJpeg + std::string(5000, 'x'), {{"Content-Type", "image/jpeg"}});
  std::string html = Run("<img src=\"" + server_.Url("/img/big.jpg") + "\">", ImageMode::kLocal, 1000);
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(html, "<img src=\"" + Proxied("/img/big.jpg") + "\">");
  EXPECT_EQ(failed_, 1);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("larger than the cap"), std::string::npos) << warnings_[0];
}

TEST_F(LocalImagesTest, ContentThatIsNotAnImageIsRefused) {
  server_.Serve("/img/page.jpg", 200, "<html>login</html>", {{"Content-Type", "text/html"}});
  server_.Serve("/img/vector.svg", 200, "<svg onload=alert(1)/>", {{"Content-Type", "image/svg+xml"}});
  std::string html = Run("<img src=\"" + server_.Url("/img/page.jpg") + "\"><img src=\"" + server_.Url("/img/vector.svg") + "\">");
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(html, "<img src=\"" + Proxied("/img/page.jpg") + "\"><img src=\"" + Proxied("/img/vector.svg") + "\">");
  EXPECT_EQ(state_.images.size(), 0u);
  EXPECT_EQ(state_.retries.size(), 2u);
}

TEST_F(LocalImagesTest, AFailedDownloadFallsBackToTheProxyAndIsRetriedNextRun) {
  server_.ServeSequence("/img/flaky.jpg", {{503, "busy"}, {200, kJpeg, {{"Content-Type", "image/jpeg"}}}});
  std::string first = Run("<p><img src=\"" + server_.Url("/img/flaky.jpg") + "\"></p>");
  EXPECT_EQ(first, "<p><img src=\"" + Proxied("/img/flaky.jpg") + "\"></p>");
  ASSERT_EQ(state_.retries.size(), 1u);
  EXPECT_EQ(state_.retries.begin()->first.first, server_.Url("/img/flaky.jpg"));
  EXPECT_EQ(state_.retries.begin()->first.second, server_.Url("/a/article.html"));
  EXPECT_EQ(state_.retries.begin()->second, 1);

  // The archived HTML carries the proxied URL; the next run finds the image behind it.
  std::string second = Run(first);
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(second, "<p><img src=\"" + kAssets + file + "\"></p>");
  EXPECT_TRUE(state_.retries.empty());
  EXPECT_EQ(server_.Hits("/img/flaky.jpg"), 2);
}

TEST_F(LocalImagesTest, ImagesOnAnotherHostMustBeAtPublicAddresses) {
  // The feed is on 127.0.0.1; "localhost" is another host name, and loopback.
  server_.Serve("/img/a.jpg", 200, kJpeg, {{"Content-Type", "image/jpeg"}});
  std::string other = "http://localhost:" + std::to_string(server_.port()) + "/img/a.jpg";
  std::string html = Run("<p><img src=\"" + other + "\"></p>");
  EXPECT_EQ(server_.Hits("/img/a.jpg"), 0);
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(stored_, 0);
  EXPECT_EQ(html.find(kAssets), std::string::npos) << html;
  bool named = false;
  for (const std::string& w : warnings_) named |= w.find("refused to fetch " + other + ": localhost is a name for this machine") != std::string::npos;
  EXPECT_TRUE(named) << ::testing::PrintToString(warnings_);
}

TEST_F(LocalImagesTest, BothKeepsTheProxiedUrlBesideTheLocalCopy) {
  server_.Serve("/img/a.jpg", 200, kJpeg, {{"Content-Type", "image/jpeg"}});
  std::string html = Run("<img src='" + server_.Url("/img/a.jpg") + "' width=\"100%\">", ImageMode::kBoth);
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(html, "<img data-proxy-src=\"" + Proxied("/img/a.jpg") + "\" src='" + kAssets + file + "' width=\"100%\">");
  EXPECT_EQ(Run(html, ImageMode::kBoth), html);  // a second pass adds nothing
}

TEST_F(LocalImagesTest, GivesUpAfterTheLastAttempt) {
  server_.Serve("/img/gone.jpg", 404, "no");
  std::string html = "<img src=\"" + server_.Url("/img/gone.jpg") + "\">";
  state_.retries[{server_.Url("/img/gone.jpg"), server_.Url("/a/article.html")}] = kMaxImageAttempts - 1;
  Run(html);
  EXPECT_TRUE(state_.retries.empty());
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_.back().find("given up"), std::string::npos);
}

}  // namespace
}  // namespace nm

#include "complete/local_images.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <filesystem>

#include "support/http_server.h"
#include "support/test_images.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

constexpr char kProxy[] = "https://images.weserv.nl?url={url_noscheme}";
const std::string kOutlet = "美国之音";
const std::string kAssets = "../../assets/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3/";
// Small real images (made by libvips), stored as they are.
const std::string& Jpeg() {
  static const std::string bytes = TestImage(64, 48, ".jpg");
  return bytes;
}
const std::string& Png() {
  static const std::string bytes = TestImage(40, 30, ".png");
  return bytes;
}

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
    o.fit = fit_;
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

  std::string StoredName() const {
    return last_writes_.empty() ? "" : last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  }

  ImageFitOptions fit_;
  TestHttpServer server_;
  TempDir dir_;
  CompletionState state_;
  std::vector<std::string> warnings_;
  std::vector<PlannedWrite> last_writes_;
  int stored_ = 0, failed_ = 0;
};

TEST_F(LocalImagesTest, DownloadsEachImageOnceAcrossRuns) {
  server_.Serve("/img/a.jpg", 200, Jpeg(), {{"Content-Type", "image/jpeg"}});
  std::string html = "<p>x<img src=\"" + server_.Url("/img/a.jpg") + "\" alt=\"a\"></p>";
  std::string first = Run(html);
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(last_writes_[0].path, "assets/" + kOutlet + "/" + file);
  EXPECT_EQ(file.substr(file.size() - 4), ".jpg");
  EXPECT_EQ(last_writes_[0].data, Jpeg());
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
  server_.Serve("/img/one.png", 200, Png(), {{"Content-Type", "image/png"}});
  server_.Serve("/img/two.png", 200, Png(), {{"Content-Type", "image/png; charset=binary"}});
  std::string html = Run("<img src=\"" + server_.Url("/img/one.png") + "\"><img src=\"" + server_.Url("/img/two.png") + "\">");
  ASSERT_EQ(last_writes_.size(), 1u);
  std::string file = last_writes_[0].path.substr(last_writes_[0].path.rfind('/') + 1);
  EXPECT_EQ(html, "<img src=\"" + kAssets + file + "\"><img src=\"" + kAssets + file + "\">");
  EXPECT_EQ(state_.images.size(), 2u);
  EXPECT_EQ(stored_, 2);
}

TEST_F(LocalImagesTest, ImagesOverTheCapAreProxiedAndNotStored) {
  server_.Serve("/img/big.jpg", 200, Jpeg() + std::string(5000, 'x'), {{"Content-Type", "image/jpeg"}});
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
  server_.ServeSequence("/img/flaky.jpg", {{503, "busy"}, {200, Jpeg(), {{"Content-Type", "image/jpeg"}}}});
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
  server_.Serve("/img/a.jpg", 200, Jpeg(), {{"Content-Type", "image/jpeg"}});
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
  server_.Serve("/img/a.jpg", 200, Jpeg(), {{"Content-Type", "image/jpeg"}});
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

// ---- What is stored: fitted to a reader's size and the budget ---------------

TEST_F(LocalImagesTest, LargePhotosAreFittedToTheWidthAndTheBudget) {
  const std::string photo = TestImage(4000, 3000, ".jpg", 7, 30.0);
  const std::string drawing = TestImage(2400, 1600, ".png", 8, 6.0);
  ASSERT_GT(photo.size(), size_t{1} << 20);
  server_.Serve("/img/photo.jpg", 200, photo, {{"Content-Type", "image/jpeg"}});
  server_.Serve("/img/drawing.png", 200, drawing, {{"Content-Type", "image/png"}});
  struct Case {
    const char* path;
    double aspect;           // height / width, kept
    size_t at_least_bytes;   // the noisy photo needs the budget; the smooth drawing does not
  };
  for (const Case& c : {Case{"/img/photo.jpg", 0.75, 30000}, Case{"/img/drawing.png", 2.0 / 3, 1000}}) {
    SCOPED_TRACE(c.path);
    std::string html = Run("<img src=\"" + server_.Url(c.path) + "\">", ImageMode::kLocal, 64 << 20);
    ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
    const std::string& stored = last_writes_[0].data;
    EXPECT_LE(static_cast<int64_t>(stored.size()), fit_.budget_bytes);
    EXPECT_GT(stored.size(), c.at_least_bytes);
    EXPECT_EQ(StoredName().substr(StoredName().size() - 5), ".webp");
    auto [w, h] = TestImageSize(stored);
    EXPECT_LE(w, 1280);
    EXPECT_GE(w, 640);
    EXPECT_NEAR(static_cast<double>(h) / w, c.aspect, 0.01);
    EXPECT_EQ(html, "<img src=\"" + kAssets + StoredName() + "\">");
  }
  // Lost state, same picture: the same name, already in the mirror, nothing written.
  std::string name = StoredName();
  state_ = CompletionState();
  Run("<img src=\"" + server_.Url("/img/drawing.png") + "\">", ImageMode::kLocal, 64 << 20);
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(state_.images[server_.Url("/img/drawing.png")], name);
  EXPECT_EQ(server_.Hits("/img/drawing.png"), 2);

  // JPEG on request, and a tighter budget.
  fit_.format = ImageFormat::kJpeg;
  fit_.budget_bytes = 40 << 10;
  fit_.max_width = 800;
  state_ = CompletionState();
  Run("<img src=\"" + server_.Url("/img/photo.jpg") + "\">", ImageMode::kLocal, 64 << 20);
  ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_EQ(StoredName().substr(StoredName().size() - 4), ".jpg");
  EXPECT_LE(last_writes_[0].data.size(), size_t{40} << 10);
  EXPECT_LE(TestImageSize(last_writes_[0].data).first, 800);
}

TEST_F(LocalImagesTest, AnImageThatFitsIsStoredByteForByte) {
  const std::string small = TestImage(800, 600, ".jpg", 3, 4.0);
  ASSERT_LT(static_cast<int64_t>(small.size()), fit_.budget_bytes);
  server_.Serve("/img/small.jpg", 200, small, {{"Content-Type", "image/jpeg"}});
  Run("<img src=\"" + server_.Url("/img/small.jpg") + "\">");
  ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_EQ(last_writes_[0].data, small);
  EXPECT_EQ(StoredName().substr(StoredName().size() - 4), ".jpg");
}

TEST_F(LocalImagesTest, KeepOriginalImagesStoresTheBytesAsServed) {
  const std::string photo = TestImage(2400, 1600, ".jpg", 5, 30.0);
  ASSERT_GT(static_cast<int64_t>(photo.size()), fit_.budget_bytes);
  server_.Serve("/img/photo.jpg", 200, photo, {{"Content-Type", "image/jpeg"}});
  fit_.keep_original = true;
  Run("<img src=\"" + server_.Url("/img/photo.jpg") + "\">", ImageMode::kLocal, 64 << 20);
  ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_EQ(last_writes_[0].data, photo);
  EXPECT_EQ(StoredName().substr(StoredName().size() - 4), ".jpg");
}

// A GIF that fits keeps its animation; one that does not becomes its first frame.
TEST_F(LocalImagesTest, AnimatedGifsAreKeptWhenTheyFitElseTheirFirstFrame) {
  const std::string frames = TestImage(120, 5 * 80, ".gif", 4, 0.0, 80);
  ASSERT_LT(static_cast<int64_t>(frames.size()), fit_.budget_bytes);
  server_.Serve("/img/anim.gif", 200, frames, {{"Content-Type", "image/gif"}});
  Run("<img src=\"" + server_.Url("/img/anim.gif") + "\">");
  ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_EQ(last_writes_[0].data, frames);

  fit_.max_width = 64;
  state_ = CompletionState();
  Run("<img src=\"" + server_.Url("/img/anim.gif") + "\">");
  ASSERT_EQ(last_writes_.size(), 1u) << ::testing::PrintToString(warnings_);
  EXPECT_EQ(StoredName().substr(StoredName().size() - 5), ".webp");
  EXPECT_EQ(TestImageSize(last_writes_[0].data), std::make_pair(64, 43));  // one 120x80 frame, scaled
}

// A PNG whose header claims 50000x50000 pixels (its data is a few bytes).
std::string PngBomb() {
  std::string png = TestImage(16, 16, ".png", 1, 0.0);
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>(v >> (24 - 8 * i));
  };
  put32(16, 50000);
  put32(20, 50000);
  put32(29, crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17));
  return png;
}

TEST_F(LocalImagesTest, BombsBrokenAndMistypedImagesAreRefusedAndProxied) {
  const std::string jpeg = TestImage(1600, 1200, ".jpg", 2, 30.0);
  const std::string png = TestImage(300, 200, ".png", 2, 10.0);
  struct Case {
    std::string path, body, type, why;
  };
  std::vector<Case> cases = {
      {"/img/bomb.png", PngBomb(), "image/png", "claims 50000x50000 pixels, more than the cap of 40 megapixels"},
      {"/img/cut.jpg", jpeg.substr(0, jpeg.size() / 2), "image/jpeg", "cannot be decoded"},
      {"/img/cut-small.jpg", TestImage(200, 150, ".jpg", 2, 10.0).substr(0, 3000), "image/jpeg", "cannot be decoded"},
      {"/img/png.jpg", png, "image/jpeg", "the bytes are PNG, the Content-Type says JPEG"},
      {"/img/page.png", "<!doctype html><title>x</title>", "image/png", "not a JPEG, PNG, GIF, WebP or AVIF image"},
      {"/img/vector.png", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9\" height=\"9\"/>", "image/png",
       "not a JPEG, PNG, GIF, WebP or AVIF image"},
  };
  std::string html;
  for (const Case& c : cases) {
    server_.Serve(c.path, 200, c.body, {{"Content-Type", c.type}});
    html += "<img src=\"" + server_.Url(c.path) + "\">";
  }
  std::string out = Run(html, ImageMode::kLocal, 64 << 20);
  EXPECT_TRUE(last_writes_.empty());
  EXPECT_EQ(stored_, 0);
  EXPECT_EQ(failed_, static_cast<int>(cases.size()));
  ASSERT_EQ(warnings_.size(), cases.size());
  std::string proxied;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].path);
    proxied += "<img src=\"" + Proxied(cases[i].path) + "\">";
    const std::string& w = warnings_[i];
    EXPECT_EQ(w.rfind("image " + server_.Url(cases[i].path) + " (article " + server_.Url("/a/article.html") +
                          "): refused: ",
                      0),
              0u)
        << w;
    EXPECT_NE(w.find(cases[i].why), std::string::npos) << w;
    EXPECT_EQ(state_.retries.count({server_.Url(cases[i].path), server_.Url("/a/article.html")}), 1u);
  }
  EXPECT_EQ(out, proxied);
  // The bomb is refused before its pixels are decoded, kept originals or not.
  fit_.keep_original = true;
  warnings_.clear();
  Run("<img src=\"" + server_.Url("/img/bomb.png") + "\"><img src=\"" + server_.Url("/img/cut.jpg") + "\">",
      ImageMode::kLocal, 64 << 20);
  EXPECT_TRUE(last_writes_.empty());
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_NE(warnings_[0].find("more than the cap"), std::string::npos) << warnings_[0];
  EXPECT_NE(warnings_[1].find("cannot be decoded"), std::string::npos) << warnings_[1];
}

}  // namespace
}  // namespace nm

#include "fetch/http_client.h"

#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Gzips `chunk` repeated `times` times, streaming, so large inputs are never
// held whole.
std::string Gzip(const std::string& chunk, size_t times = 1) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out;
  char buf[64 * 1024];
  for (size_t i = 0; i < times; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    z.avail_in = static_cast<uInt>(chunk.size());
    int flush = i + 1 == times ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }
  deflateEnd(&z);
  return out;
}

std::string Brotli(const std::string& in) {
  size_t size = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                             in.size(), reinterpret_cast<const uint8_t*>(in.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    throw std::runtime_error("BrotliEncoderCompress");
  }
  out.resize(size);
  return out;
}

FetchRequest Req(std::string url) {
  FetchRequest r;
  r.url = std::move(url);
  return r;
}

long MaxRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A proxy in the environment must not capture loopback test traffic.
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    options_.connect_timeout_ms = 2000;
    options_.timeout_ms = 5000;
    options_.retries = 0;
    options_.retry_base_delay_ms = 10;
    // Transport tests: every origin here is on loopback (address_policy_test.cc
    // holds the address policy).
    options_.allow_non_public = true;
  }

  FetchResponse Get(const std::string& url) { return Fetch(Req(url), options_); }

  TestHttpServer server_;
  FetchOptions options_;
};

TEST_F(HttpClientTest, PlainGetReturnsBodyAndFinalHeaders) {
  server_.Serve("/feed.xml", 200, "<rss/>",
                {{"Content-Type", "application/rss+xml; charset=utf-8"},
                 {"ETag", "\"v1\""},
                 {"Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT"},
                 {"Content-Location", "/feed-zh.xml"}});
  FetchRequest req = Req(server_.Url("/feed.xml"));
  req.referer = "https://example.org/";
  req.headers = {{"Accept-Language", "zh-CN"}};
  FetchResponse r = Fetch(req, options_);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.http_code, 200);
  EXPECT_FALSE(r.not_modified);
  EXPECT_EQ(r.body, "<rss/>");
  EXPECT_EQ(r.content_type, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(r.etag, "\"v1\"");
  EXPECT_EQ(r.last_modified, "Tue, 02 Jan 2024 03:04:05 GMT");
  EXPECT_EQ(r.content_location, "/feed-zh.xml");
  EXPECT_EQ(r.effective_url, server_.Url("/feed.xml"));
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server_.LastRequestHeader("/feed.xml", "User-Agent"), DefaultUserAgent());
  EXPECT_EQ(server_.LastRequestHeader("/feed.xml", "Referer"), "https://example.org/");
  EXPECT_EQ(server_.LastRequestHeader("/feed.xml", "Accept-Language"), "zh-CN");
  std::string accept = server_.LastRequestHeader("/feed.xml", "Accept-Encoding");
  EXPECT_TRUE(Contains(accept, "gzip")) << accept;
  EXPECT_TRUE(Contains(accept, "br")) << accept;
  EXPECT_EQ(server_.LastRequestHeader("/feed.xml", "If-None-Match"), "");
}

TEST_F(HttpClientTest, DefaultUserAgentNamesVersionAndHome) {
  EXPECT_EQ(DefaultUserAgent(),
            "newsmirror/" NEWSMIRROR_VERSION " (+https://github.com/newsmirror/newsmirror)");
  options_.user_agent = "custom/1";
  server_.Serve("/", 200, "x");
  ASSERT_TRUE(Get(server_.Url("/")).status.ok());
  EXPECT_EQ(server_.LastRequestHeader("/", "User-Agent"), "custom/1");
}

TEST_F(HttpClientTest, GzipBodyIsDecoded) {
  std::string text = "美国之音 " + std::string(5000, 'a');
  server_.Serve("/gz", 200, Gzip(text), {{"Content-Encoding", "gzip"}});
  FetchResponse r = Get(server_.Url("/gz"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, text);
}

TEST_F(HttpClientTest, BrotliBodyIsDecoded) {
  std::string text = "BBC 中文 " + std::string(5000, 'b');
  server_.Serve("/br", 200, Brotli(text), {{"Content-Encoding", "br"}});
  FetchResponse r = Get(server_.Url("/br"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, text);
}

TEST_F(HttpClientTest, BrokenGzipFails) {
  server_.Serve("/bad", 200, "this is not gzip at all", {{"Content-Encoding", "gzip"}});
  FetchResponse r = Get(server_.Url("/bad"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/bad"))) << r.status.message();
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpClientTest, ConditionalGetSendsValidatorsAndReportsNotModified) {
  server_.Serve("/feed", 304, "", {{"ETag", "\"v2\""}});
  FetchRequest req = Req(server_.Url("/feed"));
  req.etag = "\"v2\"";
  req.last_modified = "Wed, 03 Jan 2024 00:00:00 GMT";
  FetchResponse r = Fetch(req, options_);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(r.not_modified);
  EXPECT_EQ(r.http_code, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.etag, "\"v2\"");
  // Not repeated by the server: the request's own validator still holds.
  EXPECT_EQ(r.last_modified, "Wed, 03 Jan 2024 00:00:00 GMT");
  EXPECT_EQ(server_.LastRequestHeader("/feed", "If-None-Match"), "\"v2\"");
  EXPECT_EQ(server_.LastRequestHeader("/feed", "If-Modified-Since"),
            "Wed, 03 Jan 2024 00:00:00 GMT");
}

// A raw answer for `path` that keeps the connection open: `head` goes out at
// once; once the client's next request arrives on the same connection,
// `leftover` follows, as a server that got its framing wrong would send it.
// `reused` counts the requests that reached this connection after the first.
void ServeThenDesync(TestHttpServer& server, const std::string& path, std::string head, std::string leftover,
                     std::shared_ptr<std::atomic<int>> reused) {
  server.ServeRaw(path, [head, leftover, reused](int fd, const std::string&) {
    TestHttpServer::WriteAll(fd, head);
    std::string next;
    if (!TestHttpServer::ReadRequest(fd, &next)) return;
    ++*reused;
    TestHttpServer::WriteAll(fd, leftover);
  });
}

TEST_F(HttpClientTest, AMalformedNotModifiedNeverAnswersTheNextRequest) {
  // A 304 has no body by rule; this server sends one anyway (a whole answer),
  // after the client has moved on. The next request to the host must get
  // its own answer, not this one.
  auto reused = std::make_shared<std::atomic<int>>(0);
  ServeThenDesync(server_, "/a", "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n",
                  "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n<rss>a</rss>", reused);
  server_.Serve("/b", 200, "<rss>b</rss>");
  FetchRequest a = Req(server_.Url("/a"));
  a.etag = "\"a\"";
  std::vector<FetchResponse> r = FetchAll({a, Req(server_.Url("/b"))}, options_);
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.message();
  EXPECT_TRUE(r[0].not_modified);
  ASSERT_TRUE(r[1].status.ok()) << r[1].status.message();
  EXPECT_EQ(r[1].body, "<rss>b</rss>");
  EXPECT_EQ(server_.Hits("/b"), 1);
  EXPECT_EQ(*reused, 0);  // the 304's connection was not used again
}

TEST_F(HttpClientTest, ABodyLongerThanItsContentLengthNeverFailsTheNextRequest) {
  // The excess arrives once the next request is on the wire, so the client
  // cannot see it before reusing the connection: that request fails on the
  // leftover bytes, and is tried again at once on a connection of its own.
  auto reused = std::make_shared<std::atomic<int>>(0);
  ServeThenDesync(server_, "/a", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "<p>the rest of a</p>\r\n",
                  reused);
  server_.Serve("/b", 200, "<rss>b</rss>");
  std::vector<FetchResponse> r = FetchAll({Req(server_.Url("/a")), Req(server_.Url("/b"))}, options_);
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.message();
  EXPECT_EQ(r[0].body, "hello");
  ASSERT_TRUE(r[1].status.ok()) << r[1].status.message();
  EXPECT_EQ(r[1].body, "<rss>b</rss>");
  EXPECT_EQ(r[1].attempts, 1);  // not an attempt of its own: the connection's fault
  EXPECT_EQ(*reused, 1);
  EXPECT_EQ(server_.Hits("/b"), 1);
}

TEST_F(HttpClientTest, ServerErrorsAreRetriedWithExponentialBackOff) {
  server_.ServeSequence("/flaky", {{500, "oops"}, {502, "oops"}, {200, "fine"}});
  options_.retries = 2;
  options_.retry_base_delay_ms = 150;
  auto start = Clock::now();
  FetchResponse r = Get(server_.Url("/flaky"));
  double elapsed = SecondsSince(start);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, "fine");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server_.Hits("/flaky"), 3);
  EXPECT_GE(elapsed, 0.150 + 0.300 - 0.02);  // base, then twice the base
}

TEST_F(HttpClientTest, PermanentServerErrorFailsAfterAllAttempts) {
  server_.Serve("/down", 500, "still down");
  options_.retries = 2;
  FetchResponse r = Get(server_.Url("/down"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kHttpError);
  EXPECT_EQ(r.http_code, 500);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server_.Hits("/down"), 3);
  EXPECT_TRUE(Contains(r.status.message(), "HTTP 500")) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/down"))) << r.status.message();
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpClientTest, ClientErrorIsNotRetried) {
  server_.Serve("/gone", 404, "no");
  options_.retries = 3;
  FetchResponse r = Get(server_.Url("/gone"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kHttpError);
  EXPECT_TRUE(Contains(r.status.message(), "HTTP 404")) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/gone"))) << r.status.message();
  EXPECT_EQ(server_.Hits("/gone"), 1);
}

TEST_F(HttpClientTest, RetryAfterIsObeyedWhileOtherTransfersGoOn) {
  server_.ServeSequence("/busy", {{503, "", {{"Retry-After", "1"}}}, {200, "ready"}});
  server_.Serve("/other", 200, "other");
  options_.retries = 1;
  std::vector<std::pair<size_t, double>> finished;
  auto start = Clock::now();
  // Same host: /other can only start once /busy's first attempt is over.
  auto results = FetchAll({Req(server_.Url("/busy")), Req(server_.Url("/other"))}, options_,
                          [&](size_t i, const FetchResponse&) {
                            finished.emplace_back(i, SecondsSince(start));
                          });
  ASSERT_TRUE(results[0].status.ok()) << results[0].status.message();
  ASSERT_TRUE(results[1].status.ok()) << results[1].status.message();
  EXPECT_EQ(results[0].body, "ready");
  EXPECT_EQ(results[0].attempts, 2);
  EXPECT_GE(results[0].seconds, 0.98);
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_EQ(finished[0].first, 1u);  // not held up by the wait
  EXPECT_LT(finished[0].second, 0.5);
}

TEST_F(HttpClientTest, RetryAfterAsHttpDateIsObeyed) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  server_.ServeRaw("/limited", [calls](int fd, const std::string&) {
    if ((*calls)++ > 0) {
      TestHttpServer::WriteAll(fd, TestHttpServer::FormatResponse(200, "ok"));
      return;
    }
    std::time_t when = std::time(nullptr) + 2;
    std::tm tm{};
    gmtime_r(&when, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    TestHttpServer::WriteAll(fd, TestHttpServer::FormatResponse(429, "", {{"Retry-After", date}}));
  });
  options_.retries = 1;
  auto start = Clock::now();
  FetchResponse r = Get(server_.Url("/limited"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(SecondsSince(start), 0.95);
}

TEST_F(HttpClientTest, RetryAfterAboveTheLimitFailsWithoutWaiting) {
  server_.Serve("/later", 503, "", {{"Retry-After", "120"}});
  options_.retries = 3;
  options_.max_retry_after_ms = 5000;
  auto start = Clock::now();
  FetchResponse r = Get(server_.Url("/later"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_LT(SecondsSince(start), 0.8);
  EXPECT_EQ(r.status.kind(), Status::Kind::kHttpError);
  EXPECT_EQ(server_.Hits("/later"), 1);
  EXPECT_TRUE(Contains(r.status.message(), "120")) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/later"))) << r.status.message();
}

TEST_F(HttpClientTest, RefusedConnectionIsANetworkError) {
  std::string url = "http://127.0.0.1:" + std::to_string(UnusedLoopbackPort()) + "/feed";
  options_.retries = 1;
  FetchResponse r = Get(url);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kNetworkError);
  EXPECT_EQ(r.attempts, 2);  // a connection failure is worth another try
  EXPECT_EQ(r.http_code, 0);
  EXPECT_TRUE(Contains(r.status.message(), url)) << r.status.message();
}

TEST_F(HttpClientTest, RedirectLoopFailsClearly) {
  server_.Serve("/loop", 302, "", {{"Location", "/loop"}});
  options_.max_redirects = 3;
  options_.retries = 2;
  FetchResponse r = Get(server_.Url("/loop"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(Contains(r.status.message(), "redirect")) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/loop"))) << r.status.message();
  EXPECT_EQ(server_.Hits("/loop"), 4);  // the first request and three redirects, no retry
}

TEST_F(HttpClientTest, RedirectChainIsFollowedAndOnlyTheFinalHeadersCount) {
  std::map<std::string, std::string> stale = {{"ETag", "\"redirect\""},
                                              {"Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"},
                                              {"Content-Type", "text/html"}};
  auto hop = [&](const std::string& to) {
    auto h = stale;
    h["Location"] = to;
    return h;
  };
  server_.Serve("/a", 301, "moved", hop("/b"));
  server_.Serve("/b", 302, "moved", hop(server_.UrlOnHost("localhost", "/c")));
  server_.Serve("/c", 302, "moved", hop("/final?x=1"));
  server_.Serve("/final", 200, "arrived", {{"ETag", "\"final\""}});
  options_.max_redirects = 3;
  FetchResponse r = Get(server_.Url("/a"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, "arrived");
  EXPECT_EQ(r.effective_url, server_.UrlOnHost("localhost", "/final?x=1"));
  EXPECT_EQ(r.etag, "\"final\"");
  EXPECT_EQ(r.last_modified, "");
  EXPECT_EQ(r.content_type, "");

  options_.max_redirects = 2;
  EXPECT_FALSE(Get(server_.Url("/a")).status.ok());
}

TEST_F(HttpClientTest, RedirectToALocalFileIsRefused) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/secret", "secret").ok());
  server_.Serve("/sneaky", 302, "", {{"Location", "file://" + dir.path() + "/secret"}});
  FetchResponse r = Get(server_.Url("/sneaky"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/sneaky"))) << r.status.message();
}

TEST_F(HttpClientTest, UnusableUrlsAreInvalidArguments) {
  options_.retries = 2;
  for (std::string url : {"ftp://127.0.0.1/feed", "http://", "nonsense"}) {
    FetchResponse r = Get(url);
    ASSERT_FALSE(r.status.ok()) << url;
    EXPECT_EQ(r.status.kind(), Status::Kind::kInvalidArgument) << url << ": " << r.status.message();
    EXPECT_LE(r.attempts, 1) << url;  // never retried
    EXPECT_TRUE(Contains(r.status.message(), url)) << r.status.message();
  }
}

TEST_F(HttpClientTest, GzipBombIsStoppedAtTheCap) {
  static const std::string bomb = Gzip(std::string(1 << 20, '\0'), 200);  // 200 MiB of zeros
  ASSERT_LT(bomb.size(), 1u << 20);
  server_.Serve("/bomb", 200, bomb, {{"Content-Encoding", "gzip"}});
  options_.max_bytes = 1 << 20;
  long rss_before = MaxRssKiB();
  FetchResponse r = Get(server_.Url("/bomb"));
  long rss_growth_kib = MaxRssKiB() - rss_before;
  EXPECT_LT(rss_growth_kib, 64 * 1024);  // far below the 200 MiB it would inflate to
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kTooLarge);
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/bomb"))) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), "1048576")) << r.status.message();
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpClientTest, PlainBodyAboveTheCapIsTooLarge) {
  server_.Serve("/big", 200, std::string(300 * 1024, 'x'));
  options_.max_bytes = 100 * 1024;
  FetchResponse r = Get(server_.Url("/big"));
  EXPECT_EQ(r.status.kind(), Status::Kind::kTooLarge);
  options_.max_bytes = 300 * 1024;
  EXPECT_TRUE(Get(server_.Url("/big")).status.ok());
}

TEST_F(HttpClientTest, OversizedErrorPageIsStillAnHttpError) {
  server_.Serve("/huge-error", 503, std::string(200 * 1024, 'e'));
  options_.max_bytes = 1024;
  options_.retries = 1;
  FetchResponse r = Get(server_.Url("/huge-error"));
  EXPECT_EQ(r.status.kind(), Status::Kind::kHttpError) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), "HTTP 503")) << r.status.message();
  EXPECT_EQ(server_.Hits("/huge-error"), 2);
}

TEST_F(HttpClientTest, TruncatedBodyFails) {
  server_.ServeRaw("/cut", [](int fd, const std::string&) {
    TestHttpServer::WriteAll(
        fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" +
                std::string(100, 'x'));
  });
  options_.retries = 1;
  FetchResponse r = Get(server_.Url("/cut"));
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kNetworkError);
  EXPECT_TRUE(Contains(r.status.message(), server_.Url("/cut"))) << r.status.message();
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(server_.Hits("/cut"), 2);
}

TEST_F(HttpClientTest, TrickleIsCutOffWhileAHealthyRequestFinishesQuickly) {
  TestHttpServer* server = &server_;
  server_.ServeRaw("/trickle", [server](int fd, const std::string&) {
    if (!TestHttpServer::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")) return;
    for (int i = 0; i < 100; ++i) {
      if (!TestHttpServer::WriteAll(fd, "x") || server->WaitStopping(1s)) return;
    }
  });
  server_.Serve("/healthy", 200, "fine");
  options_.timeout_ms = 1500;
  auto start = Clock::now();
  auto results = FetchAll(
      {Req(server_.Url("/trickle")), Req(server_.UrlOnHost("localhost", "/healthy"))}, options_);
  double elapsed = SecondsSince(start);
  ASSERT_FALSE(results[0].status.ok());
  EXPECT_EQ(results[0].status.kind(), Status::Kind::kNetworkError);
  EXPECT_TRUE(Contains(results[0].status.message(), server_.Url("/trickle")))
      << results[0].status.message();
  ASSERT_TRUE(results[1].status.ok()) << results[1].status.message();
  EXPECT_EQ(results[1].body, "fine");
  EXPECT_LT(results[1].seconds, 0.5);
  EXPECT_GE(elapsed, 1.4);
  EXPECT_LT(elapsed, 3.5);
}

TEST_F(HttpClientTest, LowSpeedLimitAbortsAStalledTransfer) {
  TestHttpServer* server = &server_;
  server_.ServeRaw("/stall", [server](int fd, const std::string&) {
    if (!TestHttpServer::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nx")) return;
    server->WaitStopping(10s);
  });
  options_.timeout_ms = 10000;
  options_.low_speed_limit_bytes = 10;
  options_.low_speed_time_s = 1;
  auto start = Clock::now();
  FetchResponse r = Get(server_.Url("/stall"));
  EXPECT_EQ(r.status.kind(), Status::Kind::kNetworkError);
  EXPECT_LT(SecondsSince(start), 4.0);
}

TEST_F(HttpClientTest, JobsBoundsConcurrentTransfers) {
  for (int jobs : {1, 2}) {
    TestHttpServer server;
    server.ServeSequence("/slow1", {{200, "1", {}, 400}});
    server.ServeSequence("/slow2", {{200, "2", {}, 400}});
    options_.jobs = jobs;
    auto start = Clock::now();
    // Two host names, so the one-per-host rule does not serialize them.
    auto results = FetchAll(
        {Req(server.Url("/slow1")), Req(server.UrlOnHost("localhost", "/slow2"))}, options_);
    double elapsed = SecondsSince(start);
    ASSERT_TRUE(results[0].status.ok()) << results[0].status.message();
    ASSERT_TRUE(results[1].status.ok()) << results[1].status.message();
    EXPECT_EQ(results[0].body, "1");
    EXPECT_EQ(results[1].body, "2");
    EXPECT_EQ(server.MaxConcurrentRequests(), jobs) << "jobs=" << jobs;
    if (jobs == 1) {
      EXPECT_GE(elapsed, 0.78);
    } else {
      EXPECT_LT(elapsed, 0.78);
    }
  }
}

TEST_F(HttpClientTest, OneConnectionPerHostAtATime) {
  std::vector<FetchRequest> requests;
  for (const char* path : {"/p1", "/p2", "/p3", "/p4"}) {
    server_.ServeSequence(path, {{200, path, {}, 150}});
    requests.push_back(Req(server_.Url(path)));
  }
  options_.jobs = 8;
  auto results = FetchAll(requests, options_);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].status.ok()) << results[i].status.message();
    EXPECT_EQ(results[i].body, std::string("/p") + std::to_string(i + 1));
    // Waiting for the host does not count against the transfer.
    EXPECT_LT(results[i].seconds, 0.5);
  }
  EXPECT_EQ(server_.MaxConcurrentRequests(), 1);
}

TEST_F(HttpClientTest, ProgressReportsEveryRequestOnce) {
  server_.Serve("/ok", 200, "ok");
  std::vector<FetchRequest> requests = {
      Req(server_.Url("/ok")), Req(server_.Url("/missing")),
      Req(server_.UrlOnHost("localhost", "/ok"))};
  std::vector<int> seen(requests.size(), 0);
  auto results = FetchAll(requests, options_, [&](size_t i, const FetchResponse& r) {
    ASSERT_LT(i, seen.size());
    seen[i]++;
    EXPECT_EQ(r.status.ok(), i != 1);
  });
  EXPECT_EQ(seen, std::vector<int>({1, 1, 1}));
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_FALSE(results[1].status.ok());
  EXPECT_TRUE(results[2].status.ok());
  EXPECT_TRUE(FetchAll({}, options_).empty());
}

TEST_F(HttpClientTest, ExplicitProxyIsUsed) {
  // The test server plays the proxy: it receives the request in absolute form.
  server_.Serve("/via-proxy", 200, "proxied");
  options_.proxy = "http://127.0.0.1:" + std::to_string(server_.port());
  FetchResponse r = Get("http://news.example.invalid/via-proxy");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, "proxied");
  EXPECT_EQ(server_.LastRequestLine("/via-proxy"),
            "GET http://news.example.invalid/via-proxy HTTP/1.1");
}

TEST_F(HttpClientTest, ProxyFromTheEnvironmentIsUsed) {
  server_.Serve("/env-proxy", 200, "from env");
  std::string proxy = "http://127.0.0.1:" + std::to_string(server_.port());
  setenv("http_proxy", proxy.c_str(), 1);
  FetchResponse r = Get("http://news.example.invalid/env-proxy");
  // no_proxy (set in SetUp) still keeps loopback direct.
  server_.Serve("/direct", 200, "direct");
  FetchResponse direct = Get(server_.Url("/direct"));
  unsetenv("http_proxy");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, "from env");
  EXPECT_EQ(server_.LastRequestLine("/env-proxy"),
            "GET http://news.example.invalid/env-proxy HTTP/1.1");
  ASSERT_TRUE(direct.status.ok()) << direct.status.message();
  EXPECT_EQ(server_.LastRequestLine("/direct"), "GET /direct HTTP/1.1");
}

TEST_F(HttpClientTest, FileUrlsAreRead) {
  TempDir dir;
  std::string path = dir.path() + "/feed.xml";
  ASSERT_TRUE(WriteFileAtomic(path, "<feed>离线</feed>").ok());
  // A file: URL is read only as a configured feed, its own trusted origin.
  auto get_feed = [&](const std::string& url) {
    FetchRequest req = Req(url);
    req.trusted_origin = url;
    return Fetch(req, options_);
  };
  FetchResponse r = get_feed("file://" + path);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.body, "<feed>离线</feed>");
  EXPECT_EQ(r.http_code, 0);

  options_.retries = 2;
  FetchResponse missing = get_feed("file://" + dir.path() + "/nothing.xml");
  ASSERT_FALSE(missing.status.ok());
  EXPECT_EQ(missing.status.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(missing.attempts, 1);
  EXPECT_TRUE(Contains(missing.status.message(), "nothing.xml")) << missing.status.message();
}

}  // namespace
}  // namespace nm

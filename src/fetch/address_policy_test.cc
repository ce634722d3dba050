#include "fetch/address_policy.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "fetch/http_client.h"
#include "support/http_server.h"
#include "support/socks_proxy.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(AddressPolicy, RefusesLoopbackPrivateAndLinkLocalRanges) {
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.5",
                         "198.18.0.1", "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]",
                         "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:0:7f00:1]", "[64:ff9b::a9fe:a9fe]",
                         "[64:ff9b:1::1]", "[2002:7f00:1::1]", "[2001:db8::1]", "[::127.0.0.1]", "[2001::1]"}) {
    EXPECT_TRUE(IsNonPublicIp(ip)) << ip;
    EXPECT_NE(NonPublicHostRule(ip), "") << ip;
  }
}

TEST(AddressPolicy, AllowsPublicAddresses) {
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
                         "[2606:4700:4700::1111]", "[2a00:1450:4001::200e]", "[::ffff:8.8.8.8]", "[2002:0808:0808::1]",
                         "134744072" /* 8.8.8.8 */, "0x08.0x08.0x08.0x08"}) {
    EXPECT_FALSE(IsNonPublicIp(ip)) << ip;
    EXPECT_EQ(NonPublicHostRule(ip), "") << ip;
  }
  EXPECT_FALSE(IsNonPublicIp("not an address"));
  EXPECT_FALSE(IsNonPublicIp("localhost"));  // a name, refused by the name rules
}

// Every spelling of this machine or its network that a URL parser or
// inet_aton (a proxy's resolver) reads, and the rule that refuses it.
TEST(AddressPolicy, TheLiteralRulesRefuseEverySpelling) {
  struct Case {
    const char* url;
    const char* rule;
  } cases[] = {
      {"http://127.0.0.1/", "127.0.0.1 is a loopback address"},
      {"http://2130706433/", "loopback"},                 // one decimal number
      {"http://0x7f000001/", "loopback"},                 // one hex number
      {"http://017700000001/", "loopback"},               // one octal number
      {"http://0x7f.1/", "loopback"},                     // hex, short form
      {"http://0177.0.0.1/", "loopback"},                 // octal
      {"http://127.1/", "loopback"},                      // short form
      {"http://127.0.1/", "loopback"},
      {"http://127.000.000.001/", "loopback"},
      {"http://127.0.0.1./", "loopback"},                 // trailing dot
      {"http://0/", "this network"},
      {"http://0.0.0.0:8080/", "this network"},
      {"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"},
      {"http://2852039166/", "link-local"},               // 169.254.169.254
      {"http://0xa9.0xfe.0xa9.0xfe/", "link-local"},
      {"http://10.0.0.1/", "private"},
      {"http://192.168.0.1/", "private"},
      {"http://[::1]/", "loopback"},
      {"http://[0:0:0:0:0:0:0:1]/", "loopback"},
      {"http://[::ffff:127.0.0.1]/", "loopback"},
      {"http://[::ffff:7f00:1]/", "loopback"},
      {"http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback"},
      {"http://[::ffff:169.254.169.254]/", "link-local"},
      {"http://[fe80::1%25eth0]/", "zone id"},
      {"http://[2606:4700:4700::1111%25eth0]/", "zone id"},
      {"http://[fd00::1]/", "unique local"},
      {"http://localhost/", "localhost is a name for this machine"},
      {"http://LOCALHOST:8080/", "a name for this machine"},
      {"http://localhost./", "a name for this machine"},
      {"http://admin.localhost/", "a name for this machine"},
      {"http://admin.localhost./", "a name for this machine"},
      {"http://intranet/", "a name without a dot"},
      {"http://metadata/computeMetadata/v1/", "a name without a dot"},
      {"http://metadata.google.internal/", "under .internal"},
      {"http://printer.local/", "under .local"},
      {"http://nas.home.arpa/", "under .home.arpa"},
      {"http://box.localdomain/", "under .localdomain"},
      {"http://1.2.3.4.5/", "no valid IPv4 address"},
      {"http://4294967296/", "no valid IPv4 address"},
  };
  for (const Case& c : cases) {
    Status s = CheckRequestUrl(c.url, "", false);
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument) << c.url;
    EXPECT_TRUE(Contains(s.message(), std::string("refused to fetch ") + c.url + ": ")) << s.message();
    EXPECT_TRUE(Contains(s.message(), c.rule)) << c.url << ": " << s.message();
    // The operator's explicit permission is the one way past them.
    EXPECT_TRUE(CheckRequestUrl(c.url, "", true).ok()) << c.url;
  }
}

TEST(AddressPolicy, PublicNamesAndAddressesPass) {
  for (const char* url : {"https://www.voachinese.com/a/1.html", "http://news.example/", "http://news.example./x",
                          "https://8.8.8.8/", "http://134744072/", "http://[2606:4700:4700::1111]:8080/",
                          "https://xn--fiqs8s.example/", "HTTP://NEWS.EXAMPLE/"}) {
    EXPECT_TRUE(CheckRequestUrl(url, "", false).ok()) << url << ": " << CheckRequestUrl(url, "", false).message();
  }
}

TEST(AddressPolicy, OnlyHttpAndHttpsAndTheTrustedFeedsOwnFile) {
  for (const char* url : {"ftp://news.example/", "gopher://news.example/", "javascript:alert(1)", "nonsense",
                          "file:///etc/passwd", "dict://127.0.0.1:11211/"}) {
    Status s = CheckRequestUrl(url, "", true);  // not even with every address allowed
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument) << url;
    EXPECT_TRUE(Contains(s.message(), url)) << s.message();
  }
  EXPECT_TRUE(CheckRequestUrl("file:///srv/feed.xml", "file:///srv/feed.xml", false).ok());
  EXPECT_FALSE(CheckRequestUrl("file:///etc/passwd", "file:///srv/feed.xml", false).ok());
  EXPECT_FALSE(CheckRequestUrl("http://", "", true).ok());
}

TEST(AddressPolicy, TheFeedsExactOriginIsTheOneException) {
  const std::string feed = "http://127.0.0.1:8080/feed.xml";
  EXPECT_TRUE(CheckRequestUrl("http://127.0.0.1:8080/a/1.html", feed, false).ok());
  EXPECT_TRUE(CheckRequestUrl("HTTP://127.0.0.1:8080/img.jpg", feed, false).ok());
  EXPECT_TRUE(CheckRequestUrl("http://0x7f.1:8080/a", feed, false).ok());  // the same origin, spelled otherwise
  for (const char* other : {"http://127.0.0.1:8081/a", "https://127.0.0.1:8080/a", "http://localhost:8080/a",
                            "http://127.0.0.2:8080/a", "http://[::1]:8080/a"}) {
    Status s = CheckRequestUrl(other, feed, false);
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument) << other;
  }
  EXPECT_TRUE(IsTrustedOrigin("https://news.example/a", "https://news.example:443/feed"));
  EXPECT_FALSE(IsTrustedOrigin("https://news.example/a", "http://news.example/feed"));
  EXPECT_FALSE(IsTrustedOrigin("https://news.example/a", ""));
}

// --- The fetcher applies it to every hop -------------------------------------

class FetchPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A proxy in the environment must not capture loopback test traffic.
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    options_.retries = 0;
    options_.connect_timeout_ms = 3000;
    options_.timeout_ms = 5000;
  }
  FetchRequest Req(const std::string& url, const std::string& trusted = "") {
    FetchRequest r;
    r.url = url;
    r.trusted_origin = trusted;
    return r;
  }
  std::string Port() const { return std::to_string(server_.port()); }

  TestHttpServer server_;
  FetchOptions options_;
};

TEST_F(FetchPolicyTest, LoopbackIsRefusedUnlessItIsTheTrustedOriginOrAllowed) {
  server_.Serve("/page", 200, "hello");
  FetchResponse r = Fetch(Req(server_.Url("/page")), options_);
  EXPECT_EQ(r.status.kind(), Status::Kind::kInvalidArgument) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), "refused to fetch " + server_.Url("/page") + ": 127.0.0.1 is a loopback"));
  EXPECT_EQ(r.attempts, 0);  // refused before any attempt, never retried
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(server_.Hits("/page"), 0);

  EXPECT_EQ(Fetch(Req(server_.Url("/page"), server_.Url("/feed")), options_).body, "hello");
  options_.allow_non_public = true;
  EXPECT_EQ(Fetch(Req(server_.Url("/page")), options_).body, "hello");
  EXPECT_EQ(server_.Hits("/page"), 2);
}

TEST_F(FetchPolicyTest, ANameThatResolvesToLoopbackIsRefusedAtTheSocket) {
  // The name passes the literal rules; what it resolves to does not.
  server_.Serve("/page", 200, "hello");
  options_.resolve = {"inside.example:" + Port() + ":127.0.0.1"};
  std::string url = "http://inside.example:" + Port() + "/page";
  FetchResponse r = Fetch(Req(url), options_);
  EXPECT_EQ(r.status.kind(), Status::Kind::kInvalidArgument) << r.status.message();
  EXPECT_TRUE(Contains(r.status.message(), "refused to fetch " + url + ": it connects to 127.0.0.1, a loopback address"))
      << r.status.message();
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server_.Hits("/page"), 0);
}

TEST_F(FetchPolicyTest, EveryRedirectHopIsChecked) {
  TestHttpServer other;
  other.Serve("/secret", 200, "secret");
  server_.Serve("/secret", 200, "secret");
  server_.Serve("/same", 200, "same origin");
  const std::string feed = server_.Url("/feed");
  std::string other_port = std::to_string(other.port());
  std::vector<std::string> targets = {server_.UrlOnHost("localhost", "/secret"), other.Url("/secret"),
                                      "http://2130706433:" + other_port + "/secret", "http://[::1]:" + Port() + "/secret"};
  std::vector<FetchRequest> requests;
  for (size_t i = 0; i < targets.size(); ++i) {
    std::string path = "/r" + std::to_string(i);
    server_.Serve(path, 302, "", {{"Location", targets[i]}});
    requests.push_back(Req(server_.Url(path), feed));
  }
  // The feed's own origin, spelled otherwise, is the feed's own origin.
  server_.Serve("/chain", 302, "", {{"Location", "http://2130706433:" + Port() + "/chain2"}});
  server_.Serve("/chain2", 307, "", {{"Location", server_.Url("/same")}});
  requests.push_back(Req(server_.Url("/chain"), feed));
  // A name that passes the literal rules and resolves to loopback, in a redirect.
  options_.resolve = {"inside.example:" + Port() + ":127.0.0.1"};
  server_.Serve("/named", 302, "", {{"Location", "http://inside.example:" + Port() + "/secret"}});
  requests.push_back(Req(server_.Url("/named"), feed));

  std::vector<FetchResponse> r = FetchAll(requests, options_);
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(r[i].status.kind(), Status::Kind::kInvalidArgument) << targets[i] << ": " << r[i].status.message();
    // (libcurl writes 2130706433 as 127.0.0.1 in the redirect's URL)
    EXPECT_TRUE(Contains(r[i].status.message(), "refused the redirect from " + requests[i].url + " to http://"))
        << r[i].status.message();
    EXPECT_EQ(r[i].attempts, 1);
  }
  EXPECT_TRUE(r[4].status.ok()) << r[4].status.message();
  EXPECT_EQ(r[4].body, "same origin");
  EXPECT_EQ(r[4].effective_url, server_.Url("/same"));
  EXPECT_EQ(r[5].status.kind(), Status::Kind::kInvalidArgument) << r[5].status.message();
  EXPECT_TRUE(Contains(r[5].status.message(), "it connects to 127.0.0.1, a loopback address")) << r[5].status.message();
  EXPECT_EQ(server_.Hits("/secret"), 0);
  EXPECT_EQ(other.Hits("/secret"), 0);
}

TEST_F(FetchPolicyTest, RedirectsToOtherSchemesAreRefused) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/secret", "secret").ok());
  std::vector<FetchRequest> requests;
  for (std::string to : {"file://" + dir.path() + "/secret", std::string("gopher://news.example/"),
                         std::string("ftp://news.example/x")}) {
    std::string path = "/to-" + to.substr(0, to.find(':'));
    server_.Serve(path, 302, "", {{"Location", to}});
    requests.push_back(Req(server_.Url(path), server_.Url("/feed")));
  }
  options_.allow_non_public = true;  // not a question of addresses
  for (const FetchResponse& r : FetchAll(requests, options_)) {
    EXPECT_EQ(r.status.kind(), Status::Kind::kInvalidArgument) << r.status.message();
    EXPECT_TRUE(Contains(r.status.message(), "refused the redirect from ")) << r.status.message();
    EXPECT_TRUE(r.body.empty());
  }
}

TEST_F(FetchPolicyTest, AConnectionToTheTrustedOriginDoesNotCarryAnotherRequest) {
  // One name, pinned to loopback: trusted for the first request (its feed),
  // not for the second. The first leaves its connection open; the second must
  // be refused on it, not sent.
  auto more = std::make_shared<std::atomic<int>>(0);
  server_.ServeRaw("/feed", [more](int fd, const std::string&) {
    TestHttpServer::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<rss/>");
    std::string next;
    while (TestHttpServer::ReadRequest(fd, &next)) {
      ++*more;
      TestHttpServer::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
      next.clear();
    }
  });
  options_.resolve = {"feeds.example:" + Port() + ":127.0.0.1"};
  std::string origin = "http://feeds.example:" + Port();
  std::vector<FetchResponse> r =
      FetchAll({Req(origin + "/feed", origin + "/feed"), Req(origin + "/admin", "https://other.example/feed")}, options_);
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.message();
  EXPECT_EQ(r[0].body, "<rss/>");
  EXPECT_EQ(r[1].status.kind(), Status::Kind::kInvalidArgument) << r[1].status.message();
  EXPECT_TRUE(Contains(r[1].status.message(), "it connects to 127.0.0.1, a loopback address")) << r[1].status.message();
  EXPECT_TRUE(r[1].body.empty());
  EXPECT_EQ(*more, 0);
}

TEST_F(FetchPolicyTest, ThroughAProxyOnLoopbackTheLiteralRulesHoldAndNothingIsResolvedHere) {
  // A local proxy (127.0.0.1) is how operators reach the outlets; it must not
  // count as the page's address. The proxy resolves names itself, so what is
  // refused is a URL whose text names this machine, on every hop.
  TestHttpServer proxy;
  proxy.Serve("/page", 200, "via proxy");  // the proxy answers for news.example
  proxy.Serve("/moved", 302, "", {{"Location", "http://0x7f.1/admin"}});
  proxy.Serve("/admin", 200, "router admin");
  proxy.Serve("/latest/meta-data/", 200, "credentials");
  options_.proxy = proxy.Url("");
  std::vector<FetchRequest> requests = {Req("http://news.example/page"), Req("http://169.254.169.254/latest/meta-data/"),
                                        Req("http://localhost:9/"), Req("http://[::1]:9/"), Req("http://news.example/moved")};
  std::vector<FetchResponse> r = FetchAll(requests, options_);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(r[0].status.ok()) << r[0].status.message();
  EXPECT_EQ(r[0].body, "via proxy");
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(r[i].status.kind(), Status::Kind::kInvalidArgument) << i << ": " << r[i].status.message();
  }
  EXPECT_TRUE(Contains(r[4].status.message(), "refused the redirect from http://news.example/moved to http://")) << r[4].status.message();
  EXPECT_EQ(proxy.Hits("/latest/meta-data/"), 0);
  EXPECT_EQ(proxy.Hits("/admin"), 0);
}

TEST_F(FetchPolicyTest, ASocksProxyThatLeavesNamesToUsGetsOnlyCheckedAddresses) {
  // socks5:// (not socks5h://): the name is resolved here, every address is
  // checked, and the proxy is told the address that was checked.
  server_.Serve("/page", 200, "hello");
  TestSocksProxy socks(server_.port());
  options_.proxy = "socks5://127.0.0.1:" + std::to_string(socks.port());
  options_.resolve = {"inside.example:80:127.0.0.1", "news.example:80:93.184.216.34"};
  std::vector<FetchResponse> r = FetchAll({Req("http://inside.example/page"), Req("http://news.example/page")}, options_);
  EXPECT_EQ(r[0].status.kind(), Status::Kind::kInvalidArgument) << r[0].status.message();
  EXPECT_TRUE(Contains(r[0].status.message(), "inside.example resolves to 127.0.0.1, a loopback address"))
      << r[0].status.message();
  ASSERT_TRUE(r[1].status.ok()) << r[1].status.message();
  EXPECT_EQ(r[1].body, "hello");
  EXPECT_EQ(socks.Requests(), std::vector<std::string>{"93.184.216.34:80"});
}

TEST_F(FetchPolicyTest, FileUrlsOnlyAsTheTrustedFeed) {
  TempDir dir;
  std::string path = dir.path() + "/feed.xml";
  ASSERT_TRUE(WriteFileAtomic(path, "<rss/>").ok());
  options_.allow_non_public = true;
  FetchResponse refused = Fetch(Req("file://" + path), options_);
  EXPECT_EQ(refused.status.kind(), Status::Kind::kInvalidArgument) << refused.status.message();
  EXPECT_TRUE(refused.body.empty());
  FetchResponse feed = Fetch(Req("file://" + path, "file://" + path), options_);
  ASSERT_TRUE(feed.status.ok()) << feed.status.message();
  EXPECT_EQ(feed.body, "<rss/>");
}

TEST(HostSpacing, RequestsToOneHostArePaced) {
  TestHttpServer server;
  server.Serve("/1", 200, "a");
  server.Serve("/2", 200, "b");
  server.Serve("/3", 200, "c");
  FetchOptions o;
  o.host_spacing_ms = 150;
  o.allow_non_public = true;
  auto start = std::chrono::steady_clock::now();
  auto responses = FetchAll({{server.Url("/1")}, {server.Url("/2")}, {server.Url("/3")}}, o);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const FetchResponse& r : responses) EXPECT_TRUE(r.status.ok()) << r.status.message();
  // Two pauses between three requests to one host: a lower bound only.
  EXPECT_GE(seconds, 0.29);
  EXPECT_EQ(server.MaxConcurrentRequests(), 1);
}

}  // namespace
}  // namespace nm

#include "fetch/address_policy.h"

#include <gtest/gtest.h>

#include <chrono>

#include "fetch/http_client.h"
#include "support/http_server.h"

namespace nm {
namespace {

TEST(AddressPolicy, RefusesLoopbackPrivateAndLinkLocalRanges) {
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.5",
                         "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
                         "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
                         "2001:db8::1", "::127.0.0.1"}) {
    EXPECT_TRUE(IsNonPublicIp(ip)) << ip;
  }
}

TEST(AddressPolicy, AllowsPublicAddresses) {
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
                         "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "2002:0808:0808::1"}) {
    EXPECT_FALSE(IsNonPublicIp(ip)) << ip;
  }
  EXPECT_FALSE(IsNonPublicIp("not an address"));
}

TEST(AddressPolicy, TheFetcherRefusesLoopbackWhenAsked) {
  TestHttpServer server;
  server.Serve("/page", 200, "hello");
  FetchOptions o;
  o.refuse_non_public = true;
  FetchResponse r = Fetch({server.Url("/page")}, o);
  EXPECT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(r.status.message().find("127.0.0.1"), std::string::npos) << r.status.message();
  EXPECT_EQ(r.attempts, 1);  // refused, never retried
  EXPECT_EQ(server.Hits("/page"), 0);

  o.refuse_non_public = false;
  EXPECT_TRUE(Fetch({server.Url("/page")}, o).status.ok());
}

TEST(AddressPolicy, OneRequestCanBePublicOnly) {
  TestHttpServer server;
  server.Serve("/inside", 200, "secret");
  server.Serve("/page", 200, "hello");
  FetchRequest inside{server.Url("/inside")};
  inside.public_only = true;
  std::vector<FetchResponse> r = FetchAll({inside, {server.Url("/page")}}, FetchOptions{});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status.kind(), Status::Kind::kInvalidArgument) << r[0].status.message();
  EXPECT_TRUE(r[0].body.empty());
  EXPECT_EQ(server.Hits("/inside"), 0);
  EXPECT_TRUE(r[1].status.ok()) << r[1].status.message();
  EXPECT_EQ(r[1].body, "hello");
}

TEST(AddressPolicy, ThroughAProxyOnLoopbackOnlyLiteralAddressesAreRefused) {
  // A local proxy (127.0.0.1) is how operators reach the outlets; it must not
  // count as the page's address. The proxy resolves names itself, so what can
  // be refused is a URL that names a non-public address outright.
  TestHttpServer proxy;
  proxy.Serve("/page", 200, "via proxy");  // the proxy answers for news.example
  FetchOptions o;
  o.proxy = proxy.Url("");
  o.retries = 0;
  std::vector<FetchRequest> requests(4);
  requests[0].url = "http://news.example/page";
  requests[1].url = "http://169.254.169.254/latest/meta-data/";
  requests[2].url = "http://localhost:9/";
  requests[3].url = "http://[::1]:9/";
  for (FetchRequest& q : requests) q.public_only = true;
  std::vector<FetchResponse> r = FetchAll(requests, o);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].status.ok()) << r[0].status.message();
  EXPECT_EQ(r[0].body, "via proxy");
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(r[i].status.kind(), Status::Kind::kInvalidArgument) << i << ": " << r[i].status.message();
    EXPECT_NE(r[i].status.message().find("loopback, private or link-local"), std::string::npos);
  }
  EXPECT_EQ(proxy.Hits("/latest/meta-data/"), 0);
}

TEST(AddressPolicy, RefusingAlsoRulesOutFileUrls) {
  FetchOptions o;
  o.refuse_non_public = true;
  FetchResponse r = Fetch({"file:///etc/hostname"}, o);
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.body.empty());
}

TEST(HostSpacing, RequestsToOneHostArePaced) {
  TestHttpServer server;
  server.Serve("/1", 200, "a");
  server.Serve("/2", 200, "b");
  server.Serve("/3", 200, "c");
  FetchOptions o;
  o.host_spacing_ms = 150;
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

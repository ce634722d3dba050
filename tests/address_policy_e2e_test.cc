// End to end: one address policy for every request newsmirror makes — the
// feed, its article pages and images, `add` — and for every redirect hop,
// with and without a proxy, with the real binary against servers on
// 127.0.0.1. The configured feed's own origin is the one place on loopback
// that may be reached; every other loopback origin stands for the machine's
// own network (a router, a cloud metadata service) and must stay unreached.
// And one source's malformed answer never fails another source on its host.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
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

std::string Page() { return Slurp(std::string(NEWSMIRROR_SOURCE_DIR) + "/src/complete/testdata/voa_article.html"); }

const std::map<std::string, std::string> kHtml = {{"Content-Type", "text/html; charset=utf-8"}};


struct Item {
  std::string guid, link, content = "<p>摘要</p>";
};

std::string Rss(const std::vector<Item>& items) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>)";
  int day = 10;
  for (const Item& i : items) {
    xml += "<item><title>标题 " + i.guid + "</title><link>" + i.link + "</link><guid>" + i.guid +
           "</guid><pubDate>Wed, " + std::to_string(day++) + " Jan 2023 14:06:46 GMT</pubDate><content:encoded><![CDATA[" +
           i.content + "]]></content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

// What a follower of the redirect would have reached on this machine.
const char* const kInside[] = {"http://127.0.0.1/admin", "http://localhost/admin", "http://[::1]/admin",
                               "http://2130706433/admin", "http://169.254.169.254/latest/meta-data/"};

class AddressPolicyE2E : public ::testing::Test {
 protected:
  AddressPolicyE2E() {
    // The secrets a hostile redirect is after, wherever a request for them lands.
    for (TestHttpServer* s : {&server_, &proxy_}) {
      s->Serve("/admin", 200, "router admin");
      s->Serve("/latest/meta-data/", 200, "iam credentials");
      s->Serve("/inside.xml", 200, Rss({{"x", "http://news.example/x"}}));
    }
  }

  std::string Config(const std::string& feed_url, const std::string& source_extra,
                     const std::string& fetch_extra = "", const std::string& archive_extra = "") {
    std::string text = "[archive]\nimage_proxy = \"https://images.weserv.nl?url={url_noscheme}\"\n" + archive_extra +
                       "[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 10\npage_spacing_ms = 0\n" + fetch_extra +
                       "[[source]]\nname = \"VOA\"\nurl = \"" + feed_url + "\"\n" + source_extra;
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  // The test's own process may carry proxy variables (other tests set no_proxy).
  std::vector<std::string> Env(std::vector<std::string> extra = {}) {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
      bool given = false;
      for (const std::string& e : extra) given |= e.rfind(std::string(name) + "=", 0) == 0;
      if (!given) extra.push_back(std::string(name) + "=");
    }
    return extra;
  }
  nlohmann::json Run(const std::string& config, const std::vector<std::string>& env = {}) {
    last_ = RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json"}, Env(env));
    try {
      return nlohmann::json::parse(last_.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "no JSON: " << last_.out << last_.err;
      return nlohmann::json::object();
    }
  }
  std::vector<std::string> Articles(const std::string& outlet = "VOA") { return ArticleFiles(mirror_, outlet); }
  static std::string Warnings(const nlohmann::json& j) {
    std::string all;
    for (const auto& w : j["sources"][0]["warnings"]) all += w.get<std::string>() + "\n";
    return all;
  }
  // No request for the machine's own services reached either server.
  void ExpectNothingInsideReached() {
    for (TestHttpServer* s : {&server_, &proxy_}) {
      EXPECT_EQ(s->Hits("/admin"), 0);
      EXPECT_EQ(s->Hits("/latest/meta-data/"), 0);
      EXPECT_EQ(s->Hits("/inside.xml"), 0);
    }
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
  TestHttpServer proxy_;  // an HTTP proxy: it answers requests in absolute form by their path
  CliResult last_;
};

// --- Without a proxy ---------------------------------------------------------

TEST_F(AddressPolicyE2E, AFeedThatRedirectsIntoLoopbackIsRefused) {
  TestHttpServer other;  // the feed's host, another port: another origin
  other.Serve("/inside.xml", 200, Rss({{"x", "http://news.example/x"}}));
  server_.Serve("/feed", 302, "", {{"Location", server_.UrlOnHost("localhost", "/inside.xml")}});
  server_.Serve("/feed2", 302, "", {{"Location", other.Url("/inside.xml")}});
  server_.Serve("/feed3", 302, "", {{"Location", "/moved.xml"}});  // the feed's own origin: followed
  server_.Serve("/moved.xml", 200, Rss({{"m", "http://news.example/m"}}));
  for (const char* feed : {"/feed", "/feed2"}) {
    nlohmann::json j = Run(Config(server_.Url(feed), ""));
    EXPECT_EQ(last_.exit_code, 2) << feed << last_.err;
    std::string reason = j["sources"][0]["reason"].is_string() ? j["sources"][0]["reason"].get<std::string>() : "";
    EXPECT_NE(reason.find("refused the redirect from " + server_.Url(feed) + " to http://"), std::string::npos) << reason;
  }
  EXPECT_EQ(other.Hits("/inside.xml"), 0);
  ExpectNothingInsideReached();
  EXPECT_TRUE(Articles().empty());

  nlohmann::json j = Run(Config(server_.Url("/feed3"), ""));
  EXPECT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["new"], 1) << last_.out;
}

TEST_F(AddressPolicyE2E, PagesOnTheFeedsHostThatRedirectIntoLoopbackAreRefused) {
  TestHttpServer other;
  other.Serve("/a/secret.html", 200, Page(), kHtml);
  server_.Serve("/a/1.html", 302, "", {{"Location", server_.UrlOnHost("localhost", "/admin")}});
  server_.Serve("/a/2.html", 302, "", {{"Location", other.Url("/a/secret.html")}});
  server_.Serve("/a/3.html", 301, "", {{"Location", "/a/3b.html"}});  // the feed's own origin: followed
  server_.Serve("/a/3b.html", 200, Page(), kHtml);
  server_.Serve("/feed", 200,
                Rss({{"g1", server_.Url("/a/1.html")}, {"g2", server_.Url("/a/2.html")}, {"g3", server_.Url("/a/3.html")}}));
  nlohmann::json j = Run(Config(server_.Url("/feed"), "full_text = \"page\"\n"));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["pages"]["fetched"], 1) << last_.out;
  EXPECT_EQ(j["sources"][0]["pages"]["failed"], 2) << last_.out;
  std::string warnings = Warnings(j);
  EXPECT_NE(warnings.find("refused the redirect from " + server_.Url("/a/1.html") + " to " +
                          server_.UrlOnHost("localhost", "/admin")),
            std::string::npos)
      << warnings;
  EXPECT_NE(warnings.find("refused the redirect from " + server_.Url("/a/2.html") + " to " + other.Url("/a/secret.html")),
            std::string::npos)
      << warnings;
  EXPECT_EQ(other.Hits("/a/secret.html"), 0);
  ExpectNothingInsideReached();
  EXPECT_EQ(server_.Hits("/a/3b.html"), 1);
}

TEST_F(AddressPolicyE2E, PagesOnTheFeedsHostOnAnotherPortAreRefused) {
  TestHttpServer other;
  other.Serve("/a/1.html", 200, Page(), kHtml);
  server_.Serve("/a/2.html", 200, Page(), kHtml);
  server_.Serve("/feed", 200, Rss({{"g1", other.Url("/a/1.html")}, {"g2", server_.Url("/a/2.html")}}));
  nlohmann::json j = Run(Config(server_.Url("/feed"), "full_text = \"page\"\n"));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(other.Hits("/a/1.html"), 0);
  EXPECT_EQ(server_.Hits("/a/2.html"), 1);
  std::string warnings = Warnings(j);
  EXPECT_NE(warnings.find("refused to fetch " + other.Url("/a/1.html") + ": 127.0.0.1 is a loopback address"),
            std::string::npos)
      << warnings;
}

TEST_F(AddressPolicyE2E, SameHostImagesThatRedirectIntoLoopbackAreRefused) {
  const std::string secret = TestImage(64, 48, ".jpg", 1);
  TestHttpServer other;
  other.Serve("/img/secret.jpg", 200, secret, {{"Content-Type", "image/jpeg"}});
  server_.Serve("/img/ok.jpg", 200, TestImage(64, 48, ".jpg", 2), {{"Content-Type", "image/jpeg"}});
  server_.Serve("/img/a.jpg", 302, "", {{"Location", server_.UrlOnHost("localhost", "/img/secret.jpg")}});
  server_.Serve("/img/b.jpg", 302, "", {{"Location", other.Url("/img/secret.jpg")}});
  server_.Serve("/img/secret.jpg", 200, secret, {{"Content-Type", "image/jpeg"}});
  std::string content = "<p>x<img src=\"" + server_.Url("/img/a.jpg") + "\"><img src=\"" + server_.Url("/img/b.jpg") +
                        "\"><img src=\"" + server_.Url("/img/ok.jpg") + "\"></p>";
  server_.Serve("/feed", 200, Rss({{"g1", "http://news.example/a/1.html", content}}));
  nlohmann::json j = Run(Config(server_.Url("/feed"), "", "", "images = \"local\"\n"));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["images"]["stored"], 1) << last_.out;
  EXPECT_EQ(j["sources"][0]["images"]["failed"], 2) << last_.out;
  EXPECT_EQ(server_.Hits("/img/secret.jpg"), 0);
  EXPECT_EQ(other.Hits("/img/secret.jpg"), 0);
  EXPECT_NE(Warnings(j).find("refused the redirect from " + server_.Url("/img/a.jpg")), std::string::npos) << Warnings(j);
}

TEST_F(AddressPolicyE2E, AddRefusesEverySpellingOfLoopbackAndRedirectsIntoIt) {
  server_.Serve("/a/article.html", 200, Page(), kHtml);
  server_.Serve("/a/moved.html", 302, "", {{"Location", server_.Url("/a/article.html")}});
  std::string port = std::to_string(server_.port());
  for (std::string host : {"127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]",
                           "localhost.", "news.localhost"}) {
    std::string url = "http://" + host + ":" + port + "/a/article.html";
    // A named outlet, so that no host has to become a folder name first.
    CliResult r = RunNewsmirror({"add", url, "--source", "读者推荐", "--out", mirror_, "--json"}, Env());
    EXPECT_EQ(r.exit_code, 2) << url << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    std::string error = j.is_object() ? j["pages"][0]["error"].get<std::string>() : r.out;
    EXPECT_NE(error.find("refused to fetch http://"), std::string::npos) << url << ": " << error;
  }
  EXPECT_EQ(server_.Hits("/a/article.html"), 0);
  EXPECT_FALSE(fs::exists(mirror_ + "/articles"));
  // --allow-private is the operator's explicit permission.
  CliResult r = RunNewsmirror({"add", server_.Url("/a/moved.html"), "--allow-private", "--out", mirror_}, Env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Articles("127.0.0.1").size(), 1u);
}

// --- Through a proxy ---------------------------------------------------------

// A page on a public name whose answer redirects to each of kInside.
void ServeRedirectsInside(TestHttpServer& at, std::vector<Item>* items) {
  for (size_t i = 0; i < std::size(kInside); ++i) {
    std::string path = "/a/r" + std::to_string(i) + ".html";
    at.Serve(path, 302, "", {{"Location", kInside[i]}});
    items->push_back({"r" + std::to_string(i), "http://news.example" + path});
  }
}

TEST_F(AddressPolicyE2E, ThroughAConfiguredProxyEveryRedirectHopIsChecked) {
  std::vector<Item> items;
  ServeRedirectsInside(proxy_, &items);
  proxy_.Serve("/a/ok.html", 200, Page(), kHtml);
  std::vector<Item> inside = items;
  items.push_back({"ok", "http://news.example/a/ok.html"});
  proxy_.Serve("/feed", 200, Rss(items));
  nlohmann::json j = Run(Config("http://news.example/feed", "full_text = \"page\"\n", "proxy = \"" + proxy_.Url("") + "\"\n"));
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["pages"]["fetched"], 1) << last_.out;
  EXPECT_EQ(j["sources"][0]["pages"]["failed"], static_cast<int>(std::size(kInside))) << last_.out;
  std::string warnings = Warnings(j);
  for (const Item& i : inside) {
    EXPECT_NE(warnings.find("refused the redirect from " + i.link + " to http://"), std::string::npos) << i.link << "\n"
                                                                                                     << warnings;
  }
  EXPECT_EQ(proxy_.LastRequestLine("/a/ok.html"), "GET http://news.example/a/ok.html HTTP/1.1");
  ExpectNothingInsideReached();
}

TEST_F(AddressPolicyE2E, ThroughAProxyFromTheEnvironmentEveryRedirectHopIsChecked) {
  std::vector<Item> items;
  ServeRedirectsInside(proxy_, &items);
  proxy_.Serve("/feed", 302, "", {{"Location", "http://169.254.169.254/latest/meta-data/"}});
  proxy_.Serve("/feed2", 200, Rss(items));
  nlohmann::json j = Run(Config("http://news.example/feed", ""), {"http_proxy=" + proxy_.Url("")});
  EXPECT_EQ(last_.exit_code, 2) << last_.err;
  std::string reason = j["sources"][0]["reason"].is_string() ? j["sources"][0]["reason"].get<std::string>() : "";
  EXPECT_NE(reason.find("169.254.169.254 is a link-local address"), std::string::npos) << reason;

  j = Run(Config("http://news.example/feed2", "full_text = \"page\"\n"), {"http_proxy=" + proxy_.Url("")});
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["pages"]["failed"], static_cast<int>(std::size(kInside))) << last_.out;
  EXPECT_EQ(proxy_.Hits("/feed2"), 1);
  ExpectNothingInsideReached();
}

TEST_F(AddressPolicyE2E, ThroughASocks5ProxyThatResolvesNamesNothingInsideIsAskedFor) {
  TestSocksProxy socks(server_.port());  // every CONNECT lands on server_
  std::vector<Item> items;
  ServeRedirectsInside(server_, &items);
  server_.Serve("/a/ok.html", 200, Page(), kHtml);
  items.push_back({"ok", "http://news.example/a/ok.html"});
  server_.Serve("/feed", 200, Rss(items));
  nlohmann::json j = Run(Config("http://news.example/feed", "full_text = \"page\"\n"), {"all_proxy=" + socks.Url()});
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  EXPECT_EQ(j["sources"][0]["pages"]["fetched"], 1) << last_.out;
  EXPECT_EQ(j["sources"][0]["pages"]["failed"], static_cast<int>(std::size(kInside))) << last_.out;
  for (const std::string& asked : socks.Requests()) EXPECT_EQ(asked, "news.example:80");
  ExpectNothingInsideReached();
}

TEST_F(AddressPolicyE2E, AddThroughAProxyLetsTheProxyResolveAndChecksEveryHop) {
  // news.example does not resolve here: only the proxy knows it.
  proxy_.Serve("/a/ok.html", 200, Page(), kHtml);
  std::vector<Item> items;
  ServeRedirectsInside(proxy_, &items);
  std::string config = Config("http://news.example/feed", "", "proxy = \"" + proxy_.Url("") + "\"\n");
  CliResult r = RunNewsmirror({"add", "http://news.example/a/ok.html", "--config", config, "--out", mirror_}, Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Articles("news.example").size(), 1u);
  for (const Item& i : items) {
    r = RunNewsmirror({"add", i.link, "--source", "读者推荐", "--config", config, "--out", mirror_, "--json"}, Env());
    EXPECT_EQ(r.exit_code, 2) << i.link << r.err;
    EXPECT_NE(r.out.find("refused the redirect from " + i.link), std::string::npos) << r.out;
  }
  // A URL that names this machine is refused before anything goes to the proxy.
  for (std::string url : {"http://127.0.0.1/admin", "http://2130706433/admin", "http://0x7f.1/admin",
                          "http://[::ffff:7f00:1]/admin", "http://localhost./admin", "http://admin.localhost/admin",
                          "http://0xa9fea9fe/latest/meta-data/"}) {
    r = RunNewsmirror({"add", url, "--source", "读者推荐", "--config", config, "--out", mirror_, "--json"}, Env());
    EXPECT_EQ(r.exit_code, 2) << url << r.err;
    // The message names the URL as add normalized it (http://127.0.0.1/admin for 0x7f.1).
    EXPECT_NE(r.out.find("refused to fetch http://"), std::string::npos) << r.out;
  }
  ExpectNothingInsideReached();
  EXPECT_EQ(Articles("news.example").size(), 1u);
  EXPECT_TRUE(Articles("读者推荐").empty());
}

// --- One source's bad answer never affects another --------------------------

TEST_F(AddressPolicyE2E, AMalformedNotModifiedDoesNotFailTheNextSourceOnTheSameHost) {
  // Source A's server answers its conditional request with a 304 that has a
  // body, sent once the next request (source B's feed) is on the wire.
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto reused = std::make_shared<std::atomic<int>>(0);
  std::string feed_a = Rss({{"a1", "http://news.example/a1"}});
  server_.ServeRaw("/a.xml", [calls, reused, feed_a](int fd, const std::string&) {
    if ((*calls)++ == 0) {
      TestHttpServer::WriteAll(fd, TestHttpServer::FormatResponse(200, feed_a, {{"ETag", "\"a1\""}}));
      return;
    }
    TestHttpServer::WriteAll(fd, "HTTP/1.1 304 Not Modified\r\nETag: \"a1\"\r\n\r\n");
    std::string next;
    if (!TestHttpServer::ReadRequest(fd, &next)) return;
    ++*reused;
    TestHttpServer::WriteAll(fd, feed_a);
  });
  server_.Serve("/b.xml", 200, Rss({{"b1", "http://news.example/b1"}}));
  std::string text = "[archive]\nimage_proxy = \"\"\n[fetch]\nretries = 0\ntimeout = 10\njobs = 1\n"
                     "[[source]]\nname = \"A\"\nurl = \"" + server_.Url("/a.xml") + "\"\n"
                     "[[source]]\nname = \"B\"\nurl = \"" + server_.Url("/b.xml") + "\"\n";
  std::string config = dir_.path() + "/two.toml";
  ASSERT_TRUE(WriteFileAtomic(config, text).ok());
  nlohmann::json j = Run(config);
  ASSERT_EQ(last_.exit_code, 0) << last_.err;
  server_.Serve("/b.xml", 200, Rss({{"b1", "http://news.example/b1"}, {"b2", "http://news.example/b2"}}));
  j = Run(config);
  EXPECT_EQ(last_.exit_code, 0) << last_.err << last_.out;
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][0]["status"], "not_modified") << last_.out;
  EXPECT_EQ(j["sources"][1]["new"], 1) << last_.out;
  EXPECT_EQ(*reused, 0);
  EXPECT_EQ(Articles("B").size(), 2u);
}

}  // namespace
}  // namespace nm

// newsmirror parse: the neutral JSON shape from a file and from a URL, and --bench.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

const char* kFeed = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>
  <author><name>Li Wei</name><email>li@example.org</email></author>
  <entry><title type="html">&lt;b&gt;Bold&lt;/b&gt;</title><link href="/a/1"/><id>urn:1</id>
    <updated>2004-01-01T19:48:21Z</updated>
    <content type="html">&lt;a href="rel"&gt;x&lt;/a&gt;</content></entry></feed>)";

TEST(ParseCommand, PrintsTheNeutralShapeForAFile) {
  TempDir dir;
  std::string path = dir.path() + "/feed.xml";
  ASSERT_TRUE(WriteFileAtomic(path, kFeed).ok());
  CliResult r = RunNewsmirror({"parse", "--json", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  std::string encoding = j["encoding"];
  for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(encoding, "utf-8");
  EXPECT_EQ(j["feed"]["title"], "Feed");
  EXPECT_EQ(j["feed"]["author"], "Li Wei (li@example.org)");
  EXPECT_EQ(j["feed"]["author_email"], "li@example.org");
  EXPECT_TRUE(j["feed"]["published"].is_null());
  ASSERT_EQ(j["entries"].size(), 1u);
  const nlohmann::json& e = j["entries"][0];
  EXPECT_EQ(e["title"], "<b>Bold</b>") << "an HTML title is shown as the feed gave it";
  EXPECT_EQ(e["link"], "/a/1") << "a file has no URL to resolve against";
  EXPECT_EQ(e["updated"], "2004-01-01T19:48:21Z");
  EXPECT_EQ(e["updated_ms"], 1072986501000);
  EXPECT_EQ(e["content"], "<a href=\"rel\">x</a>");
}

TEST(ParseCommand, ReadsAUrlWithItsHeaders) {
  TestHttpServer server;
  server.Serve("/feeds/atom", 200, kFeed,
               {{"Content-Type", "application/atom+xml"}, {"Content-Location", "http://example.com/base/"}});
  CliResult r = RunNewsmirror({"parse", "--json", server.Url("/feeds/atom")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["entries"].size(), 1u);
  EXPECT_EQ(j["entries"][0]["link"], "http://example.com/a/1");
  EXPECT_EQ(j["entries"][0]["content"], "<a href=\"http://example.com/base/rel\">x</a>");
}

TEST(ParseCommand, FailuresAreReportedWithTheSource) {
  CliResult r = RunNewsmirror({"parse", "--json", "/nonexistent/feed.xml"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent/feed.xml"), std::string::npos) << r.err;
}

TEST(ParseCommand, BenchCountsBytesAndEntriesOfEveryPass) {
  TempDir dir;
  std::string path = dir.path() + "/feed.xml";
  ASSERT_TRUE(WriteFileAtomic(path, kFeed).ok());
  CliResult r = RunNewsmirror({"parse", "--bench", "3", path, path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["bytes"], 6 * std::string(kFeed).size());
  EXPECT_EQ(j["entries"], 6);
  EXPECT_GE(j["seconds"].get<double>(), 0.0);
}

}  // namespace
}  // namespace nm

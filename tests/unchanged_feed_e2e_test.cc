// End to end: a feed that comes back as the last run read it is decided
// unchanged without being parsed (pipeline/unchanged_feed.h), and every
// reason to read it again is honoured.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/unchanged_feed.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_files.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

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

const Item kFirst{"g1", "美国之音的第一篇报道", "https://news.example/a/1", "Wed, 04 Jan 2023 10:00:00 GMT",
                  "<p>第一篇报道的正文，足够长的一段文字。</p>"};
const Item kSecond{"g2", "第二篇报道", "https://news.example/a/2", "Thu, 05 Jan 2023 10:00:00 GMT",
                   "<p>第二篇报道的正文。</p>"};

class UnchangedFeedTest : public ::testing::Test {
 protected:
  std::string Config(const std::string& source_extra = "", const std::string& path = "/feed") {
    std::string text =
        "[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 10\npage_spacing_ms = 0\n"
        "[[source]]\nname = \"VOA\"\nurl = \"" + server_.Url(path) + "\"\n" + source_extra;
    std::string file = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(file, text).ok());
    return file;
  }
  nlohmann::json Run(const std::string& config, int want_exit = 0) {
    CliResult r = RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json", "--commit"}, TestGitEnv());
    EXPECT_EQ(r.exit_code, want_exit) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  std::string FeedState() { return Slurp(mirror_ + "/state/VOA/feed.tsv"); }
  // The "@unchanged" line's value, "" when there is none.
  std::string StoredFingerprint() {
    std::string text = FeedState();
    size_t at = text.find("@unchanged\t");
    if (at == std::string::npos) return "";
    at += 11;
    return text.substr(at, text.find_first_of("\t\n", at) - at);
  }
  std::string Head() { return Shell("git -C '" + mirror_ + "' rev-parse HEAD"); }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

TEST_F(UnchangedFeedTest, AFeedBackAsTheLastRunReadItIsNeitherParsedNorMerged) {
  server_.Serve("/feed", 200, Rss({kFirst}), {{"Content-Type", "application/rss+xml"}});
  std::string config = Config();
  nlohmann::json first = Run(config);
  EXPECT_EQ(first["sources"][0]["new"], 1);
  EXPECT_FALSE(first["sources"][0]["decided_unchanged"].get<bool>());
  ASSERT_EQ(StoredFingerprint().size(), 64u) << FeedState();

  // The records are damaged: a run that parsed and merged the feed would have
  // to read them, and fail this outlet naming the file.
  std::string chunk;
  for (auto& e : fs::directory_iterator(mirror_ + "/state/VOA")) {
    if (e.path().filename() != "feed.tsv") chunk = e.path().string();
  }
  ASSERT_FALSE(chunk.empty());
  ASSERT_TRUE(WriteFileAtomic(chunk, "damaged\trecords\n").ok());
  auto before = ReadTree(mirror_);
  std::string head = Head();

  nlohmann::json second = Run(config);
  const nlohmann::json& s = second["sources"][0];
  EXPECT_EQ(s["status"], "not_modified") << s.dump();
  EXPECT_TRUE(s["decided_unchanged"].get<bool>()) << s.dump();
  EXPECT_TRUE(second["ok"].get<bool>());
  EXPECT_TRUE(second["written"].empty()) << second.dump();
  // The last run's counts: one entry, archived.
  EXPECT_EQ(s["entries"], 1) << s.dump();
  EXPECT_EQ(s["unchanged"], 1) << s.dump();
  EXPECT_EQ(server_.Hits("/feed"), 2);  // it was downloaded, not skipped
  EXPECT_EQ(ReadTree(mirror_), before);
  EXPECT_EQ(Head(), head);
}

// A server whose Last-Modified is the time of the request answers 200 with
// the same bytes every time: decided unchanged, and the new validators are
// kept for the next conditional request.
TEST_F(UnchangedFeedTest, TheSameBytesUnderNewValidatorsAreUnchangedAndTheValidatorsKept) {
  const std::string feed = Rss({kFirst});
  server_.Serve("/feed", 200, feed, {{"Last-Modified", "Wed, 04 Jan 2023 15:00:00 GMT"}});
  std::string config = Config();
  Run(config);
  server_.Serve("/feed", 200, feed, {{"Last-Modified", "Wed, 04 Jan 2023 16:00:00 GMT"}});
  nlohmann::json second = Run(config);
  EXPECT_EQ(server_.LastRequestHeader("/feed", "If-Modified-Since"), "Wed, 04 Jan 2023 15:00:00 GMT");
  EXPECT_TRUE(second["sources"][0]["decided_unchanged"].get<bool>()) << second.dump();
  EXPECT_EQ(second["written"], nlohmann::json::array({"state/VOA/feed.tsv"})) << second.dump();
  EXPECT_NE(FeedState().find("Wed, 04 Jan 2023 16:00:00 GMT"), std::string::npos) << FeedState();
  Run(config);
  EXPECT_EQ(server_.LastRequestHeader("/feed", "If-Modified-Since"), "Wed, 04 Jan 2023 16:00:00 GMT");
  EXPECT_EQ(ArticleFiles(mirror_, "VOA").size(), 1u);
}

TEST_F(UnchangedFeedTest, AChangedFeedIsReadAndItsFingerprintReplaced) {
  server_.Serve("/feed", 200, Rss({kFirst}));
  std::string config = Config();
  Run(config);
  std::string old_fingerprint = StoredFingerprint();
  ASSERT_FALSE(old_fingerprint.empty());

  server_.Serve("/feed", 200, Rss({kSecond, kFirst}));
  nlohmann::json changed = Run(config);
  EXPECT_EQ(changed["sources"][0]["new"], 1);
  EXPECT_EQ(changed["sources"][0]["unchanged"], 1);
  EXPECT_FALSE(changed["sources"][0]["decided_unchanged"].get<bool>());
  EXPECT_NE(StoredFingerprint(), old_fingerprint);
  EXPECT_EQ(ArticleFiles(mirror_, "VOA").size(), 2u);

  // One byte more (a changed entry) is a changed feed: the entry is updated.
  Item edited = kFirst;
  edited.content = "<p>第一篇报道的正文，足够长的一段文字！</p>";
  server_.Serve("/feed", 200, Rss({kSecond, edited}));
  nlohmann::json updated = Run(config);
  EXPECT_EQ(updated["sources"][0]["updated"], 1) << updated.dump();
  EXPECT_EQ(ArticleFiles(mirror_, "VOA").size(), 2u);
}

TEST_F(UnchangedFeedTest, TheSameBytesReadAnotherWayAreReadAgain) {
  const std::string feed = Rss({kFirst});
  server_.Serve("/feed", 200, feed);
  server_.Serve("/other", 200, feed);
  Run(Config());
  const std::string fingerprint = StoredFingerprint();
  ASSERT_EQ(fingerprint.size(), 64u);

  // Another date zone for dates without one.
  nlohmann::json zone = Run(Config("date_zone = \"+08:00\"\n"));
  EXPECT_FALSE(zone["sources"][0]["decided_unchanged"].get<bool>()) << zone.dump();
  EXPECT_EQ(zone["sources"][0]["status"], "ok");
  EXPECT_EQ(zone["sources"][0]["unchanged"], 1);
  EXPECT_TRUE(zone["written"].empty()) << zone.dump();
  // Another URL (the base of the feed's relative links).
  nlohmann::json url = Run(Config("", "/other"));
  EXPECT_FALSE(url["sources"][0]["decided_unchanged"].get<bool>()) << url.dump();
  EXPECT_TRUE(url["written"].empty()) << url.dump();
  // Another Content-Type (it can name the charset).
  server_.Serve("/other", 200, feed, {{"Content-Type", "application/rss+xml; charset=utf-8"}});
  nlohmann::json type = Run(Config("", "/other"));
  EXPECT_FALSE(type["sources"][0]["decided_unchanged"].get<bool>()) << type.dump();
  // A changed reading that brings nothing writes nothing (a feed whose
  // bytes change every hour without news commits nothing): the old
  // fingerprint stays, and the feed is read each time.
  EXPECT_TRUE(type["written"].empty()) << type.dump();
  EXPECT_EQ(StoredFingerprint(), fingerprint);
  nlohmann::json still = Run(Config("", "/other"));
  EXPECT_FALSE(still["sources"][0]["decided_unchanged"].get<bool>()) << still.dump();
  // With news the new reading's fingerprint is kept, and then it holds.
  server_.Serve("/other", 200, Rss({kSecond, kFirst}), {{"Content-Type", "application/rss+xml; charset=utf-8"}});
  nlohmann::json news = Run(Config("", "/other"));
  EXPECT_EQ(news["sources"][0]["new"], 1) << news.dump();
  EXPECT_NE(StoredFingerprint(), fingerprint);
  nlohmann::json again = Run(Config("", "/other"));
  EXPECT_TRUE(again["sources"][0]["decided_unchanged"].get<bool>()) << again.dump();
  EXPECT_EQ(again["sources"][0]["unchanged"], 2) << again.dump();
  EXPECT_EQ(ArticleFiles(mirror_, "VOA").size(), 2u);
}

// A redirect changes the base of the feed's relative links: the same bytes
// reached through it are another reading, parsed again; the same bytes at
// the same place again are not.
TEST_F(UnchangedFeedTest, TheSameBytesBehindARedirectAreReadAgain) {
  Item relative = kFirst;
  relative.link = "a/1";  // resolved against the URL the feed came from
  const std::string feed = Rss({relative});
  server_.Serve("/feed", 200, feed);
  server_.Serve("/elsewhere/feed", 200, feed);
  std::string config = Config();
  nlohmann::json first = Run(config);
  ASSERT_EQ(first["sources"][0]["new"], 1) << first.dump();
  ASSERT_TRUE(Run(config)["sources"][0]["decided_unchanged"].get<bool>());

  server_.Serve("/feed", 302, "", {{"Location", server_.Url("/elsewhere/feed")}});
  nlohmann::json moved = Run(config);
  EXPECT_FALSE(moved["sources"][0]["decided_unchanged"].get<bool>()) << moved.dump();
  // The same guid: the one article, its link now resolved against the new place.
  EXPECT_EQ(moved["sources"][0]["updated"], 1) << moved.dump();
  nlohmann::json again = Run(config);
  EXPECT_TRUE(again["sources"][0]["decided_unchanged"].get<bool>()) << again.dump();
  ASSERT_EQ(ArticleFiles(mirror_, "VOA").size(), 1u);
  EXPECT_NE(Slurp(ArticleFiles(mirror_, "VOA")[0]).find("/elsewhere/a/1"), std::string::npos);
}

TEST_F(UnchangedFeedTest, AFailedArticlePageKeepsTheFeedReadUntilItsPageIsRead) {
  server_.ServeSequence("/a/1.html", {{503, "busy"},
                                      {200,
                                       "<html><head><title>t</title></head><body><article><h1>标题</h1><p>" +
                                           std::string(40, 'x') + "页面上的全文，比摘要长得多。</p><p>" +
                                           "第二段也在页面上。</p></article></body></html>",
                                       {{"Content-Type", "text/html; charset=utf-8"}}}});
  Item entry = kFirst;
  entry.link = server_.Url("/a/1.html");
  server_.Serve("/feed", 200, Rss({entry}));
  std::string config = Config("full_text = \"page\"\n");
  nlohmann::json failed = Run(config);
  EXPECT_EQ(failed["sources"][0]["pages"]["failed"], 1) << failed.dump();
  EXPECT_EQ(StoredFingerprint(), "") << FeedState();

  // The same feed: read again, so that the page is tried again.
  nlohmann::json retried = Run(config);
  EXPECT_FALSE(retried["sources"][0]["decided_unchanged"].get<bool>()) << retried.dump();
  EXPECT_EQ(server_.Hits("/a/1.html"), 2);
  EXPECT_EQ(retried["sources"][0]["pages"]["fetched"], 1) << retried.dump();
  EXPECT_EQ(StoredFingerprint().size(), 64u) << FeedState();

  // Now nothing is left to try: decided unchanged, the page not fetched again.
  nlohmann::json settled = Run(config);
  EXPECT_TRUE(settled["sources"][0]["decided_unchanged"].get<bool>()) << settled.dump();
  EXPECT_EQ(server_.Hits("/a/1.html"), 2);
}

TEST_F(UnchangedFeedTest, AQuarantinedEntryKeepsTheFeedReadSoEachRunNamesIt) {
  std::vector<Item> items = {kFirst, {"p1", "有毒的条目", "https://news.example/poison", kSecond.date,
                                      "<p>这一条无法存档。</p>"}};
  server_.Serve("/feed", 200, Rss(items));
  std::string config = Config();
  for (int run = 1; run <= 4; ++run) {
    SCOPED_TRACE(run);
    CliResult r = RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json"},
                                {"NEWSMIRROR_TEST_FAIL_AT=merge:/poison"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto s = nlohmann::json::parse(r.out)["sources"][0];
    EXPECT_FALSE(s["decided_unchanged"].get<bool>()) << s.dump();
    EXPECT_EQ(s["quarantined"].size(), 1u) << s.dump();
    EXPECT_EQ(StoredFingerprint(), "");
  }
}

TEST_F(UnchangedFeedTest, ADamagedOrForeignFingerprintLineIsNoFingerprint) {
  server_.Serve("/feed", 200, Rss({kFirst}));
  std::string config = Config();
  Run(config);
  std::string text = FeedState();
  std::string fingerprint = StoredFingerprint();
  ASSERT_EQ(fingerprint.size(), 64u);
  const size_t line = text.find("@unchanged\t");
  const std::string good = text.substr(line, text.find('\n', line) - line);
  ASSERT_EQ(good, "@unchanged\t" + fingerprint + "\t1\t1");
  for (const std::string& bad :
       {fingerprint.substr(0, 63) + "\t1\t1", fingerprint + "0\t1\t1", std::string(64, 'G') + "\t1\t1",
        std::string(64, 'A') + "\t1\t1", std::string("\t1\t1"), fingerprint, fingerprint + "\t1",
        fingerprint + "\t1\t2", fingerprint + "\t-1\t0", fingerprint + "\t1\tx",
        fingerprint + "\t99999999999999999999\t1"}) {
    SCOPED_TRACE(bad);
    std::string damaged = text;
    damaged.replace(line, good.size(), "@unchanged\t" + bad);
    ASSERT_TRUE(WriteFileAtomic(mirror_ + "/state/VOA/feed.tsv", damaged).ok());
    nlohmann::json run = Run(config);
    EXPECT_FALSE(run["sources"][0]["decided_unchanged"].get<bool>()) << run.dump();
    EXPECT_EQ(run["sources"][0]["unchanged"], 1) << run.dump();
    EXPECT_EQ(StoredFingerprint(), fingerprint);  // written again as it should be
  }
  EXPECT_EQ(ArticleFiles(mirror_, "VOA").size(), 1u);
}

TEST(UnchangedFeedFingerprintTest, EveryPartOfTheReadingCounts) {
  FeedReading base{"https://a.example/feed", "https://a.example/feed", "application/rss+xml", "", 0};
  const std::string body = "<rss/>";
  const std::string f = UnchangedFeedFingerprint(body, base);
  ASSERT_EQ(f.size(), 64u);
  EXPECT_EQ(f.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(UnchangedFeedFingerprint(body, base), f);
  EXPECT_NE(UnchangedFeedFingerprint("<rss/> ", base), f);
  FeedReading r = base;
  r.configured_url = "https://b.example/feed";
  EXPECT_NE(UnchangedFeedFingerprint(body, r), f);
  r = base;
  r.effective_url = "https://a.example/feed/";
  EXPECT_NE(UnchangedFeedFingerprint(body, r), f);
  r = base;
  r.content_type = "text/xml";
  EXPECT_NE(UnchangedFeedFingerprint(body, r), f);
  r = base;
  r.content_location = "https://a.example/";
  EXPECT_NE(UnchangedFeedFingerprint(body, r), f);
  r = base;
  r.date_zone_minutes = 480;
  EXPECT_NE(UnchangedFeedFingerprint(body, r), f);
  // Parts cannot trade bytes: "ab" + "c" is not "a" + "bc".
  FeedReading x = base, y = base;
  x.content_type = "ab";
  x.content_location = "c";
  y.content_type = "a";
  y.content_location = "bc";
  EXPECT_NE(UnchangedFeedFingerprint(body, x), UnchangedFeedFingerprint(body, y));
}

}  // namespace
}  // namespace nm

// End to end: the newsmirror binary against feeds served on 127.0.0.1.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "pipeline/run_lock.h"
#include "state/outlet_state.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kSeedTitle = "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟";
const std::string kVoa = "美国之音";

std::string Shared(const std::string& rel) { return std::string(NEWSMIRROR_SHARED_DIR) + "/" + rel; }

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : std::string("<missing: " + path + ">");
}

// The shipped configuration's [archive] and [publish] sections, with sources of our own.
std::string ConfigWith(const std::vector<std::pair<std::string, std::string>>& sources,
                       const std::string& extra = "") {
  std::string text = R"([archive]
list_size = 300
list_utc_offset = "+08:00"
image_proxy = "https://images.weserv.nl?url={url_noscheme}"
[fetch]
retries = 1
connect_timeout = 5
timeout = 10
)" + extra;
  for (const auto& [name, url] : sources) {
    text += "[[source]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\n";
  }
  return text;
}

std::map<std::string, std::string> Files(const std::string& dir) { return ReadTree(dir); }

// An RSS feed of (guid, title, pubDate, content) items.
struct Item {
  std::string guid, title, date, content;
};
std::string Rss(const std::vector<Item>& items) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>)";
  for (const Item& i : items) {
    xml += "<item><title>" + i.title + "</title><link>https://news.example/a/" + i.guid + "</link><guid>" +
           i.guid + "</guid><pubDate>" + i.date + "</pubDate><content:encoded><![CDATA[" + i.content +
           "]]></content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

class E2eTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& text) {
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--config", config, "--out", mirror_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, {"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
                                "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid"});
  }
  std::vector<std::string> ArticleNames(const std::string& outlet) {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(mirror_ + "/articles/" + outlet, ec)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

TEST_F(E2eTest, SeedFeedBecomesTheSeedArticleByteForByte) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")),
                {{"Content-Type", "application/rss+xml; charset=utf-8"}});
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::string article = mirror_ + "/articles/" + kVoa + "/1048574_" + kSeedTitle + ".md";
  ASSERT_TRUE(fs::exists(article)) << r.err;
  EXPECT_EQ(Slurp(article), Slurp(Shared("seed/000_aaf80997af946b83.txt")));

  // Its list page: the date is 1-4 in UTC+8 (14:39 UTC), the file name percent-encoded.
  std::string list = Slurp(mirror_ + "/lists/" + kVoa + ".md");
  EXPECT_EQ(list.substr(0, list.find('\n')), kVoa);
  EXPECT_NE(list.find("1-4 [" + kSeedTitle + "](/articles/" + kVoa + "/1048574_%E6%97%A5%E6%9C%AC"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("按月：[2023-01](/lists/" + kVoa + "/2023-01.md)\n\n[查看更多](/articles/" + kVoa + ")\n"),
            std::string::npos)
      << list;
  // The month's page lists it too.
  EXPECT_NE(Slurp(mirror_ + "/lists/" + kVoa + "/2023-01.md").find("1-4 [" + kSeedTitle + "]"), std::string::npos);
  // The README links the list.
  EXPECT_NE(Slurp(mirror_ + "/README.md").find("(/lists/" + kVoa + ".md)"), std::string::npos);
}

TEST_F(E2eTest, SecondRunOnAnUnchangedFeedWritesAndCommitsNothing) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  ASSERT_EQ(Run(config, {"--commit"}).exit_code, 0);
  auto before = Files(mirror_);
  std::string head = Shell("git -C '" + mirror_ + "' rev-parse HEAD");
  CliResult r = Run(config, {"--commit", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto summary = nlohmann::json::parse(r.out);
  EXPECT_TRUE(summary["written"].empty()) << r.out;
  EXPECT_FALSE(summary["committed"].get<bool>());
  EXPECT_EQ(summary["sources"][0]["unchanged"], 1);
  EXPECT_EQ(Files(mirror_), before);
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' rev-parse HEAD"), head);
}

TEST_F(E2eTest, ConditionalGetUsesTheStoredValidators) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")),
                {{"ETag", "\"v1\""}, {"Last-Modified", "Wed, 04 Jan 2023 15:00:00 GMT"}});
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  server_.Serve("/voa", 304, "");
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.LastRequestHeader("/voa", "If-None-Match"), "\"v1\"");
  EXPECT_EQ(server_.LastRequestHeader("/voa", "If-Modified-Since"), "Wed, 04 Jan 2023 15:00:00 GMT");
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["status"], "not_modified");
}

TEST_F(E2eTest, ANotModifiedFeedReadsOnlyItsValidatorsAndABrokenStateFailsOnlyItsOutlet) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")), {{"ETag", "\"v1\""}});
  server_.Serve("/f", 200, Rss({{"g1", "First", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>one</p>"}}));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}, {"Feed", server_.Url("/f")}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  // The outlet's chunk of records is damaged; feed.tsv (its validators) is not.
  std::vector<std::string> chunks;
  for (auto& e : fs::directory_iterator(mirror_ + "/state/" + kVoa)) {
    if (e.path().filename() != "feed.tsv") chunks.push_back(e.path().string());
  }
  ASSERT_EQ(chunks.size(), 1u);
  ASSERT_TRUE(WriteFileAtomic(chunks[0], "this\tis\tnot\ta\tstate\tfile\n").ok());
  auto before = Files(mirror_);

  // A 304 needs only the validators: the run neither reads the damaged chunk nor fails.
  server_.Serve("/voa", 304, "");
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server_.LastRequestHeader("/voa", "If-None-Match"), "\"v1\"");
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["status"], "not_modified");

  // A changed feed needs the records: that outlet fails, naming the file; the other is archived.
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")), {{"ETag", "\"v2\""}});
  server_.Serve("/f", 200, Rss({{"g2", "Second", "Thu, 05 Jan 2023 10:00:00 GMT", "<p>two</p>"},
                                {"g1", "First", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>one</p>"}}));
  r = Run(config, {"--json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto sources = nlohmann::json::parse(r.out)["sources"];
  EXPECT_EQ(sources[0]["status"], "failed");
  EXPECT_NE(sources[0]["reason"].get<std::string>().find(fs::path(chunks[0]).filename().string()), std::string::npos)
      << sources[0];
  EXPECT_EQ(sources[1]["new"], 1);
  EXPECT_EQ(*ReadFile(chunks[0]), "this\tis\tnot\ta\tstate\tfile\n");
  EXPECT_EQ(ArticleNames(kVoa).size(), 1u);
}

TEST_F(E2eTest, BumpedReorderedChangedAndLateEntriesLoseNothingAndDuplicateNothing) {
  std::string config = WriteConfig(ConfigWith({{"Feed", server_.Url("/f")}}));
  server_.Serve("/f", 200, Rss({{"g2", "Second", "Thu, 05 Jan 2023 10:00:00 GMT", "<p>two</p>"},
                                {"g1", "First", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>one</p>"}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  EXPECT_EQ(ArticleNames("Feed"), (std::vector<std::string>{"1048573_Second.md", "1048574_First.md"}));

  // Dates bumped, order reversed, one content corrected, one late entry older than all.
  server_.Serve("/f", 200, Rss({{"g1", "First", "Fri, 06 Jan 2023 10:00:00 GMT", "<p>one</p>"},
                                {"g2", "Second", "Sat, 07 Jan 2023 10:00:00 GMT", "<p>two, corrected</p>"},
                                {"g0", "Late", "Mon, 02 Jan 2023 10:00:00 GMT", "<p>late</p>"}}));
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = nlohmann::json::parse(r.out)["sources"][0];
  EXPECT_EQ(s["new"], 1);
  EXPECT_EQ(s["updated"], 1);
  EXPECT_EQ(s["unchanged"], 1);
  EXPECT_EQ(ArticleNames("Feed"),
            (std::vector<std::string>{"1048572_Late.md", "1048573_Second.md", "1048574_First.md"}));
  std::string second = Slurp(mirror_ + "/articles/Feed/1048573_Second.md");
  EXPECT_NE(second.find("<p>two, corrected</p>"), std::string::npos);
  EXPECT_EQ(second.substr(0, 20), "<!--1672912800000-->") << "the first publication time is kept";

  // The old entries drop out of the feed: nothing is removed from the archive.
  server_.Serve("/f", 200, Rss({{"g3", "Third", "Sun, 08 Jan 2023 10:00:00 GMT", "<p>three</p>"}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  EXPECT_EQ(ArticleNames("Feed").size(), 4u);
  std::string list = Slurp(mirror_ + "/lists/Feed.md");
  EXPECT_LT(list.find("[Third]"), list.find("[Second]"));
  EXPECT_LT(list.find("[First]"), list.find("[Late]"));
}

TEST_F(E2eTest, ExistingArchiveWithBothNameFormsIsContinued) {
  std::string folder = mirror_ + "/articles/Feed";
  ASSERT_TRUE(MakeDirs(folder).ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1040000.md",
                              "<!--1672826400000-->\n[First](https://news.example/a/g1)\n------\n\n<p>one</p>\n").ok());
  ASSERT_TRUE(WriteFileAtomic(folder + "/1039999_Second.md",
                              "<!--1672912800000-->\n[Second](https://news.example/a/g2)\n------\n\n<p>two</p>\n").ok());
  auto before = Files(mirror_);
  std::string config = WriteConfig(ConfigWith({{"Feed", server_.Url("/f")}}));
  server_.Serve("/f", 200, Rss({{"g3", "Third", "Sun, 08 Jan 2023 10:00:00 GMT", "<p>three</p>"},
                                {"g2", "Second", "Thu, 05 Jan 2023 10:00:00 GMT", "<p>two</p>"},
                                {"g1", "First", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>one</p>"}}));
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["new"], 1) << r.out;
  EXPECT_EQ(ArticleNames("Feed"),
            (std::vector<std::string>{"1039998_Third.md", "1039999_Second.md", "1040000.md"}));
  // The old files are untouched.
  auto after = Files(mirror_);
  for (const auto& [path, data] : before) EXPECT_EQ(after[path], data) << path;
  // And a second run, now from the state file, still adds nothing.
  CliResult again = Run(config, {"--json"});
  EXPECT_EQ(nlohmann::json::parse(again.out)["sources"][0]["new"], 0);
  EXPECT_EQ(ArticleNames("Feed").size(), 3u);
}

std::string GzipBomb(size_t decoded_bytes) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0'), out;
  std::vector<unsigned char> buf(1 << 16);
  for (size_t done = 0; done < decoded_bytes; done += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    int flush = done + zeros.size() >= decoded_bytes ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(reinterpret_cast<char*>(buf.data()), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// A mirror of an earlier version keeps an outlet's state in one file,
// state/{outlet}.tsv: it is read as it is, and converted to the folder (the old
// file deleted in the same commit) when the outlet next changes.
TEST_F(E2eTest, AnOldSingleStateFileIsConvertedAtTheNextChange) {
  std::string config = WriteConfig(ConfigWith({{"Feed", server_.Url("/f")}}));
  std::vector<Item> items = {{"g1", "First", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>one</p>"}};
  server_.Serve("/f", 200, Rss(items), {{"ETag", "\"v1\""}});
  ASSERT_EQ(Run(config, {"--commit"}).exit_code, 0);
  auto state = ReadOutletState(mirror_, "Feed");
  ASSERT_TRUE(state.ok());
  fs::remove_all(mirror_ + "/state/Feed");
  ASSERT_TRUE(WriteFileAtomic(mirror_ + "/state/Feed.tsv", SerializeOutletState(*state)).ok());
  Shell("git -C '" + mirror_ + "' add -A && git -C '" + mirror_ + "' -c user.name=T -c user.email=t@x commit -qm old");

  CliResult same = Run(config, {"--commit", "--json"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(server_.LastRequestHeader("/f", "If-None-Match"), "\"v1\"");
  EXPECT_TRUE(nlohmann::json::parse(same.out)["written"].empty()) << same.out;
  EXPECT_TRUE(fs::exists(mirror_ + "/state/Feed.tsv"));

  items.insert(items.begin(), {"g2", "Second", "Thu, 05 Jan 2023 10:00:00 GMT", "<p>two</p>"});
  server_.Serve("/f", 200, Rss(items), {{"ETag", "\"v2\""}});
  CliResult next = Run(config, {"--commit", "--json"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(nlohmann::json::parse(next.out)["sources"][0]["new"], 1) << next.out;
  EXPECT_EQ(ArticleNames("Feed"), (std::vector<std::string>{"1048573_Second.md", "1048574_First.md"}));
  EXPECT_FALSE(fs::exists(mirror_ + "/state/Feed.tsv"));
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' ls-tree -r --name-only HEAD state"),
            "state/Feed/10485.tsv\nstate/Feed/feed.tsv\n");
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' status --porcelain"), "");
  auto converted = ReadOutletState(mirror_, "Feed");
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->records.size(), 2u);
  EXPECT_EQ(converted->validators.etag, "\"v2\"");
}

TEST_F(E2eTest, FailingSourcesDoNotStopTheHealthyOnes) {
  server_.Serve("/good", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  server_.Serve("/500", 500, "oops");
  server_.Serve("/loop", 302, "", {{"Location", server_.Url("/loop")}});
  server_.Serve("/bomb", 200, GzipBomb(64u << 20), {{"Content-Encoding", "gzip"}});
  server_.ServeRaw("/truncated", [](int fd, const std::string&) {
    TestHttpServer::WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n<rss version=\"2.0\"><channel>");
  });
  server_.Serve("/notxml", 200, "<html><body>Service unavailable</body></html>");
  server_.Serve("/garbage", 200, std::string("\x01\x02\x03 binary garbage \xff\xfe", 22));
  std::vector<std::pair<std::string, std::string>> sources = {
      {"HTTP500", server_.Url("/500")},
      {"Refused", "http://127.0.0.1:" + std::to_string(UnusedLoopbackPort()) + "/feed"},
      {"Loop", server_.Url("/loop")},
      {"Bomb", server_.Url("/bomb")},
      {"Truncated", server_.Url("/truncated")},
      {"NotXml", server_.Url("/notxml")},
      {"Garbage", server_.Url("/garbage")},
      {kVoa, server_.Url("/good")},
  };
  std::string config = WriteConfig(ConfigWith(sources, "max_size_mb = 1\n"));
  CliResult r = Run(config, {"--json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(fs::exists(mirror_ + "/articles/" + kVoa + "/1048574_" + kSeedTitle + ".md")) << r.err;
  auto summary = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> reasons;
  for (const auto& s : summary["sources"]) {
    if (s["failed"].get<bool>()) reasons[s["name"]] = s["reason"];
  }
  EXPECT_EQ(reasons.size(), sources.size() - 1) << r.out;
  EXPECT_NE(reasons["HTTP500"].find("HTTP 500"), std::string::npos) << reasons["HTTP500"];
  EXPECT_NE(reasons["Loop"].find("redirect"), std::string::npos) << reasons["Loop"];
  EXPECT_NE(reasons["Bomb"].find("bytes"), std::string::npos) << reasons["Bomb"];
  EXPECT_NE(reasons["NotXml"].find("not a feed"), std::string::npos) << reasons["NotXml"];
  EXPECT_FALSE(reasons["Refused"].empty());
  EXPECT_FALSE(reasons["Truncated"].empty());
  EXPECT_FALSE(reasons["Garbage"].empty());
  // Every failure is named on stderr with its source.
  for (const auto& [name, reason] : reasons) {
    EXPECT_NE(r.err.find("newsmirror: " + name + ": "), std::string::npos) << name << "\n" << r.err;
  }
}

TEST_F(E2eTest, MalformedXmlIsRecoveredNotRejected) {
  // Undefined HTML entities, a bare ampersand, and an unclosed tag.
  server_.Serve("/broken", 200,
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t &mdash; x</title>"
                "<item><title>Tom &amp; Jerry&nbsp;&hellip; R&D</title><link>https://news.example/a/1</link>"
                "<pubDate>Wed, 04 Jan 2023 10:00:00 GMT</pubDate><description><p>unclosed</description></item>"
                "</channel>");
  std::string config = WriteConfig(ConfigWith({{"Broken", server_.Url("/broken")}}));
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto names = ArticleNames("Broken");
  ASSERT_EQ(names.size(), 1u) << r.out;
  EXPECT_EQ(names[0], "1048574_Tom & Jerry\xC2\xA0\xE2\x80\xA6 R&D.md");
}

TEST_F(E2eTest, CommitAndPushToLocalBareRepositories) {
  std::string a = dir_.path() + "/a.git", b = dir_.path() + "/b.git";
  Shell("git init -q --bare '" + a + "' && git init -q --bare '" + b + "'");
  ASSERT_TRUE(MakeDirs(mirror_).ok());
  Shell("git -C '" + mirror_ + "' init -q -b main && git -C '" + mirror_ + "' remote add a '" + a +
        "' && git -C '" + mirror_ + "' remote add dead '" + dir_.path() + "/nowhere.git' && git -C '" + mirror_ +
        "' remote add b '" + b + "'");
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}) + "[publish]\nremotes = [\"a\", \"dead\", \"b\"]\n");
  // [publish] must come before [[source]] tables in TOML; rebuild the text in that order.
  config = WriteConfig("[publish]\nremotes = [\"a\", \"dead\", \"b\"]\n" + ConfigWith({{kVoa, server_.Url("/voa")}}));
  CliResult r = Run(config, {"--commit", "--push"});
  EXPECT_EQ(r.exit_code, 2) << "one remote failed: " << r.err;
  EXPECT_NE(r.err.find("push to dead failed"), std::string::npos) << r.err;

  std::string head = Shell("git -C '" + mirror_ + "' rev-parse HEAD");
  EXPECT_EQ(Shell("git -C '" + a + "' rev-parse main"), head);
  EXPECT_EQ(Shell("git -C '" + b + "' rev-parse main"), head);
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' log -1 --format=%B"), "Archive 1 new article\n\n" + kVoa + ": 1 new\n\n");
  std::string tree = Shell("git -C '" + b + "' -c core.quotepath=off ls-tree -r --name-only main");
  EXPECT_EQ(tree, ".gitignore\nREADME.md\narticles/" + kVoa + "/1048574_" + kSeedTitle + ".md\nfeeds/all.xml\nfeeds/" +
                      kVoa + ".xml\nlists/" + kVoa + ".md\nlists/" + kVoa + "/2023-01.md\nstate/" + kVoa + "/10485.tsv\nstate/" + kVoa +
                      "/feed.tsv\n");
  // The committed article is the seed article.
  EXPECT_EQ(Shell("git -C '" + b + "' show 'main:articles/" + kVoa + "/1048574_" + kSeedTitle + ".md'"),
            Slurp(Shared("seed/000_aaf80997af946b83.txt")));

  // Nothing changed: no new commit.
  CliResult again = Run(config, {"--commit"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' rev-parse HEAD"), head);
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' rev-list --count HEAD"), "1\n");
}

TEST_F(E2eTest, UsageAndConfigurationErrorsExitWithOne) {
  std::string config = WriteConfig("[archive]\nlist_sise = 3\n");
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("newsmirror.toml:2: unknown key 'list_sise'"), std::string::npos) << r.err;
  CliResult bad_flag = RunNewsmirror({"run", "--no-such-flag"});
  EXPECT_EQ(bad_flag.exit_code, 1);
  config = WriteConfig(ConfigWith({{"A", server_.Url("/a")}}));
  CliResult unknown = Run(config, {"--source", "B"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no source named 'B'"), std::string::npos) << unknown.err;
  CliResult help = RunNewsmirror({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--commit"), std::string::npos);
}

TEST_F(E2eTest, OnlyTheChosenSourcesRun) {
  server_.Serve("/a", 200, Rss({{"a1", "A one", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>a</p>"}}));
  server_.Serve("/b", 200, Rss({{"b1", "B one", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>b</p>"}}));
  std::string config = WriteConfig(ConfigWith({{"A", server_.Url("/a")}, {"B", server_.Url("/b")}}));
  ASSERT_EQ(Run(config, {"--source", "B"}).exit_code, 0);
  EXPECT_EQ(server_.Hits("/a"), 0);
  EXPECT_EQ(ArticleNames("B").size(), 1u);
  // The README still links every configured outlet.
  std::string readme = Slurp(mirror_ + "/README.md");
  EXPECT_NE(readme.find("[A]"), std::string::npos);
  EXPECT_NE(readme.find("[B]"), std::string::npos);
}

TEST_F(E2eTest, DryRunWritesNothing) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  CliResult r = Run(config, {"--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["written"].empty());
  EXPECT_FALSE(fs::exists(mirror_ + "/articles"));
}

TEST_F(E2eTest, DryRunTakesNoLockAndCreatesNoFolder) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  CliResult fresh = Run(config, {"--dry-run"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(fs::exists(mirror_)) << "a dry run creates no folder (and so no .newsmirror/lock)";
  ASSERT_EQ(Run(config).exit_code, 0);
  // While a run holds the lock, a dry run still reads; a real run is refused.
  auto lock = RunLock::Acquire(mirror_);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  CliResult dry = Run(config, {"--dry-run", "--json"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(nlohmann::json::parse(dry.out, nullptr, false)["ok"].get<bool>()) << dry.out;
  CliResult busy = Run(config);
  EXPECT_EQ(busy.exit_code, 3) << busy.err;
}

TEST_F(E2eTest, AConfigurationWithoutAnEnabledSourceIsAnError) {
  std::string config = WriteConfig("[fetch]\nretries = 0\n");
  CliResult none = Run(config);
  EXPECT_EQ(none.exit_code, 1) << none.err;
  EXPECT_NE(none.err.find(config + ": no [[source]] is enabled"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(mirror_)) << "refused before the mirror is opened";
  server_.Serve("/a", 200, Rss({{"a1", "A one", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>a</p>"}}));
  config = WriteConfig(ConfigWith({{"A", server_.Url("/a")}}) + "enabled = false\n");
  CliResult disabled = Run(config);
  EXPECT_EQ(disabled.exit_code, 1) << disabled.err;
  EXPECT_NE(disabled.err.find("no [[source]] is enabled"), std::string::npos) << disabled.err;
  // Naming a disabled source runs it: the operator asked for it.
  CliResult named = Run(config, {"--source", "A"});
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(ArticleNames("A").size(), 1u);
}

TEST_F(E2eTest, AnInvalidSelectorStopsTheRunBeforeAnythingIsFetched) {
  server_.Serve("/a", 200, Rss({{"a1", "A one", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>a</p>"}}));
  std::string config = WriteConfig(ConfigWith({{"A", server_.Url("/a")}}) + "full_text = \"page\"\nselector = \"div[[[[\"\n");
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("newsmirror.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("selector 'div[[[['"), std::string::npos) << r.err;
  EXPECT_EQ(server_.Hits("/a"), 0);
  EXPECT_FALSE(fs::exists(mirror_));
}

TEST_F(E2eTest, OfflineExampleRuns) {
  CliResult r = RunNewsmirror({"run", "--config", std::string(NEWSMIRROR_SOURCE_DIR) + "/examples/offline.toml",
                               "--out", mirror_, "--commit", "--json"},
                              {"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=t@example.invalid",
                               "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=t@example.invalid"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto summary = nlohmann::json::parse(r.out);
  int added = 0;
  for (const auto& s : summary["sources"]) added += s["new"].get<int>();
  EXPECT_EQ(added, 4);
  EXPECT_TRUE(summary["committed"].get<bool>());
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST_F(E2eTest, MirrorFeedsFollowANewRawBaseUrlEvenWithoutNews) {
  server_.Serve("/voa", 200, Slurp(Shared("fixtures/seed-feed.xml")));
  std::string config = WriteConfig(ConfigWith({{kVoa, server_.Url("/voa")}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  std::string before = Slurp(mirror_ + "/feeds/all.xml");
  EXPECT_EQ(before.find("rel=\"self\""), std::string::npos);
  // Nothing new and the same configuration: the feeds are not even rebuilt.
  CliResult same = Run(config, {"--json"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(nlohmann::json::parse(same.out)["written"].empty()) << same.out;
  // A new raw_base_url: the feeds are written again with it.
  config = WriteConfig("[publish]\nraw_base_url = \"https://raw.example/mirror/main\"\n" +
                       ConfigWith({{kVoa, server_.Url("/voa")}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  std::string after = Slurp(mirror_ + "/feeds/all.xml");
  EXPECT_NE(after.find("href=\"https://raw.example/mirror/main/feeds/all.xml\""), std::string::npos) << after;
  EXPECT_NE(after.find("https://raw.example/mirror/main/articles/"), std::string::npos);
  EXPECT_NE(Slurp(mirror_ + "/feeds/" + kVoa + ".xml").find("https://raw.example/mirror/main/articles/"),
            std::string::npos);
}

TEST_F(E2eTest, OnlyTheFeedsOfOutletsThatChangedAreRebuilt) {
  server_.Serve("/a", 200, Rss({{"a1", "A one", "Wed, 04 Jan 2023 10:00:00 GMT", "<p>a</p>"}}));
  server_.Serve("/b", 200, Rss({{"b1", "B one", "Wed, 04 Jan 2023 11:00:00 GMT", "<p>b</p>"}}));
  std::string config = WriteConfig(ConfigWith({{"A", server_.Url("/a")}, {"B", server_.Url("/b")}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  ASSERT_TRUE(fs::exists(mirror_ + "/feeds/A.xml"));
  // B has news: its feed and feeds/all.xml are written, A's is not rebuilt (a
  // stand-in put there stays).
  ASSERT_TRUE(WriteFileAtomic(mirror_ + "/feeds/A.xml", "stand-in").ok());
  server_.Serve("/b", 200, Rss({{"b2", "B two", "Thu, 05 Jan 2023 11:00:00 GMT", "<p>b2</p>"},
                                {"b1", "B one", "Wed, 04 Jan 2023 11:00:00 GMT", "<p>b</p>"}}));
  CliResult r = Run(config, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto written = nlohmann::json::parse(r.out)["written"];
  auto has = [&](const std::string& path) { return std::find(written.begin(), written.end(), path) != written.end(); };
  EXPECT_TRUE(has("feeds/B.xml")) << written;
  EXPECT_TRUE(has("feeds/all.xml")) << written;
  EXPECT_FALSE(has("feeds/A.xml")) << written;
  EXPECT_EQ(Slurp(mirror_ + "/feeds/A.xml"), "stand-in");
  EXPECT_NE(Slurp(mirror_ + "/feeds/all.xml").find("B two"), std::string::npos);
  // A feed that is missing is written again by the next run that has news.
  fs::remove(mirror_ + "/feeds/A.xml");
  server_.Serve("/b", 200, Rss({{"b3", "B three", "Fri, 06 Jan 2023 11:00:00 GMT", "<p>b3</p>"}}));
  ASSERT_EQ(Run(config).exit_code, 0);
  EXPECT_NE(Slurp(mirror_ + "/feeds/A.xml").find("A one"), std::string::npos);
}

}  // namespace
}  // namespace nm

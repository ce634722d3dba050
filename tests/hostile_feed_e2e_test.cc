// End to end: hostile feeds through the newsmirror binary. A rerun of the
// same feed changes nothing, no entry is lost to an oversized one, and no
// date from a feed reaches a list or a file name it does not belong in.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

class HostileFeedE2eTest : public ::testing::Test {
 protected:
  // Serves `xml` as the feed of outlet "Feed" and runs newsmirror on it with --json.
  nlohmann::json RunOn(const std::string& xml) {
    server_.Serve("/f", 200, xml, {{"Content-Type", "application/rss+xml"}});
    std::string config = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(config, "[[source]]\nname = \"Feed\"\nurl = \"" + server_.Url("/f") + "\"\n").ok());
    CliResult r = RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json"}, TestGitEnv());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto summary = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(summary.is_discarded()) << r.out;
    return summary.is_discarded() ? nlohmann::json() : summary["sources"][0];
  }
  std::vector<std::string> Names(const std::string& folder) {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(mirror_ + "/" + folder, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

std::string Item(const std::string& guid, const std::string& title, const std::string& date, const std::string& body) {
  return "<item><title>" + title + "</title><link>https://news.example/" + guid + "</link><guid>" + guid +
         "</guid><pubDate>" + date + "</pubDate><description>" + body + "</description></item>";
}

std::string Rss(const std::string& items) { return "<rss version=\"2.0\"><channel><title>t</title>" + items + "</channel></rss>"; }

TEST_F(HostileFeedE2eTest, TenThousandEntriesWithOneGuidAreOneArticleAndARerunUpdatesNothing) {
  std::string items;
  for (int i = 0; i < 10000; ++i) {
    items += Item("same", "Same story", "Wed, 04 Jan 2023 10:00:00 GMT", "version " + std::to_string(i));
  }
  nlohmann::json first = RunOn(Rss(items));
  EXPECT_EQ(first["new"], 1);
  EXPECT_EQ(first["updated"], 0);
  nlohmann::json second = RunOn(Rss(items));
  EXPECT_EQ(second["new"], 0);
  EXPECT_EQ(second["updated"], 0) << second.dump();
  EXPECT_EQ(second["unchanged"], 1);
  ASSERT_EQ(Names("articles/Feed").size(), 1u);
  auto text = ReadFile(mirror_ + "/articles/Feed/" + Names("articles/Feed")[0]);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("version 0"), std::string::npos) << "the first of the feed is archived";
}

TEST_F(HostileFeedE2eTest, AnEntryAfterA19MbTitleIsArchivedIntact) {
  std::string title;
  title.reserve(19u << 20);
  while (title.size() < 19000000) title += std::string(1000, 'x') + "&amp;";
  nlohmann::json s = RunOn(Rss(Item("big", title, "Wed, 04 Jan 2023 10:00:00 GMT", "big") +
                               Item("next", "The next entry", "Wed, 04 Jan 2023 11:00:00 GMT", "next body")));
  EXPECT_EQ(s["new"], 2) << s.dump();
  std::vector<std::string> names = Names("articles/Feed");
  ASSERT_EQ(names.size(), 2u);
  auto next = ReadFile(mirror_ + "/articles/Feed/" + names[0]);  // the newest: the smaller id
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, "<!--1672830000000-->\n[The next entry](https://news.example/next)\n------\n\nnext body\n");
}

TEST_F(HostileFeedE2eTest, ADateIn9999IsNotBelievedAndMakesNoMonthOf10000) {
  nlohmann::json s = RunOn(Rss(Item("far", "Far", "Fri, 31 Dec 9999 23:00:00 GMT", "far") +
                               Item("ok", "Ok", "Wed, 04 Jan 2023 10:00:00 GMT", "ok")));
  EXPECT_EQ(s["new"], 2);
  for (const std::string& month : Names("lists/Feed")) {
    EXPECT_EQ(month.size(), 10u) << month;  // YYYY-MM.md
    EXPECT_NE(month, "9999-12.md");
  }
  bool warned = false;
  for (const auto& w : s["warnings"]) warned |= w.get<std::string>().find("9999") != std::string::npos;
  EXPECT_TRUE(warned) << s.dump();
}

}  // namespace
}  // namespace nm

// End to end: the readers' commands (search, site) on a mirror built by run.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <filesystem>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "search/search_index.h"
#include "support/cli.h"
#include "layout/layout.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kSeedTitle = "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟";

class ReaderE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml", dir_.path() + "/seed-feed.xml");
    WriteConfig("seed-feed.xml");
    CliResult r = RunNewsmirror({"run", "-q", "--config", config_, "--out", mirror_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void WriteConfig(const std::string& feed) {
    ASSERT_TRUE(WriteFileAtomic(config_, "[archive]\nimage_proxy = \"\"\n[[source]]\nname = \"美国之音\"\nurl = \"file:" +
                                             feed + "\"\n").ok());
  }
  nlohmann::json Search(std::vector<std::string> extra) {
    std::vector<std::string> args = {"search", "--archive", mirror_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = RunNewsmirror(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  TempDir dir_;
  std::string config_ = dir_.path() + "/newsmirror.toml";
  std::string mirror_ = dir_.path() + "/mirror";
};

// `serve` runs until SIGINT or SIGTERM, then stops cleanly (exit 0), answering until then.
TEST_F(ReaderE2eTest, ServeStopsOnSigintAndSigterm) {
  for (int signal_number : {SIGINT, SIGTERM}) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::execl(NEWSMIRROR_BINARY, NEWSMIRROR_BINARY, "serve", "--archive", mirror_.c_str(), "--port", "0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    // The first line names the address once the server listens.
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    size_t at = line.find("127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << line;
    int port = std::stoi(line.substr(at + 10));
    httplib::Client client("127.0.0.1", port);
    auto home = client.Get("/index.html");
    ASSERT_TRUE(home) << line;
    EXPECT_NE(home->body.find("美国之音"), std::string::npos) << line;

    ASSERT_EQ(::kill(pid, signal_number), 0);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 100 && done == 0; ++i) {
      done = ::waitpid(pid, &status, WNOHANG);
      if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (done == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      FAIL() << "serve did not stop within 5 s of signal " << signal_number;
    }
    ASSERT_TRUE(WIFEXITED(status)) << "signal " << signal_number << " killed it instead of stopping it";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

TEST_F(ReaderE2eTest, SearchFindsTheSeedArticle) {
  nlohmann::json hits = Search({"岸田"});
  ASSERT_EQ(hits.size(), 1u) << hits.dump();
  EXPECT_EQ(hits[0]["title"], kSeedTitle);
  EXPECT_EQ(hits[0]["outlet"], "美国之音");
  EXPECT_EQ(hits[0]["path"], "articles/美国之音/1048574_" + kSeedTitle + ".md");
  EXPECT_EQ(hits[0]["published"], "2023-01-04T14:39:05Z");
  EXPECT_NE(hits[0]["snippet"].get<std::string>().find("岸田"), std::string::npos);
  EXPECT_TRUE(fs::exists(mirror_ + "/.newsmirror/search.sqlite"));

  EXPECT_EQ(Search({"拜登", "G7"}).size(), 1u);
  EXPECT_EQ(Search({"--source", "BBC", "岸田"}).size(), 0u);
  EXPECT_EQ(Search({"--since", "2024-01-01", "岸田"}).size(), 0u);
  EXPECT_EQ(Search({"--since", "2023-01-01", "岸田"}).size(), 1u);
  CliResult bad = RunNewsmirror({"search", "--archive", mirror_, "--since", "soon", "岸田"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--since"), std::string::npos);

  CliResult text = RunNewsmirror({"search", "--archive", mirror_, "岸田"});
  EXPECT_NE(text.out.find("【岸田】"), std::string::npos) << text.out;
}

TEST_F(ReaderE2eTest, RunUpdatesAnExistingIndex) {
  ASSERT_EQ(Search({"岸田"}).size(), 1u);  // builds the index
  std::string feed = *ReadFile(dir_.path() + "/seed-feed.xml");
  size_t item = feed.find("<item>");
  ASSERT_NE(item, std::string::npos);
  feed.insert(item, "<item><title>台积电宣布新厂</title><link>https://news.example/tsmc</link>"
                    "<pubDate>Thu, 05 Jan 2023 10:00:00 GMT</pubDate><description>&lt;p&gt;芯片工厂&lt;/p&gt;</description></item>");
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/more.xml", feed).ok());
  WriteConfig("more.xml");
  CliResult r = RunNewsmirror({"run", "-q", "--config", config_, "--out", mirror_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Read the index as run left it, without syncing it here.
  auto idx = SearchIndex::Open(mirror_ + "/" + layout::SearchIndexPath());
  ASSERT_TRUE(idx.ok());
  SearchQuery q;
  q.text = "芯片工厂";
  auto hits = idx->Search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].title, "台积电宣布新厂");
}

TEST_F(ReaderE2eTest, SiteBuildsAndRebuildsNothingWhenNothingChanged) {
  std::string site = dir_.path() + "/site";
  CliResult r = RunNewsmirror({"site", "--archive", mirror_, "--out", site, "--base-url", "https://mirror.example/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(site + "/index.html")->find(kSeedTitle), std::string::npos);
  EXPECT_NE(ReadFile(site + "/feeds/all.xml")->find("href=\"https://mirror.example/outlets/"), std::string::npos);
  CliResult again = RunNewsmirror({"site", "--archive", mirror_, "--out", site, "--base-url", "https://mirror.example/"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.err.find(" 0 written"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace nm

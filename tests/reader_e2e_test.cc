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

// The port `serve` listens on, from the first line it prints on `fd` (then
// closed); 0 when the line names none.
int ServePort(int fd, std::string* line) {
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') *line += c;
  ::close(fd);
  size_t at = line->find("127.0.0.1:");
  return at == std::string::npos ? 0 : std::stoi(line->substr(at + 10));
}

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
    // The first line names the address once the server listens.
    ServeProcess serve = StartServe(mirror_);
    ASSERT_GT(serve.port, 0) << serve.first_line;
    pid_t pid = serve.pid;
    const std::string& line = serve.first_line;
    httplib::Client client("127.0.0.1", serve.port);
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

TEST_F(ReaderE2eTest, ReadersRefuseAFolderThatIsNotAMirror) {
  std::string typo = dir_.path() + "/typo", site = dir_.path() + "/site";
  CliResult search = RunNewsmirror({"search", "--archive", typo, "岸田"});
  EXPECT_EQ(search.exit_code, 1) << search.err;
  EXPECT_NE(search.err.find(typo + ": no such folder"), std::string::npos) << search.err;
  EXPECT_EQ(search.err.find("no articles match"), std::string::npos) << "not an empty answer";
  EXPECT_FALSE(fs::exists(typo)) << "no " << typo << "/.newsmirror/search.sqlite";
  CliResult built = RunNewsmirror({"site", "--archive", typo, "--out", site});
  EXPECT_EQ(built.exit_code, 1) << built.err;
  EXPECT_NE(built.err.find(typo), std::string::npos) << built.err;
  EXPECT_FALSE(fs::exists(site)) << "no empty site";
  CliResult served = RunNewsmirror({"serve", "--archive", typo, "--port", "0"});
  EXPECT_EQ(served.exit_code, 1) << served.err;
  EXPECT_NE(served.err.find(typo), std::string::npos) << served.err;
  // A folder that exists but holds no mirror (the configuration's folder, say).
  CliResult elsewhere = RunNewsmirror({"search", "--archive", dir_.path(), "岸田"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("not a newsmirror mirror"), std::string::npos) << elsewhere.err;
  EXPECT_FALSE(fs::exists(dir_.path() + "/.newsmirror"));
}

// Runs `command` in a private mount namespace where each of `read_only` is a
// read-only bind mount of itself; false when this machine cannot.
std::string InReadOnlyMounts(const std::vector<std::string>& read_only, const std::string& command) {
  std::string script = "set -e\n";
  for (const std::string& dir : read_only) {
    script += "mount --bind '" + dir + "' '" + dir + "'\nmount -o remount,bind,ro '" + dir + "' '" + dir + "'\n";
  }
  return script + command + "\n";
}

bool CanMountReadOnly(const std::string& dir) {
  int rc = -1;
  Shell("unshare -m sh -c \"mount --bind '" + dir + "' '" + dir + "' && mount -o remount,bind,ro '" + dir + "' '" +
            dir + "' && ! touch '" + dir + "/probe'\" 2>/dev/null",
        &rc);
  return rc == 0;
}

TEST_F(ReaderE2eTest, AReadOnlyMirrorIsSearchedRenderedAndServed) {
  if (!CanMountReadOnly(mirror_)) GTEST_SKIP() << "no private mount namespace here (needs unshare -m)";
  std::string cache = dir_.path() + "/cache", site = dir_.path() + "/site";
  ASSERT_TRUE(MakeDirs(cache).ok());
  std::string bin = NEWSMIRROR_BINARY;
  auto run = [&](const std::vector<std::string>& ro, const std::string& command, int* rc) {
    std::string path = dir_.path() + "/ro.sh";
    EXPECT_TRUE(WriteFileAtomic(path, InReadOnlyMounts(ro, command)).ok());
    return Shell("unshare -m sh '" + path + "' 2>&1", rc);
  };
  int rc = -1;
  // The index goes to the cache outside the mirror.
  std::string out = run({mirror_}, "XDG_CACHE_HOME='" + cache + "' '" + bin + "' search --archive '" + mirror_ +
                                       "' --json 岸田", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(kSeedTitle), std::string::npos) << out;
  EXPECT_NE(out.find("cannot be written; the search index is kept in " + cache + "/newsmirror/search/"),
            std::string::npos) << out;
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/search.sqlite"));
  EXPECT_TRUE(fs::exists(cache + "/newsmirror/search")) << out;
  // Nowhere to write at all: in memory, and still an answer.
  out = run({mirror_, cache}, "XDG_CACHE_HOME='" + cache + "' '" + bin + "' search --archive '" + mirror_ +
                                  "' 岸田", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("kept in memory"), std::string::npos) << out;
  EXPECT_NE(out.find("【岸田】"), std::string::npos) << out;
  // The site reads it.
  out = run({mirror_}, "'" + bin + "' site --archive '" + mirror_ + "' --out '" + site + "'", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(ReadFile(site + "/index.html")->find(kSeedTitle), std::string::npos);

  // serve, searching with the cache outside the mirror.
  std::string script = dir_.path() + "/serve.sh";
  ASSERT_TRUE(WriteFileAtomic(script, InReadOnlyMounts({mirror_}, "XDG_CACHE_HOME='" + cache + "' exec '" + bin +
                                                                     "' serve --archive '" + mirror_ + "' --port 0"))
                  .ok());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::close(pipe_fds[0]);
    ::execlp("unshare", "unshare", "-m", "sh", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string line;
  int port = ServePort(pipe_fds[0], &line);
  if (port > 0) {
    httplib::Client client("127.0.0.1", port);
    auto found = client.Get("/search.html?q=%E5%B2%B8%E7%94%B0");
    ASSERT_TRUE(found) << line;
    EXPECT_NE(found->body.find("找到 1 篇"), std::string::npos);
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_GT(port, 0) << "serve did not start on the read-only mirror: " << line;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(ReaderE2eTest, SearchPagesWithOffsetAndTellsTheTotal) {
  CliResult page = RunNewsmirror({"search", "--archive", mirror_, "--limit", "1", "岸田"});
  EXPECT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.err.find("1 article matches '岸田'; showing 1-1"), std::string::npos) << page.err;
  CliResult beyond = RunNewsmirror({"search", "--archive", mirror_, "--offset", "1", "岸田"});
  EXPECT_EQ(beyond.exit_code, 0);
  EXPECT_EQ(beyond.out, "");
  EXPECT_NE(beyond.err.find("1 article matches '岸田'; none after --offset 1"), std::string::npos) << beyond.err;
  nlohmann::json none = Search({"--offset", "1", "岸田"});
  EXPECT_TRUE(none.is_array() && none.empty()) << none.dump();
}

}  // namespace
}  // namespace nm

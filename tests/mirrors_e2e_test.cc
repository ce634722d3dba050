// End to end: every copy of the mirror names the others ([publish] mirrors),
// and each remote's pushes are reported and recorded (state/pushes.txt).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <array>
#include <regex>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_files.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kVoa = "美国之音";

std::string Rss(const std::vector<std::array<std::string, 3>>& items) {  // guid, title, date
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>";
  for (const auto& [guid, title, date] : items) {
    xml += "<item><title>" + title + "</title><link>https://news.example/a/" + guid + "</link><guid>" + guid +
           "</guid><pubDate>" + date + "</pubDate><description>&lt;p&gt;正文 " + guid +
           "&lt;/p&gt;</description></item>";
  }
  return xml + "</channel></rss>";
}

struct Copy {
  std::string name, url, markdown_url, html_url;
};

// The copies the configuration below names: a Chinese name, one with
// parentheses and an '&' that would start "&copy;" in a URL.
const std::vector<Copy> kCopies = {
    {"GitHub", "https://github.com/u/r", "https://github.com/u/r", "https://github.com/u/r"},
    {"镜像 (Codeberg)", "https://codeberg.org/u/r?x=1&copy;=2", "https://codeberg.org/u/r?x=1&amp;copy;=2",
     "https://codeberg.org/u/r?x=1&amp;copy;=2"},
    {"网站", "https://u.example/r/", "https://u.example/r/", "https://u.example/r/"},
};

std::string MirrorsToml(const std::vector<Copy>& copies) {
  std::string out = "mirrors = [\n";
  for (const Copy& c : copies) out += "  { name = \"" + c.name + "\", url = \"" + c.url + "\" },\n";
  return out + "]\n";
}

// Every inline Markdown link of `md` as (text, destination), read the way
// CommonMark reads the links newsmirror writes: "[" text without brackets
// "](" destination without spaces or parentheses ")". A page whose text
// holds another '[' or '](' than those of such links fails the count below.
std::vector<std::pair<std::string, std::string>> MarkdownLinks(const std::string& md) {
  std::vector<std::pair<std::string, std::string>> out;
  std::regex link(R"(\[([^\[\]\\]*)\]\(([^()\s<>\\]*)\))");
  for (auto it = std::sregex_iterator(md.begin(), md.end(), link); it != std::sregex_iterator(); ++it) {
    out.emplace_back((*it)[1], (*it)[2]);
  }
  return out;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// `md` names each copy exactly once, as one link to its URL, after a heading,
// and its links are as many as its '[' and '](': none is broken.
void ExpectCopiesInMarkdown(const std::string& md, const std::vector<Copy>& copies, const std::string& page) {
  auto links = MarkdownLinks(md);
  EXPECT_EQ(links.size(), Count(md, "](")) << page << ": a link that does not read as one\n" << md;
  EXPECT_EQ(links.size(), Count(md, "[")) << page << "\n" << md;
  EXPECT_EQ(Count(md, "\n## 其他镜像\n\n若本页被封锁，请访问：\n\n"), 1u) << page << "\n" << md;
  for (const Copy& c : copies) {
    size_t n = 0;
    for (const auto& [text, dest] : links) {
      if (text == c.name) {
        ++n;
        EXPECT_EQ(dest, c.markdown_url) << page;
      }
    }
    EXPECT_EQ(n, 1u) << page << ": " << c.name << "\n" << md;
  }
}

// `html` names each copy exactly once, as one <a href> to its URL inside the
// page's list of copies.
void ExpectCopiesInHtml(const std::string& html, const std::vector<Copy>& copies, const std::string& page) {
  size_t nav = html.find("<nav class=\"mirrors\" aria-label=\"其他镜像\"><h2>其他镜像</h2><p>若本页被封锁，请访问：</p><ul>");
  ASSERT_NE(nav, std::string::npos) << page << "\n" << html;
  EXPECT_EQ(Count(html, "<nav class=\"mirrors\""), 1u) << page;
  std::string list = html.substr(nav, html.find("</nav>", nav) - nav);
  std::regex item(R"re(<li><a href="([^"<>]*)">([^<>]*)</a></li>)re");
  std::vector<std::pair<std::string, std::string>> links;
  for (auto it = std::sregex_iterator(list.begin(), list.end(), item); it != std::sregex_iterator(); ++it) {
    links.emplace_back((*it)[2], (*it)[1]);
  }
  ASSERT_EQ(links.size(), copies.size()) << page << "\n" << list;
  for (size_t i = 0; i < copies.size(); ++i) {
    EXPECT_EQ(links[i].first, copies[i].name) << page;
    EXPECT_EQ(links[i].second, copies[i].html_url) << page;
    EXPECT_EQ(Count(html, "href=\"" + copies[i].html_url + "\""), 1u) << page;
  }
}

class MirrorsE2eTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& publish) {
    std::string text = "[archive]\nimage_proxy = \"\"\n[fetch]\nretries = 0\n[publish]\n" + publish +
                       "[[source]]\nname = \"" + kVoa + "\"\nurl = \"" + server_.Url("/voa") + "\"\n";
    EXPECT_TRUE(WriteFileAtomic(config_, text).ok());
    return config_;
  }
  CliResult Run(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--config", config_, "--out", mirror_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }

  TempDir dir_;
  std::string config_ = dir_.path() + "/newsmirror.toml";
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

TEST_F(MirrorsE2eTest, TheReadmeListAndMonthPagesNameEveryCopyAndFollowTheConfiguration) {
  server_.Serve("/voa", 200,
                Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"},
                     {"g2", "二月的新闻", "Sat, 04 Feb 2023 14:39:05 GMT"}}),
                {{"ETag", "\"v1\""}});
  WriteConfig(MirrorsToml(kCopies));
  CliResult r = Run({"--commit"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> pages = {"README.md", "lists/" + kVoa + ".md", "lists/" + kVoa + "/2023-01.md",
                                          "lists/" + kVoa + "/2023-02.md"};
  for (const std::string& page : pages) ExpectCopiesInMarkdown(Slurp(mirror_ + "/" + page), kCopies, page);
  // The article links still come first on a list page, and the copies last.
  std::string list = Slurp(mirror_ + "/lists/" + kVoa + ".md");
  EXPECT_LT(list.find("[查看更多]"), list.find("## 其他镜像"));

  // Other copies: with a feed that answers 304 the pages are written again,
  // every month page too, and committed.
  server_.Serve("/voa", 304, "");
  std::vector<Copy> changed = {kCopies[2], {"GitLab", "https://gitlab.com/u/r", "https://gitlab.com/u/r",
                                            "https://gitlab.com/u/r"}};
  WriteConfig(MirrorsToml(changed));
  r = Run({"--commit", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["status"], "not_modified");
  for (const std::string& page : pages) {
    std::string md = Slurp(mirror_ + "/" + page);
    ExpectCopiesInMarkdown(md, changed, page);
    EXPECT_EQ(md.find("GitHub"), std::string::npos) << page;
    EXPECT_EQ(Shell("git -C '" + mirror_ + "' show 'HEAD:" + page + "'"), md) << page;
  }
  // Without copies, the pages are what they were before copies existed.
  WriteConfig("");
  ASSERT_EQ(Run({"--commit"}).exit_code, 0);
  for (const std::string& page : pages) EXPECT_EQ(Slurp(mirror_ + "/" + page).find("其他镜像"), std::string::npos);
  EXPECT_EQ(Slurp(mirror_ + "/README.md"), "# newsmirror\n\n[" + kVoa + "](/lists/" + kVoa + ".md)\n\n");
}

// The port `serve` prints on its first line.
int ServePort(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  ::close(fd);
  size_t at = line.find("127.0.0.1:");
  return at == std::string::npos ? 0 : std::stoi(line.substr(at + 10));
}

TEST_F(MirrorsE2eTest, EverySitePageAndEveryServedPageNamesEveryCopy) {
  server_.Serve("/voa", 200, Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"}}));
  WriteConfig(MirrorsToml(kCopies));
  ASSERT_EQ(Run().exit_code, 0);
  std::string site = dir_.path() + "/site";
  CliResult built = RunNewsmirror({"site", "--archive", mirror_, "--out", site, "--config", config_});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const std::string outlet = "outlets/" + kVoa + "/";
  const std::vector<std::string> pages = {"index.html", "search.html", outlet + "index.html", outlet + "2023-01.html",
                                          outlet + "1048574.html"};
  for (const std::string& page : pages) ExpectCopiesInHtml(Slurp(site + "/" + page), kCopies, page);
  // Every HTML page of the site, whatever its kind.
  int html_pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(site)) {
    if (e.path().extension() != ".html") continue;
    ++html_pages;
    std::string html = Slurp(e.path().string());
    if (e.path().string().find("/text/") != std::string::npos) {
      // The text-only edition ends with the readers' footer, which names every copy.
      size_t footer = html.find("<footer class=\"nm-footer\">");
      ASSERT_NE(footer, std::string::npos) << e.path();
      for (const Copy& c : kCopies) EXPECT_NE(html.find("href=\"" + c.html_url + "\"", footer), std::string::npos) << e.path();
      continue;
    }
    EXPECT_NE(html.find("<nav class=\"mirrors\""), std::string::npos) << e.path();
  }
  EXPECT_GE(html_pages, 5);
  // Other copies: an unchanged article's page is rendered again.
  std::vector<Copy> changed = {kCopies[0]};
  WriteConfig(MirrorsToml(changed));
  built = RunNewsmirror({"site", "--archive", mirror_, "--out", site, "--config", config_});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  for (const std::string& page : pages) ExpectCopiesInHtml(Slurp(site + "/" + page), changed, page);

  // serve, with the same configuration.
  WriteConfig(MirrorsToml(kCopies));
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::execl(NEWSMIRROR_BINARY, NEWSMIRROR_BINARY, "serve", "--archive", mirror_.c_str(), "--port", "0", "--config",
            config_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  int port = ServePort(out[0]);
  if (port > 0) {
    httplib::Client client("127.0.0.1", port);
    for (const std::string& page : pages) {
      auto got = client.Get(("/" + page).c_str());
      ASSERT_TRUE(got) << page;
      EXPECT_EQ(got->status, 200) << page;
      ExpectCopiesInHtml(got->body, kCopies, "serve " + page);
    }
    auto found = client.Get("/search.html?q=%E6%96%B0%E9%97%BB");
    ASSERT_TRUE(found);
    ExpectCopiesInHtml(found->body, kCopies, "serve search results");
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_GT(port, 0) << "serve did not start";
}

TEST_F(MirrorsE2eTest, ACopyThatCouldBreakAPageIsAConfigurationError) {
  server_.Serve("/voa", 200, Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"}}));
  for (std::string bad : {"mirrors = [{ name = \"a]b\", url = \"https://x.example/\" }]\n",
                          "mirrors = [{ name = \"ok\", url = \"javascript:alert(1)\" }]\n",
                          "mirrors = [{ name = \"ok\", url = \"https://user:token@x.example/\" }]\n",
                          "mirrors = [{ name = \"ok\" }]\n",
                          "mirrors = [{ name = \"ok\", url = \"https://x.example/\", colour = \"red\" }]\n"}) {
    WriteConfig(bad);
    CliResult r = Run();
    EXPECT_EQ(r.exit_code, 1) << bad << r.err;
    EXPECT_NE(r.err.find("newsmirror.toml:"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(mirror_)) << "nothing is fetched or written";
  }
}

// Two healthy bare remotes and one that does not exist.
class PushRecordE2eTest : public MirrorsE2eTest {
 protected:
  void SetUp() override {
    Shell("git init -q --bare '" + a_ + "' && git init -q --bare '" + b_ + "'");
    ASSERT_TRUE(MakeDirs(mirror_).ok());
    Shell("git -C '" + mirror_ + "' init -q -b main && git -C '" + mirror_ + "' remote add a '" + a_ +
          "' && git -C '" + mirror_ + "' remote add dead '" + dir_.path() + "/nowhere.git' && git -C '" + mirror_ +
          "' remote add b '" + b_ + "'");
    WriteConfig("remotes = [\"a\", \"dead\", \"b\"]\npush_warn_hours = 24\n");
  }
  std::string Head() { return Shell("git -C '" + mirror_ + "' rev-parse HEAD").substr(0, 40); }

  std::string a_ = dir_.path() + "/a.git", b_ = dir_.path() + "/b.git";
};

TEST_F(PushRecordE2eTest, EachRemoteIsReportedAndItsLastSuccessfulPushRecordedInState) {
  server_.Serve("/voa", 200, Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"}}));
  CliResult r = Run({"--commit", "--push", "--json"});
  ASSERT_EQ(r.exit_code, 2) << r.err;
  std::string c1 = Head();
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["pushes"].size(), 3u) << j.dump(2);
  std::map<std::string, nlohmann::json> by;
  for (const auto& p : j["pushes"]) by[p["remote"]] = p;
  for (const char* ok : {"a", "b"}) {
    EXPECT_TRUE(by[ok]["ok"].get<bool>()) << ok;
    EXPECT_TRUE(by[ok]["error"].is_null());
    EXPECT_EQ(by[ok]["last_success_commit"], c1);
    EXPECT_TRUE(by[ok]["last_success"].is_string());
    EXPECT_TRUE(by[ok]["failing_since"].is_null());
    EXPECT_FALSE(by[ok]["stale"].get<bool>());
  }
  EXPECT_FALSE(by["dead"]["ok"].get<bool>());
  EXPECT_TRUE(by["dead"]["error"].is_string());
  EXPECT_TRUE(by["dead"]["last_success"].is_null());
  EXPECT_TRUE(by["dead"]["failing_since"].is_string());
  EXPECT_FALSE(by["dead"]["stale"].get<bool>()) << "it has failed for less than push_warn_hours";

  // The record is in the work tree after the pushes, not in their commit.
  std::string record = Slurp(mirror_ + "/state/pushes.txt");
  EXPECT_NE(record.find("\na\t" + by["a"]["last_success"].get<std::string>() + "\t" + c1 + "\t-\t-\n"),
            std::string::npos)
      << record;
  EXPECT_NE(record.find("\ndead\t-\t-\t" + by["dead"]["failing_since"].get<std::string>() + "\t"), std::string::npos)
      << record;
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' -c core.quotepath=off ls-tree --name-only HEAD state/"),
            "state/" + kVoa + "\n");

  // Nothing new: no commit, and the record does not make one.
  r = Run({"--commit", "--push"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Head(), c1);
  EXPECT_EQ(Slurp(mirror_ + "/state/pushes.txt"), record) << "a push of the same commit changes nothing";

  // The next commit carries the record of the pushes before it, and both live remotes have it.
  server_.Serve("/voa", 200, Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"},
                                  {"g2", "二月的新闻", "Sat, 04 Feb 2023 14:39:05 GMT"}}));
  r = Run({"--commit", "--push"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  std::string c2 = Head();
  ASSERT_NE(c2, c1);
  EXPECT_EQ(Shell("git -C '" + mirror_ + "' show HEAD:state/pushes.txt"), record);
  EXPECT_EQ(Shell("git -C '" + b_ + "' show main:state/pushes.txt"), record);
  std::string now = Slurp(mirror_ + "/state/pushes.txt");
  EXPECT_NE(now.find("\t" + c2 + "\t-\t-\n"), std::string::npos) << now;
  EXPECT_NE(now.find("\ndead\t-\t-\t" + by["dead"]["failing_since"].get<std::string>() + "\t"), std::string::npos)
      << "it keeps the time it started failing: " << now;
}

TEST_F(PushRecordE2eTest, ARemoteThatHasFailedForLongIsNamedInTheSummary) {
  server_.Serve("/voa", 200, Rss({{"g1", "一月的新闻", "Wed, 04 Jan 2023 14:39:05 GMT"}}));
  ASSERT_TRUE(MakeDirs(mirror_ + "/state").ok());
  // An earlier run found it failing three days ago.
  ASSERT_TRUE(WriteFileAtomic(mirror_ + "/state/pushes.txt",
                              "# remote\tlast successful push\tcommit\tfailing since\tfirst error since\n"
                              "dead\t2022-12-30T00:00:00Z\t0123\t2023-01-01T00:00:00Z\tconnection refused\n")
                  .ok());
  CliResult r = Run({"--commit", "--push", "--json", "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("newsmirror: remote dead has failed every push for"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("since 2023-01-01T00:00:00Z; last success: 2022-12-30T00:00:00Z): connection refused"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("remote a has"), std::string::npos) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  for (const auto& p : j["pushes"]) EXPECT_EQ(p["stale"].get<bool>(), p["remote"] == "dead") << p.dump();
}

}  // namespace
}  // namespace nm

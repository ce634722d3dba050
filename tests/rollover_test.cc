// End to end: `newsmirror rollover` moves the years before the current one
// to archive repositories {name}-{year} (local bare remotes here), every link
// of every list and month page of both sides resolves, a second run changes
// nothing, a moved article that reappears in the feed is not archived again,
// and hostile set-ups (a budget of 0, an archive folder that is a link, a
// mirror without older years) change nothing.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "url/url.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWeb = "https://git.example/owner/";

std::string Q(const std::string& s) { return "'" + s + "'"; }

std::string Rfc822(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

struct Item {
  std::string id;
  std::string date;  // RFC 822
  std::string text = "An article.";
};

std::string Rss(const std::string& outlet, const std::vector<Item>& items) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>" + outlet +
                    "</title><link>https://" + outlet + ".example/</link>\n";
  for (const Item& i : items) {
    out += "<item><title>Story " + i.id + "</title><link>https://" + outlet + ".example/" + i.id +
           "</link><guid>" + outlet + "-" + i.id + "</guid><pubDate>" + i.date + "</pubDate><description>" + i.text +
           " (" + i.id + ")</description></item>\n";
  }
  return out + "</channel></rss>\n";
}

// Every file of `rev` in the repository `git_dir` (a bare one or a .git).
std::set<std::string> TreeFiles(const std::string& git_dir, const std::string& rev = "HEAD") {
  std::string out = Shell("git --git-dir=" + Q(git_dir) + " ls-tree -r --name-only " + rev + " 2>/dev/null");
  std::set<std::string> files;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    if (nl > start) files.insert(out.substr(start, nl - start));
    start = nl + 1;
  }
  return files;
}

// The commit `rev` names ("" when none): HEAD of a work tree, main of a remote.
std::string Head(const std::string& git_dir, const std::string& rev = "HEAD") {
  return Shell("git --git-dir=" + Q(git_dir) + " rev-parse -q --verify " + rev + " 2>/dev/null");
}

// The destinations of the Markdown links of `text`: "](" not escaped, up to
// the ")" not escaped; backslash escapes removed.
std::vector<std::string> LinkDestinations(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find("]("); at != std::string::npos; at = text.find("](", at + 2)) {
    if (at > 0 && text[at - 1] == '\\') continue;
    std::string dest;
    size_t i = at + 2;
    for (; i < text.size() && text[i] != ')' && text[i] != '\n'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      dest.push_back(text[i]);
    }
    out.push_back(dest);
  }
  return out;
}

// One repository's committed files and its folders.
struct Repo {
  std::set<std::string> files, folders;
};

Repo RepoOf(const std::string& git_dir, const std::string& rev = "HEAD") {
  Repo r;
  r.files = TreeFiles(git_dir, rev);
  for (const std::string& f : r.files) {
    for (size_t slash = f.find('/'); slash != std::string::npos; slash = f.find('/', slash + 1)) {
      r.folders.insert(f.substr(0, slash));
    }
  }
  return r;
}

class RolloverTest : public ::testing::Test {
 protected:
  RolloverTest() {
    now_ = std::time(nullptr) - 120;
    year_ = [&] {
      // The current year in the list zone (UTC+8).
      std::time_t t = now_ + 8 * 3600;
      std::tm tm{};
      gmtime_r(&t, &tm);
      return tm.tm_year + 1900;
    }();
    fs::create_directories(remotes_);
    for (int y : {2019, 2020}) {
      Shell("git init -q --bare -b main " + Q(Remote(y)));
    }
  }
  std::string Remote(int year) const { return remotes_ + "/news-" + std::to_string(year) + ".git"; }
  std::string ArchiveDir(int year) const { return mirror_ + "/.newsmirror/archives/news-" + std::to_string(year); }

  void WriteFeeds(const std::vector<Item>& voa, const std::vector<Item>& bbc) {
    ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/voa.xml", Rss("voa", voa)).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/bbc.xml", Rss("bbc", bbc)).ok());
  }
  // Three articles of 2019, two of 2020 and two of this year in voa; one of
  // 2020 and one of this year in bbc.
  void WriteUsualFeeds(const std::string& old_text = "An article.") {
    WriteFeeds({{"a1", "Mon, 04 Mar 2019 10:00:00 GMT", old_text},
                {"a2", "Tue, 05 Mar 2019 10:00:00 GMT"},
                {"a3", "Mon, 30 Dec 2019 10:00:00 GMT"},
                {"b1", "Wed, 01 Jul 2020 10:00:00 GMT"},
                {"b2", "Thu, 02 Jul 2020 10:00:00 GMT"},
                {"c1", Rfc822(now_ - 3600)},
                {"c2", Rfc822(now_)}},
               {{"x1", "Wed, 01 Jul 2020 12:00:00 GMT"}, {"x2", Rfc822(now_)}});
  }
  std::string Config(const std::string& budget = "max_files_per_folder = 4") {
    std::string text = "[archive]\nimages = \"off\"\n\n[rollover]\nname = \"news\"\nweb = \"" + std::string(kWeb) +
                       "{name}-{year}/blob/main/\"\nremote = \"file://" + remotes_ + "/{name}-{year}.git\"\n" +
                       budget + "\n";
    for (const char* name : {"voa", "bbc"}) {
      text += "\n[[source]]\nname = \"" + std::string(name) + "\"\nurl = \"file://" + dir_.path() + "/" + name +
              ".xml\"\n";
    }
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(const std::string& config) {
    return RunNewsmirror({"run", "--config", config, "--out", mirror_, "--commit", "--json"}, TestGitEnv());
  }
  CliResult Rollover(const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"rollover", "--config", config, "--out", mirror_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }
  static nlohmann::json Json(const CliResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
  }
  std::vector<std::string> Articles(const std::string& root, const std::string& outlet) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root + "/articles/" + outlet, ec)) out.push_back(e.path().filename());
    return out;
  }

  // Every link of every list page, month page and README of the repository
  // `git_dir`: a path of its own ("/…": a committed file or folder), or at a
  // web address of an archive repository (a committed file of that remote).
  std::vector<std::string> BrokenLinks(const std::string& git_dir, int* links) {
    Repo self = RepoOf(git_dir);
    std::map<std::string, Repo> archives;  // "news-2019" → its remote's files
    std::vector<std::string> broken;
    *links = 0;
    for (const std::string& page : self.files) {
      bool is_page = page == "README.md" || (page.rfind("lists/", 0) == 0 && page.size() > 3 &&
                                             page.compare(page.size() - 3, 3, ".md") == 0);
      if (!is_page) continue;
      std::string text = Shell("git --git-dir=" + Q(git_dir) + " show " + Q("HEAD:" + page));
      for (const std::string& dest : LinkDestinations(text)) {
        ++*links;
        std::string path = PercentDecode(dest);
        if (dest.rfind("/", 0) == 0) {
          path = path.substr(1);
          if (!self.files.count(path) && !self.folders.count(path)) broken.push_back(page + ": " + dest);
          continue;
        }
        if (dest.rfind(kWeb, 0) != 0) {
          broken.push_back(page + ": " + dest + " (not a link of the mirror)");
          continue;
        }
        std::string rest = dest.substr(std::string(kWeb).size());
        size_t slash = rest.find("/blob/main/");
        if (slash == std::string::npos) {
          broken.push_back(page + ": " + dest + " (no /blob/main/)");
          continue;
        }
        std::string name = rest.substr(0, slash);
        if (!archives.count(name)) archives[name] = RepoOf(remotes_ + "/" + name + ".git", "main");
        std::string file = PercentDecode(rest.substr(slash + std::string("/blob/main/").size()));
        if (!archives[name].files.count(file)) broken.push_back(page + ": " + dest + " (not in " + name + ")");
      }
    }
    return broken;
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  std::string remotes_ = dir_.path() + "/remotes";
  std::time_t now_ = 0;
  int year_ = 0;
};

TEST_F(RolloverTest, AMirrorPastItsBudgetRollsOverAndEveryLinkResolves) {
  WriteUsualFeeds();
  std::string config = Config();
  CliResult r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The run says so: voa's folder holds 7 articles, over the budget of 4.
  EXPECT_NE(r.out.find("over [rollover] max_files_per_folder = 4"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(mirror_ + "/.newsmirror/rollover-due"));
  ASSERT_EQ(Articles(mirror_, "voa").size(), 7u);

  // --dry-run tells and writes nothing.
  std::string head = Head(mirror_ + "/.git");
  r = Rollover(config, {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("would move 3 articles of 2020 to news-2020"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("would move 3 articles of 2019 to news-2019"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/archives"));
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
  EXPECT_EQ(Articles(mirror_, "voa").size(), 7u);

  r = Rollover(config, {"--push-archives"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  nlohmann::json j = Json(r);
  EXPECT_TRUE(j["over_budget"].get<bool>()) << r.out;
  ASSERT_EQ(j["years"].size(), 2u) << r.out;
  EXPECT_EQ(j["years"][0]["year"], 2019);
  EXPECT_EQ(j["years"][0]["articles"], 3);
  EXPECT_EQ(j["years"][1]["year"], 2020);
  EXPECT_EQ(j["years"][1]["articles"], 3);
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/rollover-due"));

  // The live mirror keeps only this year's files; the archives hold theirs.
  EXPECT_EQ(Articles(mirror_, "voa").size(), 2u);
  EXPECT_EQ(Articles(mirror_, "bbc").size(), 1u);
  std::set<std::string> live = TreeFiles(mirror_ + "/.git");
  std::set<std::string> a2019 = TreeFiles(Remote(2019), "main"), a2020 = TreeFiles(Remote(2020), "main");
  int live_articles = 0, articles_2019 = 0, articles_2020 = 0;
  for (const auto& f : live) live_articles += f.rfind("articles/", 0) == 0;
  for (const auto& f : a2019) articles_2019 += f.rfind("articles/", 0) == 0;
  for (const auto& f : a2020) articles_2020 += f.rfind("articles/", 0) == 0;
  EXPECT_EQ(live_articles, 3);
  EXPECT_EQ(articles_2019, 3);
  EXPECT_EQ(articles_2020, 3);
  // Each archive repository is a mirror of its own: README, lists, state.
  for (const auto* files : {&a2019, &a2020}) {
    EXPECT_TRUE(files->count("README.md"));
    EXPECT_TRUE(files->count("lists/voa.md"));
    EXPECT_TRUE(files->count("state/voa/feed.tsv"));
  }
  EXPECT_TRUE(a2020.count("lists/bbc.md"));
  EXPECT_FALSE(a2019.count("lists/bbc.md"));  // bbc had nothing in 2019
  EXPECT_TRUE(live.count("lists/voa/2019-03.md"));  // the live month pages stay

  // Every link of every page resolves, on both sides.
  int links = 0;
  std::vector<std::string> broken = BrokenLinks(mirror_ + "/.git", &links);
  EXPECT_TRUE(broken.empty()) << ::testing::PrintToString(broken);
  EXPECT_GT(links, 15);
  for (int y : {2019, 2020}) {
    std::string check = dir_.path() + "/check-" + std::to_string(y);
    Shell("git clone -q -b main " + Q(Remote(y)) + " " + Q(check));
    broken = BrokenLinks(check + "/.git", &links);
    EXPECT_TRUE(broken.empty()) << y << ": " << ::testing::PrintToString(broken);
    EXPECT_GT(links, 3);
    // Its pages link within it, never to a web address.
    std::string month = Shell("cat " + Q(check + "/lists/voa/" + std::to_string(y) + (y == 2019 ? "-03" : "-07") + ".md"));
    EXPECT_EQ(month.find("https://"), std::string::npos) << month;
  }
  std::string live_month = Shell("cat " + Q(mirror_ + "/lists/voa/2019-12.md"));
  EXPECT_NE(live_month.find(std::string(kWeb) + "news-2019/blob/main/articles/voa/"), std::string::npos) << live_month;

  // A second run and a second rollover change nothing in either repository.
  head = Head(mirror_ + "/.git");
  std::string h2019 = Head(Remote(2019), "main"), h2020 = Head(Remote(2020), "main");
  ASSERT_FALSE(h2019.empty());
  ASSERT_FALSE(h2020.empty());
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json(r);
  for (const auto& s : j["sources"]) EXPECT_EQ(s["new"], 0) << r.out;
  r = Rollover(config, {"--push-archives"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("under budget"), std::string::npos) << r.err;
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
  EXPECT_EQ(Head(Remote(2019), "main"), h2019);
  EXPECT_EQ(Head(Remote(2020), "main"), h2020);
  EXPECT_EQ(Shell("git -C " + Q(mirror_) + " status --porcelain"), "");

  // A moved article that shows up again, changed, is not archived again.
  WriteUsualFeeds("The same article, edited.");
  r = Run(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json(r);
  for (const auto& s : j["sources"]) {
    EXPECT_EQ(s["new"], 0) << r.out;
    EXPECT_EQ(s["updated"], 0) << r.out;
  }
  EXPECT_EQ(Articles(mirror_, "voa").size(), 2u);
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
}

// A rollover killed at each of its steps (the archive repository's journal
// written, its commit made, the live mirror's files written before its
// commit) leaves the live mirror whole or rolled over, and the
// next rollover finishes it: every link resolves, nothing is archived twice.
TEST_F(RolloverTest, ARolloverKilledAtAnyStepIsFinishedByTheNext) {
  WriteUsualFeeds();
  std::string config = Config();
  ASSERT_EQ(Run(config).exit_code, 0);
  const std::string start = Head(mirror_ + "/.git");
  const std::string saved = dir_.path() + "/saved";
  Shell("cp -a " + Q(mirror_) + " " + Q(saved));
  // journal-written stops in the archive repository's first write;
  // rollover-live-written after the live mirror's files, before its commit.
  for (const char* stage : {"journal-written", "rollover-archive-committed", "rollover-live-written"}) {
    // From the same mirror each time, the archive remotes empty again.
    Shell("rm -rf " + Q(mirror_) + " " + Q(remotes_) + " && cp -a " + Q(saved) + " " + Q(mirror_));
    for (int y : {2019, 2020}) Shell("git init -q --bare -b main " + Q(Remote(y)));
    std::string err = dir_.path() + "/err.txt";
    int rc = 0;
    std::string env;
    for (const std::string& e : TestGitEnv()) env += Q(e) + " ";
    std::string out = Shell(
        "env " + env + "NEWSMIRROR_TEST_PAUSE_AT=" + stage + " " + Q(NEWSMIRROR_BINARY) + " rollover --config " +
            Q(config) + " --out " + Q(mirror_) + " --push-archives 2>" + Q(err) + " & pid=$!; " +
            "for i in $(seq 300); do grep -q 'paused at' " + Q(err) + " && break; sleep 0.1; done; " +
            "grep -q 'paused at' " + Q(err) + " && kill -9 $pid && wait $pid; echo status $?",
        &rc);
    ASSERT_NE(out.find("status 137"), std::string::npos) << stage << ": " << out << Shell("cat " + Q(err));
    // Whole or rolled over, never between: each article file of the
    // committed tree or its archive's.
    std::set<std::string> live = TreeFiles(mirror_ + "/.git");
    int here = 0;
    for (const auto& f : live) here += f.rfind("articles/", 0) == 0;
    EXPECT_TRUE(here == 9 || here == 3) << stage << ": " << here;
    CliResult r = Rollover(config, {"--push-archives"});
    ASSERT_EQ(r.exit_code, 0) << stage << ": " << r.err;
    EXPECT_EQ(Articles(mirror_, "voa").size(), 2u) << stage;
    live = TreeFiles(mirror_ + "/.git");
    here = 0;
    for (const auto& f : live) here += f.rfind("articles/", 0) == 0;
    EXPECT_EQ(here, 3) << stage;
    EXPECT_EQ(TreeFiles(Remote(2019), "main").count("articles/voa/1048574_Story a1.md"), 1u) << stage;
    EXPECT_NE(Head(mirror_ + "/.git"), start) << stage;
    EXPECT_EQ(Shell("git -C " + Q(mirror_) + " status --porcelain"), "") << stage;
    // Every link resolves, nothing is archived again, nothing more changes
    // (checked once: the test stays short).
    if (std::string(stage) != "rollover-live-written") continue;
    int links = 0;
    std::vector<std::string> broken = BrokenLinks(mirror_ + "/.git", &links);
    EXPECT_TRUE(broken.empty()) << stage << ": " << ::testing::PrintToString(broken);
    std::string head = Head(mirror_ + "/.git"), h2019 = Head(Remote(2019), "main");
    r = Run(config);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report = Json(r);  // kept: a range-for over a temporary's member would read freed memory
    for (const auto& src : report["sources"]) EXPECT_EQ(src["new"], 0) << stage << r.out;
    ASSERT_EQ(Rollover(config, {"--push-archives"}).exit_code, 0);
    EXPECT_EQ(Head(mirror_ + "/.git"), head) << stage;
    EXPECT_EQ(Head(Remote(2019), "main"), h2019) << stage;
  }
}

TEST_F(RolloverTest, AMirrorWithoutOlderYearsHasNothingToMove) {
  WriteFeeds({{"c1", Rfc822(now_ - 3600)}, {"c2", Rfc822(now_)}}, {{"x2", Rfc822(now_)}});
  std::string config = Config("max_files_per_folder = 1");
  ASSERT_EQ(Run(config).exit_code, 0);
  std::string head = Head(mirror_ + "/.git");
  CliResult r = Rollover(config, {"--push-archives"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("but every article here is of " + std::to_string(year_) + ": nothing can move"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/archives"));
  EXPECT_EQ(Articles(mirror_, "voa").size(), 2u);
}

TEST_F(RolloverTest, ABudgetOfZeroIsRefusedByName) {
  WriteUsualFeeds();
  for (const std::string& budget : {std::string("max_files_per_folder = 0"), std::string("max_repository_bytes = \"0 GB\""),
                                    std::string("max_repository_bytes = 0")}) {
    CliResult r = Rollover(Config(budget));
    EXPECT_EQ(r.exit_code, 1) << budget << ": " << r.err;
    EXPECT_NE(r.err.find(budget.substr(0, budget.find(' '))), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("newsmirror.toml:"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(mirror_));
  }
}

TEST_F(RolloverTest, AnArchiveFolderThatIsALinkIsRefusedAndNothingMoves) {
  WriteUsualFeeds();
  std::string config = Config();
  ASSERT_EQ(Run(config).exit_code, 0);
  std::string head = Head(mirror_ + "/.git");
  std::string outside = dir_.path() + "/outside";
  fs::create_directories(outside);
  // The archive repository's folder, then the folder of all of them.
  fs::create_directories(mirror_ + "/.newsmirror/archives");
  fs::create_directory_symlink(outside, mirror_ + "/.newsmirror/archives/news-2019");
  CliResult r = Rollover(config, {"--push-archives"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(".newsmirror/archives/news-2019"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
  EXPECT_EQ(Articles(mirror_, "voa").size(), 7u);

  fs::remove(mirror_ + "/.newsmirror/archives/news-2019");
  fs::remove(mirror_ + "/.newsmirror/archives");
  fs::create_directory_symlink(outside, mirror_ + "/.newsmirror/archives");
  r = Rollover(config, {"--push-archives"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(".newsmirror/archives"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
  EXPECT_EQ(Articles(mirror_, "voa").size(), 7u);
  EXPECT_EQ(TreeFiles(Remote(2019), "main").size(), 0u);

  // A month folder that is a link stops the outlet before anything moves.
  fs::remove(mirror_ + "/.newsmirror/archives");
  fs::rename(mirror_ + "/lists/voa", dir_.path() + "/voa-months");
  fs::create_directory_symlink(dir_.path() + "/voa-months", mirror_ + "/lists/voa");
  r = Rollover(config, {"--push-archives"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("lists/voa"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/archives"));
  EXPECT_EQ(Articles(mirror_, "voa").size(), 7u);
  EXPECT_EQ(Head(mirror_ + "/.git"), head);
}

}  // namespace
}  // namespace nm

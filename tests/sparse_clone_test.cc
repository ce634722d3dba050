// End to end: newsmirror in the checkout an hourly job makes — a depth-1,
// blob-less, sparse clone (state/ lists/ feeds/ and the root files) of a
// local bare remote that serves partial clones — and in a full mirror whose
// user has staged changes of their own.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "archive/article.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// git in `dir`; the test fails when it does.
std::string Git(const std::string& dir, const std::string& args) {
  int rc = -1;
  std::string out = Shell("git -c user.name=Tester -c user.email=tester@example.org -c core.quotepath=off -C " +
                              Quote(dir) + " " + args + " 2>&1",
                          &rc);
  EXPECT_EQ(rc, 0) << "git " << args << " in " << dir << ": " << out;
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

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

const std::string kA = "甲台";  // archived by newsmirror before
const std::string kB = "乙台";  // an earlier mirror's files, no state: taken over

class SparseCloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = "[fetch]\nretries = 0\ntimeout = 10\n[publish]\nremotes = [\"origin\"]\n";
    text += "[[source]]\nname = \"" + kA + "\"\nurl = \"" + server_.Url("/a") + "\"\n";
    text += "[[source]]\nname = \"" + kB + "\"\nurl = \"" + server_.Url("/b") + "\"\n";
    config_ = dir_.path() + "/newsmirror.toml";
    ASSERT_TRUE(WriteFileAtomic(config_, text).ok());
  }
  CliResult Run(const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--config", config_, "--out", out, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }
  // The mirror as an earlier hourly job left it, pushed to a bare remote that
  // serves partial clones.
  void MakeRemote() {
    server_.Serve("/a", 200, Rss({{"a1", "十一月旧闻", "Tue, 15 Nov 2022 10:00:00 GMT", "<p>旧文一</p>"},
                                  {"a2", "十二月旧闻", "Thu, 15 Dec 2022 10:00:00 GMT", "<p>旧文二</p>"},
                                  {"a3", "一月旧闻", "Sun, 15 Jan 2023 10:00:00 GMT", "<p>旧文三</p>"}}));
    server_.Serve("/b", 404, "");
    CliResult seed = Run(seed_, {"-s", kA, "--commit"});
    ASSERT_EQ(seed.exit_code, 0) << seed.err;
    // Files of an earlier mirror, without state: the next run takes them over.
    ASSERT_TRUE(MakeDirs(seed_ + "/articles/" + kB).ok());
    ASSERT_TRUE(WriteFileAtomic(seed_ + "/articles/" + kB + "/1040000.md",
                                "<!--1672826400000-->\n[乙一](https://news.example/a/b1)\n------\n\n<p>乙文一</p>\n")
                    .ok());
    ASSERT_TRUE(
        WriteFileAtomic(seed_ + "/articles/" + kB + "/1039999_乙二.md",
                        "<!--1672912800000-->\n[乙二](https://news.example/a/b2)\n------\n\n<p>乙文二</p>\n")
            .ok());
    Git(seed_, "add articles");
    Git(seed_, "commit -q -m 'an earlier mirror'");
    Git(dir_.path(), "clone -q --bare " + Quote(seed_) + " " + Quote(remote_));
    Git(remote_, "config uploadpack.allowFilter true");
  }
  void MakeSparseClone() {
    Git(dir_.path(), "clone -q --depth 1 --filter=blob:none --sparse " + Quote("file://" + remote_) + " " +
                         Quote(clone_));
    Git(clone_, "sparse-checkout set --cone --sparse-index state lists feeds");
  }
  // Every article of `tree` (a commit in `repo`): path -> its bytes.
  std::map<std::string, std::string> Articles(const std::string& repo, const std::string& tree) {
    std::map<std::string, std::string> out;
    for (const std::string& path : Lines(Git(repo, "ls-tree -r --name-only " + tree + " -- articles"))) {
      out[path] = Git(repo, "cat-file blob " + Quote(tree + ":" + path));
    }
    return out;
  }

  TempDir dir_;
  TestHttpServer server_;
  std::string config_;
  std::string seed_ = dir_.path() + "/seed";
  std::string remote_ = dir_.path() + "/remote.git";
  std::string clone_ = dir_.path() + "/clone";
};

TEST_F(SparseCloneTest, ArchivesUpdatesTakesOverCommitsAndPushesFromAShallowBlobLessSparseClone) {
  MakeRemote();
  MakeSparseClone();
  ASSERT_FALSE(fs::exists(clone_ + "/articles"));
  ASSERT_EQ(Git(clone_, "rev-parse --is-shallow-repository"), "true\n");
  std::string before = Git(remote_, "rev-parse HEAD");
  auto old_articles = Articles(remote_, "HEAD");
  ASSERT_EQ(old_articles.size(), 5u);

  // A new article, a known one of an old month rewritten in place (its file
  // is not checked out), the others unchanged; 乙's two files taken over.
  server_.Serve("/a", 200, Rss({{"a4", "二月新闻", "Wed, 15 Feb 2023 10:00:00 GMT", "<p>新文四</p>"},
                                {"a1", "十一月旧闻（更正）", "Tue, 15 Nov 2022 10:00:00 GMT", "<p>更正后的旧文一</p>"},
                                {"a2", "十二月旧闻", "Thu, 15 Dec 2022 10:00:00 GMT", "<p>旧文二</p>"},
                                {"a3", "一月旧闻", "Sun, 15 Jan 2023 10:00:00 GMT", "<p>旧文三</p>"}}));
  server_.Serve("/b", 200, Rss({{"b3", "乙三", "Sat, 07 Jan 2023 10:00:00 GMT", "<p>乙文三</p>"},
                                {"b2", "乙二", "Thu, 05 Jan 2023 10:00:00 GMT", "<p>乙文二</p>"}}));
  CliResult r = Run(clone_, {"--commit", "--push"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["sources"][0]["new"], 1) << r.out;
  EXPECT_EQ(json["sources"][0]["updated"], 1) << r.out;
  EXPECT_EQ(json["sources"][1]["new"], 1) << r.out;
  EXPECT_EQ(json["sources"][1]["unchanged"], 1) << r.out;
  EXPECT_NE(json["sources"][1]["warnings"].dump().find("took over 2 existing articles"), std::string::npos) << r.out;
  ASSERT_TRUE(json["committed"].get<bool>()) << r.out;
  ASSERT_EQ(json["pushes"].size(), 1u);
  EXPECT_TRUE(json["pushes"][0]["ok"].get<bool>()) << r.out;

  // Pushed as a fast-forward of what the remote had; the clone is clean,
  // still sparse (articles/ is not in the work tree, nor expanded in the index).
  std::string head = Git(clone_, "rev-parse HEAD");
  EXPECT_EQ(Git(remote_, "rev-parse HEAD"), head);
  EXPECT_EQ(Git(remote_, "rev-parse HEAD^"), before);
  // Only the record of the push (state/pushes.txt) waits for the next commit.
  EXPECT_EQ(Git(clone_, "status --porcelain"), "?? state/pushes.txt\n");
  EXPECT_FALSE(fs::exists(clone_ + "/articles"));
  std::string index = Git(clone_, "ls-files --sparse");
  EXPECT_NE(index.find("articles/\n"), std::string::npos) << index;
  EXPECT_EQ(index.find("articles/" + kA), std::string::npos) << index;
  Git(remote_, "fsck --no-progress");

  // Every article once: the old ones untouched but the one updated in place,
  // 乙's taken over under their ids, the new ones below the smallest.
  auto now = Articles(remote_, "HEAD");
  ASSERT_EQ(now.size(), 7u);
  std::set<std::string> links;
  std::string updated_path, a4_path, b3_path;
  for (const auto& [path, text] : now) {
    auto doc = ParseArticle(text);
    ASSERT_TRUE(doc.ok()) << path;
    EXPECT_TRUE(links.insert(doc->link).second) << "archived twice: " << doc->link;
    if (doc->link == "https://news.example/a/a1") updated_path = path;
    if (doc->link == "https://news.example/a/a4") a4_path = path;
    if (doc->link == "https://news.example/a/b3") b3_path = path;
  }
  ASSERT_TRUE(old_articles.count(updated_path)) << "a1 was not rewritten in place: " << updated_path;
  EXPECT_NE(now[updated_path].find("更正后的旧文一"), std::string::npos);
  EXPECT_NE(now[updated_path].find("十一月旧闻（更正）"), std::string::npos);
  for (const auto& [path, text] : old_articles) {
    if (path != updated_path) {
      EXPECT_EQ(now[path], text) << path;
    }
  }
  EXPECT_EQ(b3_path, "articles/" + kB + "/1039998_乙三.md");
  EXPECT_EQ(fs::path(a4_path).filename().string().substr(0, 7), "1048571");

  // The commit changed those articles and no other.
  std::set<std::string> changed_articles;
  for (const std::string& p : Lines(Git(remote_, "diff-tree -r --name-only HEAD^ HEAD"))) {
    if (p.rfind("articles/", 0) == 0) changed_articles.insert(p);
  }
  EXPECT_EQ(changed_articles, (std::set<std::string>{updated_path, a4_path, b3_path}));

  // What else reads the whole mirror: the old month's page shows the new
  // title, README lists the taken-over outlet, the outlet's feed carries the
  // text of articles that are not checked out, and 乙 has its state.
  EXPECT_NE(Git(remote_, "show " + Quote("HEAD:lists/" + kA + "/2022-11.md")).find("十一月旧闻（更正）"),
            std::string::npos);
  EXPECT_NE(Git(remote_, "show HEAD:README.md").find(kB), std::string::npos);
  std::string feed = Git(remote_, "show " + Quote("HEAD:feeds/" + kA + ".xml"));
  EXPECT_NE(feed.find("旧文二"), std::string::npos) << feed;
  EXPECT_NE(feed.find("旧文三"), std::string::npos) << feed;
  EXPECT_NE(feed.find("新文四"), std::string::npos) << feed;
  std::string b_state = Git(remote_, "ls-tree -r --name-only HEAD -- " + Quote("state/" + kB));
  EXPECT_NE(b_state.find("state/" + kB + "/feed.tsv"), std::string::npos) << b_state;

  // The next hour, nothing new: nothing committed, nothing fetched again.
  CliResult again = Run(clone_, {"--commit", "--push"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(nlohmann::json::parse(again.out)["committed"].get<bool>()) << again.out;
  EXPECT_EQ(Git(clone_, "rev-parse HEAD"), head);
  EXPECT_EQ(Git(clone_, "status --porcelain"), "?? state/pushes.txt\n");

  // Search reads the articles the checkout leaves out from git.
  CliResult found = RunNewsmirror({"search", "--archive", clone_, "--json", "旧文二"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_NE(found.out.find("十二月旧闻"), std::string::npos) << found.out;
}

// Another job pushed first: the push is rejected for that remote alone, and
// says so in --json; nothing is lost, and after a merge the next push goes.
TEST_F(SparseCloneTest, ARejectedPushIsReportedPerRemote) {
  MakeRemote();
  MakeSparseClone();
  // Someone else's commit on the remote.
  std::string other = dir_.path() + "/other";
  Git(dir_.path(), "clone -q " + Quote(remote_) + " " + Quote(other));
  ASSERT_TRUE(WriteFileAtomic(other + "/NOTICE.md", "x\n").ok());
  Git(other, "add NOTICE.md");
  Git(other, "commit -q -m theirs");
  Git(other, "push -q origin HEAD");
  std::string theirs = Git(remote_, "rev-parse HEAD");

  server_.Serve("/a", 200, Rss({{"a5", "新闻五", "Wed, 15 Feb 2023 10:00:00 GMT", "<p>五</p>"}}));
  CliResult r = Run(clone_, {"-s", kA, "--commit", "--push"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto json = nlohmann::json::parse(r.out);
  ASSERT_TRUE(json["committed"].get<bool>());
  ASSERT_EQ(json["pushes"].size(), 1u);
  EXPECT_FALSE(json["pushes"][0]["ok"].get<bool>());
  EXPECT_TRUE(json["pushes"][0]["rejected"].get<bool>()) << r.out;
  EXPECT_NE(r.err.find("fetch"), std::string::npos) << r.err;
  EXPECT_EQ(Git(remote_, "rev-parse HEAD"), theirs);

  // What a job does then: fetch, merge, push.
  Git(clone_, "fetch -q origin");
  Git(clone_, "merge -q --no-edit origin/main");
  Git(clone_, "push -q origin HEAD:main");
  EXPECT_EQ(Git(remote_, "rev-parse HEAD"), Git(clone_, "rev-parse HEAD"));
  // Only the record of the rejected push waits for the next run's commit.
  EXPECT_EQ(Git(clone_, "status --porcelain"), "?? state/pushes.txt\n");
  std::string tree = Git(remote_, "ls-tree -r --name-only HEAD");
  EXPECT_NE(tree.find("NOTICE.md"), std::string::npos);
  EXPECT_NE(tree.find("articles/" + kA + "/1048571_新闻五.md"), std::string::npos) << tree;
}

// What the user staged stays staged and out of the run's commit; the run's
// own files are clean afterwards.
TEST_F(SparseCloneTest, StagedUserChangesSurviveACommit) {
  MakeRemote();
  std::string mirror = dir_.path() + "/full";
  Git(dir_.path(), "clone -q " + Quote(remote_) + " " + Quote(mirror));
  ASSERT_TRUE(WriteFileAtomic(mirror + "/notes.md", "my notes\n").ok());
  ASSERT_TRUE(fs::exists(mirror + "/articles/" + kB + "/1040000.md"));
  ASSERT_TRUE(WriteFileAtomic(mirror + "/articles/" + kB + "/1040000.md", "edited by hand\n").ok());
  Git(mirror, "add notes.md " + Quote("articles/" + kB + "/1040000.md"));
  std::string staged = Git(mirror, "diff --cached --name-only");

  server_.Serve("/a", 200, Rss({{"a6", "新闻六", "Wed, 15 Feb 2023 10:00:00 GMT", "<p>六</p>"}}));
  CliResult r = Run(mirror, {"-s", kA, "--commit"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(nlohmann::json::parse(r.out)["committed"].get<bool>());
  std::string in_commit = Git(mirror, "diff-tree -r --name-only HEAD^ HEAD");
  EXPECT_EQ(in_commit.find("notes.md"), std::string::npos) << in_commit;
  EXPECT_EQ(in_commit.find("articles/" + kB), std::string::npos) << in_commit;
  EXPECT_NE(in_commit.find("articles/" + kA + "/1048571_新闻六.md"), std::string::npos) << in_commit;
  EXPECT_EQ(Git(mirror, "diff --cached --name-only"), staged);
  EXPECT_EQ(Git(mirror, "status --porcelain"), "M  articles/" + kB + "/1040000.md\nA  notes.md\n");
}

}  // namespace
}  // namespace nm

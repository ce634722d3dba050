// End to end: the mirror's one path policy (layout/layout.h, util/fs.h) against
// hostile trees, hostile names and hostile state, with the real binary. Each
// test builds its hostile tree itself, with a victim file outside the mirror
// that must come out untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : std::string("<missing: " + path + ">");
}

std::string SeedFeed() { return Slurp(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml"); }

std::string Page(const std::string& title) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "A paragraph of the article called " + title + ". ";
  return "<!doctype html><html><head><title>" + title +
         "</title><meta property=\"article:published_time\" content=\"2024-01-02T03:04:05Z\"></head><body><article><h1>" +
         title + "</h1><p>" + text + "</p></article></body></html>";
}

class PathPolicyTest : public ::testing::Test {
 protected:
  PathPolicyTest() {
    std::ofstream(victim_) << "precious\n";
    fs::create_directories(outside_);
  }
  // A configuration of file: feeds, one per name, each a copy of the seed feed.
  std::string Config(const std::vector<std::string>& names) {
    std::string text = "[archive]\nimages = \"off\"\n";
    for (size_t i = 0; i < names.size(); ++i) {
      std::string feed = dir_.path() + "/feed" + std::to_string(i) + ".xml";
      if (!fs::exists(feed)) {
        EXPECT_TRUE(WriteFileAtomic(feed, SeedFeed()).ok());
      }
      text += "[[source]]\nname = \"" + names[i] + "\"\nurl = \"file://" + feed + "\"\n";
    }
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--config", config, "--out", mirror_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }
  // `add` through the test server as an HTTP proxy, so that any host name reaches it.
  CliResult Add(const std::string& url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"add", url, "--allow-private", "--out", mirror_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, {"http_proxy=" + server_.Url(""), "HTTP_PROXY=" + server_.Url("")});
  }
  std::string Victim() const { return Slurp(victim_); }
  static std::string SourceError(const CliResult& r, const std::string& name) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded()) return "<no json: " + r.out + ">";
    for (const auto& s : j["sources"]) {
      if (s["name"] == name) return s["reason"].is_string() ? s["reason"].get<std::string>() : "";
    }
    return "<no source " + name + ">";
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  std::string victim_ = dir_.path() + "/victim.txt";
  std::string outside_ = dir_.path() + "/outside";
  TestHttpServer server_;
};

// ---- Names ----

TEST_F(PathPolicyTest, AHostThatWouldTurnAListPageIntoAFolderFailsItsPageNotTheMirror) {
  for (const char* path : {"/a.html", "/b.html", "/c.html"}) {
    server_.Serve(path, 200, Page(std::string("Title ") + path), {{"Content-Type", "text/html; charset=utf-8"}});
  }
  CliResult r = Add("http://news.example/a.html");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::is_regular_file(mirror_ + "/lists/news.example.md"));
  // ".md" is a top-level domain: lists/news.example.md would also be its folder of monthly pages.
  r = Add("http://news.example.md/b.html");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("'news.example.md' cannot be an outlet beside 'news.example': lists/news.example.md"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server_.Hits("/b.html"), 0);
  EXPECT_TRUE(fs::is_regular_file(mirror_ + "/lists/news.example.md"));
  EXPECT_FALSE(fs::exists(mirror_ + "/articles/news.example.md"));
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/journal"));
  // The mirror goes on (it used to be wedged: every later add and run exited 3).
  r = Add("http://news.example/c.html");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(mirror_ + "/articles/news.example"), fs::directory_iterator()), 2);
}

TEST_F(PathPolicyTest, AHostThatIsAWindowsDeviceNameFailsItsPageAndIsNotFetched) {
  server_.Serve("/a.html", 200, Page("Title"), {{"Content-Type", "text/html; charset=utf-8"}});
  server_.Serve("/b.html", 200, Page("Other"), {{"Content-Type", "text/html; charset=utf-8"}});
  CliResult r = Add("http://nul/a.html");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("device name"), std::string::npos) << r.err;
  EXPECT_EQ(server_.Hits("/a.html"), 0);
  EXPECT_FALSE(fs::exists(mirror_ + "/articles/nul"));
  r = Add("http://news.example/b.html");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(mirror_ + "/articles/news.example"));
}

TEST_F(PathPolicyTest, SourcesWhosePathsMeetAreAConfigurationError) {
  CliResult r = Run(Config({"x", "x.complete.txt"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("'x.complete.txt' cannot be an outlet beside 'x': state/x.complete.txt"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(mirror_));
  r = Run(Config({"BBC", "bbc"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("ignores case"), std::string::npos) << r.err;
  // Windows device names, names of only invisible characters (U+3000, U+00A0,
  // U+200B), a bidi override, a C1 control.
  for (const char* bad : {"CON", "nul.md", "\xE3\x80\x80", "\xC2\xA0", "\xE2\x80\x8B", "\xE2\x80\xAE" "abc",
                          "a\xC2\x85" "b"}) {
    r = Run(Config({bad}));
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find("cannot be a folder name"), std::string::npos) << r.err;
  }
}

TEST_F(PathPolicyTest, ASourceThatMeetsAnOutletOfTheMirrorFailsAloneAndTheOthersGoOn) {
  // Someone committed state/x.complete.txt/ (an outlet of that name) to the mirror.
  fs::create_directories(mirror_ + "/state/x.complete.txt");
  std::ofstream(mirror_ + "/state/x.complete.txt/feed.tsv") << "# newsmirror state v2: feed validators (@key\tvalue)\n";
  std::string config = Config({"x", "y"});
  for (int run = 0; run < 2; ++run) {
    CliResult r = Run(config);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(SourceError(r, "x").find("'x' cannot be an outlet beside 'x.complete.txt'"), std::string::npos) << r.out;
    EXPECT_EQ(SourceError(r, "y"), "") << r.out;
  }
  EXPECT_FALSE(fs::exists(mirror_ + "/articles/x"));
  EXPECT_TRUE(fs::is_directory(mirror_ + "/articles/y"));
}

TEST_F(PathPolicyTest, ASourceNameIsOneOutletWhateverItsUnicodeForm) {
  CliResult r = Run(Config({"Caf" "e\xCC\x81"}));  // NFD
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(mirror_ + "/articles/Caf\xC3\xA9"));  // NFC
  EXPECT_FALSE(fs::exists(mirror_ + "/articles/Caf" "e\xCC\x81"));
  r = Run(Config({"Caf\xC3\xA9"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][0]["new"], 0) << r.out;
}

// ---- Hostile state and manifests ----

TEST_F(PathPolicyTest, AStateFileColumnThatLeavesTheMirrorFailsItsOutletAndWritesNothingOutside) {
  std::string config = Config({"x", "y"});
  ASSERT_EQ(Run(config).exit_code, 0);
  std::string chunk = mirror_ + "/state/x/10485.tsv";
  std::string text = Slurp(chunk);
  size_t at = text.find("\t1048574_");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at + 1, text.find('\t', at + 1) - at - 1, "../../../victim.txt");
  ASSERT_TRUE(WriteFileAtomic(chunk, text).ok());
  // The entry changed: the run would rewrite its file.
  for (const char* feed : {"/feed0.xml", "/feed1.xml"}) {
    std::string changed = SeedFeed();
    changed.replace(changed.rfind("岸田表示"), std::string("岸田表示").size(), "岸田说");  // in content:encoded
    ASSERT_TRUE(WriteFileAtomic(dir_.path() + feed, changed).ok());
  }
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(Victim(), "precious\n");
  std::string error = SourceError(r, "x");
  EXPECT_NE(error.find("state/x/10485.tsv: line 2: the file column \"../../../victim.txt\""), std::string::npos)
      << error;
  EXPECT_EQ(SourceError(r, "y"), "");
  EXPECT_EQ(nlohmann::json::parse(r.out)["sources"][1]["updated"], 1) << r.out;
}

TEST_F(PathPolicyTest, ASiteManifestCannotMakeSiteDeleteOutsideItsFolder) {
  ASSERT_EQ(Run(Config({"x"})).exit_code, 0);
  std::string site = dir_.path() + "/site";
  CliResult r = RunNewsmirror({"site", "--archive", mirror_, "--out", site});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ofstream(site + "/.newsmirror-site.tsv", std::ios::app)
      << "../victim.txt\tb\ts\n../outside\tb\ts\n/" << victim_.substr(1) << "\tb\ts\n";
  r = RunNewsmirror({"site", "--archive", mirror_, "--out", site});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Victim(), "precious\n");
  EXPECT_TRUE(fs::is_directory(outside_));
  EXPECT_EQ(Slurp(site + "/.newsmirror-site.tsv").find("victim"), std::string::npos);
}

TEST_F(PathPolicyTest, TheSiteFolderIsNeitherTheArchiveNorAroundIt) {
  ASSERT_EQ(Run(Config({"x"})).exit_code, 0);
  std::string readme = Slurp(mirror_ + "/README.md");
  for (const std::string& out : {mirror_, mirror_ + "/site", mirror_ + "/articles", dir_.path(), std::string("/")}) {
    CliResult r = RunNewsmirror({"site", "--archive", mirror_, "--out", out});
    EXPECT_EQ(r.exit_code, 1) << out << ": " << r.err;
    EXPECT_NE(r.err.find("the site folder"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(mirror_ + "/index.html"));
  EXPECT_FALSE(fs::exists(mirror_ + "/site"));
  EXPECT_EQ(Slurp(mirror_ + "/README.md"), readme);
}

// ---- Symbolic links ----

TEST_F(PathPolicyTest, ATrackedArticlesLinkIsNotFollowed) {
  fs::create_directories(mirror_ + "/articles");
  fs::create_directory_symlink(outside_, mirror_ + "/articles/x");
  CliResult r = Run(Config({"x", "y"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(SourceError(r, "x").find("articles/x is a symbolic link"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(outside_));
  EXPECT_TRUE(fs::is_directory(mirror_ + "/articles/y"));
  EXPECT_TRUE(fs::is_symlink(mirror_ + "/articles/x"));
}

TEST_F(PathPolicyTest, LinkedStateAndListsAreNotFollowedEither) {
  for (const char* link : {"state/x", "lists/x", "lists/x.md", "state/x.complete.txt", "assets/x"}) {
    TempDir dir;
    std::string mirror = dir.path() + "/mirror";
    fs::create_directories(fs::path(mirror + "/" + link).parent_path());
    fs::create_symlink(outside_, mirror + "/" + link);
    CliResult r = RunNewsmirror({"run", "--config", Config({"x", "y"}), "--out", mirror, "--json"});
    EXPECT_EQ(r.exit_code, 2) << link << ": " << r.err;
    EXPECT_NE(SourceError(r, "x").find(std::string(link) + " is a symbolic link"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::is_empty(outside_)) << link;
  }
}

TEST_F(PathPolicyTest, ALockLinkIsNotTruncated) {
  fs::create_directories(mirror_ + "/.newsmirror");
  fs::create_symlink(victim_, mirror_ + "/.newsmirror/lock");
  CliResult r = Run(Config({"x"}));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(".newsmirror/lock is a symbolic link"), std::string::npos) << r.err;
  EXPECT_EQ(Victim(), "precious\n");
  EXPECT_FALSE(fs::exists(mirror_ + "/articles"));
}

TEST_F(PathPolicyTest, ALinkedWorkFolderIsNotFollowed) {
  fs::create_directories(mirror_);
  fs::create_directory_symlink(outside_, mirror_ + "/.newsmirror");
  CliResult r = Run(Config({"x"}));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(".newsmirror is a symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(outside_));
}

TEST_F(PathPolicyTest, ACommitInANewRepositoryNeverTakesALinkForTheArticles) {
  fs::create_directories(mirror_ + "/articles");
  fs::create_directory_symlink(outside_, mirror_ + "/articles/x");
  CliResult r = Run(Config({"x", "y"}), {"--commit"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // not a success
  EXPECT_TRUE(fs::is_empty(outside_));
  std::string tree = Shell("git -C '" + mirror_ + "' ls-tree -r HEAD");
  EXPECT_NE(tree.find("articles/y/"), std::string::npos) << tree;
  EXPECT_EQ(tree.find("120000"), std::string::npos) << tree;  // no link in the commit
  EXPECT_EQ(tree.find("articles/x"), std::string::npos) << tree;
}

TEST_F(PathPolicyTest, AHostileJournalCannotWriteOutsideTheMirror) {
  std::string config = Config({"x"});
  ASSERT_EQ(Run(config).exit_code, 0);
  fs::create_directories(mirror_ + "/.git/hooks");
  for (const std::string& path : {std::string("../victim.txt"), std::string("articles/x/../../../victim.txt"),
                                  std::string(".git/hooks/post-commit"), "/" + victim_.substr(1)}) {
    std::string journal = "newsmirror-journal v1\nREADME.md\n5\nhello\n" + path + "\n7\npwned!\n\nend\n";
    ASSERT_TRUE(WriteFileAtomic(mirror_ + "/.newsmirror/journal", journal).ok());
    CliResult r = Run(config);
    EXPECT_EQ(r.exit_code, 0) << path << ": " << r.err;
    EXPECT_EQ(Victim(), "precious\n") << path;
    EXPECT_FALSE(fs::exists(mirror_ + "/.git/hooks/post-commit")) << path;
    EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror/journal")) << path;
    // Nothing of it is replayed, not even its good entries.
    EXPECT_NE(Slurp(mirror_ + "/README.md"), "hello") << path;
  }
}

}  // namespace
}  // namespace nm

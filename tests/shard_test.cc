// run --shard K/N: a stable split of the sources, and N runners on clones of
// one mirror whose commits merge without conflicts into what one unsharded
// run writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "pipeline/shard.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_check.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kGit = "git -c user.name=Test -c user.email=test@example.invalid ";

TEST(ShardTest, ParsesKOfN) {
  auto s = ParseShard("2/3");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 3);
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/0", "a/b", "1/3x", "-1/3"}) {
    auto r = ParseShard(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("K/N"), std::string::npos);
  }
}

TEST(ShardTest, ShardIsFnv1aOfTheNameModN) {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
  const uint64_t fnv_a = 0xaf63dc4c8601ec8cULL;
  for (int n = 1; n <= 7; ++n) EXPECT_EQ(ShardOf("a", n), static_cast<int>(fnv_a % n) + 1) << n;
  // FNV-1a 64 of "" is the offset basis.
  EXPECT_EQ(ShardOf("", 5), static_cast<int>(0xcbf29ce484222325ULL % 5) + 1);
  // Every shard gets some of many names.
  std::map<int, int> counts;
  for (int i = 0; i < 300; ++i) ++counts[ShardOf("outlet" + std::to_string(i), 3)];
  EXPECT_EQ(counts.size(), 3u);
  for (auto [k, c] : counts) EXPECT_GT(c, 60) << k;
}

std::string Rss(const std::string& outlet, int items) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>";
  for (int n = 0; n < items; ++n) {
    xml += "<item><title>" + outlet + " 新闻 " + std::to_string(n) + "</title><link>https://" + outlet +
           ".example/" + std::to_string(n) + "</link><guid>" + outlet + std::to_string(n) +
           "</guid><pubDate>Tue, 02 Jan 2024 0" + std::to_string(n % 10) +
           ":00:00 GMT</pubDate><description>&lt;p&gt;正文&lt;/p&gt;</description></item>";
  }
  return xml + "</channel></rss>";
}

std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), dir).string();
    if (rel == ".git" || rel == ".newsmirror") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out[rel] = *ReadFile(it->path().string());
  }
  return out;
}

TEST(ShardTest, ThreeShardsOnThreeClonesMergeIntoWhatOneRunWrites) {
  TempDir dir;
  TestHttpServer server;
  std::string config = "[fetch]\nretries = 0\n";
  std::set<int> shards;
  MirrorExpectation expect;
  for (int i = 0; i < 7; ++i) {
    std::string name = "outlet" + std::to_string(i);
    server.Serve("/" + name, 200, Rss(name, 6));
    config += "[[source]]\nname = \"" + name + "\"\nurl = \"" + server.Url("/" + name) + "\"\n";
    shards.insert(ShardOf(name, 3));
    for (int n = 0; n < 6; ++n) expect.guids[name].insert(name + std::to_string(n));
  }
  ASSERT_EQ(shards.size(), 3u) << "the names must spread over every shard";
  std::string config_path = dir.path() + "/newsmirror.toml";
  ASSERT_TRUE(WriteFileAtomic(config_path, config).ok());

  // A shared repository with one commit, and a clone of it per runner.
  std::string origin = dir.path() + "/origin.git";
  std::string seed = dir.path() + "/seed";
  int rc = 0;
  Shell(kGit + "init -q -b main '" + seed + "' && cd '" + seed + "' && echo x > keep.txt && " + kGit +
            "add . && " + kGit + "commit -qm init && " + kGit + "clone -q --bare '" + seed + "' '" + origin + "'",
        &rc);
  ASSERT_EQ(rc, 0);
  for (int k = 1; k <= 3; ++k) {
    std::string clone = dir.path() + "/runner" + std::to_string(k);
    Shell(kGit + "clone -q '" + origin + "' '" + clone + "'", &rc);
    ASSERT_EQ(rc, 0);
    CliResult r = RunNewsmirror({"run", "--config", config_path, "--out", clone, "--commit", "--shard",
                                 std::to_string(k) + "/3", "--json"},
                                TestGitEnv());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Only this shard's outlets were fetched.
    for (int i = 0; i < 7; ++i) {
      std::string name = "outlet" + std::to_string(i);
      bool mine = ShardOf(name, 3) == k;
      EXPECT_EQ(fs::exists(clone + "/state/" + name + "/feed.tsv"), mine) << name << " in shard " << k;
    }
  }
  // Each runner pushes in turn, merging what the others pushed first.
  for (int k = 1; k <= 3; ++k) {
    std::string clone = dir.path() + "/runner" + std::to_string(k);
    std::string out = Shell("cd '" + clone + "' && " + kGit + "pull -q --no-rebase --no-edit origin main 2>&1 && " +
                                kGit + "push -q origin main 2>&1",
                            &rc);
    ASSERT_EQ(rc, 0) << "runner " << k << ": " << out;
  }
  std::string merged = dir.path() + "/merged";
  Shell(kGit + "clone -q '" + origin + "' '" + merged + "'", &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_TRUE(MirrorProblems(merged, expect).empty()) << JoinProblems(MirrorProblems(merged, expect));

  // One unsharded run from the same starting point writes the same files.
  std::string single = dir.path() + "/single";
  Shell(kGit + "clone -q '" + seed + "' '" + single + "'", &rc);
  CliResult r = RunNewsmirror({"run", "--config", config_path, "--out", single, "--commit"}, TestGitEnv());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto merged_files = Files(merged), single_files = Files(single);
  // feeds/all.xml spans every outlet, so only unsharded runs write it.
  EXPECT_FALSE(merged_files.count("feeds/all.xml"));
  single_files.erase("feeds/all.xml");
  EXPECT_EQ(merged_files.size(), single_files.size());
  for (const auto& [path, bytes] : single_files) {
    auto it = merged_files.find(path);
    ASSERT_NE(it, merged_files.end()) << path;
    EXPECT_EQ(it->second, bytes) << path;
  }
}

}  // namespace
}  // namespace nm

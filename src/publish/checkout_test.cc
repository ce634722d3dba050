#include "publish/checkout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

TEST(CheckoutTest, ConePatternsHoldTheRootFilesAndTheNamedFolders) {
  auto c = Checkout::FromPatterns("/*\n!/*/\n/state/\n/lists/\n/feeds/\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->sparse());
  EXPECT_TRUE(c->Holds("README.md"));
  EXPECT_TRUE(c->Holds("state/美国之音/feed.tsv"));
  EXPECT_TRUE(c->Holds("lists/美国之音/2023-01.md"));
  EXPECT_TRUE(c->Holds("feeds/all.xml"));
  EXPECT_FALSE(c->Holds("articles/美国之音/1048574_x.md"));
  EXPECT_FALSE(c->Holds("assets/a/b.jpg"));
  EXPECT_FALSE(c->Holds("statefile/x"));
  EXPECT_TRUE(c->HoldsAll("state"));
  EXPECT_TRUE(c->HoldsAll("state/美国之音"));
  EXPECT_FALSE(c->HoldsAll("articles"));
  EXPECT_FALSE(c->HoldsAll(""));
}

TEST(CheckoutTest, NestedConesHoldTheirParentsOwnFilesOnly) {
  // git sparse-checkout set articles/甲 (with escapes git writes for '*').
  auto c = Checkout::FromPatterns("/*\n!/*/\n/articles/\n!/articles/*/\n/articles/\\*x/\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->Holds("articles/top.md"));
  EXPECT_FALSE(c->Holds("articles/乙/1.md"));
  EXPECT_TRUE(c->Holds("articles/*x/1.md"));
  EXPECT_TRUE(c->Holds("articles/*x/deep/2.md"));
  EXPECT_FALSE(c->HoldsAll("articles"));
}

TEST(CheckoutTest, PatternsOutsideConeModeAreRefused) {
  for (const char* text : {"/*\n!/*/\n*.md\n", "/state/\n", "/*\n!/*/\n/a/*.md\n"}) {
    auto c = Checkout::FromPatterns(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().kind(), Status::Kind::kInvalidArgument);
    EXPECT_NE(c.status().message().find("cone"), std::string::npos) << c.status().message();
  }
}

TEST(CheckoutTest, AFullCheckoutHoldsEverything) {
  Checkout c;
  EXPECT_FALSE(c.sparse());
  EXPECT_TRUE(c.Holds("articles/x/y.md"));
  TempDir dir;
  EXPECT_TRUE(CheckoutHolds(dir.path(), "articles/x/y.md"));
  auto text = ReadTrackedFile(dir.path(), "articles/x/y.md", "0123456789012345678901234567890123456789");
  EXPECT_EQ(text.status().kind(), Status::Kind::kNotFound);
}

std::string Git(const std::string& dir, const std::string& args) {
  int rc = -1;
  std::string out = Shell("git -c user.name=T -c user.email=t@example.org -C '" + dir + "' " + args + " 2>&1", &rc);
  EXPECT_EQ(rc, 0) << "git " << args << ": " << out;
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// A blob-less, depth-1, sparse clone of a remote with ten articles.
class PartialCloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string seed = dir_.path() + "/seed";
    Git(dir_.path(), "init -q -b main seed");
    ASSERT_TRUE(MakeDirs(seed + "/articles/甲").ok());
    ASSERT_TRUE(MakeDirs(seed + "/state/甲").ok());
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(WriteFileAtomic(seed + "/articles/甲/" + std::to_string(1048574 - i) + ".md",
                                  "article " + std::to_string(i) + "\n")
                      .ok());
    }
    ASSERT_TRUE(WriteFileAtomic(seed + "/state/甲/feed.tsv", "x\n").ok());
    ASSERT_TRUE(WriteFileAtomic(seed + "/README.md", "r\n").ok());
    Git(seed, "add -A");
    Git(seed, "commit -q -m one");
    Git(dir_.path(), "clone -q --bare seed remote.git");
    Git(dir_.path() + "/remote.git", "config uploadpack.allowFilter true");
    Git(dir_.path(), "clone -q --depth 1 --filter=blob:none --sparse 'file://" + dir_.path() + "/remote.git' clone");
    Git(clone_, "sparse-checkout set --cone state lists feeds");
  }
  size_t Packs() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(clone_ + "/.git/objects/pack")) n += e.path().extension() == ".pack";
    return n;
  }
  std::string BlobOf(const std::string& rel) { return Trim(Git(clone_, "rev-parse 'HEAD:" + rel + "'")); }

  TempDir dir_;
  std::string clone_ = dir_.path() + "/clone";
};

TEST_F(PartialCloneTest, FilesOutsideTheCheckoutAreReadFromGit) {
  ASSERT_FALSE(fs::exists(clone_ + "/articles"));
  EXPECT_TRUE(CheckoutHolds(clone_, "state/甲/feed.tsv"));
  EXPECT_FALSE(CheckoutHolds(clone_, "articles/甲/1048574.md"));
  // By HEAD's path, and by a blob id as the state records it.
  auto by_path = ReadTrackedFile(clone_, "articles/甲/1048574.md");
  ASSERT_TRUE(by_path.ok()) << by_path.status().message();
  EXPECT_EQ(*by_path, "article 0\n");
  auto by_blob = ReadTrackedFile(clone_, "articles/甲/renamed.md", BlobOf("articles/甲/1048573.md"));
  ASSERT_TRUE(by_blob.ok()) << by_blob.status().message();
  EXPECT_EQ(*by_blob, "article 1\n");
  EXPECT_TRUE(TrackedFileExists(clone_, "articles/甲/1048570.md"));
  EXPECT_FALSE(TrackedFileExists(clone_, "articles/甲/1.md"));
  EXPECT_EQ(ReadTrackedFile(clone_, "articles/甲/1.md").status().kind(), Status::Kind::kNotFound);
  // A file the checkout holds is the work tree's alone.
  EXPECT_FALSE(TrackedFileExists(clone_, "lists/甲.md"));
  auto listed = ListHeadFolder(clone_, "articles/甲");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 10u);
  EXPECT_EQ((*listed)[0].name, "1048565.md");
  EXPECT_EQ((*listed)[0].blob, BlobOf("articles/甲/1048565.md"));
}

TEST_F(PartialCloneTest, ManyBlobsComeInOneRequest) {
  std::vector<std::string> blobs;
  for (int i = 2; i < 10; ++i) blobs.push_back(BlobOf("articles/甲/" + std::to_string(1048574 - i) + ".md"));
  size_t before = Packs();
  ASSERT_TRUE(FetchBlobs(clone_, blobs).ok());
  EXPECT_EQ(Packs(), before + 1);
  // All are there now: reading them, and asking again, fetches nothing more.
  for (int i = 2; i < 10; ++i) {
    auto text = ReadTrackedFile(clone_, "articles/甲/x.md", blobs[static_cast<size_t>(i - 2)]);
    ASSERT_TRUE(text.ok()) << text.status().message();
    EXPECT_EQ(*text, "article " + std::to_string(i) + "\n");
  }
  ASSERT_TRUE(FetchBlobs(clone_, blobs).ok());
  EXPECT_EQ(Packs(), before + 1);
}

TEST_F(PartialCloneTest, ABlobNoRemoteHasIsNotFound) {
  auto text = ReadTrackedFile(clone_, "articles/甲/x.md", "0123456789abcdef0123456789abcdef01234567");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("articles/甲/x.md"), std::string::npos) << text.status().message();
}

}  // namespace
}  // namespace nm

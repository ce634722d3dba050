#include "util/fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace nm {
namespace {

TEST(FsTest, WriteThenReadRoundTrips) {
  TempDir dir;
  std::string path = dir.path() + "/a.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello\n").ok());
  auto r = ReadFile(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "hello\n");
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) { (void)e; ++files; }
  EXPECT_EQ(files, 1);
}

TEST(FsTest, ANameOfTheFullLengthIsWritten) {
  // Article file names may use all 255 bytes; the temporary file must still have a legal name.
  TempDir dir;
  std::string name = std::string(250, 'a') + "_.md";
  name = std::string(255 - name.size(), 'b') + name;
  ASSERT_EQ(name.size(), 255u);
  Status direct = WriteFileAtomic(dir.path() + "/" + name, "x", /*sync=*/false);
  ASSERT_TRUE(direct.ok()) << direct.message();
  std::filesystem::create_directory(dir.path() + "/tmp");
  Status via_tmp = WriteFileAtomic(dir.path() + "/" + name, "y", /*sync=*/false, dir.path() + "/tmp");
  ASSERT_TRUE(via_tmp.ok()) << via_tmp.message();
  EXPECT_EQ(*ReadFile(dir.path() + "/" + name), "y");
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/tmp"));
}

TEST(FsTest, MissingFileIsNotFound) {
  TempDir dir;
  auto r = ReadFile(dir.path() + "/missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
}

TEST(FsTest, WriteIntoMissingFolderFailsWithPath) {
  TempDir dir;
  Status s = WriteFileAtomic(dir.path() + "/no/such/a.txt", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such"), std::string::npos);
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

namespace fs = std::filesystem;

// A root with a folder outside it that a link inside points at.
struct HostileTree {
  TempDir dir;
  std::string root = dir.path() + "/root";
  std::string outside = dir.path() + "/outside";
  HostileTree() {
    fs::create_directories(root);
    fs::create_directories(outside);
    std::ofstream(outside + "/victim.txt") << "precious\n";
  }
  std::string Victim() const { return *ReadFile(outside + "/victim.txt"); }
};

TEST(FsBelowTest, WritesReadsListsAndRemovesBelowTheRoot) {
  TempDir dir;
  ASSERT_TRUE(WriteFileBelow(dir.path(), "a/b/c.txt", "hello", /*sync=*/false).ok());
  auto text = ReadFileBelow(dir.path(), "a/b/c.txt");
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, "hello");
  EXPECT_EQ(*KindBelow(dir.path(), "a/b"), PathKind::kFolder);
  EXPECT_EQ(*KindBelow(dir.path(), "a/b/c.txt"), PathKind::kFile);
  EXPECT_EQ(*KindBelow(dir.path(), "a/missing/c.txt"), PathKind::kMissing);
  EXPECT_TRUE(FileExistsBelow(dir.path(), "a/b/c.txt"));
  EXPECT_FALSE(FileExistsBelow(dir.path(), "a/b"));
  // Through a temporary folder: nothing is left there.
  ASSERT_TRUE(WriteFileBelow(dir.path(), "a/d.txt", std::vector<std::string_view>{"x", "y"}, false, ".tmp/t").ok());
  EXPECT_EQ(*ReadFileBelow(dir.path(), "a/d.txt"), "xy");
  EXPECT_TRUE(fs::is_empty(dir.path() + "/.tmp/t"));
  auto list = ListFolderBelow(dir.path(), "a");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "b");
  EXPECT_EQ((*list)[0].kind, PathKind::kFolder);
  EXPECT_EQ((*list)[1].name, "d.txt");
  EXPECT_EQ((*list)[1].size, 2);
  EXPECT_EQ(ListFolderBelow(dir.path(), "nope").status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(ReadFileBelow(dir.path(), "a/nope").status().kind(), Status::Kind::kNotFound);
  ASSERT_TRUE(RemoveFileBelow(dir.path(), "a/d.txt").ok());
  EXPECT_TRUE(RemoveFileBelow(dir.path(), "a/d.txt").ok());  // already gone
  ASSERT_TRUE(RemoveTreeBelow(dir.path(), "a").ok());
  EXPECT_FALSE(fs::exists(dir.path() + "/a"));
}

TEST(FsBelowTest, PathsThatLeaveTheRootAreRefusedBeforeTheDiskIsTouched) {
  HostileTree t;
  for (const char* rel : {"../outside/victim.txt", "/etc/passwd", "a/../../outside/victim.txt", "", "a//b", "./a",
                          "a/."}) {
    EXPECT_EQ(CheckRelativePath(rel).kind(), Status::Kind::kInvalidArgument) << rel;
    EXPECT_FALSE(WriteFileBelow(t.root, rel, "x", false).ok()) << rel;
    EXPECT_FALSE(ReadFileBelow(t.root, rel).ok()) << rel;
    EXPECT_FALSE(RemoveFileBelow(t.root, rel).ok()) << rel;
  }
  EXPECT_FALSE(CheckRelativePath(std::string("a\0b", 3)).ok());
  EXPECT_EQ(t.Victim(), "precious\n");
}

TEST(FsBelowTest, ALinkedFolderOnTheWayIsNeverFollowed) {
  HostileTree t;
  fs::create_directories(t.root + "/articles");
  fs::create_directory_symlink(t.outside, t.root + "/articles/x");
  Status w = WriteFileBelow(t.root, "articles/x/victim.txt", "overwritten", false);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.message().find("articles/x is a symbolic link"), std::string::npos) << w.message();
  EXPECT_FALSE(WriteFileBelow(t.root, "articles/x/new.txt", "x", false).ok());
  EXPECT_FALSE(fs::exists(t.outside + "/new.txt"));
  EXPECT_FALSE(ReadFileBelow(t.root, "articles/x/victim.txt").ok());
  EXPECT_FALSE(KindBelow(t.root, "articles/x/victim.txt").ok());
  EXPECT_FALSE(FileExistsBelow(t.root, "articles/x/victim.txt"));
  EXPECT_FALSE(ListFolderBelow(t.root, "articles/x").ok());
  EXPECT_FALSE(RemoveFileBelow(t.root, "articles/x/victim.txt").ok());
  EXPECT_FALSE(MakeDirsBelow(t.root, "articles/x/sub").ok());
  EXPECT_FALSE(fs::exists(t.outside + "/sub"));
  // Listing the folder that holds the link shows it as a link.
  auto list = ListFolderBelow(t.root, "articles");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, PathKind::kLink);
  EXPECT_EQ(t.Victim(), "precious\n");
}

TEST(FsBelowTest, ALinkedFileIsNeitherReadNorWrittenNorTruncated) {
  HostileTree t;
  fs::create_directories(t.root + "/.newsmirror");
  fs::create_symlink(t.outside + "/victim.txt", t.root + "/.newsmirror/lock");
  auto opened = OpenFileBelow(t.root, ".newsmirror/lock", O_RDWR | O_CREAT);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find(".newsmirror/lock is a symbolic link"), std::string::npos)
      << opened.status().message();
  EXPECT_FALSE(ReadFileBelow(t.root, ".newsmirror/lock").ok());
  EXPECT_FALSE(WriteFileBelow(t.root, ".newsmirror/lock", "x", false).ok());
  EXPECT_EQ(*KindBelow(t.root, ".newsmirror/lock"), PathKind::kLink);
  EXPECT_EQ(t.Victim(), "precious\n");
  // Removing it removes the link, never what it points at.
  ASSERT_TRUE(RemoveFileBelow(t.root, ".newsmirror/lock").ok());
  EXPECT_FALSE(fs::is_symlink(t.root + "/.newsmirror/lock"));
  EXPECT_EQ(t.Victim(), "precious\n");
}

TEST(FsBelowTest, RemovingATreeRemovesLinksInItNotTheirTargets) {
  HostileTree t;
  fs::create_directories(t.root + "/.newsmirror/tmp/sub");
  fs::create_directory_symlink(t.outside, t.root + "/.newsmirror/tmp/sub/out");
  fs::create_symlink(t.outside + "/victim.txt", t.root + "/.newsmirror/tmp/v");
  ASSERT_TRUE(RemoveTreeBelow(t.root, ".newsmirror/tmp").ok());
  EXPECT_FALSE(fs::exists(t.root + "/.newsmirror/tmp"));
  EXPECT_EQ(t.Victim(), "precious\n");
  // A linked tree itself is unlinked, not emptied.
  fs::create_directory_symlink(t.outside, t.root + "/.newsmirror/tmp");
  ASSERT_TRUE(RemoveTreeBelow(t.root, ".newsmirror/tmp").ok());
  EXPECT_EQ(t.Victim(), "precious\n");
}

TEST(FsBelowTest, TheRootItselfMayBeALinkAndAFifoIsNotRead) {
  HostileTree t;
  fs::create_directory_symlink(t.root, t.dir.path() + "/root-link");
  ASSERT_TRUE(WriteFileBelow(t.dir.path() + "/root-link", "a.txt", "x", false).ok());
  EXPECT_EQ(*ReadFile(t.root + "/a.txt"), "x");
  ASSERT_EQ(::mkfifo((t.root + "/fifo").c_str(), 0644), 0);
  auto r = ReadFileBelow(t.root, "fifo");  // must not block
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a regular file"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace nm

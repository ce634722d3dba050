#include "util/fs.h"

#include <gtest/gtest.h>

#include <filesystem>

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

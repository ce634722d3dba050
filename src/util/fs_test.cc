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

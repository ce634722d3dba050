// A temporary folder for one test, removed with everything in it afterwards.
#pragma once

#include <map>
#include <string>

namespace nm {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every regular file under `dir` (relative path → bytes), leaving out .git
// and .newsmirror (a mirror's repository and its caches).
std::map<std::string, std::string> ReadTree(const std::string& dir);

}  // namespace nm

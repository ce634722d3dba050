#include "support/mirror_files.h"

#include <algorithm>
#include <filesystem>

#include "util/fs.h"

namespace nm {

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : std::string("<missing: " + path + ">");
}

std::vector<std::string> ArticleFiles(const std::string& mirror, const std::string& outlet) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(mirror + "/articles/" + outlet, ec)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nm

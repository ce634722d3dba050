#include "support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "util/fs.h"

namespace nm {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "newsmirror-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::map<std::string, std::string> ReadTree(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), dir).string();
    if (rel.rfind(".git", 0) == 0 || rel.rfind(".newsmirror", 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    auto bytes = ReadFile(it->path().string());
    out[rel] = bytes.ok() ? *bytes : "<unreadable: " + it->path().string() + ">";
  }
  return out;
}

}  // namespace nm

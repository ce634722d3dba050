#include "archive/file_name.h"

#include <unicode/utf8.h>

#include <charconv>

#include "layout/layout.h"
#include "util/text.h"

namespace nm {

namespace {
constexpr size_t kMaxNameBytes = 255;
}  // namespace

std::string ArticleFileName(int64_t id, std::string_view title) {
  std::string prefix = std::to_string(id);
  // Only the characters a file name of the mirror may hold (layout.h), so
  // that the name passes CheckFileName when the archive is read; bytes that
  // are not UTF-8 go too.
  std::string safe;
  safe.reserve(title.size());
  int32_t i = 0, n = static_cast<int32_t>(title.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(title.data(), i, n, c);
    if (c >= 0 && layout::IsFileNameCharacter(c)) safe.append(title.substr(start, i - start));
  }
  safe.resize(Utf8CutPoint(safe, kMaxNameBytes - prefix.size() - 1 /* _ */ - 3 /* .md */));
  size_t b = safe.find_first_not_of('.');
  safe.erase(0, b == std::string::npos ? safe.size() : b);
  while (!safe.empty() && (safe.back() == '.' || safe.back() == ' ')) safe.pop_back();
  if (safe.empty()) return prefix + ".md";
  return prefix + "_" + safe + ".md";
}

std::optional<int64_t> ArticleIdFromFileName(std::string_view name) {
  if (name.size() < 4 || name.substr(name.size() - 3) != ".md") return std::nullopt;
  size_t end = name.find_first_not_of("0123456789");
  if (end == 0 || end == std::string_view::npos) return std::nullopt;
  if (name[end] != '_' && name.substr(end) != ".md") return std::nullopt;
  int64_t id = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + end, id);
  if (ec != std::errc()) return std::nullopt;
  return id;
}

}  // namespace nm

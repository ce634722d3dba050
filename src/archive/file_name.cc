#include "archive/file_name.h"

#include <charconv>

namespace nm {

namespace {
constexpr size_t kMaxNameBytes = 255;

bool Forbidden(unsigned char c) {
  switch (c) {
    case '/': case '\\': case ':': case '*': case '?': case '"': case '<': case '>': case '|':
      return true;
    default:
      return c < 0x20 || c == 0x7F;
  }
}

// Is the UTF-8 sequence at s[i] a C1 control (U+0080–U+009F)?
bool IsC1(std::string_view s, size_t i) {
  return static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
         static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}
}  // namespace

std::string ArticleFileName(int64_t id, std::string_view title) {
  std::string prefix = std::to_string(id);
  std::string safe;
  safe.reserve(title.size());
  for (size_t i = 0; i < title.size(); ++i) {
    if (IsC1(title, i)) { ++i; continue; }
    if (!Forbidden(static_cast<unsigned char>(title[i]))) safe.push_back(title[i]);
  }
  size_t budget = kMaxNameBytes - prefix.size() - 1 /* _ */ - 3 /* .md */;
  if (safe.size() > budget) {
    size_t cut = budget;
    // Step back to the start of a UTF-8 character.
    while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
    safe.resize(cut);
  }
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

#include "util/text.h"

namespace nm {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

uint32_t DecodeUtf8At(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  *len = 1;
  if (n == 1 || i + n > s.size()) return c;
  uint32_t cp = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) return c;
    cp = (cp << 6) | (t & 0x3F);
  }
  *len = n;
  return cp;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep, bool drop_final_empty) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      if (!(drop_final_empty && start == s.size() && !out.empty()) && !(drop_final_empty && s.empty())) {
        out.push_back(s.substr(start));
      }
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace nm

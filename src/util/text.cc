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

bool IsTerminalControl(uint32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n';
  if (cp >= 0x7F && cp <= 0x9F) return true;
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

namespace {

// The code point at s[i] and its length, or 0xFFFFFFFF (length 1) for a byte
// that starts no valid, shortest-form UTF-8 sequence.
uint32_t ValidUtf8At(std::string_view s, size_t i, size_t* len) {
  uint32_t cp = DecodeUtf8At(s, i, len);
  bool invalid = (*len == 1 && cp >= 0x80) || (*len == 2 && cp < 0x80) || (*len == 3 && cp < 0x800) ||
                 (*len == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF;
  if (invalid) {
    *len = 1;
    return 0xFFFFFFFF;
  }
  return cp;
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    if (ValidUtf8At(s, i, &len) == 0xFFFFFFFF) out += "\xEF\xBF\xBD";
    else out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string TerminalSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    uint32_t cp = ValidUtf8At(s, i, &len);
    if (cp == 0xFFFFFFFF || IsTerminalControl(cp)) out += "\xEF\xBF\xBD";
    else out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string TerminalSafeJson(std::string_view json) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size();) {
    size_t len = 1;
    uint32_t cp = ValidUtf8At(json, i, &len);
    if (cp == 0xFFFFFFFF) {
      out += "\\ufffd";
    } else if (IsTerminalControl(cp)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
    } else {
      out.append(json.substr(i, len));
    }
    i += len;
  }
  return out;
}

size_t Utf8CutPoint(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  size_t cut = max_bytes;
  // s[cut] starts the part cut off; a continuation byte there belongs to the
  // sequence that must go with it.
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80; ++k) --cut;
  return cut;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace nm

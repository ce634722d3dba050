#include "html/escape.h"

#include <cstdint>

namespace nm {

void AppendHtmlEscaped(std::string& out, std::string_view s, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out.push_back(c);
    }
  }
}

namespace {

// The code point of the UTF-8 sequence at s[i] and its length; an invalid
// sequence reads as its first byte alone.
char32_t DecodeAt(std::string_view s, size_t i, size_t& len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (len == 1 || i + len > s.size()) {
    len = 1;
    return c;
  }
  char32_t cp = c & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) {
    unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) {
      len = 1;
      return c;
    }
    cp = (cp << 6) | (t & 0x3F);
  }
  return cp;
}

bool ParserRewrites(char32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') || (cp >= 0x7F && cp <= 0x9F) ||
         (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

void AppendHtmlEscapedForReparse(std::string& out, std::string_view s, bool attribute) {
  size_t plain = 0;  // start of the run not yet written
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Printable ASCII other than the escaped characters is the common case.
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    size_t len = 1;
    char32_t cp = c < 0x80 ? c : DecodeAt(s, i, len);
    if (ParserRewrites(cp)) {
      AppendHtmlEscaped(out, s.substr(plain, i - plain), attribute);
      out += "&#" + std::to_string(static_cast<uint32_t>(cp)) + ";";
      plain = i + len;
    }
    i += len;
  }
  AppendHtmlEscaped(out, s.substr(plain), attribute);
}

}  // namespace nm

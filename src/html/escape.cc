#include "html/escape.h"

#include <cstdint>

#include "util/text.h"

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

bool ParserRewrites(char32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') || (cp >= 0x7F && cp <= 0x9F) ||
         (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

namespace {

// Escapes `s` as AppendHtmlEscaped does, except that each code point for
// which `drop(cp, lead_byte, len)` holds is left out and `replace(cp)`
// written in its place. Printable ASCII, the common case, is never looked at
// further.
template <typename Drop, typename Replace>
void AppendEscapedExcept(std::string& out, std::string_view s, bool attribute, Drop drop, Replace replace) {
  size_t plain = 0;  // start of the run not yet written
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    size_t len = 1;
    char32_t cp = c < 0x80 ? c : DecodeUtf8At(s, i, &len);
    if (drop(cp, c, len)) {
      AppendHtmlEscaped(out, s.substr(plain, i - plain), attribute);
      replace(cp);
      plain = i + len;
    }
    i += len;
  }
  AppendHtmlEscaped(out, s.substr(plain), attribute);
}

}  // namespace

void AppendHtmlEscapedForReparse(std::string& out, std::string_view s, bool attribute) {
  AppendEscapedExcept(
      out, s, attribute, [](char32_t cp, unsigned char, size_t) { return ParserRewrites(cp); },
      [&out](char32_t cp) { out += "&#" + std::to_string(static_cast<uint32_t>(cp)) + ";"; });
}

void AppendXmlEscaped(std::string& out, std::string_view s, bool attribute) {
  AppendEscapedExcept(
      out, s, attribute,
      [](char32_t cp, unsigned char c, size_t len) {
        // A byte read alone above 0x7F is no whole UTF-8 sequence; an overlong
        // form, a surrogate or a value past U+10FFFF is no character.
        bool broken = (c >= 0x80 && len == 1) || (len > 1 && cp < 0x80) || (cp >= 0xD800 && cp <= 0xDFFF) ||
                      cp > 0x10FFFF;
        return broken || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF;
      },
      [](char32_t) {});
}

}  // namespace nm

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
    char32_t cp = c < 0x80 ? c : DecodeUtf8At(s, i, &len);
    if (ParserRewrites(cp)) {
      AppendHtmlEscaped(out, s.substr(plain, i - plain), attribute);
      out += "&#" + std::to_string(static_cast<uint32_t>(cp)) + ";";
      plain = i + len;
    }
    i += len;
  }
  AppendHtmlEscaped(out, s.substr(plain), attribute);
}

void AppendXmlEscaped(std::string& out, std::string_view s, bool attribute) {
  size_t plain = 0;  // start of the run not yet written
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    size_t len = 1;
    char32_t cp = c < 0x80 ? c : DecodeUtf8At(s, i, &len);
    // A byte read alone above 0x7F is no whole UTF-8 sequence; an overlong
    // form, a surrogate or a value past U+10FFFF is no character.
    bool broken = (c >= 0x80 && len == 1) || (len > 1 && cp < 0x80) || (cp >= 0xD800 && cp <= 0xDFFF) ||
                  cp > 0x10FFFF;
    if (broken || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
      AppendHtmlEscaped(out, s.substr(plain, i - plain), attribute);
      plain = i + len;
    }
    i += len;
  }
  AppendHtmlEscaped(out, s.substr(plain), attribute);
}

}  // namespace nm

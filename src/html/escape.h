// Escaping text for HTML output: one rule for every writer of HTML.
//
// Text escapes &, < and >; attribute values also escape the double quote
// (they are always written double-quoted). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace nm {

void AppendHtmlEscaped(std::string& out, std::string_view s, bool attribute);

// Plain text shown as HTML.
inline std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendHtmlEscaped(out, text, false);
  return out;
}

}  // namespace nm

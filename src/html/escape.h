// Escaping text for HTML: & < > always, and " inside attribute values.
#pragma once

#include <string>
#include <string_view>

namespace nm {

void AppendHtmlEscaped(std::string& out, std::string_view text, bool attribute);

// Plain text shown as HTML.
inline std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendHtmlEscaped(out, text, false);
  return out;
}

}  // namespace nm

// Escaping text for HTML output: one rule for every writer of HTML.
//
// Text escapes &, < and >; attribute values also escape the double quote
// (they are always written double-quoted). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace nm {

void AppendHtmlEscaped(std::string& out, std::string_view s, bool attribute);

}  // namespace nm

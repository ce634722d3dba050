// Escaping text for HTML output: one rule for every writer of HTML.
//
// Text escapes &, < and >; attribute values also escape the double quote
// (they are always written double-quoted). AppendHtmlEscapedForReparse also
// writes the characters an HTML parser replaces or rewrites on reading them
// raw (C0 and C1 controls other than tab, LF and FF; CR; noncharacters) as
// numeric character references, so that HTML it writes parses back to the
// same text. AppendXmlEscaped writes text for XML (XHTML): the same escapes,
// with the characters XML 1.0 cannot carry even as a reference (C0 controls
// other than tab, LF and CR; U+FFFE, U+FFFF; bytes of broken UTF-8) dropped.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace nm {

void AppendHtmlEscaped(std::string& out, std::string_view s, bool attribute);
void AppendHtmlEscapedForReparse(std::string& out, std::string_view s, bool attribute);
void AppendXmlEscaped(std::string& out, std::string_view s, bool attribute);

}  // namespace nm

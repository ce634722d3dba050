// The readable text of an HTML fragment, for indexing and snippets.
//
// ReadableText parses the fragment as HTML5 (html_tree.h: within fixed
// bounds) and returns its text with block elements separated by a newline
// and runs of white space collapsed;
// the content of script, style and template is left out, entities decoded.
#pragma once

#include <string>
#include <string_view>

namespace nm {

std::string ReadableText(std::string_view html);

}  // namespace nm

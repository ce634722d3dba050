// Small read-only helpers over a gumbo HTML5 tree, shared by the extractor
// and the CSS selector matcher.
//
// Trees come from HtmlTree (html/html_tree.h), at most kMaxHtmlDepth elements
// deep, so the walks here and in the extractor may recurse.
//
// Tag names come back lower-case, including elements gumbo does not know
// (<picture>, custom elements), which it reports as GUMBO_TAG_UNKNOWN.
// Text helpers collapse nothing: callers decide how whitespace counts.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>

namespace nm::dom {

inline bool IsElement(const GumboNode* n) {
  return n && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}
inline bool IsText(const GumboNode* n) {
  return n && (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
               n->type == GUMBO_NODE_CDATA);
}
inline GumboTag Tag(const GumboNode* n) { return IsElement(n) ? n->v.element.tag : GUMBO_TAG_UNKNOWN; }
inline const GumboVector& Children(const GumboNode* n) { return n->v.element.children; }
inline const GumboNode* Child(const GumboNode* n, unsigned i) {
  return static_cast<const GumboNode*>(n->v.element.children.data[i]);
}
inline const GumboNode* ParentElement(const GumboNode* n) {
  const GumboNode* p = n ? n->parent : nullptr;
  return IsElement(p) ? p : nullptr;
}

// Lower-case tag name; "" for non-elements.
std::string TagName(const GumboNode* n);

// The attribute's value, or nullptr when the element lacks it.
const char* Attr(const GumboNode* n, const char* name);
std::string_view AttrOr(const GumboNode* n, const char* name, std::string_view fallback = "");

// True when the whitespace-separated class list contains `cls` exactly.
bool HasClass(const GumboNode* n, std::string_view cls);

// Concatenated text of all descendants (script and style content skipped).
std::string TextContent(const GumboNode* n);
void AppendText(const GumboNode* n, std::string& out);

// Collapses runs of whitespace (ASCII and U+00A0, U+3000) to one space and trims.
std::string CollapseSpace(std::string_view s);

}  // namespace nm::dom

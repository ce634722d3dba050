#include "extract/dom.h"

#include <cstring>

#include "util/text.h"

namespace nm::dom {

std::string TagName(const GumboNode* n) {
  if (!IsElement(n)) return "";
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n->v.element.tag);
  GumboStringPiece piece = n->v.element.original_tag;
  if (!piece.data) return "";
  gumbo_tag_from_original_text(&piece);
  std::string_view name(piece.data, piece.length);
  size_t end = name.find_first_of(" \t\r\n\f/>");
  return AsciiLower(name.substr(0, end));
}

const char* Attr(const GumboNode* n, const char* name) {
  if (!IsElement(n)) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}

std::string_view AttrOr(const GumboNode* n, const char* name, std::string_view fallback) {
  const char* v = Attr(n, name);
  return v ? std::string_view(v) : fallback;
}

bool HasClass(const GumboNode* n, std::string_view cls) {
  std::string_view list = AttrOr(n, "class");
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && std::strchr(" \t\r\n\f", list[i])) ++i;
    size_t j = i;
    while (j < list.size() && !std::strchr(" \t\r\n\f", list[j])) ++j;
    if (j > i && list.substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

void AppendText(const GumboNode* n, std::string& out) {
  if (IsText(n)) {
    out += n->v.text.text;
    return;
  }
  if (!IsElement(n)) return;
  GumboTag t = Tag(n);
  if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE) return;
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) AppendText(Child(n, i), out);
}

std::string TextContent(const GumboNode* n) {
  std::string out;
  AppendText(n, out);
  return out;
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    size_t skip = 0;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ws = true;
      skip = 1;
    } else if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               static_cast<unsigned char>(s[i + 2]) == 0x80) {
      ws = true;
      skip = 2;
    }
    if (ws) {
      space = true;
      i += skip;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace nm::dom

#include "html/tag_scanner.h"

#include <algorithm>

#include "util/text.h"

namespace nm {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(s[pos + i]) != AsciiLower(prefix[i])) return false;
  }
  return true;
}

// Position just past the first `terminator` at or after `pos`, or the end.
size_t SkipPast(std::string_view html, size_t pos, std::string_view terminator) {
  size_t found = html.find(terminator, pos);
  return found == std::string_view::npos ? html.size() : found + terminator.size();
}

bool IsRawTextElement(std::string_view name) {
  return name == "script" || name == "style" || name == "textarea" || name == "title" ||
         name == "xmp" || name == "iframe" || name == "noembed" || name == "noframes";
}

// Where the end tag `</name` closing a raw-text element starts, or the end.
size_t FindRawTextEnd(std::string_view html, size_t pos, std::string_view name) {
  while (true) {
    size_t lt = html.find("</", pos);
    if (lt == std::string_view::npos) return html.size();
    size_t after = lt + 2 + name.size();
    if (StartsWithNoCase(html, lt + 2, name) &&
        (after >= html.size() || IsHtmlSpace(html[after]) || html[after] == '/' || html[after] == '>')) {
      return lt;
    }
    pos = lt + 2;
  }
}

// Reads the start tag whose '<' is at `pos` (followed by a letter). False
// when the document ends inside the tag.
bool ScanStartTag(std::string_view html, size_t pos, HtmlTag& tag) {
  size_t i = pos + 1;
  while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '/' && html[i] != '>') {
    tag.name += AsciiLower(html[i++]);
  }
  tag.name_end = i;
  bool slash = false;  // a '/' right before '>' makes the tag self-closing
  while (i < html.size()) {
    char c = html[i];
    if (c == '>') {
      tag.end = i + 1;
      tag.self_closing = slash;
      return true;
    }
    slash = c == '/';
    if (IsHtmlSpace(c) || c == '/') {
      ++i;
      continue;
    }
    HtmlAttribute attr;
    // An attribute name may start with '=', and runs to space, '/', '>' or '='.
    attr.name += AsciiLower(html[i++]);
    while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '/' && html[i] != '>' &&
           html[i] != '=') {
      attr.name += AsciiLower(html[i++]);
    }
    size_t j = i;
    while (j < html.size() && IsHtmlSpace(html[j])) ++j;
    if (j < html.size() && html[j] == '=') {
      ++j;
      while (j < html.size() && IsHtmlSpace(html[j])) ++j;
      if (j >= html.size()) return false;
      if (html[j] == '"' || html[j] == '\'') {
        char quote = html[j];
        size_t close = html.find(quote, j + 1);
        if (close == std::string_view::npos) return false;
        attr.has_value = true;
        attr.quote = quote;
        attr.value_begin = j + 1;
        attr.value_end = close;
        i = close + 1;
      } else if (html[j] == '>') {
        i = j;  // "src=>": an empty value, and the tag ends here
      } else {
        size_t k = j;
        while (k < html.size() && !IsHtmlSpace(html[k]) && html[k] != '>') ++k;
        attr.has_value = true;
        attr.value_begin = j;
        attr.value_end = k;
        i = k;
      }
    }
    bool duplicate = std::any_of(tag.attributes.begin(), tag.attributes.end(),
                                 [&attr](const HtmlAttribute& a) { return a.name == attr.name; });
    if (!duplicate) tag.attributes.push_back(std::move(attr));
  }
  return false;
}

}  // namespace

bool HtmlTagScanner::Next(HtmlTag& tag) {
  if (done_) return false;
  std::string_view html = html_;
  size_t i = pos_;
  if (!raw_text_.empty()) {
    i = FindRawTextEnd(html, i, raw_text_);
    raw_text_.clear();
  }
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      // "<!-->" and "<!--->" are complete (empty) comments.
      if (html.compare(i + 4, 1, ">") == 0) { i += 5; continue; }
      if (html.compare(i + 4, 2, "->") == 0) { i += 6; continue; }
      size_t end = html.find("-->", i + 4);
      size_t bang = html.find("--!>", i + 4);
      if (end == std::string_view::npos || (bang != std::string_view::npos && bang < end)) {
        i = bang == std::string_view::npos ? html.size() : bang + 4;
      } else {
        i = end + 3;
      }
      continue;
    }
    if (html.compare(i, 9, "<![CDATA[") == 0) {
      i = SkipPast(html, i + 9, "]]>");
      continue;
    }
    if (html.compare(i, 2, "<!") == 0 || html.compare(i, 2, "<?") == 0) {
      i = SkipPast(html, i + 2, ">");
      continue;
    }
    tag = HtmlTag();
    tag.begin = i;
    if (html.compare(i, 2, "</") == 0 && i + 2 < html.size() && IsAsciiAlpha(html[i + 2])) {
      tag.is_end = true;
      size_t j = i + 2;
      while (j < html.size() && !IsHtmlSpace(html[j]) && html[j] != '/' && html[j] != '>') {
        tag.name += AsciiLower(html[j++]);
      }
      tag.name_end = j;
      tag.end = pos_ = SkipPast(html, j, ">");
      return true;
    }
    if (i + 1 >= html.size() || !IsAsciiAlpha(html[i + 1])) {
      ++i;
      continue;
    }
    if (!ScanStartTag(html, i, tag)) break;
    pos_ = tag.end;
    if (tag.name == "plaintext") done_ = true;  // the rest is text
    else if (IsRawTextElement(tag.name)) raw_text_ = tag.name;
    return true;
  }
  done_ = true;
  pos_ = html.size();
  return false;
}

}  // namespace nm

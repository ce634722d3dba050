#include "archive/markdown.h"

namespace nm {

namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Whether s[i..] ('&' at i) reads as a character reference: &#1234567;
// &#x10FFFF; or &name; (any name, a superset of the references renderers
// decode, so that escaping one too many is harmless).
bool ReferenceAt(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t start = j, max = hex ? 6 : 7;
    while (j < s.size() && j - start < max && (hex ? IsHex(s[j]) : IsAsciiDigit(s[j]))) ++j;
    return j > start && j < s.size() && s[j] == ';';
  }
  if (j >= s.size() || !IsAsciiAlpha(s[j])) return false;
  size_t start = j;
  while (j < s.size() && j - start < 64 && (IsAsciiAlpha(s[j]) || IsAsciiDigit(s[j]))) ++j;
  return j < s.size() && s[j] == ';';
}

// Characters that end a link's text or start inline markup in it.
bool IsInlineSpecial(char c) {
  switch (c) {
    case '\\': case '[': case ']': case '<': case '>': case '*': case '_': case '~': case '`':
      return true;
    default:
      return false;
  }
}

bool NeedsBackslash(std::string_view s, size_t i) {
  return IsInlineSpecial(s[i]) || (s[i] == '&' && ReferenceAt(s, i));
}

void AppendCharacterReference(std::string& out, char c) {
  out += c == '\t' ? "&#9;" : "&#32;";
}

}  // namespace

std::string MarkdownLinkText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    // A line break would end the line the link is on: the next line could
    // start a heading, a list or a link of its own. It reads as a space.
    if (text[i] == '\n' || text[i] == '\r') {
      out += ' ';
      continue;
    }
    if (NeedsBackslash(text, i)) out += '\\';
    out += text[i];
  }
  return out;
}

std::string MarkdownHeadingText(std::string_view text) {
  size_t lead = 0, trail = text.size();
  while (lead < trail && (text[lead] == ' ' || text[lead] == '\t')) ++lead;
  while (trail > lead && (text[trail - 1] == ' ' || text[trail - 1] == '\t')) --trail;
  std::string_view body = text.substr(lead, trail - lead);
  // Block starts a line can hold besides those the link-text escapes cover:
  // ATX headings, list items and thematic breaks, setext underlines, tables,
  // ordered list items ("1." / "1)").
  size_t digits = 0;
  while (digits < body.size() && digits < 10 && IsAsciiDigit(body[digits])) ++digits;
  size_t escape_at = std::string_view::npos;
  if (!body.empty() && (body[0] == '#' || body[0] == '-' || body[0] == '+' || body[0] == '=')) escape_at = 0;
  else if (digits > 0 && digits < body.size() && (body[digits] == '.' || body[digits] == ')')) escape_at = digits;

  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < lead; ++i) AppendCharacterReference(out, text[i]);
  for (size_t i = 0; i < body.size(); ++i) {
    // Outside a link GitHub also links "scheme://…" and "www.…" in text: the
    // ':' and the '.' that would start one are escaped.
    bool autolink = (body[i] == ':' && body.compare(i + 1, 2, "//") == 0) ||
                    (body[i] == '.' && i >= 3 && body.compare(i - 3, 3, "www") == 0);
    if (body[i] == '\n' || body[i] == '\r') {
      out += ' ';  // one line stays one line
      continue;
    }
    if (NeedsBackslash(body, i) || i == escape_at || body[i] == '|' || autolink) out += '\\';
    out += body[i];
  }
  for (size_t i = trail; i < text.size(); ++i) AppendCharacterReference(out, text[i]);
  return out;
}

std::string MarkdownDestination(std::string_view url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size() + 8);
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7F || c == '(' || c == ')' || c == '<' || c == '>' || c == '\\') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '&' && ReferenceAt(url, i)) {
      out += "&amp;";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<std::string> ReadMarkdownLinkText(std::string_view written) {
  std::string out;
  out.reserve(written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i] == '\\') {
      // Only the pairs the writer makes: a backslash and what needed one.
      if (i + 1 >= written.size() || !NeedsBackslash(written, i + 1)) return std::nullopt;
      out += written[++i];
    } else if (NeedsBackslash(written, i)) {
      return std::nullopt;
    } else {
      out += written[i];
    }
  }
  return out;
}

std::string ReadMarkdownDestination(std::string_view written) {
  std::string out;
  out.reserve(written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    if (written.compare(i, 5, "&amp;") == 0 && ReferenceAt(written, i + 4)) {
      out += '&';
      i += 4;
    } else {
      out += written[i];
    }
  }
  return out;
}

}  // namespace nm

#include "archive/article.h"

#include <charconv>

#include "archive/markdown.h"

namespace nm {

namespace {

// Length of the JavaScript white-space character at the start of s, or 0.
size_t WsPrefix(std::string_view s) {
  if (s.empty()) return 0;
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return 1;
  if (c == 0xC2 && s.size() >= 2 && static_cast<unsigned char>(s[1]) == 0xA0) return 2;
  if (s.size() < 3) return 0;
  unsigned char c1 = static_cast<unsigned char>(s[1]), c2 = static_cast<unsigned char>(s[2]);
  if (c == 0xE1 && c1 == 0x9A && c2 == 0x80) return 3;                  // U+1680
  if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) return 3;
  if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;                  // U+205F
  if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;                  // U+3000
  if (c == 0xEF && c1 == 0xBB && c2 == 0xBF) return 3;                  // U+FEFF
  return 0;
}

// Length of the JavaScript white-space character that ends s, or 0.
size_t WsSuffix(std::string_view s) {
  for (size_t len : {size_t{1}, size_t{2}, size_t{3}}) {
    if (s.size() < len) break;
    std::string_view tail = s.substr(s.size() - len);
    // A lead byte must start the tail for multi-byte characters.
    if (len > 1 && (static_cast<unsigned char>(tail[0]) & 0xC0) != 0xC0) continue;
    if (WsPrefix(tail) == len) return len;
  }
  return 0;
}

}  // namespace

std::string_view JsTrim(std::string_view s) {
  while (size_t n = WsPrefix(s)) s.remove_prefix(n);
  while (size_t n = WsSuffix(s)) s.remove_suffix(n);
  return s;
}

std::string CleanTitle(std::string_view title) {
  std::string out;
  out.reserve(title.size());
  size_t start = 0;
  bool first = true;
  // Split on line breaks, trim every piece, join the non-empty ones with a space.
  while (start <= title.size()) {
    size_t end = title.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = title.size();
    std::string_view piece = JsTrim(title.substr(start, end - start));
    if (!piece.empty()) {
      if (!first) out.push_back(' ');
      // A NUL is what a renderer shows as U+FFFD; the file holds that.
      for (char c : piece) {
        if (c == '\0') out += "\xEF\xBF\xBD";
        else out.push_back(c);
      }
      first = false;
    }
    start = end + 1;
  }
  return out;
}

std::string FlattenContent(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t start = 0;
  while (start <= html.size()) {
    size_t end = html.find('\n', start);
    if (end == std::string_view::npos) end = html.size();
    out.append(JsTrim(html.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::string FormatArticle(const ArticleDoc& doc) {
  std::string out;
  out.reserve(doc.title.size() + doc.link.size() + doc.content.size() + 48);
  out += "<!--";
  out += std::to_string(doc.published_ms);
  out += "-->\n[";
  out += MarkdownLinkText(doc.title);
  out += "](";
  out += MarkdownDestination(doc.link);
  out += ")\n------\n\n";
  out += doc.content;
  out += "\n";
  return out;
}

Result<ArticleDoc> ParseArticle(std::string_view text) {
  ArticleDoc doc;
  auto next_line = [&text](std::string_view& line) {
    if (text.empty()) return false;
    size_t nl = text.find('\n');
    line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line.size() < 8 || line.substr(0, 4) != "<!--" ||
      line.substr(line.size() - 3) != "-->") {
    return Status::ParseError("first line is not <!--{published}-->");
  }
  std::string_view num = line.substr(4, line.size() - 7);
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), doc.published_ms);
  if (ec != std::errc() || p != num.data() + num.size()) {
    return Status::ParseError("published time is not a number: " + std::string(num));
  }
  if (!next_line(line) || line.size() < 4 || line.front() != '[' || line.back() != ')') {
    return Status::ParseError("second line is not [title](link)");
  }
  // The link is the text after the last "](": a title's brackets are
  // escaped, or, in files written before titles were, may be there as they
  // are, and a link's parentheses are percent-encoded.
  size_t sep = line.rfind("](");
  if (sep == std::string_view::npos) return Status::ParseError("second line is not [title](link)");
  std::string_view title = line.substr(1, sep - 1);
  // A title not in the escaped form is one of those earlier files' and is
  // taken as it is.
  doc.title = ReadMarkdownLinkText(title).value_or(std::string(title));
  doc.link = ReadMarkdownDestination(line.substr(sep + 2, line.size() - sep - 3));
  if (!next_line(line) || line != "------") return Status::ParseError("third line is not ------");
  next_line(line);  // the empty line
  // Everything after it is the content (one line in files this format writes).
  std::string_view rest = text;
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  doc.content = std::string(rest);
  return doc;
}

}  // namespace nm

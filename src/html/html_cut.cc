#include "html/html_cut.h"

#include <algorithm>
#include <vector>

#include "util/text.h"

namespace nm {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsRefChar(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '#'; }

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [name](std::string_view n) { return SameName(name, n); });
}

bool IsVoid(std::string_view name) {
  return IsOneOf(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                        "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame"});
}

// Elements whose content is text up to their end tag: kept or dropped whole.
bool IsRawText(std::string_view name) {
  return IsOneOf(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

// A start tag of one of these closes an open element of the same name (the
// parser's implied end tags), as in "<p>a<p>b" or "<li>a<li>b".
bool ClosesItsOwnKind(std::string_view name) {
  return IsOneOf(name, {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rp"});
}

// The elements open at the scanner's position, and the bytes of the end
// tags that would close them all.
struct OpenElements {
  std::vector<std::string_view> names;
  size_t closing = 0;
  void Push(std::string_view name) {
    names.push_back(name);
    closing += name.size() + 3;
  }
  void PopTo(size_t depth) {
    while (names.size() > depth) {
      closing -= names.back().size() + 3;
      names.pop_back();
    }
  }
};

// An end tag closes the nearest open element of its name and those inside
// it; one that closes nothing is ignored. The search reaches this far down,
// so that stray end tags in deep markup stay cheap.
constexpr size_t kEndTagReach = 256;

// Where the start tag whose '<' is at `lt` ends (just past '>'), stepping
// over quoted attribute values; kNone when the document ends inside it.
size_t StartTagEnd(std::string_view html, size_t lt, size_t name_end) {
  for (size_t j = name_end; j < html.size(); ++j) {
    char c = html[j];
    if (c == '>') return j + 1;
    if (c != '=') continue;
    size_t k = j + 1;
    while (k < html.size() && IsHtmlSpace(html[k])) ++k;
    if (k < html.size() && (html[k] == '"' || html[k] == '\'')) {
      size_t close = html.find(html[k], k + 1);
      if (close == kNone) return kNone;
      j = close;
    }
  }
  return kNone;
}

// Where the raw-text element `name` whose start tag ends at `from` ends (just
// past its end tag's '>'), or kNone.
size_t RawTextEnd(std::string_view html, size_t from, std::string_view name) {
  for (size_t lt = html.find("</", from); lt != kNone; lt = html.find("</", lt + 2)) {
    size_t after = lt + 2 + name.size();
    if (after <= html.size() && SameName(html.substr(lt + 2, name.size()), name) &&
        (after == html.size() || IsHtmlSpace(html[after]) || html[after] == '/' || html[after] == '>')) {
      size_t gt = html.find('>', after);
      return gt == kNone ? kNone : gt + 1;
    }
  }
  return kNone;
}

// Reads the markup at html[lt] == '<' and updates `open`; returns where it
// ends, or kNone when the document ends inside it. A '<' that starts no
// markup is text: the position after it is returned.
size_t ReadMarkup(std::string_view html, size_t lt, OpenElements& open) {
  auto past = [&](std::string_view terminator, size_t from) {
    size_t at = html.find(terminator, from);
    return at == kNone ? kNone : at + terminator.size();
  };
  std::string_view rest = html.substr(lt);
  if (rest.starts_with("<!--")) {
    if (rest.starts_with("<!-->")) return lt + 5;
    if (rest.starts_with("<!--->")) return lt + 6;
    size_t end = past("-->", lt + 4), bang = past("--!>", lt + 4);
    return std::min(end, bang);
  }
  if (rest.starts_with("<![CDATA[")) return past("]]>", lt + 9);
  if (rest.starts_with("<!") || rest.starts_with("<?")) return past(">", lt + 2);
  if (rest.starts_with("</")) {
    size_t b = lt + 2, e = b;
    while (e < html.size() && !IsHtmlSpace(html[e]) && html[e] != '/' && html[e] != '>') ++e;
    size_t end = past(">", e);
    if (end == kNone || e == b || !IsAsciiAlpha(html[b])) return end;
    std::string_view name = html.substr(b, e - b);
    size_t depth = open.names.size();
    for (size_t k = 1; k <= std::min(depth, kEndTagReach); ++k) {
      if (SameName(open.names[depth - k], name)) {
        open.PopTo(depth - k);
        break;
      }
    }
    return end;
  }
  if (rest.size() < 2 || !IsAsciiAlpha(rest[1])) return lt + 1;
  size_t e = lt + 1;
  while (e < html.size() && !IsHtmlSpace(html[e]) && html[e] != '/' && html[e] != '>') ++e;
  std::string_view name = html.substr(lt + 1, e - lt - 1);
  size_t end = StartTagEnd(html, lt, e);
  if (end == kNone) return kNone;
  if (SameName(name, "plaintext")) return kNone;  // the rest of the document is its text
  if (IsRawText(name)) return RawTextEnd(html, end, name);
  if (IsVoid(name) || html[end - 2] == '/') return end;
  if (ClosesItsOwnKind(name) && !open.names.empty() && SameName(open.names.back(), name)) {
    open.PopTo(open.names.size() - 1);
  }
  open.Push(name);
  return end;
}

// The furthest cut point in the text html[from, limit]: not inside a UTF-8
// sequence, nor inside what may be a character reference ("&amp", "&#x4E2D").
size_t TextCut(std::string_view html, size_t from, size_t limit) {
  size_t p = std::max(from, Utf8CutPoint(html, limit));
  for (size_t a = p; a > from && p - a < 40;) {
    --a;
    if (html[a] == '&') return a;
    if (!IsRefChar(html[a])) break;
  }
  return p;
}

}  // namespace

std::string CutHtml(std::string_view html, size_t max_bytes) {
  if (html.size() <= max_bytes) return std::string(html);
  // The last point that, with the end tags it needs, fits in max_bytes.
  OpenElements open;
  size_t best = 0;
  for (size_t i = 0; i <= max_bytes;) {
    size_t lt = std::min(html.find('<', i), html.size());
    size_t room = open.closing <= max_bytes ? max_bytes - open.closing : 0;
    if (lt > room) {
      if (room > i) best = std::max(best, TextCut(html, i, room));
      break;
    }
    best = lt;
    size_t end = ReadMarkup(html, lt, open);
    if (end == kNone) break;
    i = end;
  }
  // The elements open there: the same scan again, up to that point.
  OpenElements at;
  for (size_t i = 0; i < best;) {
    size_t lt = html.find('<', i);
    if (lt >= best) break;
    i = ReadMarkup(html, lt, at);
  }
  std::string out(html.substr(0, best));
  for (size_t k = at.names.size(); k-- > 0;) {
    out += "</";
    out += at.names[k];
    out += '>';
  }
  return out;
}

}  // namespace nm

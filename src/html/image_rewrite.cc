#include "html/image_rewrite.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "url/url.h"

namespace nm {
namespace {

// The HTML is scanned, not parsed: a parse-and-serialize round trip would
// re-quote attributes, re-order them and normalize markup, and the archive
// must keep every byte the outlet published. The scanner follows the HTML
// tokenizer closely enough to find start tags and their attribute values,
// and steps over comments, CDATA sections, declarations and the contents of
// raw-text elements, where "<img" is not a tag.

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[pos + i]) != Lower(prefix[i])) return false;
  }
  return true;
}

// Position just past the first `terminator` at or after `pos`, or the end.
size_t SkipPast(std::string_view html, size_t pos, std::string_view terminator) {
  size_t found = html.find(terminator, pos);
  return found == std::string_view::npos ? html.size() : found + terminator.size();
}

struct Attribute {
  std::string name;       // lower-cased
  bool has_value = false;
  size_t value_begin = 0;  // the value's bytes, without quotes
  size_t value_end = 0;
  char quote = 0;          // '"', '\'' or 0 for an unquoted value
};

struct StartTag {
  std::string name;  // lower-cased
  std::vector<Attribute> attributes;
  size_t end = 0;    // just past '>'
};

// Reads the start tag whose '<' is at `pos` (followed by a letter). Returns
// nullopt when the document ends inside the tag, which a browser drops.
std::optional<StartTag> ScanStartTag(std::string_view html, size_t pos) {
  StartTag tag;
  size_t i = pos + 1;
  while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '/' && html[i] != '>') {
    tag.name += Lower(html[i++]);
  }
  while (i < html.size()) {
    char c = html[i];
    if (IsHtmlSpace(c) || c == '/') {
      ++i;
      continue;
    }
    if (c == '>') {
      tag.end = i + 1;
      return tag;
    }
    Attribute attr;
    // An attribute name may start with '=', and runs to space, '/', '>' or '='.
    attr.name += Lower(html[i++]);
    while (i < html.size() && !IsHtmlSpace(html[i]) && html[i] != '/' && html[i] != '>' &&
           html[i] != '=') {
      attr.name += Lower(html[i++]);
    }
    size_t j = i;
    while (j < html.size() && IsHtmlSpace(html[j])) ++j;
    if (j < html.size() && html[j] == '=') {
      ++j;
      while (j < html.size() && IsHtmlSpace(html[j])) ++j;
      if (j >= html.size()) return std::nullopt;
      if (html[j] == '"' || html[j] == '\'') {
        char quote = html[j];
        size_t close = html.find(quote, j + 1);
        if (close == std::string_view::npos) return std::nullopt;
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
    // Browsers keep the first of duplicate attributes.
    bool duplicate = std::any_of(tag.attributes.begin(), tag.attributes.end(),
                                 [&attr](const Attribute& a) { return a.name == attr.name; });
    if (!duplicate) tag.attributes.push_back(std::move(attr));
  }
  return std::nullopt;
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

// --- Attribute values --------------------------------------------------------

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the character references that occur in URLs: numeric ones and
// &amp; &lt; &gt; &quot; &apos;. Other text is kept as written.
std::string DecodeAttributeValue(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] != '&') {
      out += raw[i++];
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == '#') {
      size_t j = i + 2;
      bool hex = j < raw.size() && (raw[j] == 'x' || raw[j] == 'X');
      if (hex) ++j;
      uint32_t cp = 0;
      size_t digits_begin = j;
      while (j < raw.size()) {
        char c = raw[j];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && Lower(c) >= 'a' && Lower(c) <= 'f') d = Lower(c) - 'a' + 10;
        else break;
        cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + d, 0x110000);
        ++j;
      }
      if (j > digits_begin) {
        if (j < raw.size() && raw[j] == ';') ++j;
        AppendUtf8(out, cp);
        i = j;
        continue;
      }
    } else {
      static constexpr struct { std::string_view name; char value; } kNamed[] = {
          {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
      bool matched = false;
      for (const auto& named : kNamed) {
        if (raw.compare(i + 1, named.name.size(), named.name) == 0) {
          out += named.value;
          i += 1 + named.name.size();
          matched = true;
          break;
        }
      }
      if (matched) continue;
      // The legacy "&amp" without ';' counts unless a letter, digit or '='
      // follows (HTML's rule for attribute values).
      if (raw.compare(i + 1, 3, "amp") == 0 &&
          (i + 4 >= raw.size() || (!IsAsciiAlnum(raw[i + 4]) && raw[i + 4] != '='))) {
        out += '&';
        i += 4;
        continue;
      }
    }
    out += raw[i++];
  }
  return out;
}

// An '&' written raw is read back as '&' only when no character reference can
// start there; "&name=" never starts one inside an attribute value.
bool AmpersandIsUnambiguous(std::string_view value, size_t pos) {
  size_t j = pos + 1;
  while (j < value.size() && IsAsciiAlnum(value[j])) ++j;
  return j > pos + 1 && j < value.size() && value[j] == '=';
}

// Writes `value` so that it decodes back to itself inside an attribute quoted
// with `quote`. '&' becomes &amp; where the original value used &amp; or where
// a raw '&' could be read as a character reference.
std::string EscapeAttributeValue(std::string_view value, char quote, bool original_used_amp) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '&' && (original_used_amp || !AmpersandIsUnambiguous(value, i))) {
      out += "&amp;";
    } else if (c == '"' && quote == '"') {
      out += "&quot;";
    } else if (c == '\'' && quote == '\'') {
      out += "&#39;";
    } else {
      out += c;
    }
  }
  return out;
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (IsHtmlSpace(c) || c == '"' || c == '\'' || c == '=' || c == '<' || c == '>' || c == '`') {
      return true;
    }
  }
  return false;
}

// --- URLs --------------------------------------------------------------------

std::string_view TrimHtmlSpace(std::string_view s) {
  while (!s.empty() && IsHtmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsHtmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsHttpUrl(std::string_view url) {
  return url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
}

// The absolute http(s) form of an image reference: protocol-relative as
// https, relative ones resolved against `base_url`. nullopt for anything that
// must stay as written (empty, data:, unresolvable, other schemes).
std::optional<std::string> AbsoluteImageUrl(std::string_view ref, std::string_view base_url) {
  ref = TrimHtmlSpace(ref);
  if (ref.empty()) return std::nullopt;
  std::string candidate(ref);
  if (ref.substr(0, 2) == "//") candidate = "https:" + candidate;
  std::optional<std::string> absolute =
      base_url.empty() ? NormalizeUrl(candidate) : ResolveUrl(base_url, candidate);
  if (!absolute || !IsHttpUrl(*absolute)) return std::nullopt;
  return absolute;
}

// The mapped form of one image reference, or the reference itself.
std::string RewriteOne(std::string_view ref, const ImageUrlMapper& map, std::string_view base_url) {
  std::optional<std::string> absolute = AbsoluteImageUrl(ref, base_url);
  if (!absolute) return std::string(ref);
  std::optional<std::string> mapped = map(*absolute);
  // An image the mapper leaves alone keeps its original spelling.
  return !mapped || *mapped == *absolute ? std::string(ref) : *mapped;
}

// Rewrites each candidate URL of a srcset value, keeping separators and
// descriptors byte for byte.
std::string RewriteSrcset(std::string_view value, const ImageUrlMapper& map, std::string_view base_url) {
  std::string out;
  size_t copied = 0, i = 0;
  while (i < value.size()) {
    while (i < value.size() && (IsHtmlSpace(value[i]) || value[i] == ',')) ++i;
    if (i >= value.size()) break;
    size_t url_begin = i;
    while (i < value.size() && !IsHtmlSpace(value[i])) ++i;
    size_t url_end = i;
    bool has_descriptors = true;
    if (value[url_end - 1] == ',') {
      while (url_end > url_begin && value[url_end - 1] == ',') --url_end;
      has_descriptors = false;
    }
    out.append(value, copied, url_begin - copied);
    out += RewriteOne(value.substr(url_begin, url_end - url_begin), map, base_url);
    copied = url_end;
    if (has_descriptors) {
      // Descriptors run to the next comma outside parentheses.
      int depth = 0;
      while (i < value.size() && !(value[i] == ',' && depth == 0)) {
        if (value[i] == '(') ++depth;
        if (value[i] == ')' && depth > 0) --depth;
        ++i;
      }
    }
  }
  out.append(value, copied);
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

std::string ProxyImageUrl(std::string_view image_url, std::string_view proxy_template) {
  if (proxy_template.empty()) return std::string(image_url);
  std::string_view trimmed = TrimHtmlSpace(image_url);
  if (trimmed.empty()) return std::string(image_url);
  std::string candidate(trimmed);
  if (trimmed.substr(0, 2) == "//") candidate = "https:" + candidate;
  std::optional<std::string> url = NormalizeUrl(candidate);
  if (!url || !IsHttpUrl(*url)) return std::string(image_url);
  std::string proxy_host = UrlHost(proxy_template);
  if (!proxy_host.empty() && UrlHost(*url) == proxy_host) return std::string(image_url);

  std::string_view rest = *url;
  rest.remove_prefix(rest.substr(0, 5) == "https" ? 8 : 7);
  std::string noscheme;
  for (char c : rest) {
    switch (c) {
      case '&': noscheme += "%26"; break;
      case '#': noscheme += "%23"; break;
      case '+': noscheme += "%2B"; break;
      case '%': noscheme += "%25"; break;
      case ' ': noscheme += "%20"; break;
      default: noscheme += c;
    }
  }
  std::string out(proxy_template);
  // {url} first: its replacement has no braces left, so it cannot create a
  // "{url_noscheme}"; the other order could, as a query may keep "{url}".
  ReplaceAll(out, "{url}", EncodeUriComponent(*url));
  ReplaceAll(out, "{url_noscheme}", noscheme);
  return out;
}

std::string RewriteImages(std::string_view html, std::string_view proxy_template,
                          std::string_view base_url) {
  if (proxy_template.empty()) return std::string(html);
  return MapImageUrls(
      html,
      [proxy_template](const std::string& url) -> std::optional<std::string> {
        return ProxyImageUrl(url, proxy_template);
      },
      base_url);
}

std::string MapImageUrls(std::string_view html, const ImageUrlMapper& map, std::string_view base_url,
                         const ImageAttributesFor& extra_attributes) {
  std::string out;
  size_t copied = 0;
  int media_depth = 0;  // open <video>/<audio>: their <source> is not an image
  size_t i = 0;
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
    if (html.compare(i, 2, "</") == 0 && i + 2 < html.size() && IsAsciiAlpha(html[i + 2])) {
      if ((StartsWithNoCase(html, i + 2, "video") || StartsWithNoCase(html, i + 2, "audio")) &&
          i + 7 < html.size() && (IsHtmlSpace(html[i + 7]) || html[i + 7] == '>' || html[i + 7] == '/')) {
        media_depth = std::max(0, media_depth - 1);
      }
      i = SkipPast(html, i + 2, ">");
      continue;
    }
    if (i + 1 >= html.size() || !IsAsciiAlpha(html[i + 1])) {
      ++i;
      continue;
    }
    size_t tag_start = i;
    std::optional<StartTag> tag = ScanStartTag(html, i);
    if (!tag) break;
    i = tag->end;
    if (tag->name == "video" || tag->name == "audio") ++media_depth;
    if (tag->name == "plaintext") break;
    if (IsRawTextElement(tag->name)) {
      i = FindRawTextEnd(html, i, tag->name);
      continue;
    }
    if (tag->name != "img" && !(tag->name == "source" && media_depth == 0)) continue;

    if (extra_attributes && tag->name == "img") {
      auto src = std::find_if(tag->attributes.begin(), tag->attributes.end(),
                              [](const Attribute& a) { return a.name == "src" && a.has_value; });
      if (src != tag->attributes.end()) {
        std::optional<std::string> absolute =
            AbsoluteImageUrl(DecodeAttributeValue(html.substr(src->value_begin, src->value_end - src->value_begin)), base_url);
        std::string extra = absolute ? extra_attributes(*absolute) : std::string();
        if (!extra.empty()) {
          // Right after the tag name, so the original attributes stay byte for byte.
          size_t name_end = tag_start + 1 + tag->name.size();
          out.append(html, copied, name_end - copied);
          out += " " + extra;
          copied = name_end;
        }
      }
    }
    for (const Attribute& attr : tag->attributes) {  // in document order
      if (!attr.has_value || (attr.name != "src" && attr.name != "srcset")) continue;
      std::string_view raw = html.substr(attr.value_begin, attr.value_end - attr.value_begin);
      std::string decoded = DecodeAttributeValue(raw);
      std::string rewritten = attr.name == "src" ? RewriteOne(decoded, map, base_url)
                                                 : RewriteSrcset(decoded, map, base_url);
      if (rewritten == decoded) continue;
      bool used_amp = LowerAscii(raw).find("&amp;") != std::string::npos;
      out.append(html, copied, attr.value_begin - copied);
      if (attr.quote == 0 && NeedsQuotes(rewritten)) {
        out += '"' + EscapeAttributeValue(rewritten, '"', used_amp) + '"';
      } else {
        out += EscapeAttributeValue(rewritten, attr.quote, used_amp);
      }
      copied = attr.value_end;
    }
  }
  if (copied == 0) return std::string(html);
  out.append(html, copied);
  return out;
}

}  // namespace nm

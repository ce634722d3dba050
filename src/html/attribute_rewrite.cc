#include "html/attribute_rewrite.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "html/tag_scanner.h"
#include "util/text.h"

namespace nm {
namespace {

// The HTML is scanned (tag_scanner.h), not parsed: a parse-and-serialize
// round trip would re-quote attributes, re-order them and normalize markup,
// and the archive must keep every byte the outlet published.

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }

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
        else if (hex && AsciiLower(c) >= 'a' && AsciiLower(c) <= 'f') d = AsciiLower(c) - 'a' + 10;
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

}  // namespace

std::string RewriteAttributes(std::string_view html, const AttributeEdit& edit, const TagInsertion& insert) {
  std::string out;
  size_t copied = 0;
  int media_depth = 0;  // open <video>/<audio>: their <source> is not an image
  HtmlTagScanner scanner(html);
  HtmlTag tag;
  while (scanner.Next(tag)) {
    if (tag.name == "video" || tag.name == "audio") {
      media_depth = tag.is_end ? std::max(0, media_depth - 1) : media_depth + 1;
    }
    if (tag.is_end || tag.name == "plaintext") continue;
    if (insert) {
      AttributeLookup value_of = [&](std::string_view name) -> std::optional<std::string> {
        for (const HtmlAttribute& a : tag.attributes) {
          if (a.name == name && a.has_value) return DecodeAttributeValue(html.substr(a.value_begin, a.value_end - a.value_begin));
        }
        return std::nullopt;
      };
      std::string extra = insert({tag.name, {}, media_depth > 0}, value_of);
      if (!extra.empty()) {
        size_t name_end = tag.begin + 1 + tag.name.size();
        out.append(html, copied, name_end - copied);
        out += " " + extra;
        copied = name_end;
      }
    }
    for (const HtmlAttribute& attr : tag.attributes) {  // in document order
      if (!attr.has_value) continue;
      std::string_view raw = html.substr(attr.value_begin, attr.value_end - attr.value_begin);
      std::string decoded = DecodeAttributeValue(raw);
      std::optional<std::string> edited = edit({tag.name, attr.name, media_depth > 0}, decoded);
      if (!edited || *edited == decoded) continue;
      const std::string& rewritten = *edited;
      bool used_amp = AsciiLower(raw).find("&amp;") != std::string::npos;
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

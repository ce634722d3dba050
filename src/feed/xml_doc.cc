#include "feed/xml_doc.h"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>

#include "decode/charset.h"
#include "html/escape.h"
#include "url/url.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr size_t kEntityBudget = 1 << 20;  // bytes of entity text one Text() may expand
// Bytes of entity text all the Text() calls on one document may expand
// together: one entity referenced in every item must not multiply memory.
constexpr size_t kDocumentEntityBudget = 8 << 20;

size_t* DocumentBudget(const xmlNode* n) {
  return n && n->doc ? static_cast<size_t*>(n->doc->_private) : nullptr;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    // Entity loading must never reach the disk or the network.
    xmlSetExternalEntityLoader(
        [](const char*, const char*, xmlParserCtxtPtr) -> xmlParserInputPtr { return nullptr; });
  });
}

bool IsNameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || c >= 0x80;
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// libxml2's limits, which stop the whole parse — every entry after the place
// is lost — and which XML_PARSE_HUGE would lift only together with all the
// others: an element nested deeper than 256, a name longer than 50,000 bytes
// (XML_MAX_NAME_LENGTH), a text node longer than 10,000,000 bytes
// (XML_MAX_TEXT_LENGTH). RepairXml keeps documents inside them.
constexpr size_t kMaxDepth = 250;        // elements deeper are flattened: tags dropped, text kept
constexpr size_t kMaxName = 50000;       // a tag with a longer name is dropped
constexpr size_t kMaxTextRun = 9000000;  // text runs are cut (CapTextRuns)

// The elements open at the current point of RepairXml's scan; those opened
// past kMaxDepth are `dropped` (flattened), and so are their end tags.
struct OpenElement {
  std::string_view name;
  bool dropped = false;
};
struct OpenElements {
  std::vector<OpenElement> names;
  size_t kept = 0;  // open elements not dropped: the depth libxml2 sees
  int repairs = 0, flattened = 0, overlong = 0;
  void PopTo(size_t depth) {
    while (names.size() > depth) {
      if (!names.back().dropped) --kept;
      names.pop_back();
    }
  }
};

// Whether the tag in[from, to) holds a name (of the element or an attribute)
// longer than libxml2 reads.
bool HasOverlongName(std::string_view in, size_t from, size_t to) {
  if (to - from <= kMaxName) return false;
  size_t run = 0;
  for (size_t k = from; k < to; ++k) {
    char c = in[k];
    if (c == '"' || c == '\'') {
      size_t q = in.find(c, k + 1);
      k = q == std::string_view::npos || q > to ? to : q;
      run = 0;
      continue;
    }
    run = IsNameChar(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run > kMaxName) return true;
  }
  return false;
}

bool IsHtmlVoid(std::string_view name) {
  // Not "link", "source" or "meta": RSS and Atom use those names with content.
  for (std::string_view v : {"br", "hr", "img", "input", "area", "col", "embed", "param", "wbr", "basefont", "frame"}) {
    if (name.size() == v.size() && std::equal(name.begin(), name.end(), v.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

// Keeps tags balanced the way HTML parsers do, since libxml2's recovery
// leaves an element open after a mismatched end tag and swallows the rest of
// the feed into it: an end tag closes the elements left open inside its
// element; an end tag of no open element is dropped; HTML void elements
// (<br>, <img …>) are closed at once. Keeps libxml2's limits (above): a tag
// with an overlong name is dropped, elements deeper than kMaxDepth are
// flattened. `i` is at '<' outside markup declarations. Returns the position
// after the tag, or 0 when there is no tag to look at.
size_t BalanceTag(std::string_view in, size_t i, OpenElements& open, std::string& out, size_t& copied,
                  bool& changed) {
  const size_t n = in.size();
  bool end_tag = i + 1 < n && in[i + 1] == '/';
  size_t b = i + (end_tag ? 2 : 1);
  size_t e = b;
  while (e < n && IsNameChar(in[e])) ++e;
  if (e == b) return 0;
  std::string_view name = in.substr(b, e - b);
  // The end of the tag, stepping over quoted attribute values.
  size_t gt = e;
  while (gt < n && in[gt] != '>' && in[gt] != '<') {
    if (!end_tag && (in[gt] == '"' || in[gt] == '\'')) {
      size_t q = in.find(in[gt], gt + 1);
      if (q == std::string_view::npos) return 0;
      gt = q;
    }
    ++gt;
  }
  if (gt >= n || in[gt] != '>') return 0;  // a broken tag: libxml2 copes
  auto edit = [&](size_t at, int& count) {
    if (!changed) { out.reserve(n + 64); changed = true; }
    out.append(in.substr(copied, at - copied));
    copied = at;
    ++count;
  };
  auto drop = [&](int& count) {
    edit(i, count);
    copied = gt + 1;
    return gt + 1;
  };
  if (HasOverlongName(in, b, gt)) return drop(open.overlong);
  if (!end_tag) {
    bool too_deep = open.kept >= kMaxDepth;
    if (in[gt - 1] == '/') return too_deep ? drop(open.flattened) : gt + 1;
    if (IsHtmlVoid(name)) {
      if (too_deep) return drop(open.flattened);
      edit(gt, open.repairs);
      out += "/";
      return gt + 1;
    }
    open.names.push_back({name, too_deep});
    if (too_deep) return drop(open.flattened);
    ++open.kept;
    return gt + 1;
  }
  // Look a little way down: the search must stay cheap in deep documents.
  constexpr size_t kReach = 64;
  size_t depth = open.names.size();
  for (size_t k = 1; k <= std::min(depth, kReach); ++k) {
    if (open.names[depth - k].name != name) continue;
    bool dropped = open.names[depth - k].dropped;
    if (k > 1) {
      edit(i, open.repairs);
      for (size_t m = 1; m < k; ++m) {
        if (!open.names[depth - m].dropped) out += "</" + std::string(open.names[depth - m].name) + ">";
      }
    }
    open.PopTo(depth - k);
    if (dropped) {  // the end tag of a flattened element goes with its start tag
      if (!changed) { out.reserve(n + 64); changed = true; }
      out.append(in.substr(copied, i - copied));
      copied = gt + 1;
    }
    return gt + 1;
  }
  if (depth > kReach) return gt + 1;  // too deep to tell; libxml2 decides
  return drop(open.repairs);  // a stray end tag
}

// Where a <!DOCTYPE at `i` ends: after "]>" when it has an internal subset,
// else after its first '>'.
size_t DoctypeEnd(std::string_view in, size_t i) {
  size_t gt = in.find('>', i);
  size_t bracket = in.substr(0, gt == std::string_view::npos ? in.size() : gt).find('[', i);
  size_t end = bracket != std::string_view::npos ? in.find("]>", bracket) : gt;
  if (end == std::string_view::npos) return in.size();
  return end + (in[end] == ']' ? 2 : 1);
}

// The document's first DOCTYPE. It is hostile when its entities could reach
// the disk or network (SYSTEM / PUBLIC), use parameter entities, or nest
// references (the shape of "billion laughs"); feeds need none of that, and
// dropping it keeps the rest of the document readable.
struct Doctype {
  size_t begin = std::string_view::npos;
  size_t end = std::string_view::npos;
  bool hostile = false;
};

Doctype FindDoctype(std::string_view in) {
  Doctype d;
  d.begin = in.find("<!DOCTYPE");
  if (d.begin == std::string_view::npos) {
    d.begin = d.end = in.size();
    return d;
  }
  d.end = DoctypeEnd(in, d.begin);
  std::string_view decl = in.substr(d.begin, d.end - d.begin);
  for (size_t p = decl.find("<!ENTITY"); p != std::string_view::npos; p = decl.find("<!ENTITY", p + 8)) {
    size_t close = decl.find('>', p);
    std::string_view entity = decl.substr(p, close == std::string_view::npos ? std::string_view::npos : close - p);
    bool nests = false;  // a reference to another entity (character references are fine)
    for (size_t a = entity.find('&'); a != std::string_view::npos && !nests; a = entity.find('&', a + 1)) {
      nests = a + 1 < entity.size() && entity[a + 1] != '#';
    }
    if (nests || entity.find('%') != std::string_view::npos ||
        entity.find("SYSTEM") != std::string_view::npos || entity.find("PUBLIC") != std::string_view::npos) {
      d.hostile = true;
    }
  }
  return d;
}

// A reference at in[i] == '&': one XML resolves itself (predefined, declared
// by the document, or numeric), an HTML entity XML does not know, or none.
struct Reference {
  enum Kind { kNone, kXml, kNumeric, kHtml } kind = kNone;
  char32_t value = 0;  // the code point, for kNumeric and kHtml
  size_t end = 0;      // just past the ';'
};

Reference ReadReference(std::string_view in, size_t i, const std::set<std::string, std::less<>>& declared) {
  Reference r;
  const size_t n = in.size();
  size_t j = i + 1;
  if (j < n && in[j] == '#') {
    size_t k = j + 1;
    bool hex = k < n && (in[k] == 'x' || in[k] == 'X');
    if (hex) ++k;
    size_t digits = k;
    while (k < n && (hex ? std::isxdigit(static_cast<unsigned char>(in[k])) : std::isdigit(static_cast<unsigned char>(in[k])))) ++k;
    if (k > digits && k < n && in[k] == ';') {
      r.kind = Reference::kNumeric;
      r.end = k + 1;
      // Longer numbers are out of Unicode's range: no character (0 is none either).
      size_t significant = digits;
      while (significant + 1 < k && in[significant] == '0') ++significant;
      if (k - significant <= 7) r.value = static_cast<char32_t>(std::strtoul(std::string(in.substr(digits, k - digits)).c_str(), nullptr, hex ? 16 : 10));
    }
    return r;
  }
  size_t k = j;
  while (k < n && k - j < 40 && IsNameChar(in[k])) ++k;
  if (k == j || k >= n || in[k] != ';') return r;
  std::string_view name = in.substr(j, k - j);
  r.end = k + 1;
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" ||
      declared.count(name)) {
    r.kind = Reference::kXml;
    return r;
  }
  if (const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(std::string(name).c_str()))) {
    r.kind = Reference::kHtml;
    r.value = e->value;
  }
  return r;
}

// `lead` holds a UTF-8 lead byte value; when the references right after it
// hold its continuation bytes, stores the character they encode in *joined
// and returns the end of the last one. Otherwise returns lead.end.
size_t JoinUtf8References(std::string_view in, const Reference& lead,
                          const std::set<std::string, std::less<>>& declared, char32_t* joined) {
  int more = lead.value >= 0xF0 ? 3 : lead.value >= 0xE0 ? 2 : 1;
  char32_t cp = lead.value & (lead.value >= 0xF0 ? 0x07 : lead.value >= 0xE0 ? 0x0F : 0x1F);
  size_t end = lead.end;
  for (int m = 0; m < more; ++m) {
    if (end >= in.size() || in[end] != '&') return lead.end;
    Reference next = ReadReference(in, end, declared);
    if ((next.kind != Reference::kNumeric && next.kind != Reference::kHtml) || next.value < 0x80 ||
        next.value > 0xBF) {
      return lead.end;
    }
    cp = (cp << 6) | (next.value & 0x3F);
    end = next.end;
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return lead.end;
  *joined = cp;
  return end;
}

void AppendText(const xmlNode* n, std::string& out, size_t& budget) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    switch (c->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        if (c->content) out += reinterpret_cast<const char*>(c->content);
        break;
      case XML_ENTITY_REF_NODE: {
        // Internal entities only (external ones are never loaded), within a budget
        // so that nested "billion laughs" definitions cannot blow up.
        const xmlEntity* e = reinterpret_cast<const xmlEntity*>(c->children);
        if (e && e->etype == XML_INTERNAL_GENERAL_ENTITY && e->content) {
          size_t len = std::strlen(reinterpret_cast<const char*>(e->content));
          size_t* doc_left = DocumentBudget(c);
          if (len <= budget && (!doc_left || len <= *doc_left)) {
            budget -= len;
            if (doc_left) *doc_left -= len;
            // The entity's text may itself hold markup or references; its parsed
            // children are what a reader sees.
            if (e->children) AppendText(reinterpret_cast<const xmlNode*>(e), out, budget);
            else out += reinterpret_cast<const char*>(e->content);
          }
        }
        break;
      }
      case XML_ELEMENT_NODE:
        AppendText(c, out, budget);
        break;
      default:
        break;
    }
  }
}

// Word-at-a-time tests on eight bytes: does any byte lie below 0x20, or equal `b`?
constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
inline bool AnyBelow0x20(uint64_t w) { return ((w - 0x20 * kOnes) & ~w & kHighs) != 0; }
inline bool AnyEqual(uint64_t w, unsigned char b) {
  uint64_t x = w ^ (b * kOnes);
  return ((x - kOnes) & ~x & kHighs) != 0;
}

// Characters XML 1.0 does not allow anywhere in a document: C0 controls other
// than tab, LF and CR, and U+FFFE / U+FFFF. (Lone surrogates never get here:
// decoding made them U+FFFD, in every charset.) libxml2's recovery, meeting
// one, loses the character references of the rest of the line, so they are
// dropped before it sees them. The length of the one at in[i], or 0.
size_t ForbiddenAt(std::string_view in, size_t i) {
  unsigned char c = static_cast<unsigned char>(in[i]);
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r' ? 0 : 1;
  if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBF &&
      (static_cast<unsigned char>(in[i + 2]) & 0xFE) == 0xBE) {
    return 3;
  }
  return 0;
}

// The code points XML 1.0 allows (its production Char).
bool IsXmlChar(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Drops the characters ForbiddenAt names; false (and `out` untouched) when
// there are none. Feeds are megabytes of text without any: whole words are
// stepped over, and only a 0xEF (the lead byte of U+F000-U+FFFF, also of the
// full-width punctuation of CJK text) is looked at more closely.
bool DropForbiddenCharacters(std::string_view in, std::string& out, std::vector<std::string>* warnings) {
  size_t copied = 0, controls = 0, nonchars = 0;
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, in.data() + i, 8);
      if (!AnyBelow0x20(w) && !AnyEqual(w, 0xEF)) {
        i += 8;
        continue;
      }
    }
    size_t len = ForbiddenAt(in, i);
    if (len == 0) {
      ++i;
      continue;
    }
    if (copied == 0 && controls + nonchars == 0) out.reserve(n);
    out.append(in.substr(copied, i - copied));
    (len == 1 ? controls : nonchars) += 1;
    i += len;
    copied = i;
  }
  if (controls + nonchars == 0) return false;
  out.append(in.substr(copied));
  if (warnings) {
    if (controls) warnings->push_back("dropped " + std::to_string(controls) + " control characters");
    if (nonchars) warnings->push_back("dropped " + std::to_string(nonchars) + " U+FFFE / U+FFFF noncharacters");
  }
  return true;
}

// The first byte at or after `from` that RepairXml must look at ('<' or
// '&'), or in.size().
size_t NextRepairCandidate(std::string_view in, size_t from) {
  const size_t n = in.size();
  while (from < n) {
    if (from + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, in.data() + from, 8);
      if (!AnyEqual(w, '<') && !AnyEqual(w, '&')) {
        from += 8;
        continue;
      }
    }
    for (size_t end = std::min(from + 8, n); from < end; ++from) {
      unsigned char c = in[from];
      if (c == '<' || c == '&') return from;
    }
  }
  return n;
}

}  // namespace

namespace {

// RepairXml's work: false (and `out` untouched) when there is nothing to
// repair, so that the reader can parse the input in place without a copy.
bool RepairXmlInto(std::string_view in, std::vector<std::string>* warnings, std::string& out) {
  Doctype doctype = FindDoctype(in);
  // Names the document defines itself stay references (looked up once: a
  // search per reference would be quadratic in hostile documents).
  std::set<std::string, std::less<>> declared;
  if (!doctype.hostile) {
    std::string_view subset = in.substr(doctype.begin, doctype.end - doctype.begin);
    for (size_t p = subset.find("<!ENTITY"); p != std::string_view::npos; p = subset.find("<!ENTITY", p + 8)) {
      size_t b = p + 8;
      while (b < subset.size() && std::isspace(static_cast<unsigned char>(subset[b]))) ++b;
      size_t e = b;
      while (e < subset.size() && IsNameChar(subset[e])) ++e;
      if (e > b) declared.emplace(subset.substr(b, e - b));
    }
  }
  bool changed = false;
  int html_entities = 0, bare_amps = 0, forbidden_refs = 0, dropped_doctypes = 0;
  OpenElements open;
  size_t copied = 0;  // in[0, copied) is already in out
  auto flush = [&](size_t upto) {
    out.append(in.substr(copied, upto - copied));
    copied = upto;
  };
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    i = NextRepairCandidate(in, i);
    if (i >= n) break;
    unsigned char c = in[i];
    if (c == '<') {
      // Skip regions where '&' is literal or belongs to declarations.
      auto skip_to = [&](std::string_view open, std::string_view close) {
        if (in.compare(i, open.size(), open) != 0) return false;
        size_t end = in.find(close, i + open.size());
        i = end == std::string_view::npos ? n : end + close.size();
        return true;
      };
      if (skip_to("<![CDATA[", "]]>") || skip_to("<!--", "-->") || skip_to("<?", "?>")) continue;
      if (in.compare(i, 9, "<!DOCTYPE") == 0) {
        size_t end = i == doctype.begin ? doctype.end : DoctypeEnd(in, i);
        if (i == doctype.begin && doctype.hostile) {
          // Its entities become literal text below (as undefined references).
          if (!changed) { out.reserve(n + 64); changed = true; }
          flush(i);
          copied = end;
          ++dropped_doctypes;
        }
        i = end;
        continue;
      }
      if (size_t end = BalanceTag(in, i, open, out, copied, changed)) {
        i = end;
        continue;
      }
      ++i;
      continue;
    }
    if (c != '&') { ++i; continue; }
    Reference ref = ReadReference(in, i, declared);
    if (ref.kind == Reference::kXml) { i = ref.end; continue; }
    if (ref.kind != Reference::kNone) {
      char32_t value = ref.value;
      size_t end = ref.end;
      // &#226;&#128;&#166; is UTF-8 read as Latin-1 and escaped: one character.
      char32_t joined = 0;
      if (value >= 0xC2 && value <= 0xF4) end = JoinUtf8References(in, ref, declared, &joined);
      if (joined) value = joined;
      // &#146; and its kin mean the cp1252 character (as in HTML), not a C1 control.
      if (!joined) value = Windows1252ForC1(value);
      if (!IsXmlChar(value)) {
        // &#1; &#xFFFE; &#xD800; &#99999999;: libxml2 would lose the
        // references after it on its line.
        if (!changed) { out.reserve(n + 64); changed = true; }
        flush(i);
        copied = i = end;
        ++forbidden_refs;
        continue;
      }
      if (ref.kind == Reference::kNumeric && value == ref.value) { i = end; continue; }
      if (!changed) { out.reserve(n + 64); changed = true; }
      flush(i);
      out += "&#" + std::to_string(static_cast<unsigned long>(value)) + ";";
      copied = i = end;
      ++html_entities;
      continue;
    }
    // A bare ampersand.
    if (!changed) { out.reserve(n + 64); changed = true; }
    flush(i);
    out += "&amp;";
    copied = ++i;
    ++bare_amps;
  }
  if (!changed) return false;
  flush(n);
  if (warnings) {
    if (html_entities) warnings->push_back("replaced " + std::to_string(html_entities) + " HTML entities XML does not define");
    if (bare_amps) warnings->push_back("escaped " + std::to_string(bare_amps) + " bare '&'");
    if (forbidden_refs) {
      warnings->push_back("dropped " + std::to_string(forbidden_refs) + " references to characters XML does not allow");
    }
    if (open.repairs) warnings->push_back("closed or dropped " + std::to_string(open.repairs) + " mismatched tags");
    if (open.flattened) {
      warnings->push_back("flattened " + std::to_string(open.flattened) + " elements nested deeper than " +
                          std::to_string(kMaxDepth) + " (their text is kept)");
    }
    if (open.overlong) {
      warnings->push_back("dropped " + std::to_string(open.overlong) + " tags with a name longer than " +
                          std::to_string(kMaxName) + " bytes");
    }
    if (dropped_doctypes) warnings->push_back("dropped a DOCTYPE with external, parameter or nested entities");
  }
  return true;
}

// libxml2 joins character data between two pieces of markup — CDATA
// sections and predefined references included — into one text node, and
// stops the whole parse at one over XML_MAX_TEXT_LENGTH (10,000,000 bytes,
// attribute values likewise), cutting that text and losing every entry after
// it. Runs longer than kMaxTextRun are cut here instead (the field caps of
// feed/entry.h cut them much shorter afterwards), and attribute values that
// long are emptied. Only documents longer than that are looked at.

// The furthest point in in[from, limit] to cut text at: not inside a UTF-8
// sequence nor inside a reference.
size_t TextCutPoint(std::string_view in, size_t from, size_t limit) {
  size_t p = std::max(from, Utf8CutPoint(in, limit));
  for (size_t a = p; a > from && p - a < 48;) {
    --a;
    if (in[a] == ';') break;
    if (in[a] == '&') return a;
  }
  return p;
}

// Where the text run going on at `from` ends: at the next '<' that starts
// anything but a CDATA section, or the end.
size_t RunEnd(std::string_view in, size_t from) {
  for (;;) {
    size_t lt = in.find('<', from);
    if (lt == std::string_view::npos) return in.size();
    if (in.compare(lt, 9, "<![CDATA[") != 0) return lt;
    size_t close = in.find("]]>", lt + 9);
    if (close == std::string_view::npos) return in.size();
    from = close + 3;
  }
}

// Where the markup at in[lt] == '<' (not a CDATA section) ends, or 0 when it
// is no markup libxml2 would end a text node at (such a '<' counts as text,
// so that runs are never undercounted).
size_t MarkupEnd(std::string_view in, size_t lt) {
  const size_t n = in.size();
  auto past = [&](std::string_view terminator, size_t from) {
    size_t at = in.find(terminator, from);
    return at == std::string_view::npos ? n : at + terminator.size();
  };
  if (in.compare(lt, 4, "<!--") == 0) return past("-->", lt + 4);
  if (in.compare(lt, 2, "<?") == 0) return past("?>", lt + 2);
  if (in.compare(lt, 9, "<!DOCTYPE") == 0) return DoctypeEnd(in, lt);
  size_t k = lt + 1 + (lt + 1 < n && in[lt + 1] == '/');
  if (k >= n || !IsNameChar(static_cast<unsigned char>(in[k]))) return 0;
  for (; k < n; ++k) {
    if (in[k] == '>') return k + 1;
    if (in[k] == '<') return 0;
    if (in[k] == '"' || in[k] == '\'') {
      size_t q = in.find(in[k], k + 1);
      if (q == std::string_view::npos) return 0;
      k = q;
    }
  }
  return 0;
}

bool CapTextRuns(std::string_view in, std::string& out, std::vector<std::string>* warnings) {
  const size_t n = in.size();
  if (n <= kMaxTextRun) return false;
  size_t copied = 0, run = 0, i = 0;
  int cut = 0;
  // Keeps in[copied, at) and goes on from `resume`.
  auto keep_to = [&](size_t at, size_t resume) {
    out.append(in.substr(copied, at - copied));
    copied = resume;
    ++cut;
  };
  while (i < n) {
    size_t lt = std::min(in.find('<', i), n);
    if (run + (lt - i) > kMaxTextRun) {
      size_t end = RunEnd(in, lt);
      keep_to(TextCutPoint(in, i, i + (kMaxTextRun - run)), end);
      i = end;
      run = 0;
      continue;
    }
    run += lt - i;
    if (lt == n) break;
    if (in.compare(lt, 9, "<![CDATA[") == 0) {
      size_t body = lt + 9, close = in.find("]]>", body);
      size_t body_end = close == std::string_view::npos ? n : close;
      size_t after = close == std::string_view::npos ? n : close + 3;
      if (run + (body_end - body) > kMaxTextRun) {
        size_t end = RunEnd(in, after);
        keep_to(std::max(body, Utf8CutPoint(in, body + (kMaxTextRun - run))), end);
        out += "]]>";
        i = end;
        run = 0;
        continue;
      }
      run += body_end - body;
      i = after;
      continue;
    }
    size_t end = MarkupEnd(in, lt);
    if (end == 0) {
      ++run;
      i = lt + 1;
      continue;
    }
    if (end - lt > kMaxTextRun && in[lt + 1] != '!' && in[lt + 1] != '?') {
      // A tag that long: its long attribute values are emptied.
      for (size_t k = lt + 1; k < end; ++k) {
        if (in[k] != '"' && in[k] != '\'') continue;
        size_t q = in.find(in[k], k + 1);
        if (q == std::string_view::npos || q >= end) break;
        if (q - (k + 1) > kMaxTextRun) keep_to(k + 1, q);
        k = q;
      }
    }
    run = 0;
    i = end;
  }
  if (cut == 0) return false;
  out.append(in.substr(copied));
  if (warnings) {
    warnings->push_back("cut " + std::to_string(cut) + " text runs longer than " + std::to_string(kMaxTextRun) +
                        " bytes (libxml2 stops at 10,000,000)");
  }
  return true;
}

// Every byte-level repair, each on the output of the one before; returns
// the repaired text: `in` itself when nothing needed repair, else one of
// the two buffers.
std::string_view RepairAll(std::string_view in, std::vector<std::string>* warnings, std::string (&buffers)[2]) {
  std::string_view text = in;
  int next = 0;
  auto apply = [&](auto pass) {
    std::string& out = buffers[next];
    out.clear();
    if (pass(text, out)) {
      text = out;
      next = 1 - next;
    }
  };
  apply([&](std::string_view t, std::string& out) { return DropForbiddenCharacters(t, out, warnings); });
  apply([&](std::string_view t, std::string& out) { return RepairXmlInto(t, warnings, out); });
  apply([&](std::string_view t, std::string& out) { return CapTextRuns(t, out, warnings); });
  return text;
}

}  // namespace

std::string RepairXml(std::string_view in, std::vector<std::string>* warnings) {
  std::string buffers[2];
  return std::string(RepairAll(in, warnings, buffers));
}

Result<XmlReadResult> ReadXml(std::string_view utf8, const std::string& url, size_t piece) {
  InitLibxml();
  XmlReadResult result;
  std::string buffers[2];
  std::string_view text = RepairAll(utf8, &result.warnings, buffers);
  // The push parser: it reads CDATA sections in bulk, where the pull
  // parser (xmlReadMemory) copies them one character at a time; on feeds
  // that carry their HTML as CDATA that is most of the parse.
  xmlParserCtxtPtr ctxt =
      xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0, url.empty() ? nullptr : url.c_str());
  if (!ctxt) return Status::Internal("cannot create an XML parser");
  // No XML_PARSE_NOENT (entities stay references, expanded by Text() within a
  // budget), no DTDLOAD, no XINCLUDE, no HUGE: libxml2's own depth and size
  // limits stay in force.
  // The text is UTF-8 already: IGNORE_ENC keeps a declaration naming the
  // original charset from being applied a second time.
  int options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_IGNORE_ENC;
  xmlCtxtUseOptions(ctxt, options);
  xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
  // The text in pieces: the push parser copies what it is given into a
  // buffer of its own and drops what it has parsed, so small pieces keep that
  // buffer small and in the cache, where the whole text at once would be
  // copied into fresh memory as large as the document, page by page faulted
  // in (docs/BENCHMARKS.md, "newsmirror beside xmllint"). libxml2 gives
  // the same tree however its input is cut (ReadXmlTest).
  // What the parser holds unparsed while it waits for the end of a construct
  // (a start tag) must stay under XML_MAX_LOOKUP_LIMIT, or libxml2 stops the
  // parse; near it, the rest of the text goes in at once, as a whole document
  // would (xmlParseChunk takes an int length, so past 1 GiB in parts).
  constexpr size_t kMaxPiece = size_t{1} << 30;
  size_t offset = 0;
  do {
    size_t len = std::min({std::max<size_t>(piece, 1), kMaxPiece, text.size() - offset});
    size_t held = ctxt->input ? static_cast<size_t>(ctxt->input->end - ctxt->input->cur) : 0;
    if (held + 2 * len > XML_MAX_LOOKUP_LIMIT) len = std::min(kMaxPiece, text.size() - offset);
    bool last = offset + len == text.size();
    xmlParseChunk(ctxt, text.data() + offset, static_cast<int>(len), last ? 1 : 0);
    offset += len;
  } while (offset < text.size());
  xmlDoc* doc = ctxt->myDoc;
  ctxt->myDoc = nullptr;
  if (!ctxt->wellFormed) {
    const xmlError* err = xmlCtxtGetLastError(ctxt);
    std::string msg = err && err->message ? err->message : "not well-formed";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    result.warnings.push_back("recovered from broken XML" +
                              (err ? " (line " + std::to_string(err->line) + ": " + msg + ")" : ""));
  }
  xmlFreeParserCtxt(ctxt);
  if (!doc || !xmlDocGetRootElement(doc)) {
    if (doc) xmlFreeDoc(doc);
    return Status::ParseError("not an XML document");
  }
  doc->_private = new size_t(kDocumentEntityBudget);  // freed by XmlDocDeleter
  result.doc.reset(doc);
  return result;
}

std::string_view LocalName(const xmlNode* n) {
  return n && n->name ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view{};
}

std::string_view NamespaceOf(const xmlNode* n) {
  return n && n->ns && n->ns->href ? std::string_view(reinterpret_cast<const char*>(n->ns->href))
                                   : std::string_view{};
}

bool Is(const xmlNode* n, std::string_view ns, std::string_view local) {
  return n && n->type == XML_ELEMENT_NODE && LocalName(n) == local && NamespaceOf(n) == ns;
}

xmlNode* Child(const xmlNode* parent, std::string_view ns, std::string_view local) {
  if (!parent) return nullptr;
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (Is(c, ns, local)) return c;
  }
  return nullptr;
}

std::vector<xmlNode*> Children(const xmlNode* parent, std::string_view ns, std::string_view local) {
  std::vector<xmlNode*> out;
  if (!parent) return out;
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (Is(c, ns, local)) out.push_back(c);
  }
  return out;
}

std::string Attr(const xmlNode* n, const char* name) {
  if (!n) return {};
  for (xmlAttr* a = n->properties; a; a = a->next) {
    if (a->name && std::strcmp(reinterpret_cast<const char*>(a->name), name) == 0) {
      size_t budget = kEntityBudget;
      std::string out;
      AppendText(reinterpret_cast<const xmlNode*>(a), out, budget);
      return out;
    }
  }
  return {};
}

std::string Text(const xmlNode* n) {
  std::string out;
  if (!n) return out;
  size_t budget = kEntityBudget;
  AppendText(n, out, budget);
  return out;
}

std::string InnerXml(const xmlNode* n) {
  std::string out;
  if (!n) return out;
  xmlBufferPtr buf = xmlBufferCreate();
  for (xmlNode* c = n->children; c; c = c->next) {
    xmlBufferEmpty(buf);
    if (c->type == XML_ENTITY_REF_NODE) {
      // Serializing a reference would print "&name;" a reader cannot resolve.
      size_t budget = kEntityBudget;
      xmlNode holder{};
      holder.children = c;
      xmlNode* saved_next = c->next;
      c->next = nullptr;
      AppendText(&holder, out, budget);
      c->next = saved_next;
      continue;
    }
    xmlNodeDump(buf, n->doc, c, 0, 0);
    out.append(reinterpret_cast<const char*>(xmlBufferContent(buf)),
               static_cast<size_t>(xmlBufferLength(buf)));
  }
  xmlBufferFree(buf);
  return out;
}

namespace {

bool IsVoidElement(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"area", "base", "br",   "col",   "embed", "hr",    "img",
                                               "input", "link", "meta", "param", "source", "track", "wbr"};
  for (std::string_view v : kVoid) {
    if (name == v) return true;
  }
  return false;
}

// The namespaces the HTML written so far declares around the current node.
struct HtmlScope {
  std::string_view default_ns = ns::kXhtml;
  std::vector<std::string_view> prefixes;  // prefixes of attribute namespaces
  // The namespaces of the element holding the HTML and of the document's
  // root: naked markup put into e.g. an Atom <title> is left in the feed's
  // namespace, and means HTML.
  std::string_view host_ns, root_ns;
};

void AppendHtml(const xmlNode* parent, std::string& out, size_t& budget, const HtmlScope& scope) {
  for (const xmlNode* c = parent->children; c; c = c->next) {
    switch (c->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        if (c->content) AppendHtmlEscaped(out, reinterpret_cast<const char*>(c->content), false);
        break;
      case XML_ENTITY_REF_NODE: {
        std::string text;
        xmlNode holder{};
        holder.children = const_cast<xmlNode*>(c);
        xmlNode* saved_next = c->next;
        const_cast<xmlNode*>(c)->next = nullptr;
        AppendText(&holder, text, budget);
        const_cast<xmlNode*>(c)->next = saved_next;
        AppendHtmlEscaped(out, text, false);
        break;
      }
      case XML_ELEMENT_NODE: {
        // Elements are written without prefix; a namespace other than the one
        // in force (XHTML at first; SVG and MathML are the usual others) is
        // declared where it starts, and an attribute prefix where it is first
        // used. The document's own declarations are not copied.
        HtmlScope inner = scope;
        std::string_view nsuri = NamespaceOf(c);
        if (nsuri.empty()) nsuri = scope.default_ns;
        if (nsuri == scope.host_ns || nsuri == scope.root_ns) nsuri = ns::kXhtml;
        std::string_view name = LocalName(c);
        out += '<';
        out += name;
        if (nsuri != scope.default_ns) {
          out += " xmlns=\"";
          AppendHtmlEscaped(out, nsuri, true);
          out += '"';
          inner.default_ns = nsuri;
        }
        for (const xmlAttr* a = c->properties; a; a = a->next) {
          if (a->ns && a->ns->prefix && a->ns->href) {
            std::string_view prefix = reinterpret_cast<const char*>(a->ns->prefix);
            if (prefix != "xml" &&
                std::find(inner.prefixes.begin(), inner.prefixes.end(), prefix) == inner.prefixes.end()) {
              inner.prefixes.push_back(prefix);
              out += " xmlns:";
              out += prefix;
              out += "=\"";
              AppendHtmlEscaped(out, reinterpret_cast<const char*>(a->ns->href), true);
              out += '"';
            }
          }
        }
        for (const xmlAttr* a = c->properties; a; a = a->next) {
          out += ' ';
          if (a->ns && a->ns->prefix) {
            out += reinterpret_cast<const char*>(a->ns->prefix);
            out += ':';
          }
          out += reinterpret_cast<const char*>(a->name);
          out += "=\"";
          std::string value;
          AppendText(reinterpret_cast<const xmlNode*>(a), value, budget);
          AppendHtmlEscaped(out, value, true);
          out += '"';
        }
        if (!c->children && nsuri == ns::kXhtml && IsVoidElement(name)) {
          out += " />";
          break;
        }
        out += '>';
        AppendHtml(c, out, budget, inner);
        out += "</";
        out += name;
        out += '>';
        break;
      }
      case XML_COMMENT_NODE:
        out += "<!--";
        if (c->content) out += reinterpret_cast<const char*>(c->content);
        out += "-->";
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::string InnerHtml(const xmlNode* n) {
  std::string out;
  if (!n) return out;
  size_t budget = kEntityBudget;
  HtmlScope scope;
  scope.host_ns = NamespaceOf(n);
  if (n->doc) scope.root_ns = NamespaceOf(xmlDocGetRootElement(n->doc));
  AppendHtml(n, out, budget, scope);
  return out;
}

std::string HtmlOf(const xmlNode* n) {
  if (!n) return {};
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return InnerHtml(n);
  }
  return Text(n);
}

std::string BaseOf(const xmlNode* n, const std::string& doc_url) {
  std::vector<std::string> bases;
  for (const xmlNode* p = n; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
    xmlChar* b = xmlGetNsProp(p, BAD_CAST "base", XML_XML_NAMESPACE);
    if (b) {
      bases.emplace_back(reinterpret_cast<const char*>(b));
      xmlFree(b);
    }
  }
  std::string base = doc_url;
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    if (auto r = ResolveUrl(base, *it)) base = *r;
  }
  return base;
}

std::string HtmlToText(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t gt = html.find('>', i);
      if (gt == std::string_view::npos) { out.append(html.substr(i)); break; }
      i = gt + 1;
      continue;
    }
    if (c == '&') {
      size_t semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 32) {
        std::string name(html.substr(i + 1, semi - i - 1));
        unsigned cp = 0;
        if (!name.empty() && name[0] == '#') {
          bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
          cp = static_cast<unsigned>(std::strtoul(name.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10));
        } else if (const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str()))) {
          cp = e->value;
        } else if (name == "apos") {
          cp = '\'';
        }
        if (cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
          AppendUtf8(out, cp);
          i = semi + 1;
          continue;
        }
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}


std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendHtmlEscaped(out, text, false);
  return out;
}

}  // namespace nm

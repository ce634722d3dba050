// LimitHtmlNesting (html_tree.h): the HTML5 tree builder's stack of open
// elements and list of active formatting elements, followed by tag name.
//
// The model only needs to bound gumbo's own stack, not to reproduce its
// tree, so where it is unsure it errs on the deep side: it pops an element
// only where the tree builder surely does (scopes checked as the HTML5 rules
// check them), counts the formatting elements the builder will reopen as if
// they were open, and treats an adoption-agency step that moves elements
// (a misnested </b> around a block) as leaving the stack as deep as it was.
// What it does not model (insertion modes beyond tables and select, quirks,
// templates' own modes) can only make it deeper than gumbo by a small
// factor, never shallower without bound.
#include <gumbo.h>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "html/html_tree.h"
#include "html/tag_scanner.h"
#include "util/hash.h"

namespace nm {
namespace {

enum Ns : uint8_t { kHtml, kSvg, kMath };

struct Elem {
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  uint32_t name = 0;   // hash of the lower-cased name (tells unknown tags apart)
  uint32_t attrs = 0;  // hash of the attributes (the Noah's Ark clause compares them)
  Ns ns = kHtml;
  uint8_t kind = 0;    // Kind bits, computed once
  uint32_t id = 0;
};

// What the scope rules ask of an element, as bits of Elem::kind.
enum Kind : uint8_t {
  kSpecial = 1,        // the "special" category
  kEndsScope = 2,      // ends the default scope (and every scope built on it)
  kEndsListScope = 4,  // ol, ul
  kEndsButtonScope = 8,
  kEndsTableScope = 16,
};

constexpr uint32_t kMarker = 0;  // an Afe entry with this id is a scope marker

bool In(GumboTag t, std::initializer_list<GumboTag> set) {
  return std::find(set.begin(), set.end(), t) != set.end();
}

bool IsSpecial(const Elem& e) {
  if (e.ns == kMath) return In(e.tag, {GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT,
                                       GUMBO_TAG_ANNOTATION_XML});
  if (e.ns == kSvg) return In(e.tag, {GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC, GUMBO_TAG_TITLE});
  switch (e.tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_APPLET: case GUMBO_TAG_AREA: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_BASE: case GUMBO_TAG_BASEFONT: case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BODY: case GUMBO_TAG_BR: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_MENUITEM: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML: case GUMBO_TAG_IFRAME: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_ISINDEX: case GUMBO_TAG_LI: case GUMBO_TAG_LINK: case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MARQUEE: case GUMBO_TAG_MENU: case GUMBO_TAG_META: case GUMBO_TAG_NAV:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PARAM: case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_PRE: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SECTION: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_STYLE: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_TR:
    case GUMBO_TAG_UL: case GUMBO_TAG_WBR: case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

// Where the default scope ends (HTML: applet, caption, html, table, td, th,
// marquee, object, template; and MathML's and SVG's integration points).
bool EndsDefaultScope(const Elem& e) {
  if (e.ns != kHtml) return IsSpecial(e) || (e.ns == kSvg && e.tag == GUMBO_TAG_TITLE);
  return In(e.tag, {GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TD,
                    GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE});
}

uint8_t KindOf(const Elem& e) {
  uint8_t k = 0;
  if (IsSpecial(e)) k |= kSpecial;
  if (EndsDefaultScope(e)) k |= kEndsScope;
  if (e.ns == kHtml && (e.tag == GUMBO_TAG_OL || e.tag == GUMBO_TAG_UL)) k |= kEndsListScope;
  if (e.ns == kHtml && e.tag == GUMBO_TAG_BUTTON) k |= kEndsButtonScope;
  if (e.ns == kHtml && In(e.tag, {GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TEMPLATE})) k |= kEndsTableScope;
  return k;
}

enum class Scope : uint8_t {
  kDefault = kEndsScope,
  kListItem = kEndsScope | kEndsListScope,
  kButton = kEndsScope | kEndsButtonScope,
  kTable = kEndsTableScope,
};

bool EndsScope(const Elem& e, Scope scope) { return e.kind & static_cast<uint8_t>(scope); }

bool IsFormatting(GumboTag t) {
  return In(t, {GUMBO_TAG_A, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM, GUMBO_TAG_FONT,
                GUMBO_TAG_I, GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE, GUMBO_TAG_STRONG,
                GUMBO_TAG_TT, GUMBO_TAG_U});
}

bool IsHeading(GumboTag t) {
  return In(t, {GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6});
}

// Start tags that close an open <p> (in button scope) before they open.
bool ClosesP(GumboTag t) {
  return In(t, {GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_CENTER,
                GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_FIELDSET,
                GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP,
                GUMBO_TAG_MENU, GUMBO_TAG_MAIN, GUMBO_TAG_NAV, GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_SECTION,
                GUMBO_TAG_SUMMARY, GUMBO_TAG_UL, GUMBO_TAG_PRE, GUMBO_TAG_LISTING, GUMBO_TAG_FORM,
                GUMBO_TAG_PLAINTEXT, GUMBO_TAG_XMP, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4,
                GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_TABLE});
}

// End tags closing an element found in the default scope.
bool ClosesInScope(GumboTag t) {
  return In(t, {GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BUTTON,
                GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL,
                GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER,
                GUMBO_TAG_HGROUP, GUMBO_TAG_LISTING, GUMBO_TAG_MAIN, GUMBO_TAG_MENU, GUMBO_TAG_NAV, GUMBO_TAG_OL,
                GUMBO_TAG_PRE, GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY, GUMBO_TAG_UL, GUMBO_TAG_DD, GUMBO_TAG_DT});
}

// Elements that are never open: void elements, and those the parser merges
// into ones it made itself (html, head, body) or leaves out (frame, frameset).
bool NeverOpen(GumboTag t) {
  return In(t, {GUMBO_TAG_AREA, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BR,
                GUMBO_TAG_COL, GUMBO_TAG_EMBED, GUMBO_TAG_FRAME, GUMBO_TAG_HR, GUMBO_TAG_IMG, GUMBO_TAG_IMAGE,
                GUMBO_TAG_INPUT, GUMBO_TAG_KEYGEN, GUMBO_TAG_LINK, GUMBO_TAG_META, GUMBO_TAG_PARAM,
                GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_WBR, GUMBO_TAG_MENUITEM, GUMBO_TAG_ISINDEX,
                GUMBO_TAG_HTML, GUMBO_TAG_HEAD, GUMBO_TAG_BODY, GUMBO_TAG_FRAMESET});
}

bool IsTableStructure(GumboTag t) {
  return In(t, {GUMBO_TAG_CAPTION, GUMBO_TAG_COL, GUMBO_TAG_COLGROUP, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD,
                GUMBO_TAG_TFOOT, GUMBO_TAG_TR, GUMBO_TAG_TD, GUMBO_TAG_TH});
}

// Start tags that break out of SVG and MathML back into HTML.
bool BreaksOutOfForeign(const HtmlTag& tag, GumboTag t) {
  if (t == GUMBO_TAG_FONT) {
    for (const HtmlAttribute& a : tag.attributes) {
      if (a.name == "color" || a.name == "face" || a.name == "size") return true;
    }
    return false;
  }
  return In(t, {GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY, GUMBO_TAG_BR,
                GUMBO_TAG_CENTER, GUMBO_TAG_CODE, GUMBO_TAG_DD, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_DT,
                GUMBO_TAG_EM, GUMBO_TAG_EMBED, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4,
                GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_HEAD, GUMBO_TAG_HR, GUMBO_TAG_I, GUMBO_TAG_IMG,
                GUMBO_TAG_LI, GUMBO_TAG_LISTING, GUMBO_TAG_MENU, GUMBO_TAG_META, GUMBO_TAG_NOBR, GUMBO_TAG_OL,
                GUMBO_TAG_P, GUMBO_TAG_PRE, GUMBO_TAG_RUBY, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_SPAN,
                GUMBO_TAG_STRONG, GUMBO_TAG_STRIKE, GUMBO_TAG_SUB, GUMBO_TAG_SUP, GUMBO_TAG_TABLE, GUMBO_TAG_TT,
                GUMBO_TAG_U, GUMBO_TAG_UL, GUMBO_TAG_VAR});
}

// Where the children of a foreign element follow the HTML rules again.
bool IsIntegrationPoint(const Elem& e) {
  return (e.ns == kSvg && In(e.tag, {GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC, GUMBO_TAG_TITLE})) ||
         (e.ns == kMath && In(e.tag, {GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT,
                                      GUMBO_TAG_ANNOTATION_XML}));
}

uint32_t AttributesHash(std::string_view html, const HtmlTag& tag) {
  std::vector<std::string> parts;
  parts.reserve(tag.attributes.size());
  for (const HtmlAttribute& a : tag.attributes) {
    std::string p = a.name;
    p += '=';
    if (a.has_value) p.append(html.substr(a.value_begin, a.value_end - a.value_begin));
    parts.push_back(std::move(p));
  }
  std::sort(parts.begin(), parts.end());
  std::string all;
  for (const std::string& p : parts) {
    all += p;
    all += '\0';
  }
  return Fnv1a32(all);
}

class Limiter {
 public:
  explicit Limiter(std::string_view html) : html_(html), on_stack_(1, 0), in_afe_(1, 0) {}

  NestingLimit Run() {
    HtmlTagScanner scanner(html_);
    HtmlTag tag;
    while (scanner.Next(tag)) {
      if (tag.is_end) End(tag);
      else Start(tag);
    }
    if (!drop_through_.empty()) drops_.back().second = html_.size();  // no end tag came
    NestingLimit out;
    if (drops_.empty()) return out;
    out.changed = true;
    out.html.reserve(html_.size());
    size_t copied = 0;
    for (const auto& [begin, end] : drops_) {
      out.html.append(html_, copied, begin - copied);
      copied = end;
    }
    out.html.append(html_, copied);
    return out;
  }

 private:
  // The html and body elements the parser opens itself.
  static constexpr size_t kImplied = 2;

  // How deep gumbo's stack can be once it has reopened the formatting
  // elements that are closed but still active.
  size_t Depth() const { return kImplied + soe_.size() + off_stack_; }

  Elem Make(GumboTag t, const HtmlTag& tag, Ns ns) {
    Elem e;
    e.tag = t;
    e.name = Fnv1a32(tag.name);
    e.ns = ns;
    e.id = static_cast<uint32_t>(on_stack_.size());
    on_stack_.push_back(0);
    in_afe_.push_back(0);
    return e;
  }

  void Push(Elem e) {
    e.kind = KindOf(e);  // the namespace may have been set after Make
    soe_.push_back(e);
    on_stack_[e.id] = 1;
    if (e.ns == kHtml) ++open_html_[e.tag];
  }
  // Whether an HTML element of one of these tags is open (a cheap test before
  // a search of the stack).
  bool AnyOpen(std::initializer_list<GumboTag> tags) const {
    for (GumboTag t : tags) {
      if (open_html_[t]) return true;
    }
    return false;
  }
  void PushImplied(GumboTag t) {
    HtmlTag none;
    Push(Make(t, none, kHtml));
  }
  void LeftStack(const Elem& e) {
    on_stack_[e.id] = 0;
    if (e.ns == kHtml) --open_html_[e.tag];
    if (in_afe_[e.id]) ++off_stack_;
  }
  // Pops every element above position `pos`, and the one at it. A cell or
  // caption that closes clears the formatting elements opened inside it.
  void PopTo(size_t pos) {
    while (soe_.size() > pos) {
      Elem e = soe_.back();
      soe_.pop_back();
      LeftStack(e);
      if (e.ns == kHtml && In(e.tag, {GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION})) ClearFormattingToMarker();
    }
  }
  void EraseAt(size_t pos) {
    Elem e = soe_[pos];
    soe_.erase(soe_.begin() + static_cast<long>(pos));
    LeftStack(e);
  }
  const Elem* Top() const { return soe_.empty() ? nullptr : &soe_.back(); }
  bool TopIs(GumboTag t) const { return !soe_.empty() && soe_.back().ns == kHtml && soe_.back().tag == t; }

  // Position of the nearest HTML element `t` within `scope`, or -1.
  long FindInScope(GumboTag t, Scope scope) const {
    if (!open_html_[t]) return -1;
    for (size_t i = soe_.size(); i-- > 0;) {
      const Elem& e = soe_[i];
      if (e.ns == kHtml && e.tag == t) return static_cast<long>(i);
      if (EndsScope(e, scope)) return -1;
    }
    return -1;
  }
  template <class Pred>
  long FindInScopeIf(Pred pred, Scope scope) const {
    if (!AnyOpen({GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6})) return -1;
    for (size_t i = soe_.size(); i-- > 0;) {
      const Elem& e = soe_[i];
      if (e.ns == kHtml && pred(e.tag)) return static_cast<long>(i);
      if (EndsScope(e, scope)) return -1;
    }
    return -1;
  }

  void ClosePInButtonScope() {
    long p = FindInScope(GUMBO_TAG_P, Scope::kButton);
    if (p >= 0) PopTo(static_cast<size_t>(p));
  }
  void GenerateImpliedEndTags(GumboTag except) {
    while (!soe_.empty() && soe_.back().ns == kHtml && soe_.back().tag != except &&
           In(soe_.back().tag, {GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_LI, GUMBO_TAG_OPTION, GUMBO_TAG_OPTGROUP,
                                GUMBO_TAG_P, GUMBO_TAG_RP, GUMBO_TAG_RB, GUMBO_TAG_RT, GUMBO_TAG_RTC})) {
      PopTo(soe_.size() - 1);
    }
  }
  void EraseFormatting(size_t i) {
    const Elem& a = afe_[i];
    if (a.id != kMarker) {
      in_afe_[a.id] = 0;
      if (!on_stack_[a.id]) --off_stack_;
      --afe_elements_;
    }
    afe_.erase(afe_.begin() + static_cast<long>(i));
  }
  // Removes the entries after the last marker, and the marker.
  void ClearFormattingToMarker() {
    while (!afe_.empty()) {
      bool marker = afe_.back().id == kMarker;
      EraseFormatting(afe_.size() - 1);
      if (marker) break;
    }
  }
  long LastFormatting(GumboTag t, uint32_t name) const {
    for (size_t i = afe_.size(); i-- > 0;) {
      if (afe_[i].id == kMarker) return -1;
      if (afe_[i].tag == t && afe_[i].name == name) return static_cast<long>(i);
    }
    return -1;
  }
  long PositionOnStack(uint32_t id) const {
    if (!on_stack_[id]) return -1;
    for (size_t i = soe_.size(); i-- > 0;) {
      if (soe_[i].id == id) return static_cast<long>(i);
    }
    return -1;
  }

  // The adoption agency's effect on the stack's depth: without a block
  // inside the formatting element, the element and what is open inside it
  // close; with one, elements move but the stack gets no shallower.
  void AdoptionAgency(GumboTag t, uint32_t name) {
    long f = LastFormatting(t, name);
    if (f < 0) return AnyOtherEndTag(t, name);
    long pos = PositionOnStack(afe_[static_cast<size_t>(f)].id);
    if (pos < 0) {
      EraseFormatting(static_cast<size_t>(f));
      return;
    }
    for (size_t i = static_cast<size_t>(pos) + 1; i < soe_.size(); ++i) {
      if (soe_[i].kind & kSpecial) return;  // a furthest block: the depth stays
    }
    for (size_t i = soe_.size(); i-- > static_cast<size_t>(pos) + 1;) {
      if (soe_[i].kind & kEndsScope) return;  // not in scope: ignored
    }
    PopTo(static_cast<size_t>(pos));
    EraseFormatting(static_cast<size_t>(f));
  }

  void AnyOtherEndTag(GumboTag t, uint32_t name) {
    for (size_t i = soe_.size(); i-- > 0;) {
      const Elem& e = soe_[i];
      if (e.ns == kHtml && e.tag == t && e.name == name) {
        PopTo(i);
        return;
      }
      if (e.kind & kSpecial) return;
    }
  }

  void AddFormatting(const Elem& e) {
    // Noah's Ark: at most three equal entries after the last marker.
    int same = 0;
    long earliest = -1;
    for (size_t i = afe_.size(); i-- > 0;) {
      if (afe_[i].id == kMarker) break;
      if (afe_[i].tag == e.tag && afe_[i].name == e.name && afe_[i].attrs == e.attrs) {
        ++same;
        earliest = static_cast<long>(i);
      }
    }
    if (same >= 3) EraseFormatting(static_cast<size_t>(earliest));
    afe_.push_back(e);
    in_afe_[e.id] = 1;
    ++afe_elements_;
  }
  // Whether another formatting element would pass kMaxActiveFormatting (one
  // that makes the Noah's Ark clause remove an equal one does not).
  bool FormattingFull(const Elem& e) const {
    int same = 0;
    for (size_t i = afe_.size(); i-- > 0 && afe_[i].id != kMarker;) {
      if (afe_[i].tag == e.tag && afe_[i].name == e.name && afe_[i].attrs == e.attrs) ++same;
    }
    return same < 3 && afe_elements_ >= kMaxActiveFormatting;
  }
  void AddMarker() {
    Elem m;
    m.id = kMarker;
    afe_.push_back(m);
  }

  // Drops the tag (or, for a raw-text element, the whole element: its end
  // tag comes next) and remembers to drop its end tag.
  void Drop(const HtmlTag& tag, GumboTag t) {
    drops_.emplace_back(tag.begin, tag.end);
    bool raw_text = In(t, {GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_TEXTAREA, GUMBO_TAG_TITLE,
                           GUMBO_TAG_XMP, GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES});
    if (raw_text) drop_through_ = tag.name;
    else ++dropped_[Key(t, tag.name)];
  }
  static uint64_t Key(GumboTag t, std::string_view name) {
    return (static_cast<uint64_t>(t) << 32) | (t == GUMBO_TAG_UNKNOWN ? Fnv1a32(name) : 0);
  }

  // Opens `e` (and `implied` elements the parser creates around it first),
  // unless that would pass the depth bound: then the tag is dropped.
  bool Open(const HtmlTag& tag, Elem e, std::initializer_list<GumboTag> implied = {}) {
    if (Depth() + implied.size() + 1 > kMaxHtmlDepth) {
      Drop(tag, e.tag);
      return false;
    }
    for (GumboTag t : implied) PushImplied(t);
    Push(e);
    return true;
  }

  // The nearest element that decides how table markup is read.
  const Elem* TableContext(size_t* pos) const {
    if (!AnyOpen({GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_TR, GUMBO_TAG_TD,
                  GUMBO_TAG_TH, GUMBO_TAG_CAPTION, GUMBO_TAG_COLGROUP, GUMBO_TAG_SELECT, GUMBO_TAG_TEMPLATE})) {
      return nullptr;
    }
    for (size_t i = soe_.size(); i-- > 0;) {
      const Elem& e = soe_[i];
      if (e.ns == kHtml &&
          In(e.tag, {GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_TR,
                     GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION, GUMBO_TAG_COLGROUP, GUMBO_TAG_SELECT,
                     GUMBO_TAG_TEMPLATE, GUMBO_TAG_HTML})) {
        *pos = i;
        return &e;
      }
    }
    return nullptr;
  }

  // Table structure (caption, colgroup, col, tbody, thead, tfoot, tr, td,
  // th) and <table> itself met where a table is being read.
  void TableStart(const HtmlTag& tag, const Elem& e) {
    GumboTag t = e.tag;
    size_t pos = 0;
    const Elem* ctx = TableContext(&pos);
    GumboTag c = ctx ? ctx->tag : GUMBO_TAG_HTML;
    if ((c == GUMBO_TAG_TD || c == GUMBO_TAG_TH || c == GUMBO_TAG_CAPTION) && t != GUMBO_TAG_TABLE) {
      PopTo(pos);  // the cell (or caption) closes
      return TableStart(tag, e);
    }
    if (c == GUMBO_TAG_COLGROUP) {
      if (t == GUMBO_TAG_COL) return;
      PopTo(pos);
      return TableStart(tag, e);
    }
    if (c != GUMBO_TAG_TABLE && c != GUMBO_TAG_TBODY && c != GUMBO_TAG_THEAD && c != GUMBO_TAG_TFOOT &&
        c != GUMBO_TAG_TR) {
      // Not inside a table (or inside a cell, for <table>): table structure is
      // ignored, a <table> opens.
      if (t != GUMBO_TAG_TABLE) return;
      ClosePInButtonScope();
      Open(tag, e);
      return;
    }
    // In a table, body or row; elements above the context were foster-parented.
    long table = FindInScope(GUMBO_TAG_TABLE, Scope::kTable);
    switch (t) {
      case GUMBO_TAG_TABLE:
        if (table >= 0) PopTo(static_cast<size_t>(table));
        Open(tag, e);
        return;
      case GUMBO_TAG_CAPTION:
      case GUMBO_TAG_COLGROUP:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TFOOT:
        if (table >= 0) PopTo(static_cast<size_t>(table) + 1);
        if (Open(tag, e) && t == GUMBO_TAG_CAPTION) AddMarker();
        return;
      case GUMBO_TAG_COL:
        if (table >= 0) PopTo(static_cast<size_t>(table) + 1);
        Open(tag, e);  // stands for the implied <colgroup>
        return;
      case GUMBO_TAG_TR:
        if (c == GUMBO_TAG_TR || c == GUMBO_TAG_TBODY || c == GUMBO_TAG_THEAD || c == GUMBO_TAG_TFOOT) {
          PopTo(c == GUMBO_TAG_TR ? pos : pos + 1);
          Open(tag, e);
        } else {
          PopTo(pos + 1);
          Open(tag, e, {GUMBO_TAG_TBODY});
        }
        return;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH: {
        bool opened;
        PopTo(pos + 1);
        if (c == GUMBO_TAG_TR) opened = Open(tag, e);
        else if (c == GUMBO_TAG_TABLE) opened = Open(tag, e, {GUMBO_TAG_TBODY, GUMBO_TAG_TR});
        else opened = Open(tag, e, {GUMBO_TAG_TR});
        if (opened) AddMarker();
        return;
      }
      default:
        return;
    }
  }

  bool InSelect(size_t* pos) const {
    if (!open_html_[GUMBO_TAG_SELECT]) return false;
    size_t p = 0;
    const Elem* ctx = TableContext(&p);
    if (!ctx || ctx->tag != GUMBO_TAG_SELECT) return false;
    *pos = p;
    return true;
  }

  void Start(const HtmlTag& tag) {
    GumboTag t = gumbo_tagn_enum(tag.name.data(), static_cast<unsigned>(tag.name.size()));
    // Foreign content: HTML again at an integration point or for a tag that
    // breaks out of it.
    const Elem* top = Top();
    if (top && top->ns != kHtml && !IsIntegrationPoint(*top)) {
      if (BreaksOutOfForeign(tag, t)) {
        while (!soe_.empty() && soe_.back().ns != kHtml && !IsIntegrationPoint(soe_.back())) PopTo(soe_.size() - 1);
      } else {
        Elem e = Make(t, tag, top->ns);
        if (!tag.self_closing) Open(tag, e);
        return;
      }
    }
    size_t select = 0;
    if (InSelect(&select)) {
      if (t == GUMBO_TAG_OPTION || t == GUMBO_TAG_OPTGROUP) {
        if (TopIs(GUMBO_TAG_OPTION)) PopTo(soe_.size() - 1);
        if (t == GUMBO_TAG_OPTGROUP && TopIs(GUMBO_TAG_OPTGROUP)) PopTo(soe_.size() - 1);
        Open(tag, Make(t, tag, kHtml));
        return;
      }
      if (t == GUMBO_TAG_SELECT) {
        PopTo(select);
        return;
      }
      if (t == GUMBO_TAG_INPUT || t == GUMBO_TAG_KEYGEN || t == GUMBO_TAG_TEXTAREA || t == GUMBO_TAG_TABLE ||
          IsTableStructure(t)) {
        PopTo(select);  // the select closes; the tag is read as usual
      } else if (t != GUMBO_TAG_SCRIPT && t != GUMBO_TAG_TEMPLATE) {
        return;  // ignored inside a select
      }
    }
    if (NeverOpen(t)) {
      if (t == GUMBO_TAG_HR) ClosePInButtonScope();
      return;
    }
    Elem e = Make(t, tag, kHtml);
    if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH) {
      e.ns = t == GUMBO_TAG_SVG ? kSvg : kMath;
      if (!tag.self_closing) Open(tag, e);
      return;
    }
    if (t == GUMBO_TAG_TABLE || IsTableStructure(t)) return TableStart(tag, e);
    if (ClosesP(t)) {
      if (t == GUMBO_TAG_FORM && FindInScope(GUMBO_TAG_FORM, Scope::kTable) >= 0) return;  // one form at a time
      if (t == GUMBO_TAG_LI || t == GUMBO_TAG_DD || t == GUMBO_TAG_DT) {
        for (size_t i = soe_.size(); i-- > 0;) {
          const Elem& n = soe_[i];
          bool same = n.ns == kHtml && (t == GUMBO_TAG_LI ? n.tag == GUMBO_TAG_LI
                                                          : n.tag == GUMBO_TAG_DD || n.tag == GUMBO_TAG_DT);
          if (same) {
            PopTo(i);
            break;
          }
          if ((n.kind & kSpecial) && !(n.ns == kHtml && In(n.tag, {GUMBO_TAG_ADDRESS, GUMBO_TAG_DIV, GUMBO_TAG_P}))) {
            break;
          }
        }
      }
      ClosePInButtonScope();
      if (IsHeading(t) && !soe_.empty() && soe_.back().ns == kHtml && IsHeading(soe_.back().tag)) {
        PopTo(soe_.size() - 1);
      }
      Open(tag, e);
      return;
    }
    if (t == GUMBO_TAG_BUTTON) {
      long b = FindInScope(GUMBO_TAG_BUTTON, Scope::kDefault);
      if (b >= 0) PopTo(static_cast<size_t>(b));
      Open(tag, e);
      return;
    }
    if (IsFormatting(t)) {
      if (t == GUMBO_TAG_A && LastFormatting(GUMBO_TAG_A, e.name) >= 0) {
        long f = LastFormatting(GUMBO_TAG_A, e.name);
        uint32_t id = afe_[static_cast<size_t>(f)].id;
        AdoptionAgency(GUMBO_TAG_A, e.name);
        long still = LastFormatting(GUMBO_TAG_A, e.name);
        if (still >= 0 && afe_[static_cast<size_t>(still)].id == id) EraseFormatting(static_cast<size_t>(still));
        long pos = PositionOnStack(id);
        if (pos >= 0) EraseAt(static_cast<size_t>(pos));
      }
      if (t == GUMBO_TAG_NOBR && FindInScope(GUMBO_TAG_NOBR, Scope::kDefault) >= 0) {
        AdoptionAgency(GUMBO_TAG_NOBR, e.name);
      }
      e.attrs = AttributesHash(html_, tag);
      if (FormattingFull(e)) {
        Drop(tag, t);
        return;
      }
      if (Open(tag, e)) AddFormatting(e);
      return;
    }
    if (In(t, {GUMBO_TAG_APPLET, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE})) {
      if (Open(tag, e)) AddMarker();
      return;
    }
    if (In(t, {GUMBO_TAG_OPTION, GUMBO_TAG_OPTGROUP}) && TopIs(GUMBO_TAG_OPTION)) PopTo(soe_.size() - 1);
    if (In(t, {GUMBO_TAG_RB, GUMBO_TAG_RTC, GUMBO_TAG_RP, GUMBO_TAG_RT}) &&
        FindInScope(GUMBO_TAG_RUBY, Scope::kDefault) >= 0) {
      GenerateImpliedEndTags(t == GUMBO_TAG_RP || t == GUMBO_TAG_RT ? GUMBO_TAG_RTC : GUMBO_TAG_LAST);
    }
    Open(tag, e);
  }

  void End(const HtmlTag& tag) {
    GumboTag t = gumbo_tagn_enum(tag.name.data(), static_cast<unsigned>(tag.name.size()));
    if (!drop_through_.empty()) {
      // The end of a raw-text element dropped whole.
      if (tag.name == drop_through_) {
        drops_.back().second = tag.end;
        drop_through_.clear();
      }
      return;
    }
    auto dropped = dropped_.find(Key(t, tag.name));
    if (dropped != dropped_.end() && dropped->second > 0) {
      --dropped->second;
      drops_.emplace_back(tag.begin, tag.end);
      return;
    }
    uint32_t name = Fnv1a32(tag.name);
    // Foreign content: the nearest foreign element of that name closes.
    const Elem* top = Top();
    if (top && top->ns != kHtml) {
      for (size_t i = soe_.size(); i-- > 0 && soe_[i].ns != kHtml;) {
        if (soe_[i].name == name) {
          PopTo(i);
          return;
        }
      }
    }
    size_t select = 0;
    if (t != GUMBO_TAG_SCRIPT && t != GUMBO_TAG_TEMPLATE && InSelect(&select)) {
      if (t == GUMBO_TAG_OPTION && TopIs(GUMBO_TAG_OPTION)) PopTo(soe_.size() - 1);
      if (t == GUMBO_TAG_OPTGROUP) {
        if (TopIs(GUMBO_TAG_OPTION) && soe_.size() >= 2 && soe_[soe_.size() - 2].tag == GUMBO_TAG_OPTGROUP) {
          PopTo(soe_.size() - 1);
        }
        if (TopIs(GUMBO_TAG_OPTGROUP)) PopTo(soe_.size() - 1);
      }
      if (t == GUMBO_TAG_SELECT || t == GUMBO_TAG_TABLE || IsTableStructure(t)) PopTo(select);
      return;
    }
    if (IsFormatting(t)) return AdoptionAgency(t, name);
    long pos = -1;
    switch (t) {
      case GUMBO_TAG_HTML: case GUMBO_TAG_BODY: case GUMBO_TAG_HEAD: case GUMBO_TAG_BR:
        return;
      case GUMBO_TAG_P:
        pos = FindInScope(GUMBO_TAG_P, Scope::kButton);
        break;
      case GUMBO_TAG_LI:
        pos = FindInScope(GUMBO_TAG_LI, Scope::kListItem);
        break;
      case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
      case GUMBO_TAG_H6:
        pos = FindInScopeIf(IsHeading, Scope::kDefault);
        break;
      case GUMBO_TAG_FORM:
        // Only the form closes; what is open inside it stays open.
        pos = FindInScope(GUMBO_TAG_FORM, Scope::kDefault);
        if (pos >= 0) EraseAt(static_cast<size_t>(pos));
        return;
      case GUMBO_TAG_APPLET: case GUMBO_TAG_MARQUEE: case GUMBO_TAG_OBJECT: case GUMBO_TAG_TEMPLATE:
        pos = FindInScope(t, t == GUMBO_TAG_TEMPLATE ? Scope::kTable : Scope::kDefault);
        if (pos >= 0) {
          PopTo(static_cast<size_t>(pos));
          ClearFormattingToMarker();
        }
        return;
      case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_CAPTION:
        pos = FindInScope(t, Scope::kTable);  // closing, it clears its formatting elements
        break;
      case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
      case GUMBO_TAG_TR:
        pos = FindInScope(t, Scope::kTable);
        break;
      case GUMBO_TAG_COLGROUP:
        if (TopIs(GUMBO_TAG_COLGROUP)) pos = static_cast<long>(soe_.size()) - 1;
        break;
      default:
        if (ClosesInScope(t)) pos = FindInScope(t, Scope::kDefault);
        else return AnyOtherEndTag(t, name);
    }
    if (pos >= 0) PopTo(static_cast<size_t>(pos));
  }

  std::string_view html_;
  std::vector<Elem> soe_;           // the stack of open elements (html and body left out)
  std::vector<Elem> afe_;           // the list of active formatting elements (id kMarker: a marker)
  std::vector<uint8_t> on_stack_;   // by element id (0 is kMarker's)
  std::vector<uint8_t> in_afe_;     // by element id
  std::vector<uint32_t> open_html_ = std::vector<uint32_t>(GUMBO_TAG_LAST + 1, 0);  // HTML elements open, by tag
  size_t off_stack_ = 0;            // active formatting elements not on the stack
  size_t afe_elements_ = 0;         // entries of afe_ that are not markers
  std::vector<std::pair<size_t, size_t>> drops_;  // byte ranges left out, in order
  std::unordered_map<uint64_t, int> dropped_;     // dropped start tags whose end tags are still to come
  std::string drop_through_;                       // a raw-text element dropped whole, until its end tag
};

}  // namespace

NestingLimit LimitHtmlNesting(std::string_view html) { return Limiter(html).Run(); }

}  // namespace nm

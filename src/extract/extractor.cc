#include "extract/extractor.h"

#include <gumbo.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dates/date_parser.h"
#include "extract/dom.h"
#include "extract/metadata.h"
#include "extract/selector.h"
#include "html/escape.h"
#include "html/html_tree.h"
#include "html/sanitize.h"
#include "url/url.h"
#include "util/text.h"

namespace nm {
namespace {

using dom::Attr;
using dom::AttrOr;
using dom::Child;
using dom::Children;
using dom::IsElement;
using dom::IsText;
using dom::Tag;

// ---------------------------------------------------------------------------
// Small text utilities. Lengths are counted in code points so that Chinese
// text, three bytes a character in UTF-8, weighs like its characters.

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Non-whitespace code points.
size_t CountVisible(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) continue;
    ++n;
  }
  return n;
}

// Commas of the Latin and CJK kinds: the classic "this is prose" signal.
size_t CountCommas(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',') {
      ++n;
    } else if (static_cast<unsigned char>(s[i]) == 0xEF && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0xBC &&
               static_cast<unsigned char>(s[i + 2]) == 0x8C) {  // ，
      ++n;
    } else if (static_cast<unsigned char>(s[i]) == 0xE3 && i + 2 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0x81 ||
                static_cast<unsigned char>(s[i + 2]) == 0x82)) {  // 、 。
      ++n;
    }
  }
  return n;
}

bool EndsLikeSentence(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n\"'”’)", s.back())) s.remove_suffix(1);
  if (s.empty()) return false;
  char c = s.back();
  if (c == '.' || c == '!' || c == '?') return true;
  if (s.size() >= 3) {
    std::string_view tail = s.substr(s.size() - 3);
    return tail == "。" || tail == "！" || tail == "？" || tail == "”" || tail == "」";
  }
  return false;
}

void EscapeHtml(std::string_view s, std::string& out, bool attribute) { AppendHtmlEscaped(out, s, attribute); }

bool ContainsAny(std::string_view hay, std::initializer_list<std::string_view> needles) {
  for (auto n : needles) {
    if (hay.find(n) != std::string_view::npos) return true;
  }
  return false;
}

// Splits "article__share-tools js-Share" into lower-case words
// {"article", "share", "tools", "js", "share"}, camelCase split too.
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool upper = c >= 'A' && c <= 'Z';
    bool alnum = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) {
      flush();
      continue;
    }
    if (upper && !cur.empty() && i > 0 && s[i - 1] >= 'a' && s[i - 1] <= 'z') flush();
    cur += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------
// Classification of elements.

bool IsBlockTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_LI:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_PRE: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FORM: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_DETAILS: case GUMBO_TAG_CENTER: case GUMBO_TAG_BODY:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_MENU: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_SUMMARY:
      return true;
    default:
      return false;
  }
}

bool IsHeading(GumboTag t) {
  return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
         t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

// A video player from a known host: the archive keeps it (the sanitizer's
// allowlist decides again).
bool IsVideoEmbed(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT || n->v.element.tag != GUMBO_TAG_IFRAME) return false;
  const GumboAttribute* src = gumbo_get_attribute(&n->v.element.attributes, "src");
  return src && IsVideoEmbedUrl(src->value);
}

// Elements that never carry article text.
bool IsAlwaysRemoved(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_CANVAS: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_MENU: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MAP: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET:
      return true;
    default:
      return false;
  }
}

bool IsHidden(const GumboNode* n) {
  if (Attr(n, "hidden")) return true;
  if (AttrOr(n, "aria-hidden") == "true" && Tag(n) != GUMBO_TAG_FIGURE && Tag(n) != GUMBO_TAG_IMG)
    return true;
  std::string style = AsciiLower(AttrOr(n, "style"));
  if (!style.empty()) {
    style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
    if (style.find("display:none") != std::string::npos ||
        style.find("visibility:hidden") != std::string::npos)
      return true;
  }
  return false;
}

bool HasBoilerplateRole(const GumboNode* n) {
  std::string role = AsciiLower(AttrOr(n, "role"));
  return role == "navigation" || role == "complementary" || role == "banner" ||
         role == "contentinfo" || role == "dialog" || role == "alertdialog" || role == "menu" ||
         role == "menubar" || role == "search" || role == "toolbar" || role == "tablist";
}

// Words in class or id that mark a block as not the article, whatever else
// the name says ("article-share" is a share bar).
const std::unordered_set<std::string_view>& StrongNegativeWords() {
  static const auto* words = new std::unordered_set<std::string_view>{
      "share", "sharing", "sharebar", "social", "socials", "related", "comment", "comments",
      "newsletter", "promo", "promotion", "advert", "advertisement", "advertising", "ad", "ads",
      "adslot", "adunit", "sponsor", "sponsored", "breadcrumb", "breadcrumbs", "outbrain",
      "taboola", "disqus", "recommended", "recommendations", "recirc", "popup", "modal", "cookie",
      "gdpr", "subscribe", "subscription", "signup", "paywall", "sidebar", "shoutbox",
      "skyscraper", "byline", "bylines", "dateline", "tags", "tag", "keywords", "trending",
      "toolbar", "tools", "print", "pagination", "pager", "masthead", "nav", "navbar",
      "navigation", "menu", "footer", "copyright", "author", "authors", "rating", "hidden",
      "sr", "visuallyhidden", "offscreen", "caption", "credit", "credits", "more",
      "readmore", "also", "next", "prev", "previous", "widget", "banner", "login", "bio"};
  return *words;
}

// Words that mark a block as the article's text.
const std::unordered_set<std::string_view>& PositiveWords() {
  static const auto* words = new std::unordered_set<std::string_view>{
      "article", "body", "content", "entry", "hentry", "main", "post", "text", "blog", "story",
      "prose", "richtext", "articlebody", "storybody", "paragraph", "column"};
  return *words;
}

const std::unordered_set<std::string_view>& NegativeWeightWords() {
  static const auto* words = new std::unordered_set<std::string_view>{
      "hidden", "banner", "combx", "comment", "comments", "contact", "foot", "footer",
      "footnote", "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related", "scroll",
      "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "tool",
      "tools", "widget", "ad", "ads", "social", "nav", "menu", "byline", "author", "caption",
      "credit", "more", "subscribe", "newsletter", "recommended", "trending"};
  return *words;
}

// Class, id and the id of the heading that labels the block: a section
// labelled by "related-content-heading" is a related-links block.
std::string ClassAndId(const GumboNode* n) {
  std::string s(AttrOr(n, "class"));
  s += ' ';
  s += AttrOr(n, "id");
  s += ' ';
  s += AttrOr(n, "aria-labelledby");
  return s;
}

// +25 for article-like names, -25 for boilerplate-like ones, per attribute.
int ClassWeight(const GumboNode* n) {
  int weight = 0;
  for (const char* attr : {"class", "id"}) {
    const char* v = Attr(n, attr);
    if (!v || !*v) continue;
    bool neg = false, pos = false;
    for (const auto& w : Words(v)) {
      if (NegativeWeightWords().count(w)) neg = true;
      if (PositiveWords().count(w)) pos = true;
    }
    if (neg) weight -= 25;
    if (pos) weight += 25;
  }
  return weight;
}

// Class or id names a block that is not the article (share bar, related
// links, comments...).
bool HasBoilerplateName(const GumboNode* n) {
  std::string names = ClassAndId(n);
  if (names.size() <= 1) return false;
  std::string lower = AsciiLower(names);
  if (lower.find("-ad-") != std::string::npos) return true;
  for (const auto& w : Words(names)) {
    if (StrongNegativeWords().count(w)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Per-element statistics, computed bottom-up once per pass.

struct Stats {
  size_t chars = 0;       // visible code points
  size_t link_chars = 0;  // of them, inside <a>
  size_t commas = 0;
  int paragraphs = 0, images = 0, list_items = 0, inputs = 0, embeds = 0;
};

struct Pass {
  bool strip_unlikely = true;
  bool weight_classes = true;
  bool clean_conditionally = true;
};

class Extractor {
 public:
  Extractor(const GumboNode* body, std::string base_url, Pass pass, size_t protect_chars)
      : body_(body), base_url_(std::move(base_url)), pass_(pass), protect_chars_(protect_chars) {}

  // Marks boilerplate; computes statistics.
  void Prepare() {
    ComputeRawChars(body_);
    Prune(body_);
    ComputeStats(body_, false);
  }

  // The element(s) that hold the article, in document order.
  std::vector<const GumboNode*> FindContent();
  // Elements marked itemprop="articleBody" when they hold real text.
  std::vector<const GumboNode*> MarkedArticleBody() const;
  void CleanContent(const std::vector<const GumboNode*>& content, const std::string& title);

  bool removed(const GumboNode* n) const { return removed_.count(n) > 0; }
  void Remove(const GumboNode* n) { removed_.insert(n); }
  const Stats& stats(const GumboNode* n) const {
    static const Stats kEmpty;
    auto it = stats_.find(n);
    return it == stats_.end() ? kEmpty : it->second;
  }
  double LinkDensity(const GumboNode* n) const {
    const Stats& s = stats(n);
    return s.chars ? static_cast<double>(s.link_chars) / static_cast<double>(s.chars) : 0.0;
  }

 private:
  size_t ComputeRawChars(const GumboNode* n);
  void Prune(const GumboNode* n);
  Stats ComputeStats(const GumboNode* n, bool in_link);
  void ScoreParagraphs(const GumboNode* n);
  void AddParagraph(const GumboNode* first_ancestor, size_t chars, size_t commas);
  double& InitCandidate(const GumboNode* n);
  bool ShouldRemoveConditionally(const GumboNode* n) const;
  void CleanNode(const GumboNode* n, const std::string& title);

  const GumboNode* body_;
  std::string base_url_;
  Pass pass_;
  size_t protect_chars_;
  std::unordered_set<const GumboNode*> removed_;
  std::unordered_map<const GumboNode*, Stats> stats_;
  std::unordered_map<const GumboNode*, size_t> raw_chars_;
  std::unordered_map<const GumboNode*, double> scores_;
};

size_t Extractor::ComputeRawChars(const GumboNode* n) {
  if (IsText(n)) return CountVisible(n->v.text.text);
  if (!IsElement(n)) return 0;
  GumboTag t = Tag(n);
  if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE) return 0;
  size_t total = 0;
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) total += ComputeRawChars(Child(n, i));
  raw_chars_[n] = total;
  return total;
}

void Extractor::Prune(const GumboNode* n) {
  if (!IsElement(n)) return;
  GumboTag t = Tag(n);
  if (n != body_) {
    if ((IsAlwaysRemoved(t) && !IsVideoEmbed(n)) || IsHidden(n)) {
      // A <header> or <footer> that holds most of the page is a misused
      // wrapper, not page furniture.
      bool wrapper = (t == GUMBO_TAG_HEADER || t == GUMBO_TAG_FOOTER || t == GUMBO_TAG_ASIDE) &&
                     raw_chars_[n] >= protect_chars_;
      if (!wrapper) {
        removed_.insert(n);
        return;
      }
    }
    if (pass_.strip_unlikely && t != GUMBO_TAG_ARTICLE && t != GUMBO_TAG_MAIN &&
        t != GUMBO_TAG_A && AttrOr(n, "itemprop") != "articleBody" &&
        (HasBoilerplateRole(n) || HasBoilerplateName(n)) && raw_chars_[n] < protect_chars_) {
      removed_.insert(n);
      return;
    }
  }
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) Prune(Child(n, i));
}

Stats Extractor::ComputeStats(const GumboNode* n, bool in_link) {
  Stats s;
  if (IsText(n)) {
    std::string_view text = n->v.text.text;
    s.chars = CountVisible(text);
    s.commas = CountCommas(text);
    if (in_link) s.link_chars = s.chars;
    return s;
  }
  if (!IsElement(n) || removed(n)) return s;
  GumboTag t = Tag(n);
  bool link = in_link || (t == GUMBO_TAG_A && Attr(n, "href"));
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) {
    Stats c = ComputeStats(Child(n, i), link);
    s.chars += c.chars;
    s.link_chars += c.link_chars;
    s.commas += c.commas;
    s.paragraphs += c.paragraphs;
    s.images += c.images;
    s.list_items += c.list_items;
    s.inputs += c.inputs;
    s.embeds += c.embeds;
  }
  if (t == GUMBO_TAG_P) ++s.paragraphs;
  if (t == GUMBO_TAG_IMG) ++s.images;
  if (t == GUMBO_TAG_LI) ++s.list_items;
  if (t == GUMBO_TAG_INPUT || t == GUMBO_TAG_SELECT || t == GUMBO_TAG_TEXTAREA) ++s.inputs;
  if (t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_EMBED || t == GUMBO_TAG_IFRAME) ++s.embeds;
  stats_[n] = s;
  return s;
}

double& Extractor::InitCandidate(const GumboNode* n) {
  auto it = scores_.find(n);
  if (it != scores_.end()) return it->second;
  double score = 0;
  switch (Tag(n)) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: score = 5; break;
    case GUMBO_TAG_SECTION: score = 3; break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: score = 3; break;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM: score = -3; break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_TH: score = -5; break;
    default: break;
  }
  if (pass_.weight_classes) score += ClassWeight(n);
  if (AttrOr(n, "itemprop") == "articleBody") score += 30;
  return scores_[n] = score;
}

// A paragraph of `chars` visible characters gives its score to the element
// that holds it and, fading, to four more ancestors.
void Extractor::AddParagraph(const GumboNode* first_ancestor, size_t chars, size_t commas) {
  if (chars < 25) return;
  double score = 1.0 + static_cast<double>(commas) + std::min<double>(std::floor(chars / 100.0), 3.0);
  int level = 0;
  for (const GumboNode* a = first_ancestor; a && level < 5; a = dom::ParentElement(a), ++level) {
    if (Tag(a) == GUMBO_TAG_HTML) break;
    double divider = level == 0 ? 1 : level == 1 ? 2 : level * 3;
    InitCandidate(a) += score / divider;
  }
}

// Paragraphs are <p>, <pre>, <td> and blocks without block children; in a
// block that mixes text with blocks, each run of inline content is one.
void Extractor::ScoreParagraphs(const GumboNode* n) {
  if (!IsElement(n) || removed(n)) return;
  GumboTag t = Tag(n);
  const GumboVector& kids = Children(n);
  bool has_block_child = false;
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = Child(n, i);
    if (IsElement(c) && !removed(c) && IsBlockTag(Tag(c))) {
      has_block_child = true;
      break;
    }
  }
  if (t == GUMBO_TAG_P || t == GUMBO_TAG_PRE || t == GUMBO_TAG_TD ||
      (!has_block_child && !IsHeading(t) && t != GUMBO_TAG_LI && t != GUMBO_TAG_BODY)) {
    const Stats& s = stats(n);
    if (s.chars) AddParagraph(dom::ParentElement(n), s.chars, s.commas);
    if (t == GUMBO_TAG_TD && has_block_child) {
      for (unsigned i = 0; i < kids.length; ++i) ScoreParagraphs(Child(n, i));
    }
    return;
  }
  if (t == GUMBO_TAG_LI || IsHeading(t)) return;
  size_t run_chars = 0, run_commas = 0;
  auto flush = [&] {
    if (run_chars) AddParagraph(n, run_chars, run_commas);
    run_chars = run_commas = 0;
  };
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = Child(n, i);
    if (IsText(c)) {
      run_chars += CountVisible(c->v.text.text);
      run_commas += CountCommas(c->v.text.text);
    } else if (IsElement(c) && !removed(c)) {
      if (IsBlockTag(Tag(c))) {
        flush();
        ScoreParagraphs(c);
      } else {
        run_chars += stats(c).chars;
        run_commas += stats(c).commas;
      }
    }
  }
  flush();
}

std::vector<const GumboNode*> Extractor::FindContent() {
  ScoreParagraphs(body_);
  if (scores_.empty()) return {};
  std::vector<std::pair<double, const GumboNode*>> ranked;
  for (auto& [node, score] : scores_) {
    score *= 1.0 - LinkDensity(node);
    ranked.emplace_back(score, node);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  });
  const GumboNode* top = ranked.front().second;
  double top_score = ranked.front().first;
  auto score_of = [&](const GumboNode* n) -> std::optional<double> {
    auto it = scores_.find(n);
    if (it == scores_.end()) return std::nullopt;
    return it->second;
  };

  // When several strong candidates share an ancestor, the article is that
  // ancestor (paragraphs split over sibling blocks).
  std::vector<const GumboNode*> alternatives;
  for (size_t i = 1; i < ranked.size() && i < 5; ++i) {
    if (ranked[i].first >= top_score * 0.75) alternatives.push_back(ranked[i].second);
  }
  if (alternatives.size() >= 3) {
    for (const GumboNode* a = dom::ParentElement(top); a && Tag(a) != GUMBO_TAG_BODY;
         a = dom::ParentElement(a)) {
      int containing = 0;
      for (const GumboNode* alt : alternatives) {
        for (const GumboNode* x = alt; x; x = dom::ParentElement(x)) {
          if (x == a) {
            ++containing;
            break;
          }
        }
      }
      if (containing >= 3) {
        top = a;
        break;
      }
    }
  }
  // Climb while the parent scores about as well: the article is one level up.
  {
    double last = score_of(top).value_or(0);
    double threshold = last / 3;
    for (const GumboNode* p = dom::ParentElement(top); p && Tag(p) != GUMBO_TAG_BODY;
         p = dom::ParentElement(p)) {
      auto ps = score_of(p);
      if (!ps) continue;
      if (*ps < threshold) break;
      if (*ps > last) {
        top = p;
        break;
      }
      last = *ps;
    }
  }
  // An only child stands for its parent.
  while (true) {
    const GumboNode* p = dom::ParentElement(top);
    if (!p || Tag(p) == GUMBO_TAG_BODY) break;
    int elements = 0;
    const GumboVector& kids = Children(p);
    for (unsigned i = 0; i < kids.length; ++i) {
      const GumboNode* c = Child(p, i);
      if (IsElement(c) && !removed(c)) ++elements;
      if (IsText(c) && CountVisible(c->v.text.text)) elements += 2;
    }
    if (elements != 1) break;
    top = p;
  }
  top_score = score_of(top).value_or(top_score);

  // Siblings that belong to the article: well-scored blocks, or prose paragraphs.
  std::vector<const GumboNode*> content;
  const GumboNode* parent = dom::ParentElement(top);
  if (!parent) return {top};
  double threshold = std::max(10.0, top_score * 0.2);
  std::string top_class(AttrOr(top, "class"));
  const GumboVector& kids = Children(parent);
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* s = Child(parent, i);
    if (!IsElement(s) || removed(s)) continue;
    if (s == top) {
      content.push_back(s);
      continue;
    }
    double bonus = (!top_class.empty() && AttrOr(s, "class") == top_class) ? top_score * 0.2 : 0;
    auto ss = score_of(s);
    if (ss && *ss + bonus >= threshold) {
      content.push_back(s);
      continue;
    }
    if (Tag(s) == GUMBO_TAG_P) {
      const Stats& st = stats(s);
      double ld = LinkDensity(s);
      std::string text = dom::TextContent(s);
      if ((st.chars > 80 && ld < 0.25) ||
          (st.chars > 0 && st.chars <= 80 && ld == 0 && EndsLikeSentence(text))) {
        content.push_back(s);
      }
    }
  }
  return content;
}

std::vector<const GumboNode*> Extractor::MarkedArticleBody() const {
  std::vector<const GumboNode*> out;
  size_t chars = 0;
  std::vector<const GumboNode*> stack{body_};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!IsElement(n) || removed(n)) continue;
    if (AttrOr(n, "itemprop") == "articleBody") {
      out.push_back(n);
      chars += stats(n).chars;
      continue;
    }
    const GumboVector& kids = Children(n);
    for (unsigned i = kids.length; i-- > 0;) stack.push_back(Child(n, i));
  }
  if (chars < 200) out.clear();
  return out;
}

// A block that holds nothing but an unlinked subheading (layouts that wrap
// every paragraph and heading in its own block) is part of the text.
bool IsWrappedSubheading(const GumboNode* n, double link_density) {
  if (link_density > 0) return false;
  const GumboNode* only = nullptr;
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = Child(n, i);
    if (IsText(c) && CountVisible(c->v.text.text) == 0) continue;
    if (only) return false;
    only = c;
  }
  if (!only || !IsElement(only)) return false;
  GumboTag t = Tag(only);
  return t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

bool Extractor::ShouldRemoveConditionally(const GumboNode* n) const {
  GumboTag t = Tag(n);
  bool is_list = t == GUMBO_TAG_UL || t == GUMBO_TAG_OL;
  int weight = pass_.weight_classes ? ClassWeight(n) : 0;
  auto it = scores_.find(n);
  double score = it == scores_.end() ? 0 : it->second;
  if (weight + score < 0) return true;
  const Stats& s = stats(n);
  if (s.commas >= 10) return false;
  bool in_figure = false;
  for (const GumboNode* a = n; a; a = dom::ParentElement(a)) {
    if (Tag(a) == GUMBO_TAG_FIGURE) in_figure = true;
  }
  if (t == GUMBO_TAG_FIGURE) in_figure = true;
  double p = s.paragraphs, img = s.images, li = s.list_items - 100 * 0;
  double ld = LinkDensity(n);
  size_t len = s.chars;
  if (img > 1 && p / img < 0.5 && !in_figure) return true;
  if (!is_list && li > p && t != GUMBO_TAG_TABLE) return true;
  if (s.inputs > std::floor(p / 3)) return true;
  if (!is_list && !in_figure && len < 25 && (img == 0 || img > 2) && !IsWrappedSubheading(n, ld))
    return true;
  if (!is_list && weight < 25 && ld > 0.2) return true;
  if (weight >= 25 && ld > 0.5) return true;
  if ((s.embeds == 1 && len < 75) || s.embeds > 1) return true;
  if (is_list && ld > 0.5) return true;
  return false;
}

// A short block that states the copyright is the site's, not the story's.
bool IsCopyrightNotice(const GumboNode* n, const Stats& s) {
  if (s.chars == 0 || s.chars > 200) return false;
  std::string text = dom::CollapseSpace(dom::TextContent(n));
  std::string lower = AsciiLower(text.substr(0, 16));
  return text.rfind("©", 0) == 0 || lower.rfind("copyright", 0) == 0 || lower.rfind("(c) ", 0) == 0 ||
         text.find("版权所有") != std::string::npos || text.find("版权声明") != std::string::npos ||
         text.find("All rights reserved") != std::string::npos;
}

void Extractor::CleanNode(const GumboNode* n, const std::string& title) {
  if (!IsElement(n) || removed(n)) return;
  GumboTag t = Tag(n);
  if ((t == GUMBO_TAG_P || t == GUMBO_TAG_DIV || t == GUMBO_TAG_SMALL) && IsCopyrightNotice(n, stats(n))) {
    removed_.insert(n);
    return;
  }
  if (IsHeading(t)) {
    std::string text = dom::CollapseSpace(dom::TextContent(n));
    if (t == GUMBO_TAG_H1 || (!title.empty() && text == title) ||
        (pass_.weight_classes && ClassWeight(n) < 0) || LinkDensity(n) > 0.5) {
      removed_.insert(n);
      return;
    }
  }
  if (pass_.clean_conditionally &&
      (t == GUMBO_TAG_TABLE || t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_DIV ||
       t == GUMBO_TAG_SECTION || t == GUMBO_TAG_FORM || t == GUMBO_TAG_FIELDSET ||
       t == GUMBO_TAG_ASIDE)) {
    if (ShouldRemoveConditionally(n)) {
      removed_.insert(n);
      return;
    }
  }
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) CleanNode(Child(n, i), title);
}

void Extractor::CleanContent(const std::vector<const GumboNode*>& content, const std::string& title) {
  for (const GumboNode* root : content) {
    const GumboVector& kids = Children(root);
    for (unsigned i = 0; i < kids.length; ++i) CleanNode(Child(root, i), title);
  }
}

// ---------------------------------------------------------------------------
// Images: the real address behind lazy-loading markup.

bool IsPlaceholderSrc(std::string_view src) {
  if (src.empty()) return true;
  std::string lower = AsciiLower(src);
  if (lower.rfind("data:", 0) == 0) return true;
  return ContainsAny(lower, {"placeholder", "blank.gif", "spacer", "1x1", "pixel.gif",
                             "transparent.gif", "lazy", "loading.gif", "grey.gif", "gray.gif"});
}

// The widest candidate of a srcset ("a.jpg 320w, b.jpg 1024w" → b.jpg).
std::string BestFromSrcset(std::string_view srcset) {
  std::string best;
  double best_size = -1;
  size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (srcset[i] == ' ' || srcset[i] == ',' || srcset[i] == '\n' || srcset[i] == '\t')) ++i;
    size_t start = i;
    while (i < srcset.size() && srcset[i] != ' ' && srcset[i] != '\n' && srcset[i] != '\t') ++i;
    std::string url(srcset.substr(start, i - start));
    // A URL may itself end in a comma when no descriptor follows.
    bool bare = !url.empty() && url.back() == ',';
    if (bare) url.pop_back();
    double size = 1;
    if (!bare) {
      while (i < srcset.size() && (srcset[i] == ' ' || srcset[i] == '\t')) ++i;
      size_t d = i;
      while (i < srcset.size() && srcset[i] != ',') ++i;
      std::string desc(srcset.substr(d, i - d));
      if (!desc.empty()) size = std::atof(desc.c_str());
      if (!desc.empty() && desc.find('x') != std::string::npos) size *= 1000;
    }
    if (!url.empty() && size > best_size) {
      best = url;
      best_size = size;
    }
  }
  return best;
}

std::string ImageSource(const GumboNode* img) {
  for (const char* attr : {"data-src", "data-original", "data-lazy-src", "data-lazy",
                           "data-original-src", "data-hi-res-src", "data-full-src", "data-url"}) {
    const char* v = Attr(img, attr);
    if (v && *v && !IsPlaceholderSrc(v)) return v;
  }
  std::string_view src = AttrOr(img, "src");
  if (!IsPlaceholderSrc(src)) return std::string(src);
  for (const char* attr : {"data-srcset", "data-lazy-srcset", "srcset"}) {
    const char* v = Attr(img, attr);
    if (v && *v) {
      std::string best = BestFromSrcset(v);
      if (!best.empty() && !IsPlaceholderSrc(best)) return best;
    }
  }
  // <picture><source srcset=…><img></picture>
  const GumboNode* parent = dom::ParentElement(img);
  if (parent && dom::TagName(parent) == "picture") {
    const GumboVector& kids = Children(parent);
    for (unsigned i = 0; i < kids.length; ++i) {
      const GumboNode* c = Child(parent, i);
      if (Tag(c) != GUMBO_TAG_SOURCE) continue;
      for (const char* attr : {"data-srcset", "srcset"}) {
        const char* v = Attr(c, attr);
        if (v && *v) {
          std::string best = BestFromSrcset(v);
          if (!best.empty()) return best;
        }
      }
    }
  }
  return "";
}

bool IsTrackingPixel(const GumboNode* img) {
  auto tiny = [](const char* v) { return v && *v && std::atoi(v) > 0 && std::atoi(v) <= 2; };
  return tiny(Attr(img, "width")) || tiny(Attr(img, "height"));
}

// The file name of a URL's path, without query.
std::string_view FileName(std::string_view url) {
  size_t q = url.find_first_of("?#");
  if (q != std::string_view::npos) url = url.substr(0, q);
  size_t slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

// Two URLs name the same picture when their file names agree, allowing the
// size variants outlets publish ("abc_w1200.jpg" vs "abc_w800.jpg").
bool SameImage(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  std::string_view fa = FileName(a), fb = FileName(b);
  if (fa.empty() || fb.empty()) return false;
  if (fa == fb) return true;
  size_t common = 0;
  while (common < fa.size() && common < fb.size() && fa[common] == fb[common]) ++common;
  size_t shorter = std::min(fa.size(), fb.size());
  return common >= 8 && common * 2 >= shorter;
}

// ---------------------------------------------------------------------------
// Serialization: clean HTML and plain text in one walk.

class Writer {
 public:
  Writer(const Extractor& ex, std::string base_url) : ex_(ex), base_(std::move(base_url)) {}

  void Skip(const GumboNode* n) { skip_.insert(n); }
  void Write(const GumboNode* n) { Node(n, false); }

  std::string TakeHtml() { return std::move(html_); }
  std::string TakeText() {
    std::string out;
    size_t i = 0;
    while (i <= text_.size()) {
      size_t nl = text_.find('\n', i);
      if (nl == std::string::npos) nl = text_.size();
      std::string line = dom::CollapseSpace(std::string_view(text_).substr(i, nl - i));
      if (!line.empty()) {
        out += line;
        out += '\n';
      }
      i = nl + 1;
    }
    return out;
  }

 private:
  void Block() {
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }
  void Text(std::string_view s, bool pre) {
    if (pre) {
      text_ += s;
      EscapeHtml(s, html_, false);
      return;
    }
    // Whitespace in HTML collapses; keep one space where there was any.
    std::string collapsed;
    bool space = false;
    for (char c : s) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        space = true;
        continue;
      }
      if (space) collapsed += ' ';
      space = false;
      collapsed += c;
    }
    if (space) collapsed += ' ';
    if (collapsed.empty()) return;
    if (CountVisible(collapsed) > 0) ++meaningful_;
    text_ += collapsed;
    EscapeHtml(collapsed, html_, false);
  }

  std::optional<std::string> Resolve(std::string_view ref) {
    if (base_.empty()) return std::string(ref);
    return ResolveUrl(base_, ref);
  }

  void Image(const GumboNode* img) {
    if (IsTrackingPixel(img)) return;
    std::string src = ImageSource(img);
    if (src.empty()) return;
    auto resolved = Resolve(src);
    if (!resolved || !IsSafeLinkScheme(*resolved)) return;
    if (*resolved == last_image_) return;  // the <noscript> copy of a lazy image
    last_image_ = *resolved;
    html_ += "<img src=\"";
    EscapeHtml(*resolved, html_, true);
    html_ += '"';
    std::string alt = dom::CollapseSpace(AttrOr(img, "alt"));
    if (!alt.empty()) {
      html_ += " alt=\"";
      EscapeHtml(alt, html_, true);
      html_ += '"';
    }
    html_ += '>';
    ++meaningful_;
  }

  void Children(const GumboNode* n, bool pre) {
    const GumboVector& kids = dom::Children(n);
    for (unsigned i = 0; i < kids.length; ++i) Node(dom::Child(n, i), pre);
  }

  // Wraps runs of inline content of a container in <p>.
  void ContainerChildren(const GumboNode* n) {
    const GumboVector& kids = dom::Children(n);
    bool open = false;
    size_t open_at = 0;
    int meaningful_at = 0;
    auto close = [&] {
      if (!open) return;
      if (meaningful_ == meaningful_at) {
        html_.resize(open_at);
      } else {
        html_ += "</p>";
      }
      Block();
      open = false;
    };
    for (unsigned i = 0; i < kids.length; ++i) {
      const GumboNode* c = dom::Child(n, i);
      bool inline_node = IsText(c) || (IsElement(c) && !IsBlockTag(Tag(c)));
      if (IsElement(c) && (ex_.removed(c) || skip_.count(c))) continue;
      if (inline_node) {
        if (!open) {
          if (IsText(c) && CountVisible(c->v.text.text) == 0) continue;
          Block();
          open_at = html_.size();
          meaningful_at = meaningful_;
          html_ += "<p>";
          open = true;
        }
        Node(c, false);
      } else {
        close();
        Node(c, false);
      }
    }
    close();
  }

  void Node(const GumboNode* n, bool pre) {
    if (IsText(n)) {
      Text(n->v.text.text, pre);
      return;
    }
    if (!IsElement(n) || ex_.removed(n) || skip_.count(n)) return;
    GumboTag t = Tag(n);
    switch (t) {
      case GUMBO_TAG_IFRAME:
        if (IsVideoEmbed(n)) {
          std::string src = gumbo_get_attribute(&n->v.element.attributes, "src")->value;
          if (src.rfind("//", 0) == 0) src = "https:" + src;
          html_ += "<iframe src=\"";
          AppendHtmlEscaped(html_, src, true);
          html_ += "\" allowfullscreen></iframe>";
          ++meaningful_;
        }
        return;
      case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_FORM: case GUMBO_TAG_INPUT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
      case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_EMBED: case GUMBO_TAG_HEAD: case GUMBO_TAG_LINK: case GUMBO_TAG_META:
      case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_SOURCE:
        return;
      case GUMBO_TAG_NOSCRIPT: {
        // Only the images matter: the fallback of a lazy image.
        std::vector<const GumboNode*> stack{n};
        while (!stack.empty()) {
          const GumboNode* x = stack.back();
          stack.pop_back();
          if (Tag(x) == GUMBO_TAG_IMG) {
            Image(x);
            continue;
          }
          if (!IsElement(x)) continue;
          const GumboVector& kids = dom::Children(x);
          for (unsigned i = kids.length; i-- > 0;) stack.push_back(dom::Child(x, i));
        }
        return;
      }
      case GUMBO_TAG_IMG:
        Image(n);
        return;
      case GUMBO_TAG_BR:
        html_ += "<br>";
        text_ += '\n';
        return;
      case GUMBO_TAG_HR:
        Block();
        html_ += "<hr>";
        return;
      case GUMBO_TAG_A: {
        const char* href = Attr(n, "href");
        std::optional<std::string> target;
        if (href && *href && href[0] != '#') target = Resolve(href);
        if (target && IsSafeLinkScheme(*target)) {
          html_ += "<a href=\"";
          EscapeHtml(*target, html_, true);
          html_ += "\">";
          Children(n, pre);
          html_ += "</a>";
        } else {
          Children(n, pre);
        }
        return;
      }
      default:
        break;
    }
    const char* name = nullptr;
    bool block = IsBlockTag(t);
    switch (t) {
      case GUMBO_TAG_P: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
      case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_LI:
      case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
      case GUMBO_TAG_TABLE: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
      case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_CAPTION:
      case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_CODE:
      case GUMBO_TAG_EM: case GUMBO_TAG_STRONG: case GUMBO_TAG_B: case GUMBO_TAG_I: case GUMBO_TAG_U:
      case GUMBO_TAG_S: case GUMBO_TAG_SMALL: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP:
      case GUMBO_TAG_Q: case GUMBO_TAG_CITE: case GUMBO_TAG_MARK: case GUMBO_TAG_DEL:
      case GUMBO_TAG_INS: case GUMBO_TAG_ABBR:
        name = gumbo_normalized_tagname(t);
        break;
      case GUMBO_TAG_H1:
        name = "h2";
        break;
      default:
        break;
    }
    if (!name && block) {
      // div, section, article...: unwrap, keeping paragraph breaks.
      Block();
      ContainerChildren(n);
      Block();
      return;
    }
    if (!name) {
      Children(n, pre);  // span, font, time, picture...: keep the content
      return;
    }
    if (block) Block();
    size_t start = html_.size();
    int meaningful_before = meaningful_;
    html_ += '<';
    html_ += name;
    if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) {
      for (const char* attr : {"colspan", "rowspan"}) {
        const char* v = Attr(n, attr);
        if (v && std::strspn(v, "0123456789") == std::strlen(v) && *v) {
          html_ += ' ';
          html_ += attr;
          html_ += "=\"";
          html_ += v;
          html_ += '"';
        }
      }
    }
    html_ += '>';
    Children(n, pre || t == GUMBO_TAG_PRE);
    bool empty = meaningful_ == meaningful_before;
    if (empty && block && t != GUMBO_TAG_TD && t != GUMBO_TAG_TH) {
      html_.resize(start);  // nothing left inside: no empty paragraph
    } else {
      html_ += "</";
      html_ += name;
      html_ += '>';
    }
    if (block) Block();
  }

  const Extractor& ex_;
  std::string base_;
  std::string html_;
  std::string text_;
  std::string last_image_;
  int meaningful_ = 0;
  std::unordered_set<const GumboNode*> skip_;
};

// ---------------------------------------------------------------------------
// Title, lead image, caption.

std::string FirstH1(const GumboNode* n) {
  if (!IsElement(n)) return "";
  if (Tag(n) == GUMBO_TAG_H1) return dom::CollapseSpace(dom::TextContent(n));
  if (Tag(n) == GUMBO_TAG_SCRIPT || Tag(n) == GUMBO_TAG_STYLE || Tag(n) == GUMBO_TAG_NAV) return "";
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) {
    std::string h = FirstH1(Child(n, i));
    if (!h.empty()) return h;
  }
  return "";
}

std::string ChooseTitle(const PageMetadata& meta, const GumboNode* body) {
  std::string h1 = FirstH1(body);
  std::string og = dom::CollapseSpace(meta.og_title);
  std::string ld = dom::CollapseSpace(meta.ld_headline);
  std::string doc = dom::CollapseSpace(meta.document_title);
  // An <h1> that the metadata agrees with is the headline without site name.
  if (!h1.empty()) {
    for (const std::string* m : {&og, &ld, &doc}) {
      if (!m->empty() && m->find(h1) != std::string::npos) return h1;
    }
  }
  if (!og.empty()) return og;
  if (!ld.empty()) return ld;
  if (!doc.empty()) {
    // "Headline - Site" / "Headline | Site": keep the longest part.
    std::string best;
    size_t start = 0;
    while (start <= doc.size()) {
      size_t cut = std::string::npos;
      for (std::string_view sep : {" - ", " | ", " – ", " — ", " _ "}) {
        size_t p = doc.find(sep, start);
        if (p != std::string::npos && (cut == std::string::npos || p < cut)) cut = p;
      }
      std::string part = doc.substr(start, cut == std::string::npos ? std::string::npos : cut - start);
      if (CountCodePoints(part) > CountCodePoints(best)) best = part;
      if (cut == std::string::npos) break;
      start = cut + 3;
    }
    return dom::CollapseSpace(best);
  }
  return h1;
}

void CollectImages(const GumboNode* n, std::vector<const GumboNode*>& out) {
  if (!IsElement(n)) return;
  if (Tag(n) == GUMBO_TAG_IMG) {
    out.push_back(n);
    return;
  }
  if (Tag(n) == GUMBO_TAG_SCRIPT || Tag(n) == GUMBO_TAG_STYLE) return;
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) CollectImages(Child(n, i), out);
}

bool IsCaptionLike(const GumboNode* n) {
  if (Tag(n) == GUMBO_TAG_FIGCAPTION) return true;
  for (const auto& w : Words(ClassAndId(n))) {
    if (w == "caption" || w == "figcaption" || w == "imgcaption" || w == "cutline" ||
        w == "wp-caption-text")
      return true;
  }
  return false;
}

const GumboNode* FindCaptionNode(const GumboNode* n) {
  if (!IsElement(n)) return nullptr;
  if (IsCaptionLike(n)) return n;
  const GumboVector& kids = Children(n);
  for (unsigned i = 0; i < kids.length; ++i) {
    if (const GumboNode* c = FindCaptionNode(Child(n, i))) return c;
  }
  return nullptr;
}

// The figure-like block around an image: <figure>, or the nearest ancestor
// (up to three levels) that also holds a caption-like element.
const GumboNode* FigureOf(const GumboNode* img, const GumboNode** caption) {
  const GumboNode* a = dom::ParentElement(img);
  for (int level = 0; a && level < 4; a = dom::ParentElement(a), ++level) {
    if (Tag(a) == GUMBO_TAG_BODY || Tag(a) == GUMBO_TAG_ARTICLE || Tag(a) == GUMBO_TAG_MAIN) break;
    const GumboNode* c = FindCaptionNode(a);
    if (c || Tag(a) == GUMBO_TAG_FIGURE) {
      *caption = c;
      return a;
    }
  }
  *caption = nullptr;
  return nullptr;
}

// Caption text without screen-reader labels: a first short span ending in a
// comma or colon ("Image caption,", "图像加注文字，") is a label, not caption.
std::string CaptionText(const GumboNode* caption) {
  if (!caption) return "";
  std::string out;
  const GumboVector& kids = Children(caption);
  bool first = true;
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = Child(caption, i);
    if (IsText(c) && CountVisible(c->v.text.text) == 0) {
      out += ' ';
      continue;
    }
    if (IsElement(c) && IsHidden(c)) continue;
    if (first && Tag(c) == GUMBO_TAG_SPAN) {
      std::string label = dom::CollapseSpace(dom::TextContent(c));
      bool ends_label = label.size() >= 1 &&
                        (label.back() == ',' || label.back() == ':' ||
                         (label.size() >= 3 && (label.substr(label.size() - 3) == "，" ||
                                                label.substr(label.size() - 3) == "：")));
      if (ends_label && CountCodePoints(label) <= 16 && i + 1 < kids.length) {
        first = false;
        continue;
      }
    }
    first = false;
    // Block children (a description and a credit line) read as separate phrases.
    if (IsElement(c) && IsBlockTag(Tag(c)) && !out.empty()) out += ' ';
    dom::AppendText(c, out);
    if (IsElement(c) && IsBlockTag(Tag(c))) out += ' ';
  }
  return dom::CollapseSpace(out);
}

bool Contains(const GumboNode* ancestor, const GumboNode* n) {
  for (; n; n = n->parent) {
    if (n == ancestor) return true;
  }
  return false;
}

const GumboNode* FindBody(const GumboNode* root) {
  const GumboVector& kids = Children(root);
  for (unsigned i = 0; i < kids.length; ++i) {
    if (Tag(Child(root, i)) == GUMBO_TAG_BODY) return Child(root, i);
  }
  return root;
}

std::string ParagraphsToHtml(std::string_view text, std::string* plain) {
  std::string html;
  size_t i = 0;
  while (i <= text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = dom::CollapseSpace(text.substr(i, nl - i));
    if (!line.empty()) {
      html += "<p>";
      EscapeHtml(line, html, false);
      html += "</p>";
      *plain += line;
      *plain += '\n';
    }
    i = nl + 1;
  }
  return html;
}

struct Attempt {
  std::string html, text;
  size_t chars = 0;
};

}  // namespace

Result<ExtractedArticle> ExtractArticle(std::string_view html, const ExtractOptions& options) {
  std::optional<CssSelector> selector;
  if (!options.selector.empty()) {
    auto parsed = CssSelector::Parse(options.selector);
    if (!parsed.ok()) return parsed.status();
    selector = std::move(parsed).value();
  }
  HtmlTree doc(html);
  if (!doc.root()) return Status::ParseError("the page could not be parsed as HTML");
  const GumboNode* body = FindBody(doc.root());
  PageMetadata meta = ReadPageMetadata(doc.root());
  std::string base = options.url;
  if (base.empty() && !meta.canonical_url.empty()) base = meta.canonical_url;

  ExtractedArticle article;
  article.flattened = doc.flattened();
  article.title = ChooseTitle(meta, body);
  for (const auto& d : meta.published) {
    if (auto ms = ParseDate(dom::CollapseSpace(d))) {
      article.published_ms = *ms;
      break;
    }
  }
  if (!meta.image.empty()) {
    auto resolved = base.empty() ? std::optional<std::string>(meta.image) : ResolveUrl(base, meta.image);
    if (resolved && IsSafeLinkScheme(*resolved)) article.lead_image = *resolved;
  }

  // Blocks that hold this much text are never removed for their names alone:
  // a page whose body wrapper is called "social-article" still has a body.
  size_t total_chars = 0;
  {
    std::string all = dom::TextContent(body);
    total_chars = CountVisible(all);
  }
  size_t protect = std::max<size_t>(total_chars / 2, 100);

  const Pass passes[] = {{true, true, true}, {false, true, true}, {false, false, true}, {false, false, false}};
  Attempt best;
  for (const Pass& pass : passes) {
    Extractor ex(body, base, pass, protect);
    ex.Prepare();
    std::vector<const GumboNode*> content;
    if (selector) {
      for (const GumboNode* n : selector->SelectOutermost(body)) {
        if (!ex.removed(n)) content.push_back(n);
      }
      if (content.empty()) content = selector->SelectOutermost(body);
    } else {
      content = ex.MarkedArticleBody();
      if (content.empty()) content = ex.FindContent();
      ex.CleanContent(content, article.title);
    }
    if (content.empty()) continue;

    Writer writer(ex, base);
    // The lead image's figure is shown above the body; leave it out of the body.
    std::vector<const GumboNode*> images;
    for (const GumboNode* c : content) CollectImages(c, images);
    const GumboNode* lead_img = nullptr;
    for (const GumboNode* img : images) {
      if (ex.removed(img)) continue;
      std::string src = ImageSource(img);
      auto resolved = base.empty() ? std::optional<std::string>(src) : ResolveUrl(base, src);
      if (!resolved) continue;
      if (article.lead_image.empty() || SameImage(*resolved, article.lead_image)) {
        lead_img = img;
        if (article.lead_image.empty()) article.lead_image = *resolved;
      }
      break;  // only the first image of the body can be the lead
    }
    if (lead_img) {
      const GumboNode* caption = nullptr;
      const GumboNode* figure = FigureOf(lead_img, &caption);
      bool inside = false;
      for (const GumboNode* c : content) inside |= figure && Contains(c, figure) && figure != c;
      if (figure && inside) {
        writer.Skip(figure);
        if (article.lead_caption.empty()) article.lead_caption = CaptionText(caption);
      } else {
        writer.Skip(lead_img);
      }
    }
    for (const GumboNode* c : content) writer.Write(c);
    Attempt a;
    a.html = writer.TakeHtml();
    a.text = writer.TakeText();
    a.chars = CountVisible(a.text);
    if (a.chars > best.chars) best = std::move(a);
    // Enough text (about 500 Latin or 170 Chinese characters): stop before the
    // next, less strict pass.
    if (selector || best.text.size() >= 500) break;
  }

  // The lead image may sit outside the body (a header figure): find its caption there.
  if (!article.lead_image.empty() && article.lead_caption.empty()) {
    std::vector<const GumboNode*> images;
    CollectImages(body, images);
    for (const GumboNode* img : images) {
      std::string src = ImageSource(img);
      auto resolved = base.empty() ? std::optional<std::string>(src) : ResolveUrl(base, src);
      if (!resolved || !SameImage(*resolved, article.lead_image)) continue;
      const GumboNode* caption = nullptr;
      FigureOf(img, &caption);
      article.lead_caption = CaptionText(caption);
      if (article.lead_caption.empty()) article.lead_caption = dom::CollapseSpace(AttrOr(img, "title"));
      break;
    }
  }

  // schema.org articleBody, when the page's markup hides the text from us.
  size_t ld_chars = CountVisible(meta.ld_article_body);
  if (!selector && ld_chars > 0 && best.chars * 2 < ld_chars) {
    best.text.clear();
    best.html = ParagraphsToHtml(meta.ld_article_body, &best.text);
    best.chars = ld_chars;
  }
  if (best.chars == 0) {
    return Status::ParseError(selector ? "the selector \"" + options.selector + "\" matched no text"
                                       : "no article text found in the page");
  }
  // The writer keeps only allowed markup already; the sanitizer is the one
  // policy every archived body goes through.
  SanitizePolicy policy;
  policy.base_url = base;
  policy.iframe_hosts = VideoEmbedHosts();
  article.body_html = SanitizeHtml(best.html, policy);
  article.text = std::move(best.text);
  return article;
}

}  // namespace nm

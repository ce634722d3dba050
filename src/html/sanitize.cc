#include "html/sanitize.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <string>

#include "html/escape.h"
#include "html/html_tree.h"
#include "url/url.h"

namespace nm {

namespace {

enum class Action { kKeep, kUnwrap, kDrop };

Action ActionFor(GumboTag tag, GumboNamespaceEnum ns) {
  if (ns != GUMBO_NAMESPACE_HTML) return Action::kDrop;  // SVG and MathML carry scripts and links
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_BR: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_LI: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_CODE: case GUMBO_TAG_EM:
    case GUMBO_TAG_STRONG: case GUMBO_TAG_B: case GUMBO_TAG_I: case GUMBO_TAG_U: case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_A: case GUMBO_TAG_IMG:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_TABLE: case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR: case GUMBO_TAG_TH: case GUMBO_TAG_TD:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_DIV: case GUMBO_TAG_SPAN: case GUMBO_TAG_HR:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_ABBR: case GUMBO_TAG_CITE:
    case GUMBO_TAG_Q: case GUMBO_TAG_MARK: case GUMBO_TAG_DEL: case GUMBO_TAG_INS: case GUMBO_TAG_TIME:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_WBR:
      return Action::kKeep;
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_APPLET: case GUMBO_TAG_FORM:
    case GUMBO_TAG_INPUT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_OPTION: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_META:
    case GUMBO_TAG_LINK: case GUMBO_TAG_BASE: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP: case GUMBO_TAG_PARAM: case GUMBO_TAG_TRACK:
      return Action::kDrop;
    default:
      return Action::kUnwrap;  // unknown or presentational wrappers: keep their text
  }
}

bool IsVoid(GumboTag tag) {
  return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_SOURCE ||
         tag == GUMBO_TAG_WBR;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A URL a reader may follow or load: http(s) or relative; never a script.
std::optional<std::string> SafeUrl(std::string_view raw, const SanitizePolicy& policy) {
  std::string url;
  for (char c : raw) {
    // Browsers ignore control characters and white space inside a scheme.
    if (static_cast<unsigned char>(c) > 0x20) url.push_back(c);
    else if (c == ' ' && !url.empty()) url.push_back(c);
  }
  while (!url.empty() && url.back() == ' ') url.pop_back();
  if (url.empty()) return std::nullopt;
  size_t colon = url.find(':');
  size_t delim = url.find_first_of("/?#");
  if (colon != std::string::npos && (delim == std::string::npos || colon < delim)) {
    std::string scheme = Lower(url.substr(0, colon));
    if (scheme != "http" && scheme != "https") return std::nullopt;
  }
  bool relative = (colon == std::string::npos || (delim != std::string::npos && delim < colon)) &&
                  url.rfind("//", 0) != 0;
  if (relative && policy.map_relative) {
    if (auto mapped = policy.map_relative(url)) return mapped;
  }
  if (!policy.base_url.empty()) {
    if (auto r = ResolveUrl(policy.base_url, url)) return *r;
    return std::nullopt;
  }
  return url;
}

std::optional<std::string> SafeSrcset(std::string_view raw, const SanitizePolicy& policy) {
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    while (i < raw.size() && (std::isspace(static_cast<unsigned char>(raw[i])) || raw[i] == ',')) ++i;
    size_t start = i;
    while (i < raw.size() && !std::isspace(static_cast<unsigned char>(raw[i]))) ++i;
    std::string url(raw.substr(start, i - start));
    bool trailing_comma = !url.empty() && url.back() == ',';
    if (trailing_comma) url.pop_back();
    std::string descriptor;
    if (!trailing_comma) {
      size_t d = i;
      while (i < raw.size() && raw[i] != ',') ++i;
      descriptor = std::string(raw.substr(d, i - d));
      descriptor.erase(0, descriptor.find_first_not_of(" \t\n\r\f"));
      while (!descriptor.empty() && std::isspace(static_cast<unsigned char>(descriptor.back()))) descriptor.pop_back();
    }
    if (url.empty()) continue;
    auto safe = SafeUrl(url, policy);
    if (!safe) continue;
    if (!out.empty()) out += ", ";
    out += *safe;
    if (!descriptor.empty() &&
        descriptor.find_first_not_of("0123456789.wx ") == std::string::npos) {
      out += " " + descriptor;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool SafeStyle(std::string_view value) {
  std::string v = Lower(value);
  for (const char* bad : {"url(", "expression", "javascript", "@import", "behavior", "-moz-binding", "\\"}) {
    if (v.find(bad) != std::string::npos) return false;
  }
  return true;
}

bool NumericOrPercent(std::string_view v) {
  return !v.empty() && v.size() < 8 && v.find_first_not_of("0123456789%") == std::string::npos;
}

class Writer {
 public:
  explicit Writer(const SanitizePolicy& p) : policy_(p) {}

  void Children(const GumboVector& children) {
    for (unsigned i = 0; i < children.length; ++i) Node(static_cast<const GumboNode*>(children.data[i]));
  }

  std::string Take() { return std::move(out_); }

 private:
  void Node(const GumboNode* n) {
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
        AppendHtmlEscapedForReparse(out_, n->v.text.text, false);
        return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        Element(n);
        return;
      default:
        return;  // comments, CDATA, documents
    }
  }

  // The tag's name; for tags the parser has no constant for (picture), the
  // name as written.
  static std::string TagName(const GumboElement& e) {
    if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
    GumboStringPiece piece = e.original_tag;
    gumbo_tag_from_original_text(&piece);
    return Lower(std::string_view(piece.data, piece.length));
  }

  void Element(const GumboNode* n) {
    const GumboElement& e = n->v.element;
    std::string name = TagName(e);
    Action action = name == "picture" && e.tag_namespace == GUMBO_NAMESPACE_HTML ? Action::kKeep
                                                                                 : ActionFor(e.tag, e.tag_namespace);
    if (action == Action::kDrop) return;
    if (action == Action::kUnwrap) return Children(e.children);
    std::string attrs;
    if (!Attributes(e, attrs)) return;  // an element that is useless without its URL (img, iframe)
    out_ += '<';
    out_ += name;
    out_ += attrs;
    out_ += '>';
    if (IsVoid(e.tag)) return;
    size_t content_start = out_.size();
    if (e.tag != GUMBO_TAG_IFRAME) Children(e.children);
    // A parser drops the line break right after <pre>: one that starts the
    // content (written as is, or out of an unwrapped child) gets another in
    // front, so the output parses back to the same text.
    if (e.tag == GUMBO_TAG_PRE && content_start < out_.size() && out_[content_start] == '\n') {
      out_.insert(content_start, 1, '\n');
    }
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  void Add(std::string& attrs, std::string_view name, std::string_view value) {
    attrs += ' ';
    attrs += name;
    attrs += "=\"";
    AppendHtmlEscapedForReparse(attrs, value, true);
    attrs += '"';
  }

  bool Attributes(const GumboElement& e, std::string& attrs) {
    bool has_url = false;
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const GumboAttribute* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
      std::string name = Lower(a->name);
      std::string_view value = a->value;
      if (name == "title" || name == "lang" || name == "dir" || name == "alt") {
        if (name != "alt" || e.tag == GUMBO_TAG_IMG) Add(attrs, name, value);
      } else if (name == "style" && policy_.allow_style_attributes && SafeStyle(value)) {
        Add(attrs, name, value);
      } else if (name == "href" && e.tag == GUMBO_TAG_A) {
        if (auto u = SafeUrl(value, policy_)) Add(attrs, name, *u);
      } else if (name == "src" && e.tag == GUMBO_TAG_IMG) {
        if (auto u = SafeUrl(value, policy_)) { Add(attrs, name, *u); has_url = true; }
      } else if (name == "src" && e.tag == GUMBO_TAG_IFRAME) {
        auto u = SafeUrl(value, policy_);
        if (u && u->rfind("https://", 0) == 0 &&
            std::find(policy_.iframe_hosts.begin(), policy_.iframe_hosts.end(), UrlHost(*u)) !=
                policy_.iframe_hosts.end()) {
          Add(attrs, name, *u);
          has_url = true;
        }
      } else if (name == "srcset" && (e.tag == GUMBO_TAG_IMG || e.tag == GUMBO_TAG_SOURCE)) {
        if (auto s = SafeSrcset(value, policy_)) { Add(attrs, name, *s); has_url = true; }
      } else if ((name == "width" || name == "height") &&
                 (e.tag == GUMBO_TAG_IMG || e.tag == GUMBO_TAG_IFRAME || e.tag == GUMBO_TAG_TD ||
                  e.tag == GUMBO_TAG_TH || e.tag == GUMBO_TAG_TABLE)) {
        if (NumericOrPercent(value)) Add(attrs, name, value);
      } else if ((name == "colspan" || name == "rowspan") && (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH)) {
        if (NumericOrPercent(value)) Add(attrs, name, value);
      } else if (name == "start" && e.tag == GUMBO_TAG_OL) {
        if (NumericOrPercent(value)) Add(attrs, name, value);
      } else if (name == "datetime" && e.tag == GUMBO_TAG_TIME) {
        Add(attrs, name, value);
      } else if ((name == "type" || name == "media") && e.tag == GUMBO_TAG_SOURCE) {
        Add(attrs, name, value);
      } else if (name == "allowfullscreen" && e.tag == GUMBO_TAG_IFRAME) {
        attrs += " allowfullscreen";
      }
    }
    if (e.tag == GUMBO_TAG_A) attrs += " rel=\"noopener noreferrer nofollow\"";
    if (e.tag == GUMBO_TAG_IFRAME) attrs += " sandbox=\"allow-scripts allow-same-origin allow-presentation\"";
    if (e.tag == GUMBO_TAG_IMG || e.tag == GUMBO_TAG_IFRAME || e.tag == GUMBO_TAG_SOURCE) return has_url;
    return true;
  }

  const SanitizePolicy& policy_;
  std::string out_;
};

}  // namespace

const std::vector<std::string>& VideoEmbedHosts() {
  static const std::vector<std::string> kHosts = {
      "www.youtube.com",  "youtube.com",         "www.youtube-nocookie.com", "player.vimeo.com",
      "www.dailymotion.com", "geo.dailymotion.com", "player.bilibili.com",  "www.facebook.com",
      "players.brightcove.net", "www.voachinese.com", "www.rfa.org",
  };
  return kHosts;
}

bool IsVideoEmbedUrl(std::string_view src) {
  std::string url(src);
  if (url.rfind("//", 0) == 0) url = "https:" + url;
  if (url.rfind("https://", 0) != 0) return false;
  const auto& hosts = VideoEmbedHosts();
  return std::find(hosts.begin(), hosts.end(), UrlHost(url)) != hosts.end();
}

std::string SanitizeHtml(std::string_view html, const SanitizePolicy& policy) {
  HtmlParseOptions options;
  options.fragment = true;
  HtmlTree tree(html, options);
  Writer writer(policy);
  // A fragment parse puts the nodes under a synthetic <html> root.
  const GumboNode* root = tree.root();
  if (root->type == GUMBO_NODE_ELEMENT) writer.Children(root->v.element.children);
  return writer.Take();
}

}  // namespace nm

// libFuzzer target: the HTML rewriting and cleaning of src/html/ on arbitrary
// markup (scripts/fuzz.sh html). Besides crashes it checks what each promises:
//   - ResolveRelativeUrls and RewriteImages are idempotent (a second pass
//     changes nothing), so re-running a mirror never rewrites its files;
//   - SanitizeHtml writes only allowed elements and attributes: every '<' of
//     its output opens an allowed tag, no event handler or script URL is left,
//     and its output sanitized again is unchanged.
// The first input byte picks the policy, base URL and image proxy; the rest is
// the HTML. With its two top bits set, the HTML is repeated up to 256 KB, so
// that a few bytes ("<b><i>", "<table><td>") become nesting thousands of levels
// deep: every walk must stay within html_tree.h's bounds, and quick.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "html/image_rewrite.h"
#include "html/relative_urls.h"
#include "html/sanitize.h"

namespace {

constexpr const char* kBases[] = {
    "https://www.example.com/news/a/b.html",
    "http://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF/?q=1#f",
    "https://h.example",
    "",
};

constexpr const char* kProxies[] = {
    "https://images.weserv.nl?url={url_noscheme}",
    "https://proxy.example/i?u={url}",
    "",
    "http://h.example/{url_noscheme}/{url}",
};

// Prints where `got` first differs from `input` (with some context) and stops.
[[noreturn]] void Fail(const char* what, std::string_view input, std::string_view got) {
  size_t at = 0;
  while (at < input.size() && at < got.size() && input[at] == got[at]) ++at;
  size_t from = at < 60 ? 0 : at - 60;
  auto around = [from](std::string_view s) { return s.substr(std::min(from, s.size()), 160); };
  std::string_view a = around(input), b = around(got);
  std::fprintf(stderr, "html_fuzz: %s (first difference at byte %zu)\ninput: …%.*s…\ngot:   …%.*s…\n", what, at,
               static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The value as a browser reads it from the sanitizer's escaping.
std::string Unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '&') {
      out.push_back(v[i]);
      continue;
    }
    for (auto [ref, c] : {std::pair<std::string_view, char>{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                          {"&quot;", '"'}}) {
      if (v.substr(i, ref.size()) == ref) {
        out.push_back(c);
        i += ref.size() - 1;
        goto next;
      }
    }
    out.push_back('&');
  next:;
  }
  return out;
}

// A URL a reader may follow: http(s) or without a scheme. Browsers drop tabs
// and line breaks inside a URL, so they are dropped before the scheme is read.
bool SafeUrl(std::string_view raw) {
  std::string url;
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') url.push_back(c);
  }
  size_t start = url.find_first_not_of(" \f");
  if (start == std::string::npos) return true;
  url.erase(0, start);
  size_t colon = url.find(':');
  size_t delim = url.find_first_of("/?#");
  if (colon == std::string::npos || (delim != std::string::npos && delim < colon)) return true;
  std::string scheme = Lower(url.substr(0, colon));
  return scheme == "http" || scheme == "https";
}

const std::set<std::string, std::less<>> kTags = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
    "code", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "div", "span", "hr", "source", "abbr",
    "cite", "q", "mark", "del", "ins", "time", "iframe", "wbr", "picture"};
const std::set<std::string, std::less<>> kAttributes = {
    "title", "lang", "dir", "alt", "style", "href", "src", "srcset", "width", "height", "colspan",
    "rowspan", "start", "datetime", "type", "media", "allowfullscreen", "rel", "sandbox"};

// Reads the sanitizer's output as its writer builds it: text in which < and >
// are escaped, and tags `<name attr="value" …>` / `</name>`. Returns what is
// wrong with it, or nullptr. The sanitizer escapes < and > in values too;
// RewriteImages escapes only what a quoted value needs (`exact_escaping` off).
const char* CheckSanitized(std::string_view html, const nm::SanitizePolicy& policy, bool exact_escaping = true) {
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '>') return "a '>' outside a tag";
    if (c != '<') {
      ++i;
      continue;
    }
    ++i;
    bool end_tag = i < html.size() && html[i] == '/';
    if (end_tag) ++i;
    size_t name_start = i;
    while (i < html.size() && ((html[i] >= 'a' && html[i] <= 'z') || (html[i] >= '0' && html[i] <= '9'))) ++i;
    std::string_view name = html.substr(name_start, i - name_start);
    if (!kTags.count(name)) return "an element outside the allowlist";
    if (name == "iframe" && policy.iframe_hosts.empty()) return "an iframe without allowed hosts";
    while (i < html.size() && html[i] == ' ' && !end_tag) {
      ++i;
      size_t attr_start = i;
      while (i < html.size() && html[i] >= 'a' && html[i] <= 'z') ++i;
      std::string_view attr = html.substr(attr_start, i - attr_start);
      if (!kAttributes.count(attr)) return "an attribute outside the allowlist";
      if (attr == "style" && !policy.allow_style_attributes) return "a style attribute the policy forbids";
      if (attr == "allowfullscreen") continue;
      if (html.substr(i, 2) != "=\"") return "an attribute value without quotes";
      i += 2;
      size_t end = html.find('"', i);
      if (end == std::string_view::npos) return "an attribute value without its closing quote";
      std::string_view raw = html.substr(i, end - i);
      if (exact_escaping && raw.find_first_of("<>") != std::string_view::npos) {
        return "an unescaped < or > in a value";
      }
      std::string value = Unescape(raw);
      i = end + 1;
      if ((attr == "href" || attr == "src") && !SafeUrl(value)) return "a URL that is not http(s)";
      if (attr == "srcset") {
        size_t start = 0;
        while (start <= value.size()) {
          size_t comma = value.find(", ", start);
          std::string_view candidate = std::string_view(value).substr(start, comma - start);
          if (!SafeUrl(candidate.substr(0, candidate.find(' ')))) return "a srcset URL that is not http(s)";
          if (comma == std::string::npos) break;
          start = comma + 2;
        }
      }
      if (attr == "style") {
        std::string v = Lower(value);
        if (v.find("url(") != std::string::npos || v.find("expression") != std::string::npos ||
            v.find("javascript") != std::string::npos) {
          return "a style that loads or runs something";
        }
      }
      if (attr == "src" && name == "iframe" && value.rfind("https://", 0) != 0) return "an iframe not on https";
    }
    if (i >= html.size() || html[i] != '>') return "a tag that does not end where its writer ends it";
    ++i;
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string repeated;
  if ((flags & 0xC0) == 0xC0 && !html.empty()) {
    constexpr size_t kRepeatedBytes = 256 * 1024;
    repeated.reserve(kRepeatedBytes + html.size());
    while (repeated.size() < kRepeatedBytes) repeated += html;
    html = repeated;
  }
  const char* base = kBases[(flags >> 2) & 3];
  const char* proxy = kProxies[(flags >> 4) & 3];

  // Relative URLs need a base to be joined with.
  std::string_view join_base = *base ? base : kBases[0];
  std::string resolved = nm::ResolveRelativeUrls(html, join_base);
  std::string resolved_again = nm::ResolveRelativeUrls(resolved, join_base);
  if (resolved_again != resolved) Fail("ResolveRelativeUrls twice differs from once", html, resolved_again);

  std::string proxied = nm::RewriteImages(html, proxy, base);
  std::string proxied_again = nm::RewriteImages(proxied, proxy, base);
  if (proxied_again != proxied) Fail("RewriteImages twice differs from once", html, proxied_again);

  nm::SanitizePolicy policy;
  policy.allow_style_attributes = flags & 1;
  if (flags & 2) policy.iframe_hosts = {"www.youtube.com", "player.vimeo.com"};
  if (flags & 0x40) policy.base_url = join_base;
  std::string clean = nm::SanitizeHtml(html, policy);
  if (const char* wrong = CheckSanitized(clean, policy)) Fail(wrong, html, clean);
  // Sanitizing again changes nothing, except where the tree of the first
  // parse is one HTML's serialization cannot express (an <a> inside an <a>
  // after the adoption agency, content moved out of tables): there the
  // second parse builds the expressible tree, and from then on it is stable.
  std::string clean_again = nm::SanitizeHtml(clean, policy);
  if (clean_again != clean) {
    if (const char* wrong = CheckSanitized(clean_again, policy)) Fail(wrong, clean, clean_again);
    std::string clean_third = nm::SanitizeHtml(clean_again, policy);
    if (clean_third != clean_again) Fail("SanitizeHtml does not settle after a second pass", clean_again, clean_third);
  }

  // The archive proxies images of cleaned HTML: that must not undo the cleaning.
  std::string clean_proxied = nm::RewriteImages(clean, proxy, base);
  if (const char* wrong = CheckSanitized(clean_proxied, policy, false)) Fail(wrong, clean, clean_proxied);
  return 0;
}

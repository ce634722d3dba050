#include "feed/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "dates/date_parser.h"
#include "decode/charset.h"
#include "feed/adapters.h"
#include "feed/xml_doc.h"
#include "html/relative_urls.h"
#include "url/url.h"

namespace nm {

Date MakeDate(const std::string& text, const AdapterContext& ctx) {
  Date d;
  d.text = text;
  d.ms = ParseDate(text, ctx.default_zone_minutes);
  return d;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool HasChildElements(const xmlNode* n) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

std::string DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : text) {
    int v;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
    else if (ch == '+' || ch == '-') v = 62;
    else if (ch == '/' || ch == '_') v = 63;
    else if (ch == '=') break;
    else continue;  // line breaks and spaces
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string ResolveLink(const xmlNode* at, const std::string& ref, const AdapterContext& ctx) {
  std::string trimmed = Trim(ref);
  if (trimmed.empty() || !IsSafeLinkScheme(trimmed)) return {};
  return JoinUrl(at ? BaseOf(at, ctx.base_url) : ctx.base_url, trimmed);
}

std::string ResolveHtml(const xmlNode* at, const std::string& html, const AdapterContext& ctx) {
  if (html.find('<') == std::string::npos) return html;
  return ResolveRelativeUrls(html, at ? BaseOf(at, ctx.base_url) : ctx.base_url);
}

namespace {

// Whether a text holds a tag or a character reference: feeds that escape
// their titles twice, or put markup in them, mean HTML.
bool LooksLikeHtml(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size()) {
      char next = s[i + 1];
      if (std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!') return true;
    } else if (s[i] == '&') {
      size_t j = i + 1;
      if (j < s.size() && s[j] == '#') ++j;
      size_t name = j;
      while (j < s.size() && j - name < 32 && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      if (j > name && j < s.size() && s[j] == ';') return true;
    }
  }
  return false;
}

}  // namespace

void SetTitle(std::string value, std::string& title, std::string& title_html) {
  value = Trim(value);
  if (LooksLikeHtml(value)) {
    SetHtmlTitle(std::move(value), title, title_html);
  } else {
    title = std::move(value);
  }
}

void SetHtmlTitle(std::string html, std::string& title, std::string& title_html) {
  html = Trim(html);
  title = Trim(HtmlToText(html));
  // An '&' that starts no character reference is written as "&amp;", as in
  // well-formed HTML.
  title_html.clear();
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '&') {
      title_html.push_back(html[i]);
      continue;
    }
    size_t j = i + 1;
    if (j < html.size() && html[j] == '#') ++j;
    size_t name = j;
    while (j < html.size() && std::isalnum(static_cast<unsigned char>(html[j]))) ++j;
    title_html += (j > name && j < html.size() && html[j] == ';') ? "&" : "&amp;";
  }
}

void AddImage(const xmlNode* at, const std::string& url, const AdapterContext& ctx, Entry& entry) {
  // One past the cap, so that CapFeedFields sees (and reports) that there were
  // more; the duplicate check stays cheap in an item of 100,000 thumbnails.
  if (entry.images.size() > caps::kImages) return;
  std::string u = ResolveLink(at, url, ctx);
  if (!u.empty() && std::find(entry.images.begin(), entry.images.end(), u) == entry.images.end()) {
    entry.images.push_back(u);
  }
}

Person ParsePerson(const std::string& raw) {
  Person p;
  std::string text = raw;
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  text = trim(text);
  size_t lt = text.find('<'), gt = text.rfind('>');
  size_t lp = text.find('('), rp = text.rfind(')');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
    p.email = trim(text.substr(lt + 1, gt - lt - 1));
    p.name = trim(text.substr(0, lt) + text.substr(gt + 1));
  } else if (lp != std::string::npos && rp != std::string::npos && rp > lp &&
             text.substr(0, lp).find('@') != std::string::npos) {
    p.email = trim(text.substr(0, lp));
    p.name = trim(text.substr(lp + 1, rp - lp - 1));
  } else if (lp != std::string::npos && rp != std::string::npos && rp > lp &&
             text.substr(lp, rp - lp).find('@') != std::string::npos) {
    p.name = trim(text.substr(0, lp) + text.substr(rp + 1));
    p.email = trim(text.substr(lp + 1, rp - lp - 1));
  } else if (text.find('@') != std::string::npos && text.find(' ') == std::string::npos) {
    p.email = text;
  } else {
    p.name = text;
  }
  return p;
}

Result<Feed> ParseFeed(std::string_view bytes, const ParseOptions& options) {
  AdapterContext ctx;
  ctx.base_url = options.url;
  // A Content-Location that is not a safe link is no base either.
  if (!options.content_location.empty() && IsSafeLinkScheme(options.content_location)) {
    ctx.base_url = JoinUrl(options.url, options.content_location);
  }
  ctx.default_zone_minutes = options.default_zone_minutes;
  if (LooksLikeJson(bytes)) {
    auto feed = ReadJsonFeed(bytes, ctx);
    if (feed.ok()) CapFeedFields(*feed);
    return feed;
  }

  // Borrowing: `bytes` outlives the parse, and UTF-8 feeds are read in place.
  Decoded text = DecodeDocument(bytes, options.content_type, DocumentKind::kXml, /*may_borrow=*/true);
  auto read = ReadXml(text.Text(), options.url);
  if (!read.ok()) return read.status();
  Feed feed;
  feed.encoding = text.charset;
  feed.warnings = std::move(text.warnings);
  feed.warnings.insert(feed.warnings.end(), read->warnings.begin(), read->warnings.end());
  const xmlNode* root = xmlDocGetRootElement(read->doc.get());
  std::string_view name = LocalName(root);
  std::string_view nsuri = NamespaceOf(root);
  if (name == "CHANNEL") {
    ReadCdf(root, ctx, feed);
  } else if (name == "rss" || name == "channel") {
    ReadRss(root, ctx, feed);
  } else if (name == "RDF" && nsuri == ns::kRdf) {
    ReadRdf(root, ctx, feed);
  } else if (name == "feed") {
    ReadAtom(root, ctx, feed);
  } else {
    return Status::ParseError("not a feed: the document's root element is <" + std::string(name) + ">");
  }
  CapFeedFields(feed);
  return feed;
}

}  // namespace nm

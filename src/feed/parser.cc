#include "feed/parser.h"

#include <algorithm>

#include "dates/date_parser.h"
#include "decode/charset.h"
#include "feed/adapters.h"
#include "feed/xml_doc.h"
#include "url/url.h"

namespace nm {

Date MakeDate(const std::string& text, const AdapterContext& ctx) {
  Date d;
  d.text = text;
  d.ms = ParseDate(text, ctx.default_zone_minutes);
  return d;
}

std::string ResolveLink(const xmlNode* at, const std::string& ref, const AdapterContext& ctx) {
  std::string trimmed = ref;
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  trimmed.erase(trimmed.begin(), std::find_if(trimmed.begin(), trimmed.end(), not_space));
  trimmed.erase(std::find_if(trimmed.rbegin(), trimmed.rend(), not_space).base(), trimmed.end());
  if (trimmed.empty() || !IsSafeLinkScheme(trimmed)) return {};
  std::string base = BaseOf(at, ctx.base_url);
  if (auto r = ResolveUrl(base, trimmed)) return *r;
  return trimmed;
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
  } else if (text.find('@') != std::string::npos && text.find(' ') == std::string::npos) {
    p.email = text;
  } else {
    p.name = text;
  }
  return p;
}

void ReadMediaImages(const xmlNode* item, const AdapterContext& ctx, Entry& entry) {
  auto add = [&](const xmlNode* n, const std::string& url) {
    std::string u = ResolveLink(n, url, ctx);
    if (!u.empty() && std::find(entry.images.begin(), entry.images.end(), u) == entry.images.end()) {
      entry.images.push_back(u);
    }
  };
  for (const xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view local = LocalName(c);
    if (NamespaceOf(c) == ns::kMedia) {
      if (local == "thumbnail") add(c, Attr(c, "url"));
      if (local == "content") {
        std::string medium = Attr(c, "medium"), type = Attr(c, "type");
        if (medium == "image" || type.rfind("image/", 0) == 0) add(c, Attr(c, "url"));
      }
      if (local == "group") ReadMediaImages(c, ctx, entry);
    } else if (local == "enclosure" && NamespaceOf(c).empty()) {
      if (Attr(c, "type").rfind("image/", 0) == 0) add(c, Attr(c, "url"));
    }
  }
}

Result<Feed> ParseFeed(std::string_view bytes, const ParseOptions& options) {
  Decoded text = DecodeDocument(bytes, options.content_type, DocumentKind::kXml);
  auto read = ReadXml(text.text, options.url);
  if (!read.ok()) return read.status();
  Feed feed;
  feed.encoding = text.charset;
  feed.warnings = std::move(text.warnings);
  feed.warnings.insert(feed.warnings.end(), read->warnings.begin(), read->warnings.end());
  AdapterContext ctx;
  ctx.base_url = options.url;
  if (!options.content_location.empty()) {
    if (auto r = ResolveUrl(options.url, options.content_location)) ctx.base_url = *r;
  }
  ctx.default_zone_minutes = options.default_zone_minutes;

  const xmlNode* root = xmlDocGetRootElement(read->doc.get());
  std::string_view name = LocalName(root);
  std::string_view nsuri = NamespaceOf(root);
  if (name == "rss" || name == "channel") {
    ReadRss(root, ctx, feed);
  } else if (name == "RDF" && nsuri == ns::kRdf) {
    ReadRdf(root, ctx, feed);
  } else if (name == "feed" && (nsuri == ns::kAtom10 || nsuri == ns::kAtom03 || nsuri.empty())) {
    ReadAtom(root, ctx, feed);
  } else {
    return Status::ParseError("not a feed: the document's root element is <" + std::string(name) + ">");
  }
  return feed;
}

}  // namespace nm

// Microsoft's Channel Definition Format (CDF): <CHANNEL HREF LASTMOD> with
// <TITLE>, <ABSTRACT> and <ITEM HREF LASTMOD> children. Names are matched
// without regard to case, as the format's HTML heritage allows.
#include <strings.h>

#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

namespace {

bool NameIs(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && strcasecmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::string AttrNoCase(const xmlNode* n, const char* name) {
  for (xmlAttr* a = n->properties; a; a = a->next) {
    if (strcasecmp(reinterpret_cast<const char*>(a->name), name) == 0) return Attr(n, reinterpret_cast<const char*>(a->name));
  }
  return {};
}

// Title, link, summary and date of a CHANNEL or ITEM.
template <typename T>
void ReadCdfElement(const xmlNode* el, const AdapterContext& ctx, T& t, std::string* summary) {
  if (std::string href = AttrNoCase(el, "href"); !href.empty()) t.link = ResolveLink(el, href, ctx);
  if (std::string lastmod = Trim(AttrNoCase(el, "lastmod")); !lastmod.empty()) t.updated = MakeDate(lastmod, ctx);
  for (const xmlNode* c = el->children; c; c = c->next) {
    if (NameIs(c, "title") && t.title.empty()) SetTitle(Text(c), t.title, t.title_html);
    else if (NameIs(c, "abstract") && summary && summary->empty()) *summary = ResolveHtml(c, Trim(HtmlOf(c)), ctx);
  }
}

}  // namespace

void ReadCdf(const xmlNode* channel, const AdapterContext& ctx, Feed& feed) {
  feed.format = "cdf";
  ReadCdfElement(channel, ctx, feed, nullptr);
  for (const xmlNode* c = channel->children; c; c = c->next) {
    if (!NameIs(c, "item")) continue;
    Entry e;
    ReadCdfElement(c, ctx, e, &e.summary);
    e.content = e.summary;
    feed.entries.push_back(std::move(e));
  }
}

}  // namespace nm

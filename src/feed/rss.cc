// RSS 0.90–0.94 and 2.0: elements in no namespace (or in the namespace the
// root element declares, as some 2.0 feeds do), plus the common modules.
#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

namespace {

const xmlNode* FindChannel(const xmlNode* root) {
  if (LocalName(root) == "channel") return root;
  for (const xmlNode* c = root->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && LocalName(c) == "channel") return c;
  }
  return nullptr;
}

bool LooksLikeUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

// Elements of RSS itself: no namespace, RSS 1.0's or 0.90's, or the root's own.
bool IsRssElement(const xmlNode* n, std::string_view root_ns) {
  std::string_view nsuri = NamespaceOf(n);
  return nsuri.empty() || nsuri == root_ns || nsuri == ns::kRss10 || nsuri == ns::kRss090;
}

}  // namespace

// Reads an RSS item; the RDF adapter uses it too (RSS 1.0 items have the
// same core elements).
void ReadRssItem(const xmlNode* item, std::string_view root_ns, const AdapterContext& ctx, Entry& e) {
  for (const xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || !IsRssElement(c, root_ns)) continue;
    std::string_view local = LocalName(c);
    if (local == "title" && e.title.empty()) {
      SetTitle(Text(c), e.title, e.title_html);
    } else if (local == "link" && e.link.empty()) {
      e.link = ResolveLink(c, Text(c), ctx);
    } else if (local == "guid" && e.id.empty()) {
      e.id = Trim(Text(c));
      if (e.link.empty() && Attr(c, "isPermaLink") != "false" && LooksLikeUrl(e.id)) e.link = ResolveLink(c, e.id, ctx);
    } else if (local == "summary" || local == "description") {
      // A few feeds carry both: the first is the summary, the other the content.
      std::string& slot = e.summary.empty() ? e.summary : e.content;
      if (slot.empty()) slot = ResolveHtml(c, Trim(HtmlOf(c)), ctx);
    } else if ((local == "body" || local == "fullitem") && e.content.empty()) {
      e.content = ResolveHtml(c, Trim(HtmlOf(c)), ctx);
    } else if (local == "pubDate" && !e.published) {
      e.published = MakeDate(Trim(Text(c)), ctx);
    } else if (local == "author" && !e.author && !Trim(Text(c)).empty()) {
      e.author = ParsePerson(Text(c));
    } else if (local == "category") {
      e.categories.push_back(Trim(Text(c)));
    }
  }
  ReadCommonModules(item, ctx, e);
  if (e.content.empty()) e.content = e.summary;
}

void ReadRss(const xmlNode* root, const AdapterContext& ctx, Feed& feed) {
  std::string version = Attr(root, "version");
  feed.format = version.empty() ? "rss" : "rss" + std::string(version == "2.0" ? "20" : version);
  std::string_view root_ns = NamespaceOf(root);
  const xmlNode* channel = FindChannel(root);
  if (!channel) channel = root;  // items straight under <rss>
  for (const xmlNode* c = channel->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || !IsRssElement(c, root_ns)) continue;
    std::string_view local = LocalName(c);
    if (local == "title" && feed.title.empty()) SetTitle(Text(c), feed.title, feed.title_html);
    else if (local == "link" && feed.link.empty()) feed.link = ResolveLink(c, Text(c), ctx);
    else if (local == "pubDate" && !feed.published) feed.published = MakeDate(Trim(Text(c)), ctx);
    else if (local == "lastBuildDate" && !feed.updated) feed.updated = MakeDate(Trim(Text(c)), ctx);
    else if ((local == "managingEditor" || local == "author") && !feed.author && !Trim(Text(c)).empty()) {
      feed.author = ParsePerson(Text(c));
    }
  }
  ReadCommonModules(channel, ctx, feed);
  // Items are children of <channel> in RSS 2.0, but some 0.9x feeds put them beside it.
  for (const xmlNode* parent : {channel, root}) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE && LocalName(c) == "item" && IsRssElement(c, root_ns)) {
        Entry e;
        ReadRssItem(c, root_ns, ctx, e);
        feed.entries.push_back(std::move(e));
      }
    }
    if (channel == root) break;
  }
}

}  // namespace nm

// RSS 0.91–0.94 and 2.0 (elements in no namespace, plus the common modules).
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

}  // namespace

// Reads the fields shared by RSS 2.0 and RSS 1.0 items (the RDF adapter uses
// them too for its Dublin Core and content: children).
void ReadRssItemCommon(const xmlNode* item, const AdapterContext& ctx, Entry& e) {
  for (const xmlNode* c = item->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view local = LocalName(c);
    std::string_view nsuri = NamespaceOf(c);
    bool plain = nsuri.empty() || nsuri == ns::kRss10 || nsuri == ns::kRss090;
    if (plain && local == "title" && e.title.empty()) {
      e.title = Text(c);
    } else if (plain && local == "link" && e.link.empty()) {
      e.link = ResolveLink(c, Text(c), ctx);
    } else if (plain && local == "guid") {
      e.id = Text(c);
      std::string perma = Attr(c, "isPermaLink");
      if (e.link.empty() && perma != "false" && LooksLikeUrl(e.id)) e.link = ResolveLink(c, e.id, ctx);
    } else if (plain && local == "description") {
      e.summary = HtmlOf(c);
    } else if (plain && local == "pubDate") {
      e.published = MakeDate(Text(c), ctx);
    } else if (plain && local == "author" && !e.author) {
      e.author = ParsePerson(Text(c));
    } else if (plain && local == "category") {
      e.categories.push_back(Text(c));
    } else if (nsuri == ns::kContent && local == "encoded") {
      e.content = Text(c);
    } else if (nsuri == ns::kDc) {
      if (local == "date" && !e.published) e.published = MakeDate(Text(c), ctx);
      else if (local == "creator" && !e.author) e.author = ParsePerson(Text(c));
      else if (local == "subject") e.categories.push_back(Text(c));
      else if (local == "title" && e.title.empty()) e.title = Text(c);
      else if (local == "identifier" && e.id.empty()) e.id = Text(c);
    } else if (nsuri == ns::kDcTerms) {
      if ((local == "issued" || local == "available") && !e.published) e.published = MakeDate(Text(c), ctx);
      else if (local == "modified") e.updated = MakeDate(Text(c), ctx);
      else if (local == "created") e.created = MakeDate(Text(c), ctx);
    } else if (nsuri == ns::kAtom10 && local == "link" && e.link.empty()) {
      std::string rel = Attr(c, "rel");
      if (rel.empty() || rel == "alternate") e.link = ResolveLink(c, Attr(c, "href"), ctx);
    } else if (nsuri == ns::kAtom10 && local == "updated") {
      e.updated = MakeDate(Text(c), ctx);
    }
  }
  ReadMediaImages(item, ctx, e);
  if (e.content.empty()) e.content = e.summary;
  if (e.title.find('<') != std::string::npos || e.title.find('&') != std::string::npos) {
    // Titles are plain text; some feeds escape markup into them.
    e.title = HtmlToText(e.title);
  }
}

void ReadRss(const xmlNode* root, const AdapterContext& ctx, Feed& feed) {
  std::string version = Attr(root, "version");
  feed.format = version.empty() ? "rss" : "rss" + std::string(version == "2.0" ? "20" : version);
  const xmlNode* channel = FindChannel(root);
  if (!channel) return;
  for (const xmlNode* c = channel->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view local = LocalName(c);
    std::string_view nsuri = NamespaceOf(c);
    if (!nsuri.empty() && nsuri != ns::kDc) continue;
    if (local == "title" && feed.title.empty()) feed.title = Text(c);
    else if (local == "link" && nsuri.empty() && feed.link.empty()) feed.link = ResolveLink(c, Text(c), ctx);
    else if (local == "pubDate" || (local == "date" && nsuri == ns::kDc)) feed.published = MakeDate(Text(c), ctx);
    else if (local == "lastBuildDate") feed.updated = MakeDate(Text(c), ctx);
    else if ((local == "managingEditor" || local == "creator") && !feed.author) feed.author = ParsePerson(Text(c));
  }
  // Items are children of <channel> in RSS 2.0, but some 0.9x feeds put them beside it.
  for (const xmlNode* parent : {channel, root}) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE && LocalName(c) == "item" && NamespaceOf(c).empty()) {
        Entry e;
        ReadRssItemCommon(c, ctx, e);
        feed.entries.push_back(std::move(e));
      }
    }
    if (parent == root && channel == root) break;
  }
}

}  // namespace nm

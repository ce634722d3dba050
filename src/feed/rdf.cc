// RSS 1.0 and 0.90 (RDF): channel and items are siblings under rdf:RDF.
#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

void ReadRssItem(const xmlNode* item, std::string_view root_ns, const AdapterContext& ctx, Entry& e);  // rss.cc

void ReadRdf(const xmlNode* root, const AdapterContext& ctx, Feed& feed) {
  feed.format = "rss10";
  for (const xmlNode* c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view nsuri = NamespaceOf(c);
    if (nsuri != ns::kRss10 && nsuri != ns::kRss090) continue;
    if (nsuri == ns::kRss090) feed.format = "rss090";
    if (LocalName(c) == "channel") {
      if (const xmlNode* t = Child(c, nsuri, "title")) SetTitle(Text(t), feed.title, feed.title_html);
      if (const xmlNode* l = Child(c, nsuri, "link")) feed.link = ResolveLink(l, Text(l), ctx);
      ReadCommonModules(c, ctx, feed);
    } else if (LocalName(c) == "item") {
      Entry e;
      ReadRssItem(c, nsuri, ctx, e);
      if (e.id.empty()) {
        xmlChar* about = xmlGetNsProp(c, BAD_CAST "about", BAD_CAST ns::kRdf.data());
        if (about) {
          e.id = Trim(reinterpret_cast<const char*>(about));
          xmlFree(about);
        }
      }
      feed.entries.push_back(std::move(e));
    }
  }
}

}  // namespace nm

// Atom 1.0 and 0.3: text constructs (text, html, xhtml), links by rel, xml:base.
#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

namespace {

// The content of an Atom text construct as HTML.
std::string ConstructHtml(const xmlNode* n) {
  if (!n) return {};
  std::string type = Attr(n, "type");
  std::string mode = Attr(n, "mode");  // Atom 0.3
  if (type == "xhtml" || type == "application/xhtml+xml") {
    // The markup is the content of the xhtml:div wrapper (or of the element itself).
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE && LocalName(c) == "div") return InnerXml(c);
    }
    return InnerXml(n);
  }
  if (type == "html" || type == "text/html" || mode == "escaped") return Text(n);
  if (mode == "xml") return InnerXml(n);
  if (type.empty() || type == "text" || type == "text/plain") {
    // Plain text shown as HTML; but Atom 0.3 feeds often put HTML in untyped content.
    return HtmlOf(n) == Text(n) ? EscapeHtml(Text(n)) : HtmlOf(n);
  }
  return HtmlOf(n);
}

// The content of an Atom text construct as plain text.
std::string ConstructText(const xmlNode* n) {
  if (!n) return {};
  std::string type = Attr(n, "type");
  if (type == "html" || type == "xhtml" || type == "text/html" || Attr(n, "mode") == "escaped") {
    return HtmlToText(ConstructHtml(n));
  }
  return Text(n);
}

int LinkRank(const xmlNode* link) {
  std::string rel = Attr(link, "rel");
  std::string type = Attr(link, "type");
  if (!rel.empty() && rel != "alternate" && rel != "http://www.iana.org/assignments/relation/alternate") return -1;
  if (type.empty() || type == "text/html" || type == "application/xhtml+xml") return 2;
  return 1;
}

std::string BestLink(const xmlNode* parent, std::string_view nsuri, const AdapterContext& ctx) {
  const xmlNode* best = nullptr;
  int best_rank = 0;
  for (const xmlNode* l : Children(parent, nsuri, "link")) {
    int r = LinkRank(l);
    if (r > best_rank) {
      best = l;
      best_rank = r;
    }
  }
  return best ? ResolveLink(best, Attr(best, "href"), ctx) : std::string();
}

std::optional<Person> ReadPerson(const xmlNode* n, std::string_view nsuri) {
  if (!n) return std::nullopt;
  Person p;
  if (const xmlNode* c = Child(n, nsuri, "name")) p.name = Text(c);
  if (const xmlNode* c = Child(n, nsuri, "email")) p.email = Text(c);
  if (const xmlNode* c = Child(n, nsuri, "uri")) p.uri = Text(c);
  if (const xmlNode* c = Child(n, nsuri, "url")) p.uri = Text(c);  // Atom 0.3
  return p;
}

}  // namespace

void ReadAtom(const xmlNode* root, const AdapterContext& ctx, Feed& feed) {
  std::string_view nsuri = NamespaceOf(root);
  feed.format = nsuri == ns::kAtom03 || Attr(root, "version") == "0.3" ? "atom03" : "atom10";
  feed.title = ConstructText(Child(root, nsuri, "title"));
  feed.link = BestLink(root, nsuri, ctx);
  if (const xmlNode* id = Child(root, nsuri, "id")) feed.id = Text(id);
  feed.author = ReadPerson(Child(root, nsuri, "author"), nsuri);
  if (const xmlNode* u = Child(root, nsuri, "updated")) feed.updated = MakeDate(Text(u), ctx);
  else if (const xmlNode* m = Child(root, nsuri, "modified")) feed.updated = MakeDate(Text(m), ctx);

  for (const xmlNode* item : Children(root, nsuri, "entry")) {
    Entry e;
    e.title = ConstructText(Child(item, nsuri, "title"));
    e.link = BestLink(item, nsuri, ctx);
    if (const xmlNode* id = Child(item, nsuri, "id")) e.id = Text(id);
    e.author = ReadPerson(Child(item, nsuri, "author"), nsuri);
    if (!e.author) {
      if (const xmlNode* c = Child(item, ns::kDc, "creator")) e.author = ParsePerson(Text(c));
    }
    if (const xmlNode* n = Child(item, nsuri, "published")) e.published = MakeDate(Text(n), ctx);
    else if (const xmlNode* i = Child(item, nsuri, "issued")) e.published = MakeDate(Text(i), ctx);
    if (const xmlNode* n = Child(item, nsuri, "updated")) e.updated = MakeDate(Text(n), ctx);
    else if (const xmlNode* m = Child(item, nsuri, "modified")) e.updated = MakeDate(Text(m), ctx);
    if (const xmlNode* n = Child(item, nsuri, "created")) e.created = MakeDate(Text(n), ctx);
    if (!e.published) {
      if (const xmlNode* d = Child(item, ns::kDc, "date")) e.published = MakeDate(Text(d), ctx);
    }
    e.summary = ConstructHtml(Child(item, nsuri, "summary"));
    const xmlNode* content = Child(item, nsuri, "content");
    e.content = ConstructHtml(content);
    if (e.content.empty()) e.content = e.summary;
    for (const xmlNode* cat : Children(item, nsuri, "category")) {
      std::string term = Attr(cat, "term");
      e.categories.push_back(term.empty() ? Text(cat) : term);
    }
    ReadMediaImages(item, ctx, e);
    feed.entries.push_back(std::move(e));
  }
}

}  // namespace nm

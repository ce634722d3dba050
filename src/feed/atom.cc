// Atom 1.0 and 0.3: text constructs (text, html, xhtml, base64), links by
// rel, xml:base on any element.
#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"
#include "url/url.h"

namespace nm {

namespace {

bool IsXmlType(std::string_view type) {
  return type == "xhtml" || type.ends_with("+xml") || type.ends_with("/xml");
}

// A text construct read as the feed gave it (see Construct in adapters.h).
// Atom 1.0 says the type: "text", "html", "xhtml" or a MIME type (XML types
// inline, text/* as text, anything else base64). Atom 0.3 says a MIME type
// and a mode: "xml" (the default), "escaped" or "base64".
Construct ReadConstruct(const xmlNode* n, bool atom03, const AdapterContext& ctx) {
  Construct out;
  if (!n) return out;
  std::string type = Attr(n, "type");
  std::string mode = Attr(n, "mode");
  bool html_type = type == "html" || type == "text/html";
  bool xml_type = IsXmlType(type);
  if (mode == "base64" || (!atom03 && !type.empty() && !xml_type && !html_type && type != "text" &&
                           !type.starts_with("text/"))) {
    out.value = Trim(DecodeBase64(Text(n)));
    out.html = html_type || xml_type || type.empty() || !type.starts_with("text/plain");
  } else if (mode == "escaped" || html_type) {
    out.value = Trim(Text(n));
    out.html = true;
  } else if (xml_type) {
    // An Atom 1.0 xhtml construct is wrapped in one xhtml:div that is not part
    // of the content; Atom 0.3 keeps whatever markup it holds.
    const xmlNode* div = nullptr;
    int elements = 0;
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      ++elements;
      if (LocalName(c) == "div") div = c;
    }
    out.value = Trim(InnerHtml(!atom03 && elements == 1 && div ? div : n));
    out.html = true;
  } else if (HasChildElements(n)) {
    out.value = Trim(InnerHtml(n));  // a text construct carrying naked markup
    out.html = true;
  } else {
    out.value = Trim(Text(n));
    out.html = false;
  }
  if (out.html) out.value = ResolveHtml(n, out.value, ctx);
  return out;
}

// Higher is better; -1 for links that are never the main one. A link
// without rel is an alternate one.
int LinkRank(const xmlNode* link) {
  std::string rel = Attr(link, "rel");
  std::string type = Attr(link, "type");
  if (!rel.empty() && rel != "alternate" && rel != "http://www.iana.org/assignments/relation/alternate") return -1;
  if (type.empty() || type == "text/html" || type == "application/xhtml+xml") return 2;
  return 1;
}

std::string LinkTarget(const xmlNode* link) {
  std::string href = Attr(link, "href");
  return href.empty() ? Text(link) : href;  // Atom 0.3 feeds put the URL in the text
}

std::string BestLink(const xmlNode* parent, std::string_view nsuri, const AdapterContext& ctx) {
  const xmlNode* best = nullptr;
  int best_rank = 0;
  for (const xmlNode* l : Children(parent, nsuri, "link")) {
    int r = LinkRank(l);
    if (r > best_rank && !Trim(LinkTarget(l)).empty()) {
      best = l;
      best_rank = r;
    }
  }
  return best ? ResolveLink(best, LinkTarget(best), ctx) : std::string();
}

std::optional<Person> ReadPerson(const xmlNode* n, std::string_view nsuri) {
  if (!n) return std::nullopt;
  Person p;
  if (const xmlNode* c = Child(n, nsuri, "name")) p.name = Trim(Text(c));
  if (const xmlNode* c = Child(n, nsuri, "email")) p.email = Trim(Text(c));
  if (const xmlNode* c = Child(n, nsuri, "uri")) p.uri = Trim(Text(c));
  if (const xmlNode* c = Child(n, nsuri, "url")) p.uri = Trim(Text(c));  // Atom 0.3
  if (p.name.empty() && p.email.empty() && p.uri.empty()) return std::nullopt;
  return p;
}

// atom:id is an IRI: a relative one is made absolute, an absolute one is kept
// exactly (ids are compared as strings).
std::string ReadId(const xmlNode* parent, std::string_view nsuri, const AdapterContext& ctx) {
  const xmlNode* id = Child(parent, nsuri, "id");
  if (!id) return {};
  return JoinUrl(BaseOf(id, ctx.base_url), Trim(Text(id)));
}

std::optional<Date> ReadDate(const xmlNode* parent, std::string_view nsuri,
                             std::initializer_list<std::string_view> names, const AdapterContext& ctx) {
  for (std::string_view name : names) {
    if (const xmlNode* n = Child(parent, nsuri, name)) return MakeDate(Trim(Text(n)), ctx);
  }
  return std::nullopt;
}

void ApplyTitle(const Construct& c, std::string& title, std::string& title_html) {
  if (c.html) {
    SetHtmlTitle(c.value, title, title_html);
  } else {
    title = c.value;
  }
}

}  // namespace

void ReadAtom(const xmlNode* root, const AdapterContext& ctx, Feed& feed) {
  std::string_view nsuri = NamespaceOf(root);
  bool atom03 = nsuri == ns::kAtom03 || (nsuri.empty() && Attr(root, "version") == "0.3");
  feed.format = atom03 ? "atom03" : "atom10";
  ApplyTitle(ReadConstruct(Child(root, nsuri, "title"), atom03, ctx), feed.title, feed.title_html);
  feed.link = BestLink(root, nsuri, ctx);
  feed.id = ReadId(root, nsuri, ctx);
  feed.author = ReadPerson(Child(root, nsuri, "author"), nsuri);
  feed.published = ReadDate(root, nsuri, {"published", "issued"}, ctx);
  feed.updated = ReadDate(root, nsuri, {"updated", "modified"}, ctx);
  feed.created = ReadDate(root, nsuri, {"created"}, ctx);
  ReadCommonModules(root, ctx, feed);

  for (const xmlNode* item : Children(root, nsuri, "entry")) {
    Entry e;
    ApplyTitle(ReadConstruct(Child(item, nsuri, "title"), atom03, ctx), e.title, e.title_html);
    e.link = BestLink(item, nsuri, ctx);
    e.id = ReadId(item, nsuri, ctx);
    e.author = ReadPerson(Child(item, nsuri, "author"), nsuri);
    e.published = ReadDate(item, nsuri, {"published", "issued"}, ctx);
    e.updated = ReadDate(item, nsuri, {"updated", "modified"}, ctx);
    e.created = ReadDate(item, nsuri, {"created"}, ctx);
    Construct summary = ReadConstruct(Child(item, nsuri, "summary"), atom03, ctx);
    e.summary = summary.html ? summary.value : EscapeHtml(summary.value);
    Construct content = ReadConstruct(Child(item, nsuri, "content"), atom03, ctx);
    e.content = content.html ? content.value : EscapeHtml(content.value);
    for (const xmlNode* cat : Children(item, nsuri, "category")) {
      std::string term = Trim(Attr(cat, "term"));
      e.categories.push_back(term.empty() ? Trim(Text(cat)) : term);
    }
    for (const xmlNode* l : Children(item, nsuri, "link")) {
      if (Attr(l, "rel") == "enclosure" && Attr(l, "type").starts_with("image/")) {
        AddImage(l, LinkTarget(l), ctx, e);
      }
    }
    ReadCommonModules(item, ctx, e);
    if (e.content.empty()) e.content = e.summary;
    feed.entries.push_back(std::move(e));
  }
}

}  // namespace nm

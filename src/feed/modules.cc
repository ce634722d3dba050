// The extension modules feeds of every format carry: Dublin Core (dc:,
// dcterms:), content:encoded, xhtml:body, media: (Media RSS), iTunes.
// Each fills only what the format's own elements left empty.
#include <strings.h>

#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

namespace {

// Apple's documentation and feeds spell the namespace in either case.
bool IsItunes(std::string_view nsuri) {
  return nsuri.size() == ns::kItunes.size() && strncasecmp(nsuri.data(), ns::kItunes.data(), nsuri.size()) == 0;
}

void SetDate(std::optional<Date>& slot, const xmlNode* n, const AdapterContext& ctx) {
  if (!slot) slot = MakeDate(Trim(Text(n)), ctx);
}

void SetPerson(std::optional<Person>& slot, const xmlNode* n) {
  std::string text = Trim(Text(n));
  if (!slot && !text.empty()) slot = ParsePerson(text);
}

// Fields entries and channels share: title, author, dates.
template <typename T>
bool ReadShared(const xmlNode* c, std::string_view local, std::string_view nsuri,
                const AdapterContext& ctx, T& t) {
  if (nsuri == ns::kDc) {
    if (local == "title" && t.title.empty()) SetTitle(Text(c), t.title, t.title_html);
    else if (local == "creator" || local == "author" || local == "publisher") SetPerson(t.author, c);
    else if (local == "date") SetDate(t.updated, c, ctx);
    else return false;
    return true;
  }
  if (nsuri == ns::kDcTerms) {
    if (local == "issued" || local == "available") SetDate(t.published, c, ctx);
    else if (local == "modified") SetDate(t.updated, c, ctx);
    else if (local == "created") SetDate(t.created, c, ctx);
    else return false;
    return true;
  }
  if (local == "author" && IsItunes(nsuri)) {
    SetPerson(t.author, c);
    return true;
  }
  return false;
}

void ReadMedia(const xmlNode* el, const AdapterContext& ctx, Entry& e) {
  for (const xmlNode* c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view local = LocalName(c);
    std::string_view nsuri = NamespaceOf(c);
    if (nsuri == ns::kMedia) {
      if (local == "thumbnail") AddImage(c, Attr(c, "url"), ctx, e);
      else if (local == "content") {
        std::string medium = Attr(c, "medium"), type = Attr(c, "type");
        if (medium == "image" || type.starts_with("image/")) AddImage(c, Attr(c, "url"), ctx, e);
        ReadMedia(c, ctx, e);  // media:content may hold its own thumbnail, title, description
      } else if (local == "group") {
        ReadMedia(c, ctx, e);
      } else if (local == "title" && e.title.empty()) {
        SetTitle(Text(c), e.title, e.title_html);
      } else if (local == "description" && e.summary.empty()) {
        std::string text = Trim(Text(c));
        e.summary = Attr(c, "type") == "html" ? ResolveHtml(c, text, ctx) : EscapeHtml(text);
      }
    } else if (local == "enclosure" && nsuri.empty() && Attr(c, "type").starts_with("image/")) {
      AddImage(c, Attr(c, "url"), ctx, e);
    }
  }
}

}  // namespace

void ReadCommonModules(const xmlNode* el, const AdapterContext& ctx, Entry& e) {
  for (const xmlNode* c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view local = LocalName(c);
    std::string_view nsuri = NamespaceOf(c);
    if (ReadShared(c, local, nsuri, ctx, e)) continue;
    if (nsuri == ns::kDc) {
      if (local == "description" && e.summary.empty()) e.summary = ResolveHtml(c, Trim(HtmlOf(c)), ctx);
      else if (local == "subject") e.categories.push_back(Trim(Text(c)));
      else if (local == "identifier" && e.id.empty()) e.id = Trim(Text(c));
    } else if (nsuri == ns::kContent && local == "encoded" && e.content.empty()) {
      e.content = ResolveHtml(c, Trim(Text(c)), ctx);
    } else if (nsuri == ns::kXhtml && local == "body" && e.content.empty()) {
      e.content = ResolveHtml(c, Trim(InnerHtml(c)), ctx);
    }
  }
  ReadMedia(el, ctx, e);
}

void ReadCommonModules(const xmlNode* el, const AdapterContext& ctx, Feed& feed) {
  for (const xmlNode* c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) ReadShared(c, LocalName(c), NamespaceOf(c), ctx, feed);
  }
}

}  // namespace nm

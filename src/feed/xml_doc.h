// Safe, recovering XML reading for feeds (libxml2), and the node helpers the
// format adapters share.
//
// ReadXml takes text already decoded to UTF-8 (decode/charset.h) and tells
// libxml2 so, whatever the document's declaration says. It never touches the
// disk or the network (no external entities, no DTD loading, no XInclude): a
// DOCTYPE whose entities are external, parameter or nested ones is dropped
// whole, its references left as text. Entity expansion stays within a
// budget per call and per document. Broken documents are recovered: HTML
// entities XML does not know (&nbsp; &mdash; …) become character references
// (&#146; the cp1252 character it means), a bare '&' becomes "&amp;", the
// characters XML does not allow (C0 controls, U+FFFE, U+FFFF; decoding has
// made lone surrogates U+FFFD) and references to them (&#1; &#xFFFE;
// &#xD800;) are dropped, an end tag closes what was left open inside its
// element (a stray one is dropped, <br> and <img> are closed), and libxml2's
// recovery mode reads past the rest and text after the root. Where libxml2
// would stop the whole parse and lose every entry after the place — an
// element nested deeper than 256, a name over 50,000 bytes, a text node over
// 10,000,000 bytes — the document is kept inside those limits first:
// elements deeper than 250 are flattened (tags dropped, text kept), tags
// with such a name dropped, text runs cut at 9,000,000 bytes (at a character
// boundary, outside references) and attribute values that long emptied. What
// was repaired is reported as warnings.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

namespace ns {
inline constexpr std::string_view kAtom10 = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view kAtom03 = "http://purl.org/atom/ns#";
inline constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view kRss10 = "http://purl.org/rss/1.0/";
inline constexpr std::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr std::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
inline constexpr std::string_view kDc = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view kDcTerms = "http://purl.org/dc/terms/";
inline constexpr std::string_view kMedia = "http://search.yahoo.com/mrss/";
inline constexpr std::string_view kXhtml = "http://www.w3.org/1999/xhtml";
inline constexpr std::string_view kItunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
}  // namespace ns

// ReadXml keeps the document's entity expansion budget in _private.
struct XmlDocDeleter {
  void operator()(xmlDoc* d) const {
    delete static_cast<size_t*>(d->_private);
    xmlFreeDoc(d);
  }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

struct XmlReadResult {
  XmlDocPtr doc;
  std::vector<std::string> warnings;
};

// `utf8` is the document as UTF-8 (without a byte order mark). It is read in
// place, handed to libxml2's push parser `piece` bytes at a time (the tree is
// the same for every size; tests vary it).
inline constexpr size_t kXmlChunk = 64 * 1024;
Result<XmlReadResult> ReadXml(std::string_view utf8, const std::string& url, size_t piece = kXmlChunk);

// Repairs the byte-level faults listed above (ReadXml does it before
// parsing); returns the input unchanged (and adds no warning) when there is
// nothing to repair.
std::string RepairXml(std::string_view bytes, std::vector<std::string>* warnings);

// Node helpers. Names compare the local name; a namespace of "" matches
// elements in no namespace.
std::string_view LocalName(const xmlNode* n);
std::string_view NamespaceOf(const xmlNode* n);
bool Is(const xmlNode* n, std::string_view ns, std::string_view local);
// First child element with that name, or nullptr.
xmlNode* Child(const xmlNode* parent, std::string_view ns, std::string_view local);
std::vector<xmlNode*> Children(const xmlNode* parent, std::string_view ns, std::string_view local);
std::string Attr(const xmlNode* n, const char* name);
// The text of an element: its text and CDATA, internal entities expanded
// within a budget.
std::string Text(const xmlNode* n);
// The element's children serialized as markup (for HTML carried unescaped).
std::string InnerXml(const xmlNode* n);
// The element's children serialized as HTML: XHTML elements without prefix
// or namespace declaration, void elements as "<br />", text escaped; other
// namespaces (SVG, MathML) keep their declarations.
std::string InnerHtml(const xmlNode* n);
// Text(n), or InnerHtml(n) when n holds child elements (broken feeds put raw
// HTML inside description and similar elements).
std::string HtmlOf(const xmlNode* n);
// The base URL in force at `n`: the document URL with every xml:base from the
// root down to n applied.
std::string BaseOf(const xmlNode* n, const std::string& doc_url);
// Text with markup removed and entities decoded (for titles given as HTML).
std::string HtmlToText(std::string_view html);
// Escapes & < > for showing plain text as HTML.
std::string EscapeHtml(std::string_view text);

}  // namespace nm

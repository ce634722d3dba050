// The format adapters, one per file, and the helpers they share; used only
// inside feed/. Each adapter reads its format into the entry model of
// entry.h; the extension modules any format may carry (Dublin Core,
// content:, media:, iTunes, xhtml:body) are read by modules.cc.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>

#include "feed/entry.h"
#include "util/status.h"

namespace nm {

struct AdapterContext {
  std::string base_url;          // Content-Location or the document URL
  int default_zone_minutes = 0;
};

void ReadRss(const xmlNode* rss, const AdapterContext& ctx, Feed& feed);   // rss.cc
void ReadRdf(const xmlNode* rdf, const AdapterContext& ctx, Feed& feed);   // rdf.cc
void ReadAtom(const xmlNode* feed_el, const AdapterContext& ctx, Feed& feed);  // atom.cc
void ReadCdf(const xmlNode* channel, const AdapterContext& ctx, Feed& feed);   // cdf.cc
Result<Feed> ReadJsonFeed(std::string_view bytes, const AdapterContext& ctx);   // json_feed.cc
// True when the bytes look like a JSON document rather than XML.
bool LooksLikeJson(std::string_view bytes);                                     // json_feed.cc

// modules.cc: fills the fields still empty from the extension elements that
// are children of `el` (an item / entry, or a channel / feed).
void ReadCommonModules(const xmlNode* el, const AdapterContext& ctx, Entry& entry);
void ReadCommonModules(const xmlNode* el, const AdapterContext& ctx, Feed& feed);

// A text value as a format gave it: plain text, or HTML markup.
struct Construct {
  std::string value;
  bool html = false;
};

// Shared by the adapters (parser.cc).
Date MakeDate(const std::string& text, const AdapterContext& ctx);
// Resolves `ref` against the base in force at `at`; "" when it is not a safe
// link. Relative references are joined, absolute ones kept as written.
std::string ResolveLink(const xmlNode* at, const std::string& ref, const AdapterContext& ctx);
// Makes the relative URLs inside `html` (found at `at`) absolute.
std::string ResolveHtml(const xmlNode* at, const std::string& html, const AdapterContext& ctx);
// Parses "email (Name)" / "Name (email)" / "Name <email>" / "Name" author strings.
Person ParsePerson(const std::string& text);
// Adds an image URL to the entry (resolved, safe, once).
void AddImage(const xmlNode* at, const std::string& url, const AdapterContext& ctx, Entry& entry);
// Sets a plain-text title from a value that may carry markup: the markup form
// goes to `title_html`.
void SetTitle(std::string value, std::string& title, std::string& title_html);
// Sets a title given as HTML: its text to `title`, its markup to `title_html`.
void SetHtmlTitle(std::string html, std::string& title, std::string& title_html);
std::string Trim(std::string_view s);
bool HasChildElements(const xmlNode* n);
std::string DecodeBase64(std::string_view text);

}  // namespace nm

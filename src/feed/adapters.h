// The format adapters, one per file; used only by parser.cc.
#pragma once

#include <libxml/tree.h>

#include <string>

#include "feed/entry.h"

namespace nm {

struct AdapterContext {
  std::string base_url;          // Content-Location or the document URL
  int default_zone_minutes = 0;
};

void ReadRss(const xmlNode* rss, const AdapterContext& ctx, Feed& feed);   // rss.cc
void ReadRdf(const xmlNode* rdf, const AdapterContext& ctx, Feed& feed);   // rdf.cc
void ReadAtom(const xmlNode* feed_el, const AdapterContext& ctx, Feed& feed);  // atom.cc

// Shared by the adapters (parser.cc).
Date MakeDate(const std::string& text, const AdapterContext& ctx);
// Resolves `ref` against the base in force at `at`; "" when it is not a safe link.
std::string ResolveLink(const xmlNode* at, const std::string& ref, const AdapterContext& ctx);
// Parses "email (Name)" / "Name <email>" / "Name" author strings.
Person ParsePerson(const std::string& text);
// Adds media:content / media:thumbnail / enclosure image URLs of `item`.
void ReadMediaImages(const xmlNode* item, const AdapterContext& ctx, Entry& entry);

}  // namespace nm

// Turns the bytes of a feed into the entry model (feed/entry.h).
//
// ParseFeed detects the format (RSS 0.9x/2.0, RSS 1.0/RDF, Atom 0.3/1.0) and
// hands the document to that format's adapter (rss.cc, rdf.cc, atom.cc).
// Relative links are resolved against xml:base, the Content-Location header
// and the document's URL. Broken documents are recovered where possible (see
// xml_doc.h); a document that is not a feed at all is a ParseError. Every
// field of the result is within the caps of entry.h (CapFeedFields), with a
// warning naming each entry that was cut.
#pragma once

#include <string>
#include <string_view>

#include "feed/entry.h"
#include "util/status.h"

namespace nm {

struct ParseOptions {
  std::string url;               // where the document came from (base of relative links)
  std::string content_type;      // HTTP Content-Type, for its charset
  std::string content_location;  // HTTP Content-Location, when sent
  int default_zone_minutes = 0;  // zone of dates written without one
};

Result<Feed> ParseFeed(std::string_view bytes, const ParseOptions& options);

}  // namespace nm

// The one entry model every feed format is adapted into.
//
// RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed each have an adapter in this
// folder that fills these structs; nothing past feed/ knows which format an
// entry came from. Strings are UTF-8, trimmed. URLs, also those inside the
// HTML, are absolute (relative ones joined with xml:base / Content-Location /
// the document's URL) but not normalized. Dates are kept both
// as the text the feed carried and as milliseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nm {

struct Date {
  std::string text;                 // as written in the feed
  std::optional<int64_t> ms;        // parsed instant, if the text could be read
};

struct Person {
  std::string name;
  std::string email;
  std::string uri;
};

struct Entry {
  std::string id;                   // guid / atom:id / JSON id ("" when absent)
  std::string title;                // plain text (entities decoded, markup removed)
  std::string title_html;           // the title's markup when the feed gave it as HTML, else ""
  std::string link;                 // the alternate link, absolute (as written when it was)
  std::optional<Date> published;
  std::optional<Date> updated;
  std::optional<Date> created;
  std::string summary;              // HTML
  std::string content;              // HTML: the fullest body the feed has
  std::optional<Person> author;
  std::vector<std::string> categories;
  std::vector<std::string> images;  // enclosure / media:content / media:thumbnail URLs
};

struct Feed {
  std::string format;               // "rss20", "rss10", "atom10", "atom03", "cdf", "json11", …
  std::string encoding;             // the charset the bytes were decoded from
  std::string title;
  std::string title_html;
  std::string link;
  std::string id;
  std::optional<Person> author;
  std::optional<Date> published;
  std::optional<Date> updated;
  std::optional<Date> created;
  std::vector<Entry> entries;
  std::vector<std::string> warnings;  // recovered errors, for the operator's log
};

}  // namespace nm

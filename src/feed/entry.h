// The one entry model every feed format is adapted into.
//
// RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed each have an adapter in this
// folder that fills these structs; nothing past feed/ knows which format an
// entry came from. Strings are UTF-8, trimmed. URLs, also those inside the
// HTML, are absolute (relative ones joined with xml:base / Content-Location /
// the document's URL) but not normalized. Dates are kept both
// as the text the feed carried and as milliseconds since the Unix epoch (UTC).
//
// Every field has a byte cap (below), applied in one place once the format's
// adapter has filled the model (CapFeedFields, called by ParseFeed), so that
// no field of a hostile feed reaches the archive, the state or the terminal
// at any size. Plain text (titles, ids, names, categories, date texts) is cut
// at a UTF-8 character boundary; HTML (summary, content, title_html) is cut
// by CutHtml (html/html_cut.h): outside markup, with end tags for the
// elements left open; a URL over its cap is dropped rather than cut, since a
// cut URL would lead somewhere else. Lists keep their first items. Each cut
// is a warning that names the entry (its position in the feed and its title
// or link). Before that, the XML layer keeps every text run under libxml2's
// own limit (xml_doc.h), so an oversized field never costs the entries after
// it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nm {

namespace caps {
inline constexpr size_t kId = 2 * 1024;             // guid / atom:id, the feed's id
inline constexpr size_t kTitle = 2 * 1024;          // plain-text titles (feed and entry)
inline constexpr size_t kTitleHtml = 8 * 1024;      // a title's markup
inline constexpr size_t kUrl = 8 * 1024;            // links, image URLs, author URIs: dropped beyond
inline constexpr size_t kSummary = 1024 * 1024;     // summary HTML
inline constexpr size_t kContent = 4 * 1024 * 1024; // content HTML
inline constexpr size_t kPersonName = 512;          // author name and email
inline constexpr size_t kCategory = 256;            // each category
inline constexpr size_t kCategories = 64;           // categories per entry
inline constexpr size_t kImages = 64;               // image URLs per entry
inline constexpr size_t kDateText = 256;            // a date as written
inline constexpr size_t kEntries = 50000;           // entries per feed (the first are kept)
inline constexpr size_t kWarning = 1024;            // each warning
inline constexpr size_t kWarnings = 200;            // warnings per feed (then one that counts the rest)
}  // namespace caps

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

// Applies the caps above to every field of `feed` and its entries, with a
// warning for each field cut or dropped (feed/entry.cc).
void CapFeedFields(Feed& feed);

}  // namespace nm

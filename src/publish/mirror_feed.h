// Atom 1.0 feeds of the mirror itself, so a reader can subscribe to the
// mirror through the git host's raw file URLs (or the static site).
//
// FormatAtomFeed writes a complete, valid Atom document (RFC 4287): every
// entry has an id, a title, an updated time, its full content as escaped
// HTML, a rel="alternate" link to the article in the mirror and a rel="via"
// link to the outlet's original. The output depends only on its input (the
// feed's updated time is its newest entry's), so an unchanged archive gives
// byte-identical feeds and nothing is rewritten. Characters XML 1.0 forbids
// are dropped.
//
// PlanMirrorFeeds plans feeds/{outlet}.xml and feeds/all.xml (newest
// kMirrorFeedSize entries each) for a run, as PlannedWrites of the files that
// differ from the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_reader.h"
#include "archive/outlet_archive.h"

namespace nm {

inline constexpr size_t kMirrorFeedSize = 50;

struct AtomEntry {
  std::string id;             // an IRI, stable across runs
  std::string title;
  int64_t published_ms = 0;
  std::string link;           // the article in the mirror (absolute, or relative to the feed)
  std::string via;            // the original article
  std::string author;         // the outlet
  std::string content_html;   // shown as-is (already sanitized by the caller)
};

struct AtomFeed {
  std::string id;
  std::string title;
  std::string self;           // where the feed itself lives ("" = no rel="self")
  std::string alternate;      // the human-readable page it mirrors ("" = none)
  std::vector<AtomEntry> entries;  // newest first
};

std::string FormatAtomFeed(const AtomFeed& feed);

// "2023-01-04T14:39:05Z" (milliseconds shown only when not zero): FormatRfc3339
// of dates/date_parser.h, so any instant an archive holds has a four-digit year.
std::string Rfc3339(int64_t ms);

// Text escaped for XML content and attribute values, with characters XML 1.0
// cannot carry (most C0 controls, U+FFFE/U+FFFF, broken UTF-8) dropped.
std::string XmlEscape(std::string_view s);

// The feed `name` ("all", or an outlet's name) of `view`: its newest
// kMirrorFeedSize articles, content sanitized, each linked by `link_of`
// (outlet, record → URL of the article as the reader is meant to read it).
// `base` (the URL of the site or the raw mirror, "" = none) gives the feed its
// rel="self" link, feeds/{name}.xml.
using ArticleLinker = std::function<std::string(const std::string& outlet, const ArticleRecord& r)>;
AtomFeed MirrorAtomFeed(const MirrorView& view, const std::string& name, const ArticleLinker& link_of,
                        const std::string& base, const FileOverlay& overlay = {});

// `raw_base_url` ("[publish] raw_base_url") is the URL of the mirror's root
// on the git host's raw view; "" links entries relative to feeds/, which is
// right when the feed is read from the same place. `overlay` gives the files
// the run is about to write.
// With `only`, just those outlets' feeds (and, when `with_all`, those whose
// file is missing); feeds/all.xml when `with_all`.
std::vector<PlannedWrite> PlanMirrorFeeds(const std::string& root, const std::string& raw_base_url,
                                          const FileOverlay& overlay, const std::set<std::string>* only = nullptr,
                                          bool with_all = true);

}  // namespace nm

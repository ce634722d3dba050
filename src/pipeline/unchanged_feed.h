// A feed that comes back byte for byte as the last run read it is decided
// unchanged without being parsed or merged, as a 304 Not Modified is.
//
// Most feeds send no validators (or ones that change every time, like a
// Last-Modified of "now"), so every run would download, parse and merge a
// feed that brought nothing. After a run that archived a feed's entries and
// left nothing to try again, the feed's fingerprint is kept in
// state/{outlet}/feed.tsv (an "@unchanged" line, state/outlet_state.h); the
// next response with the same fingerprint is that same feed, read the same
// way, so it can change nothing in the archive.
//
// The fingerprint is SHA-256 over the response's bytes and everything that
// decides what they are read as: the configured URL, the URL the response came
// from (the base of relative links), its Content-Type and Content-Location, the
// source's date zone and the reader's own version (a newer newsmirror may read
// the same bytes differently, so it parses each feed once again).
#pragma once

#include <string>
#include <string_view>

namespace nm {

struct SourceReport;

struct FeedReading {
  std::string_view configured_url;
  std::string_view effective_url;
  std::string_view content_type;
  std::string_view content_location;
  int date_zone_minutes = 0;
};

// 64 lowercase hex digits.
std::string UnchangedFeedFingerprint(std::string_view body, const FeedReading& reading);

// Whether the run's work on this source left nothing a later run must try
// again with the same feed, or tell the operator again: no article page or
// image download left to try again (one given up on is not), no entry
// quarantined (tried or skipped). Only then is the fingerprint kept.
bool LeavesNothingToRetry(const SourceReport& source);

}  // namespace nm

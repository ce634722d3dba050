// What newsmirror remembers about one outlet between runs, as text in the mirror.
//
// state/{outlet}.tsv lives in the mirror repository, so a fresh clone carries
// everything the next run needs. It is diff-friendly: a header, a few "@key"
// lines (the feed's validators for conditional GET), then one record per
// archived article in descending id order — new articles get smaller ids, so
// new records are appended at the end. Fields are tab-separated; tab, newline,
// carriage return and backslash inside a field are escaped as \t \n \r \\.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

struct ArticleRecord {
  int64_t id = 0;
  int64_t published_ms = 0;
  std::string blob;   // git blob id of the file as last written (detects edits and gaps)
  std::string file;   // file name inside articles/{outlet}/
  std::string guid;   // "" when unknown (e.g. taken over from an older archive)
  std::string link;
  std::string title;
};

struct FeedValidators {
  std::string url;            // the validators belong to this feed URL only
  std::string etag;
  std::string last_modified;
};

struct OutletState {
  FeedValidators validators;
  std::vector<ArticleRecord> records;  // descending id
};

std::string SerializeOutletState(const OutletState& state);
Result<OutletState> ParseOutletState(std::string_view text);

// "state/{outlet}.tsv", relative to the mirror's root.
std::string OutletStatePath(std::string_view outlet);

}  // namespace nm

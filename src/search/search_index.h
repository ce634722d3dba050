// Full-text search over the archive: titles and bodies, Chinese included.
//
// The index is a cache in SQLite (FTS5), by default .newsmirror/search.sqlite
// in the mirror (git-ignored), derived from the archive and rebuilt from it at
// any time. Chinese has no spaces between words, so text is indexed as
// overlapping character bigrams of every CJK run ("岸田文雄" → 岸田 田文 文雄)
// beside the words of other scripts; a query term becomes the phrase of its
// bigrams, so queries of 2, 3, 4 or more characters match exactly where the
// text holds them, mixed with Latin words or not. Results are ranked by bm25
// (a title match weighs more) and carry a snippet around the first match.
//
// Sync() brings the index up to date with a MirrorView: outlets whose records
// are unchanged are skipped, changed or new articles are (re)indexed, removed
// ones dropped. An index of another schema, or one SQLite cannot read, is
// rebuilt. One SearchIndex per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_reader.h"
#include "util/status.h"

struct sqlite3;

namespace nm {

struct SearchQuery {
  std::string text;
  std::string source;        // only this outlet ("" = all)
  int64_t since_ms = 0;      // only articles published at or after (0 = any)
  int limit = 20;            // at most this many hits (a page)
  int offset = 0;            // after skipping this many (the pages before)
};

struct SearchHit {
  std::string outlet;
  std::string file;
  int64_t id = 0;
  int64_t published_ms = 0;
  std::string title;
  std::string link;          // the original article
  std::string snippet;       // plain text around the first match
  size_t mark_begin = 0;     // the match inside `snippet`, in bytes
  size_t mark_end = 0;
  double score = 0;          // bm25: smaller is better
};

struct SyncStats {
  int indexed = 0;           // articles (re)indexed
  int removed = 0;
  int outlets_skipped = 0;   // unchanged since the last sync
  bool rebuilt = false;      // the index was created or rebuilt
};

class SearchIndex {
 public:
  ~SearchIndex();
  SearchIndex(SearchIndex&&) noexcept;
  SearchIndex& operator=(SearchIndex&&) noexcept;

  // Opens (creating) the index at `path`; "" = a fresh index in memory.
  static Result<SearchIndex> Open(const std::string& path);

  Status Sync(const MirrorView& view, SyncStats* stats = nullptr);
  Result<std::vector<SearchHit>> Search(const SearchQuery& query) const;
  // How many articles match `query` in all (limit and offset ignored).
  Result<int64_t> Count(const SearchQuery& query) const;

 private:
  SearchIndex() = default;
  Status Prepare(bool* rebuilt);
  sqlite3* db_ = nullptr;
  bool created_ = false;     // reported by the first Sync()
};

// Where the readers (search, serve) keep the index of the mirror at `root`:
// {root}/.newsmirror/search.sqlite (layout::SearchIndexPath) when the
// mirror's .newsmirror/ can be written; for a
// mirror that cannot (a read-only mount, another user's checkout) a cache
// outside it, $XDG_CACHE_HOME (else ~/.cache) /newsmirror/search/{hash of
// the mirror's absolute path}.sqlite; and "" when neither can be written:
// the index is then built in memory for this process only.
std::string SearchIndexLocation(const std::string& root);

// Refuses a folder that is not a mirror (CheckIsMirror) and a link at the
// mirror's own index, opens the index at
// SearchIndexLocation (building it when missing; a location that fails falls
// back to the next one) and syncs it. *location: the file used, "" in memory.
Result<SearchIndex> OpenMirrorIndex(const std::string& root, SyncStats* stats = nullptr,
                                    std::string* location = nullptr);

// For `run`: syncs the index only when one exists, so a mirror nobody
// searches (a CI job on a fresh clone) never pays for it.
Status UpdateSearchIndexIfPresent(const std::string& root);

// The indexed form of text: every CJK run as its overlapping bigrams, spaced
// apart from the rest.
std::string CjkBigrams(std::string_view text);

// The FTS5 MATCH expression for a user's query ("" when it holds no term).
std::string FtsQuery(std::string_view query);

}  // namespace nm

// Read-only view of a whole mirror for what is derived from it: feeds of the
// mirror, the static site, the search index, the local reader.
//
// LoadMirror lists every outlet of the mirror (state/{outlet}/, older
// state/{outlet}.tsv files, and articles/*/ of the work tree or, when a
// sparse checkout leaves articles/ out, of HEAD's tree)
// with its records sorted newest first, taking over an outlet without state
// from its files' header lines as a run would; the records of articles that
// moved to an archive repository (pipeline/rollover.h) are left out, that
// repository being a mirror of its own. Nothing is written. Each call
// reads the disk afresh; the result is a plain value, safe to share between
// threads once built.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "archive/article.h"
#include "state/outlet_state.h"
#include "util/status.h"

namespace nm {

struct MirrorOutlet {
  std::string name;
  std::vector<ArticleRecord> records;  // newest first (NewerFirst)
};

struct MirrorView {
  std::string root;
  std::vector<MirrorOutlet> outlets;   // sorted by name
  const MirrorOutlet* Find(const std::string& name) const;
};

// The readers' guard: `root` must be a mirror — an existing folder holding
// articles/ or state/ — before anything reads it or writes a cache beside it.
// InvalidArgument naming `root` and what is missing otherwise (a typo in
// --archive is told, not answered with an empty mirror). Reads only.
Status CheckIsMirror(const std::string& root);

// With `newest_per_outlet` > 0 only that many of each outlet's newest records
// are kept: enough for feeds. An outlet whose state/{outlet}/feed.tsv
// summarizes its chunks (state/outlet_state.h) then has only the chunks that
// can hold those records parsed, so the cost does not grow with its archive;
// others are read whole, one outlet at a time. The records are the same
// either way.
Result<MirrorView> LoadMirror(const std::string& root, const FileOverlay& overlay = {},
                              size_t newest_per_outlet = 0);

// Newest publication first; among equal times the smaller (newer) id first.
bool NewerFirst(const ArticleRecord& a, const ArticleRecord& b);

// Reads and parses one archived article: from the overlay, the work tree,
// or — when a sparse checkout leaves articles/ out — the repository, by the
// record's blob id (publish/checkout.h).
Result<ArticleDoc> ReadArticle(const std::string& root, const std::string& outlet, const ArticleRecord& r,
                               const FileOverlay& overlay = {});

// Makes the files of these articles (outlet, record) readable with one
// request to the promisor remote of a partial clone, for those that a sparse
// checkout leaves out, the overlay does not hold and the repository lacks;
// nothing for a full checkout. Failing leaves each ReadArticle to report it.
void PrefetchArticles(const std::string& root,
                      const std::vector<std::pair<std::string, const ArticleRecord*>>& articles,
                      const FileOverlay& overlay = {});

}  // namespace nm

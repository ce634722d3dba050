// Step 4 of a run: complete each entry — the article page's text where the
// source wants it, repaired links, images stored in the mirror.
//
// CompleteEntries runs between parsing the feeds and merging them into the
// archive, for all sources of a run at once:
//   1. each source's rewrite rules repair entry links and content;
//   2. for full_text = "page" (or "auto" with a summary in the feed), the pages
//      of NEW entries, and of known ones whose feed content changed, are
//      fetched (one FetchAll: one connection per host, page_spacing_ms between
//      requests to a host, a Referer) and extracted; an archived article keeps
//      its archived text, so a run costs what it has new: such entries are
//      flagged `as_archived` for the merge and their files are not read (a
//      sparse checkout need not hold them; the state decides). A page that cannot
//      be fetched or extracted leaves the feed's content, with a warning;
//   3. for images = "local"/"both", images are stored (local_images.h), and
//      stored copies that failed before are retried (also for articles no
//      longer in the feed: they are added to the entries so the merge updates
//      their files).
// The caller merges with ArchiveOptionsFor(source): the proxy rewriting of
// the merge applies only with images = "proxy".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "config/config.h"
#include "feed/entry.h"

namespace nm {

struct CompletionJob {
  const SourceConfig* source = nullptr;
  const OutletArchive* archive = nullptr;   // what is archived already
  std::vector<Entry>* entries = nullptr;    // completed in place (entries may be added)
  std::vector<std::string>* warnings = nullptr;
  int pages_fetched = 0;                    // filled in: pages whose text was used
  int pages_failed = 0;
  int images_stored = 0;
  int images_failed = 0;
  // Filled in: the outlet's completion state still holds a page or an image
  // download to try again with the next run (not yet given up).
  bool retries_pending = false;
  // Filled in, one per entry: a known article whose archived text stands
  // (OutletArchive::Merge's `as_archived`).
  std::vector<bool> as_archived;
};

struct CompletionOptions {
  std::string root;                          // the mirror
  int64_t now_ms = 0;                        // publication time of a page that has none
};

// Returns the files to write with the run: stored images and each changed
// state/{outlet}.complete.txt.
std::vector<PlannedWrite> CompleteEntries(std::vector<CompletionJob>& jobs, const Config& config,
                                          const CompletionOptions& options);

// The archive options for merging this source's entries.
ArchiveOptions ArchiveOptionsFor(const SourceConfig& source, const Config& config);

ImageMode EffectiveImageMode(const SourceConfig& source, const Config& config);

// The warning for a page whose nesting passed the bounds (PageArticle::flattened).
std::string FlattenedPageWarning(const std::string& title);

// The content of an article page as the archive shows it: the page decoded,
// extracted (with the source's selector) and composed (compose.h).
// `fallback_published_ms` is used when the page has no date. What a library
// throws while one page is read (util/contain.h) fails that page only.
struct PageArticle {
  std::string title;
  std::string content;      // composed HTML
  std::string text;         // the body as plain text
  int64_t published_ms = 0;
  bool flattened = false;   // deeper than html_tree.h's bounds: what lay deeper was read as text
};
Result<PageArticle> ArticleFromPage(const FetchResponse& page, const std::string& selector,
                                    std::optional<int64_t> published_ms, int64_t fallback_published_ms);

}  // namespace nm

// One outlet's part of the mirror: its articles, their state, its list page.
//
// OutletArchive::Load reads the outlet's state (state/{outlet}/, or an older
// single state/{outlet}.tsv, converted at the outlet's next write), or — for
// an archive in this format that newsmirror has not seen before — takes over
// articles/{outlet}/ by reading each file's header lines (the files of HEAD's
// tree, fetched in one request, when a sparse checkout leaves them out).
// Merge() decides for every feed entry whether it is new (next id below the
// smallest), the same article as one already archived (same guid, canonical
// link or normalized title: the file is rewritten in place when its content changed), or unchanged. Nothing is
// written here: TakeWrites() returns the files to write, so the caller can
// write a whole run atomically. Not thread-safe; one object per outlet.
//
// What Merge believes of a feed, so that a rerun of the same feed changes
// nothing and no date sits on top of the lists for ever:
// - Entries of one feed that are the same article (the archive finds one
//   record for them: same guid, canonical link or title) are archived once.
//   The first in Merge's order wins — oldest publication first, and for equal
//   dates the one earlier in the feed — and the others are counted as
//   duplicates, never written over it. A guid that entries with different
//   links share identifies none of them: they are told apart by link and
//   title.
// - An entry's date is the first of published, updated and created that is
//   believable: at most kFutureToleranceMs after the time the entry is first
//   seen (dates before 1970 are believed: the archive's format holds them,
//   and list and month pages file them under their own four-digit year).
//   Without one, the first-seen time is used, with a warning.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "archive/mirror_copies.h"
#include "feed/entry.h"
#include "state/outlet_state.h"
#include "util/status.h"

namespace nm {

// How far ahead of the first-seen time a publication date is still believed
// (zone mistakes, embargoed articles dated a few hours ahead).
inline constexpr int64_t kFutureToleranceMs = int64_t{48} * 3600 * 1000;

struct ArchiveOptions {
  int list_size = 300;
  int list_utc_offset_minutes = 8 * 60;
  std::string image_proxy = "https://images.weserv.nl?url={url_noscheme}";
  // [publish] mirrors: named at the end of the README, every list page and
  // every monthly page (and by the site and the digests).
  std::vector<MirrorCopy> mirrors;
  // Where readers find the archive repository of a year (config [rollover]
  // web, its {name} filled in, "{year}" left in): list and month pages link
  // the articles that moved there (ArticleRecord::archive_year) at
  // ArchiveWebRoot(archive_web, year). Empty: no rollover configured; such
  // articles are then linked as if they were here.
  std::string archive_web;
};

// `web` with "{year}" replaced by `year`, ending in '/'.
std::string ArchiveWebRoot(std::string_view web, int year);

// A file to write, relative to the mirror's root — or, with `remove`, to
// delete (data is then empty); deletions go through the journal like writes.
struct PlannedWrite {
  std::string path;
  std::string data;
  bool remove = false;
};

// Plans writing `text` to `path` (relative to `root`) only when the file
// there holds something else or cannot be read: a run that changed nothing
// writes nothing.
void PlanWriteIfChanged(const std::string& root, std::string path, std::string text, std::vector<PlannedWrite>& writes);

// A feed entry that cannot be archived (an allocation too large, a
// library's error while formatting it) is a poison entry: it is skipped with
// its reason, the other entries go on, and it is recorded in the outlet's
// state (feed.tsv, state/outlet_state.h). The next runs try it again, up to
// kQuarantineAttempts in all; after that it is skipped without trying while
// the feed carries it unchanged (a changed entry is tried afresh, an entry
// that left the feed is forgotten).
inline constexpr int kQuarantineAttempts = 3;

struct QuarantineNotice {
  std::string title, link, guid;
  std::string reason;
  int attempts = 0;      // failed attempts so far
  bool tried = true;     // false: skipped without trying, its attempts used up
};

struct MergeStats {
  int new_articles = 0;
  int updated = 0;
  int unchanged = 0;
  int skipped = 0;                    // entries with nothing to identify them by
  int duplicates = 0;                 // later entries of the feed that were an article already merged
  std::vector<QuarantineNotice> quarantined;
  std::vector<std::string> warnings;
};

class OutletArchive {
 public:
  static Result<OutletArchive> Load(const std::string& root, const std::string& outlet);

  const std::string& outlet() const { return outlet_; }
  const FeedValidators& validators() const { return state_.validators; }
  // The feed's validators and fingerprint for feed.tsv. Changed validators,
  // the first fingerprint or one taken away are written by TakeWrites; a
  // changed fingerprint alone only when the outlet has other files to write.
  void SetValidators(const FeedValidators& v);
  const std::vector<ArticleRecord>& records() const { return state_.records; }
  // True when Load() read existing files rather than a state file.
  bool taken_over() const { return taken_over_; }

  // The archived article that `entry` would be merged into (same guid,
  // canonical link or normalized title), or nullptr for a new one.
  const ArticleRecord* FindEntry(const Entry& entry) const;
  // The mirror's root this archive was loaded from.
  const std::string& root() const { return root_; }

  // `now_ms` is the first-seen time given to entries without a usable date.
  // An entry flagged in `as_archived` (same index) is a known article whose
  // archived text stands (complete.h): it is unchanged unless its title or
  // link changed, and only then is its file read (from git when a sparse
  // checkout leaves it out).
  MergeStats Merge(const std::vector<Entry>& entries, int64_t now_ms, const ArchiveOptions& options,
                   const std::vector<bool>& as_archived = {});
  // After merging a whole feed: quarantine records of entries it no longer
  // carries are dropped.
  void ForgetQuarantinedNotIn(const std::vector<Entry>& entries);

  // Saves the link and title keys of the archive to .newsmirror/keys/{outlet}.bin,
  // a cache the next run's lookups read instead of normalizing every archived
  // link and folding every title again. Each entry is checked against its
  // record's link and title, so a stale or missing cache only costs time.
  // The file is rewritten only once the keys it lacks are many (a sixteenth
  // of the archive, at least 64): a run's few new articles are cheaper to fold
  // again at the next lookup than the whole file is to write. Failing to
  // write it is not an error.
  void SaveKeyCache() const;

  // Moves the articles of calendar year `year` (in the list zone) still in
  // this repository out of it (pipeline/rollover.h): their records stay,
  // marked with the year (so Merge counts an entry of one as unchanged and
  // never writes its file again), their files are planned for removal, and
  // their months' pages and the list page are formatted again, linking them
  // at the archive repository's address. Returns the records moved.
  std::vector<ArticleRecord> MoveYear(int year, const ArchiveOptions& options);

  // The next TakeWrites formats every month page and the list page again
  // (each still written only when its text differs from the file).
  void RewriteAllPages() { all_months_dirty_ = true; }

  // The files this outlet needs written (articles, state, list page, the
  // monthly pages of months that changed — all of them when the list page on
  // disk does not end with the copies `options` names); empty when nothing
  // changed. Clears the pending set.
  std::vector<PlannedWrite> TakeWrites(const ArchiveOptions& options);

 private:
  OutletArchive() = default;
  // Keys are indexed as 64-bit hashes, every hit confirmed against its
  // record, so a large archive costs little memory. Link and title keys (URL
  // normalization, ICU case folding) are computed for the archive only when
  // an entry is first not found by its guid: a run of known entries never
  // pays for them.
  using KeyIndex = std::unordered_multimap<uint64_t, uint32_t>;
  // Hashes of one record's link and title and of their keys (0 for an empty key).
  struct KeyHashes {
    uint64_t link = 0, title = 0, link_key = 0, title_key = 0;
  };
  KeyHashes ComputeKeys(const ArticleRecord& r) const;
  Status TakeOver(const std::string& folder);  // relative to root_
  void Index(size_t i);
  void IndexLinksAndTitles() const;
  long Find(const std::string& guid, const std::string& link_key, const std::string& title_key) const;

  std::string root_;
  std::string outlet_;
  OutletState state_;
  bool taken_over_ = false;
  // State read from state/{outlet}/; otherwise the next write creates the
  // folder whole (and deletes an old single state/{outlet}.tsv).
  bool folder_state_ = false;
  bool legacy_state_ = false;
  // Every state file is written at the next write (taken over, converted).
  bool all_state_dirty_ = false;
  bool feed_state_dirty_ = false;
  bool fingerprint_waiting_ = false;  // a new "@unchanged" fingerprint, written only with other writes
  std::set<int64_t> dirty_chunks_;
  void MarkDirty(const ArticleRecord& r);
  bool all_months_dirty_ = false;
  std::set<std::string> dirty_months_;  // "YYYY-MM" pages to format again
  KeyIndex by_guid_;
  // Built on first need, also by const lookups (FindEntry).
  mutable KeyIndex by_link_, by_title_;
  mutable bool links_and_titles_indexed_ = false;
  // Parallel to state_.records once links and titles are indexed.
  mutable std::vector<KeyHashes> key_hashes_;
  // Records whose keys were computed, not found in the cache.
  mutable size_t keys_computed_ = 0;
  std::vector<PlannedWrite> pending_articles_;
};

// Keys that identify an article across runs.
std::string LinkKey(const std::string& link);
std::string TitleKey(const std::string& title);

}  // namespace nm

// What newsmirror remembers about one outlet between runs, as text in the mirror.
//
// state/{outlet}/ lives in the mirror repository, so a fresh clone carries
// everything the next run needs. feed.tsv holds a header and a few "@key"
// lines (the feed's validators for conditional GET); the records, one per
// archived article, are split by id into chunks of kStateChunkSize:
// state/{outlet}/{id / kStateChunkSize}.tsv, a header then records in
// descending id order. New articles get smaller ids, so they are appended to
// the newest chunk, and a run rewrites only the chunks whose records changed
// (and feed.tsv, which summarizes them, below): its cost follows the new
// work, not the archive's size. Fields are
// tab-separated; tab, newline, carriage return and backslash inside a field
// are escaped as \t \n \r \\.
//
// feed.tsv also summarizes the chunk files on one "@chunks" line (byte size
// and newest publication time of each), so a reader that wants only the
// newest records (the mirror's feeds, publish/mirror_feed.h) parses only the
// chunks that can hold them. A summary is trusted only while the file still
// has its size: a chunk written since (by a run that left feed.tsv alone, by
// an older newsmirror, which drops the line, or by hand) is read in full.
// feed.tsv is rewritten with the validators, or with chunks once more than
// kStaleChunkSummaries lack a true summary, so a run that adds a few articles
// still rewrites only the newest chunk, and one that changes nothing writes
// nothing. Older versions skip the line.
//
// feed.tsv may hold an "@unchanged" line, the fingerprint of the feed the
// last run read and its counts (pipeline/unchanged_feed.h); older versions
// skip it.
//
// feed.tsv also lists the feed's entries that could not be archived, one
// "@quarantine\t{entry key}\t{content hash}\t{attempts}\t{reason}" line each
// (outlet_archive.h says when they are tried again); older versions skip them.
//
// Mirrors written before the split hold one file, state/{outlet}.tsv (header,
// @ lines, all records). It is still read when the folder does not exist; the
// folder wins when both do (a run converts the outlet at its next write and
// deletes the old file in the same journal).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
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
  // 0: the file is in this repository. A year: the file moved with the
  // articles of that year to the archive repository {name}-{year}
  // (pipeline/rollover.h); the record stays, so the article is still known
  // (never archived again) and its id never reused. Stored as an eighth
  // column only when set, so records of a mirror that never rolled over are
  // unchanged (older versions ignore the column, and drop it when they
  // rewrite the chunk).
  int archive_year = 0;
};

struct FeedValidators {
  std::string url;            // the validators belong to this feed URL only
  std::string etag;
  std::string last_modified;
  // "@unchanged\t{fingerprint}\t{entries}\t{known}": the feed the last run
  // archived with nothing left to try again (pipeline/unchanged_feed.h), its
  // entry count and how many of them are archived; fingerprint "" when none.
  // Not bound to `url`: it covers the URL itself.
  std::string fingerprint;
  int fingerprint_entries = 0;
  int fingerprint_known = 0;

  // The parts a conditional request sends, and the "@unchanged" parts.
  bool SameRequestValidators(const FeedValidators& o) const {
    return url == o.url && etag == o.etag && last_modified == o.last_modified;
  }
  bool SameFingerprint(const FeedValidators& o) const {
    return fingerprint == o.fingerprint && fingerprint_entries == o.fingerprint_entries &&
           fingerprint_known == o.fingerprint_known;
  }
};

// What feed.tsv's "@chunks" line says of one chunk file.
struct ChunkSummary {
  int64_t bytes = 0;                    // size of the file's text
  std::optional<int64_t> newest_ms;     // latest published_ms among its records; none when empty
  bool operator==(const ChunkSummary&) const = default;
};

// A feed entry that could not be archived (archive/outlet_archive.h), kept
// in feed.tsv as "@quarantine" lines so the next runs know it.
struct QuarantinedEntry {
  std::string content_hash;   // the entry as it failed; a changed entry is tried afresh
  int attempts = 0;
  std::string reason;
  bool operator==(const QuarantinedEntry&) const = default;
};

struct OutletState {
  FeedValidators validators;
  std::map<std::string, QuarantinedEntry> quarantine;  // by entry key (in feed.tsv)
  std::vector<ArticleRecord> records;  // descending id
  // By chunk. ParseOutletState fills it from an "@chunks" line as stored;
  // ReadOutletState replaces it with the summary of the chunk files it read
  // (each file's real size and newest record; a file holding records of
  // another chunk is left out) and moves feed.tsv's into `stored_chunks`.
  std::map<int64_t, ChunkSummary> chunks;
  std::map<int64_t, ChunkSummary> stored_chunks;
};

// Records per chunk file.
inline constexpr int64_t kStateChunkSize = 100;

// Chunks whose summary in feed.tsv may be missing or stale before a write
// brings feed.tsv up to date (each is parsed whole by the feeds' planning).
inline constexpr size_t kStaleChunkSummaries = 2;

// The chunk that holds the record of article `id` (floor division).
int64_t StateChunkOf(int64_t id);

// The whole state as one text (the old single-file format; also what
// ParseOutletState reads from any state file: feed.tsv, a chunk or an old file).
// A record whose file column is no file name of the mirror (layout.h:
// "../x", "a/b", …) is an error naming its line, like a damaged one.
std::string SerializeOutletState(const OutletState& state);
Result<OutletState> ParseOutletState(std::string_view text);

// feed.tsv's text: header, validators, the chunk summaries and the
// quarantined entries.
std::string SerializeFeedState(const FeedValidators& validators,
                               const std::map<int64_t, ChunkSummary>& chunks = {},
                               const std::map<std::string, QuarantinedEntry>& quarantine = {});
// One chunk file's text: header and the records of `state` in `chunk`;
// `summary` (optional) receives its size and newest record.
std::string SerializeStateChunk(const OutletState& state, int64_t chunk, ChunkSummary* summary = nullptr);

// The files' paths are named by layout/layout.h (OutletStateDir,
// OutletFeedStatePath, OutletStateChunkPath, LegacyOutletStatePath).

// The outlet a path relative to the root belongs to when it is one of the
// state files above (not the completion state), else nullopt.
std::optional<std::string> OutletOfStatePath(std::string_view path);

// Files a run is about to write (path relative to the root → new text): read
// instead of the disk, and their outlets are part of the mirror.
using FileOverlay = std::map<std::string, std::string_view>;

// The text of `rel` (relative to the root): from the overlay, else the disk.
Result<std::string> ReadThroughOverlay(const std::string& root, const std::string& rel, const FileOverlay& overlay);

// Outlets with state in the mirror: folders state/{outlet}/, old
// state/{outlet}.tsv files, and state paths in `overlay`.
std::set<std::string> ListStateOutlets(const std::string& root, const FileOverlay& overlay = {});

// How an outlet's state was found.
enum class StateLayout { kNone, kLegacyFile, kFolder };

// One file of an outlet's folder state, for readers that read only some.
struct StateFile {
  std::string path;                     // relative to the root
  std::optional<int64_t> chunk;         // set for "{chunk}.tsv"
  // feed.tsv's summary of the file, when one is stored and the file (on
  // disk or in the overlay) still has the size it gives.
  std::optional<ChunkSummary> summary;
};

// The .tsv files of state/{outlet}/ (overlay included), feed.tsv's parsed
// text in *feed. NotFound when the outlet has no state folder (none, or only
// the old single file).
Result<std::vector<StateFile>> ListOutletStateFiles(const std::string& root, std::string_view outlet,
                                                    const FileOverlay& overlay, OutletState* feed);

// The validators in state/{outlet}/feed.tsv alone, without reading a chunk:
// what a conditional request needs. NotFound when there is no feed.tsv (no
// state, or state in the old single file).
Result<FeedValidators> ReadFeedValidators(const std::string& root, std::string_view outlet);

// Reads one outlet's state from the mirror (the overlay before the disk),
// records in descending id order. NotFound when the outlet has no state;
// *layout (optional) tells which form was read.
Result<OutletState> ReadOutletState(const std::string& root, std::string_view outlet,
                                    const FileOverlay& overlay = {}, StateLayout* layout = nullptr);

}  // namespace nm

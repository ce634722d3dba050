#include "state/outlet_state.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "layout/layout.h"
#include "util/fs.h"

namespace nm {

namespace {

constexpr std::string_view kHeader =
    "# newsmirror state v1: id\tpublished_ms\tblob\tfile\tguid\tlink\ttitle";
constexpr std::string_view kFeedHeader = "# newsmirror state v2: feed validators (@key\tvalue)";
constexpr std::string_view kChunkHeader =
    "# newsmirror state v2: id\tpublished_ms\tblob\tfile\tguid\tlink\ttitle";

void AppendEscaped(std::string& out, std::string_view field) {
  for (char c : field) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out.push_back(c);
    }
  }
}

std::string Unescape(std::string_view field) {
  if (field.find('\\') == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) {
      char n = field[++i];
      out.push_back(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

// 64 lowercase hex digits; anything else in an "@unchanged" line (a damaged
// or hand-edited file) is no fingerprint, so the feed is parsed.
bool IsFingerprint(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool ParseInt(std::string_view s, int64_t& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

void AppendMeta(std::string& out, const FeedValidators& v) {
  auto meta = [&out](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    out.push_back('@');
    out.append(key).push_back('\t');
    AppendEscaped(out, value);
    out.push_back('\n');
  };
  meta("url", v.url);
  meta("etag", v.etag);
  meta("last_modified", v.last_modified);
  if (!v.fingerprint.empty()) {
    out += "@unchanged\t" + v.fingerprint + "\t" + std::to_string(v.fingerprint_entries) + "\t" +
           std::to_string(v.fingerprint_known) + "\n";
  }
}

void AppendQuarantine(std::string& out, const std::map<std::string, QuarantinedEntry>& quarantine) {
  for (const auto& [key, q] : quarantine) {
    out += "@quarantine";
    for (std::string_view f : {std::string_view(key), std::string_view(q.content_hash)}) {
      out.push_back('\t');
      AppendEscaped(out, f);
    }
    out.push_back('\t');
    out += std::to_string(q.attempts);
    out.push_back('\t');
    AppendEscaped(out, q.reason);
    out.push_back('\n');
  }
}

void AppendRecord(std::string& out, const ArticleRecord& r) {
  out += std::to_string(r.id);
  out.push_back('\t');
  out += std::to_string(r.published_ms);
  for (const std::string* f : {&r.blob, &r.file, &r.guid, &r.link, &r.title}) {
    out.push_back('\t');
    AppendEscaped(out, *f);
  }
  if (r.archive_year != 0) {
    out.push_back('\t');
    out += std::to_string(r.archive_year);
  }
  out.push_back('\n');
}

bool EndsWith(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

bool DescendingId(const ArticleRecord& a, const ArticleRecord& b) { return a.id > b.id; }

// "{chunk}:{bytes}:{newest_ms}" items, comma-separated; newest_ms is empty for
// a chunk without records.
void AppendChunks(std::string& out, const std::map<int64_t, ChunkSummary>& chunks) {
  if (chunks.empty()) return;
  out += "@chunks\t";
  bool first = true;
  for (const auto& [chunk, summary] : chunks) {
    if (!first) out.push_back(',');
    first = false;
    out += std::to_string(chunk);
    out.push_back(':');
    out += std::to_string(summary.bytes);
    out.push_back(':');
    if (summary.newest_ms) out += std::to_string(*summary.newest_ms);
  }
  out.push_back('\n');
}

// A damaged item is left out: its chunk is then read in full.
std::map<int64_t, ChunkSummary> ParseChunks(std::string_view value) {
  std::map<int64_t, ChunkSummary> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    size_t c1 = item.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : item.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    int64_t chunk = 0, bytes = 0, newest = 0;
    if (!ParseInt(item.substr(0, c1), chunk) || !ParseInt(item.substr(c1 + 1, c2 - c1 - 1), bytes)) continue;
    ChunkSummary summary{bytes, std::nullopt};
    std::string_view newest_text = item.substr(c2 + 1);
    if (!newest_text.empty()) {
      if (!ParseInt(newest_text, newest)) continue;
      summary.newest_ms = newest;
    }
    out[chunk] = summary;
  }
  return out;
}

// The chunk a file name "{chunk}.tsv" names, written as newsmirror writes it.
std::optional<int64_t> ChunkOfFileName(std::string_view name) {
  if (!EndsWith(name, ".tsv")) return std::nullopt;
  std::string_view digits = name.substr(0, name.size() - 4);
  int64_t chunk = 0;
  if (!ParseInt(digits, chunk) || std::to_string(chunk) != digits) return std::nullopt;
  return chunk;
}

// The .tsv files (path → size) of the state folder `dir` on disk: none when
// there is no folder there (or a file, as a damaged mirror may hold). A link,
// in the folder's place or under a .tsv name in it, is an error: its records
// would be read from outside the mirror, and rewritten there.
Result<std::map<std::string, int64_t>> StateFolderFiles(const std::string& root, const std::string& dir) {
  std::map<std::string, int64_t> files;
  auto kind = KindBelow(root, dir);
  if (!kind.ok()) return kind.status();
  if (*kind == PathKind::kMissing || *kind == PathKind::kFile) return files;
  if (*kind != PathKind::kFolder) return RefusedEntry(root, dir, *kind);
  auto entries = ListFolderBelow(root, dir);
  if (!entries.ok()) return entries.status();
  for (const FolderEntry& e : *entries) {
    if (!EndsWith(e.name, ".tsv") || e.kind == PathKind::kFolder) continue;
    if (e.kind != PathKind::kFile) return RefusedEntry(root, dir + "/" + e.name, e.kind);
    files[dir + "/" + e.name] = e.size;
  }
  return files;
}

// The summary of one chunk file's text and records; nullopt when a record
// belongs to another chunk (such a file is always read in full).
std::optional<ChunkSummary> Summarize(int64_t chunk, size_t bytes, const std::vector<ArticleRecord>& records) {
  ChunkSummary summary{static_cast<int64_t>(bytes), std::nullopt};
  for (const ArticleRecord& r : records) {
    if (StateChunkOf(r.id) != chunk) return std::nullopt;
    if (!summary.newest_ms || r.published_ms > *summary.newest_ms) summary.newest_ms = r.published_ms;
  }
  return summary;
}

}  // namespace

int64_t StateChunkOf(int64_t id) {
  int64_t q = id / kStateChunkSize;
  return id % kStateChunkSize < 0 ? q - 1 : q;
}

std::optional<std::string> OutletOfStatePath(std::string_view path) {
  auto file = layout::ParseMirrorPath(path);
  if (!file) return std::nullopt;
  using Kind = layout::MirrorFile::Kind;
  if (file->kind != Kind::kStateFile && file->kind != Kind::kLegacyState) return std::nullopt;
  return file->outlet;
}

std::string SerializeOutletState(const OutletState& state) {
  std::string out;
  out.reserve(128 + state.records.size() * 200);
  out.append(kHeader).push_back('\n');
  AppendMeta(out, state.validators);
  AppendQuarantine(out, state.quarantine);
  for (const ArticleRecord& r : state.records) AppendRecord(out, r);
  return out;
}

std::string SerializeFeedState(const FeedValidators& validators, const std::map<int64_t, ChunkSummary>& chunks,
                               const std::map<std::string, QuarantinedEntry>& quarantine) {
  std::string out(kFeedHeader);
  out.push_back('\n');
  AppendMeta(out, validators);
  AppendChunks(out, chunks);
  AppendQuarantine(out, quarantine);
  return out;
}

std::string SerializeStateChunk(const OutletState& state, int64_t chunk, ChunkSummary* summary) {
  // Records are in descending id order: the chunk is one contiguous run.
  // Compared by chunk, not by id bounds: chunk * kStateChunkSize overflows for
  // the extreme ids a damaged state file may hold.
  const auto& records = state.records;
  auto first = std::partition_point(records.begin(), records.end(),
                                    [&](const ArticleRecord& r) { return StateChunkOf(r.id) > chunk; });
  auto last = std::partition_point(first, records.end(),
                                   [&](const ArticleRecord& r) { return StateChunkOf(r.id) >= chunk; });
  std::string out(kChunkHeader);
  out.push_back('\n');
  out.reserve(out.size() + static_cast<size_t>(last - first) * 200);
  for (auto it = first; it != last; ++it) AppendRecord(out, *it);
  if (summary) {
    *summary = ChunkSummary{static_cast<int64_t>(out.size()), std::nullopt};
    for (auto it = first; it != last; ++it) {
      if (!summary->newest_ms || it->published_ms > *summary->newest_ms) summary->newest_ms = it->published_ms;
    }
  }
  return out;
}

Result<OutletState> ParseOutletState(std::string_view text) {
  OutletState state;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    // A record has 7 fields (a later version's extra columns are ignored):
    // the first 8 are enough to tell, and need no allocation.
    std::array<std::string_view, 8> fields;
    size_t count = 0, start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      fields[count++] = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
      if (tab == std::string_view::npos || count == fields.size()) break;
      start = tab + 1;
    }
    if (line[0] == '@') {
      int64_t attempts = 0;
      if (fields[0] == "@quarantine" && count == 5 && ParseInt(fields[3], attempts) && attempts > 0) {
        QuarantinedEntry& q = state.quarantine[Unescape(fields[1])];
        q.content_hash = Unescape(fields[2]);
        q.attempts = static_cast<int>(std::min<int64_t>(attempts, 1000));
        q.reason = Unescape(fields[4]);
        continue;
      }
      int64_t entries = 0, known = 0;
      if (fields[0] == "@unchanged" && count == 4 && IsFingerprint(fields[1]) && ParseInt(fields[2], entries) &&
          ParseInt(fields[3], known) && entries >= 0 && known >= 0 && known <= entries && entries <= 1'000'000) {
        state.validators.fingerprint = std::string(fields[1]);
        state.validators.fingerprint_entries = static_cast<int>(entries);
        state.validators.fingerprint_known = static_cast<int>(known);
        continue;
      }
      if (count != 2) continue;  // a key a later version added, or a damaged line; skip
      std::string_view key = fields[0].substr(1);
      std::string value = Unescape(fields[1]);
      if (key == "url") state.validators.url = value;
      else if (key == "etag") state.validators.etag = value;
      else if (key == "last_modified") state.validators.last_modified = value;
      else if (key == "chunks") state.chunks = ParseChunks(value);
      continue;
    }
    ArticleRecord r;
    if (count < 7 || !ParseInt(fields[0], r.id) || !ParseInt(fields[1], r.published_ms)) {
      return Status::Corruption("line " + std::to_string(line_no) + " is not a valid record");
    }
    r.blob = Unescape(fields[2]);
    r.file = Unescape(fields[3]);
    // The file column names articles/{outlet}/{file}: checked on read as on
    // write (layout.h), so a hostile row cannot point a write outside.
    if (Status s = layout::CheckFileName(r.file); !s.ok()) {
      return Status::Corruption("line " + std::to_string(line_no) + ": the file column \"" + r.file +
                                "\" cannot be an article's file name: " + s.message());
    }
    r.guid = Unescape(fields[4]);
    r.link = Unescape(fields[5]);
    r.title = Unescape(fields[6]);
    if (count == 8) {
      // The archive year (a later version's further columns after it).
      std::string_view year = fields[7].substr(0, fields[7].find('\t'));
      int64_t y = 0;
      if (!year.empty() && (!ParseInt(year, y) || y < 1 || y > 9999)) {
        return Status::Corruption("line " + std::to_string(line_no) + ": the archive year \"" + std::string(year) +
                                  "\" is not a year");
      }
      r.archive_year = static_cast<int>(y);
    }
    state.records.push_back(std::move(r));
  }
  if (!std::is_sorted(state.records.begin(), state.records.end(), DescendingId)) {
    std::sort(state.records.begin(), state.records.end(), DescendingId);
  }
  return state;
}

Result<std::string> ReadThroughOverlay(const std::string& root, const std::string& rel, const FileOverlay& overlay) {
  if (auto it = overlay.find(rel); it != overlay.end()) return std::string(it->second);
  return ReadFileBelow(root, rel);
}

std::set<std::string> ListStateOutlets(const std::string& root, const FileOverlay& overlay) {
  std::set<std::string> names;
  // Only names the layout accepts are outlets; a link is none.
  if (auto entries = ListFolderBelow(root, layout::StateDir()); entries.ok()) {
    for (const FolderEntry& e : *entries) {
      if (e.kind == PathKind::kFolder && layout::CheckOutletName(e.name).ok()) names.insert(e.name);
      if (e.kind != PathKind::kFile) continue;
      if (auto outlet = OutletOfStatePath(layout::StateDir() + "/" + e.name)) names.insert(*outlet);
    }
  }
  for (const auto& [path, text] : overlay) {
    if (auto outlet = OutletOfStatePath(path)) names.insert(*outlet);
  }
  return names;
}

Result<FeedValidators> ReadFeedValidators(const std::string& root, std::string_view outlet) {
  const std::string path = layout::OutletFeedStatePath(outlet);
  auto text = ReadFileBelow(root, path);
  if (!text.ok()) return text.status();
  auto parsed = ParseOutletState(*text);
  if (!parsed.ok()) return parsed.status().With(path);
  return parsed->validators;
}

Result<OutletState> ReadOutletState(const std::string& root, std::string_view outlet, const FileOverlay& overlay,
                                    StateLayout* layout) {
  const std::string dir = layout::OutletStateDir(outlet);
  const std::string prefix = dir + "/";
  std::set<std::string> files;
  auto on_disk = StateFolderFiles(root, dir);
  if (!on_disk.ok()) return on_disk.status();
  for (const auto& [path, size] : *on_disk) files.insert(path);
  for (auto it = overlay.lower_bound(prefix); it != overlay.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (OutletOfStatePath(it->first)) files.insert(it->first);
  }
  if (files.empty()) {
    std::string legacy = layout::LegacyOutletStatePath(outlet);
    auto text = ReadThroughOverlay(root, legacy, overlay);
    if (!text.ok()) {
      if (layout) *layout = StateLayout::kNone;
      return text.status();
    }
    auto parsed = ParseOutletState(*text);
    if (!parsed.ok()) return parsed.status().With(legacy);
    if (layout) *layout = StateLayout::kLegacyFile;
    return parsed;
  }
  OutletState state;
  // Names of equal length sort like their chunks: newest (smallest) last.
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    auto text = ReadThroughOverlay(root, *it, overlay);
    if (!text.ok()) return text.status();
    auto parsed = ParseOutletState(*text);
    if (!parsed.ok()) return parsed.status().With(*it);
    if (auto chunk = ChunkOfFileName(std::string_view(*it).substr(prefix.size()))) {
      if (auto summary = Summarize(*chunk, text->size(), parsed->records)) state.chunks[*chunk] = *summary;
    } else if (*it == prefix + "feed.tsv") {
      state.stored_chunks = std::move(parsed->chunks);
      state.quarantine = std::move(parsed->quarantine);
    }
    if (!parsed->validators.url.empty() || !parsed->validators.etag.empty() ||
        !parsed->validators.last_modified.empty() || !parsed->validators.fingerprint.empty()) {
      state.validators = parsed->validators;
    }
    if (state.records.empty()) state.records = std::move(parsed->records);
    else state.records.insert(state.records.end(), std::make_move_iterator(parsed->records.begin()),
                              std::make_move_iterator(parsed->records.end()));
  }
  auto& records = state.records;
  if (!std::is_sorted(records.begin(), records.end(), DescendingId)) {
    std::stable_sort(records.begin(), records.end(), DescendingId);
  }
  // A record copied by hand into a second chunk is read once.
  records.erase(std::unique(records.begin(), records.end(),
                            [](const ArticleRecord& a, const ArticleRecord& b) { return a.id == b.id; }),
                records.end());
  if (layout) *layout = StateLayout::kFolder;
  return state;
}

Result<std::vector<StateFile>> ListOutletStateFiles(const std::string& root, std::string_view outlet,
                                                    const FileOverlay& overlay, OutletState* feed) {
  const std::string dir = layout::OutletStateDir(outlet);
  const std::string prefix = dir + "/";
  // Path → size, the overlay before the disk.
  auto on_disk = StateFolderFiles(root, dir);
  if (!on_disk.ok()) return on_disk.status();
  std::map<std::string, int64_t> sizes = std::move(on_disk).value();
  for (auto it = overlay.lower_bound(prefix); it != overlay.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (OutletOfStatePath(it->first)) sizes[it->first] = static_cast<int64_t>(it->second.size());
  }
  if (sizes.empty()) return Status::NotFound("no state folder " + dir);
  *feed = OutletState();
  const std::string feed_path = layout::OutletFeedStatePath(outlet);
  if (sizes.count(feed_path)) {
    auto text = ReadThroughOverlay(root, feed_path, overlay);
    if (!text.ok()) return text.status();
    auto parsed = ParseOutletState(*text);
    if (!parsed.ok()) return parsed.status().With(feed_path);
    *feed = std::move(parsed).value();
  }
  std::vector<StateFile> files;
  for (const auto& [path, size] : sizes) {
    StateFile f;
    f.path = path;
    f.chunk = ChunkOfFileName(std::string_view(path).substr(prefix.size()));
    if (f.chunk) {
      auto known = feed->chunks.find(*f.chunk);
      if (known != feed->chunks.end() && known->second.bytes == size) f.summary = known->second;
    }
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace nm

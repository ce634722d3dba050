#include "archive/outlet_archive.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/uvernum.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "archive/article.h"
#include "archive/file_name.h"
#include "archive/list_page.h"
#include "html/image_rewrite.h"
#include "url/url.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

namespace fs = std::filesystem;

std::string LinkKey(const std::string& link) {
  if (link.empty()) return {};
  // The stored form (so an archived link and a feed's spelling of it agree),
  // or for a link that has none, the link normalized as far as it can be.
  std::string url = ArchiveLink(link);
  if (url.empty()) url = NormalizeUrl(link).value_or(link);
  // http and https, a fragment, and utm_ tracking parameters do not make another article.
  size_t hash = url.find('#');
  if (hash != std::string::npos) url.resize(hash);
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) url.erase(0, scheme + 3);
  size_t q = url.find('?');
  if (q != std::string::npos) {
    std::string query = url.substr(q + 1), kept;
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string param = query.substr(start, amp - start);
      if (!param.empty() && param.rfind("utm_", 0) != 0) {
        if (!kept.empty()) kept += '&';
        kept += param;
      }
      start = amp + 1;
    }
    url.resize(q);
    if (!kept.empty()) url += "?" + kept;
  }
  return url;
}

std::string TitleKey(const std::string& title) {
  if (title.empty()) return {};
  // NFKC case folding makes full-width and half-width forms and letter case
  // equal; white space of any kind is dropped.
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(title);
  if (U_SUCCESS(err)) {
    icu::UnicodeString folded = nfkc_cf->normalize(s, err);
    if (U_SUCCESS(err)) s = folded;
  }
  icu::UnicodeString compact;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    if (!u_isUWhiteSpace(c) && c != 0xFEFF) compact.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  compact.toUTF8String(out);
  return out;
}

Result<OutletArchive> OutletArchive::Load(const std::string& root, const std::string& outlet) {
  OutletArchive a;
  a.root_ = root;
  a.outlet_ = outlet;
  StateLayout layout = StateLayout::kNone;
  auto state = ReadOutletState(root, outlet, {}, &layout);
  if (state.ok()) {
    a.state_ = std::move(state).value();
    a.legacy_state_ = layout == StateLayout::kLegacyFile;
    a.folder_state_ = layout == StateLayout::kFolder;
  } else if (state.status().kind() != Status::Kind::kNotFound) {
    return state.status().With(root);
  } else {
    std::string folder = root + "/articles/" + outlet;
    std::error_code ec;
    if (fs::is_directory(folder, ec)) {
      Status s = a.TakeOver(folder);
      if (!s.ok()) return s;
    }
  }
  a.by_guid_.reserve(a.state_.records.size());
  for (size_t i = 0; i < a.state_.records.size(); ++i) a.Index(i);
  return a;
}

void OutletArchive::MarkDirty(const ArticleRecord& r) { dirty_chunks_.insert(StateChunkOf(r.id)); }

Status OutletArchive::TakeOver(const std::string& folder) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    auto id = ArticleIdFromFileName(name);
    if (!id || !it->is_regular_file()) continue;
    auto text = ReadFile(it->path().string());
    if (!text.ok()) return text.status();
    ArticleRecord r;
    r.id = *id;
    r.file = name;
    r.blob = GitBlobId(*text);
    auto doc = ParseArticle(*text);
    if (doc.ok()) {
      r.published_ms = doc->published_ms;
      r.title = doc->title;
      r.link = doc->link;
    }
    // A file whose header cannot be read still holds its id, so numbering
    // never reuses it.
    state_.records.push_back(std::move(r));
  }
  if (ec) return Status::IoError("cannot read folder " + folder + ": " + ec.message());
  std::sort(state_.records.begin(), state_.records.end(),
            [](const ArticleRecord& a, const ArticleRecord& b) { return a.id > b.id; });
  taken_over_ = true;
  all_state_dirty_ = true;
  all_months_dirty_ = true;
  return Status::Ok();
}

namespace {
uint64_t KeyHash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// How a key is indexed; 0 stands for "no key" (a key hashing to 0 is indexed as 1).
uint64_t StoredKeyHash(const std::string& key) {
  if (key.empty()) return 0;
  uint64_t h = KeyHash(key);
  return h == 0 ? 1 : h;
}

// The key cache: a header naming what the keys depend on (this format, the
// key rules, ICU's version and the hash function), then one entry per record
// in descending id order.
constexpr uint32_t kKeyRulesVersion = 2;  // 2: link keys of ArchiveLink's form
struct CacheEntry {
  int64_t id;
  uint64_t link, title, link_key, title_key;
};

std::string KeyCacheHeader() {
  return "newsmirror keys v1 rules " + std::to_string(kKeyRulesVersion) + " icu " U_ICU_VERSION " hash " +
         std::to_string(KeyHash("newsmirror")) + "\n";
}

std::string KeyCachePath(const std::string& root, const std::string& outlet) {
  return root + "/.newsmirror/keys/" + outlet + ".bin";
}

// The record behind `key` in `index`, if `matches` confirms one.
template <typename Matches>
long Lookup(const std::unordered_multimap<uint64_t, uint32_t>& index, const std::string& key, Matches matches) {
  if (key.empty()) return -1;
  auto [begin, end] = index.equal_range(StoredKeyHash(key));
  for (auto it = begin; it != end; ++it) {
    if (matches(it->second)) return static_cast<long>(it->second);
  }
  return -1;
}

void AddKey(std::unordered_multimap<uint64_t, uint32_t>& index, const std::string& key, size_t i) {
  if (key.empty()) return;
  uint64_t h = StoredKeyHash(key);
  auto [begin, end] = index.equal_range(h);
  for (auto it = begin; it != end; ++it) {
    if (it->second == i) return;
  }
  index.emplace(h, static_cast<uint32_t>(i));
}
}  // namespace

OutletArchive::KeyHashes OutletArchive::ComputeKeys(const ArticleRecord& r) const {
  ++keys_computed_;
  return {KeyHash(r.link), KeyHash(r.title), StoredKeyHash(LinkKey(r.link)), StoredKeyHash(TitleKey(r.title))};
}

namespace {
void AddKeyHash(std::unordered_multimap<uint64_t, uint32_t>& index, uint64_t h, size_t i) {
  if (h == 0) return;
  auto [begin, end] = index.equal_range(h);
  for (auto it = begin; it != end; ++it) {
    if (it->second == i) return;
  }
  index.emplace(h, static_cast<uint32_t>(i));
}
}  // namespace

void OutletArchive::Index(size_t i) {
  const ArticleRecord& r = state_.records[i];
  AddKey(by_guid_, r.guid, i);
  if (links_and_titles_indexed_) {
    if (key_hashes_.size() <= i) key_hashes_.resize(i + 1);
    KeyHashes& k = key_hashes_[i];
    if (k.link != KeyHash(r.link) || k.title != KeyHash(r.title) || (k.link_key == 0 && k.title_key == 0)) {
      k = ComputeKeys(r);
    }
    AddKeyHash(by_link_, k.link_key, i);
    AddKeyHash(by_title_, k.title_key, i);
  }
}

void OutletArchive::IndexLinksAndTitles() const {
  if (links_and_titles_indexed_) return;
  links_and_titles_indexed_ = true;
  const auto& records = state_.records;
  by_link_.reserve(records.size());
  by_title_.reserve(records.size());
  // Room for a run's new articles without doubling the vector.
  key_hashes_.reserve(records.size() + records.size() / 16 + 64);
  key_hashes_.assign(records.size(), {});
  // Keys from the cache where its entry still matches the record's link and
  // title; both lists are in descending id order.
  std::string_view cached;
  auto text = ReadFile(KeyCachePath(root_, outlet_));
  const std::string header = KeyCacheHeader();
  if (text.ok() && text->compare(0, header.size(), header) == 0 &&
      (text->size() - header.size()) % sizeof(CacheEntry) == 0) {
    cached = std::string_view(*text).substr(header.size());
  }
  size_t n = cached.size() / sizeof(CacheEntry), c = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const ArticleRecord& r = records[i];
    CacheEntry e{};
    while (c < n) {
      std::memcpy(&e, cached.data() + c * sizeof(CacheEntry), sizeof e);
      if (e.id <= r.id) break;
      ++c;
    }
    KeyHashes& k = key_hashes_[i];
    if (c < n && e.id == r.id && e.link == KeyHash(r.link) && e.title == KeyHash(r.title)) {
      k = {e.link, e.title, e.link_key, e.title_key};
    } else {
      k = ComputeKeys(r);
    }
    AddKeyHash(by_link_, k.link_key, i);
    AddKeyHash(by_title_, k.title_key, i);
  }
}

void OutletArchive::SaveKeyCache() const {
  // Missing keys cost a fold each at the next lookup; the file, a write of
  // every record's entry. Written when the missing ones pass a sixteenth of
  // the archive (and a floor, so a small archive is not rewritten every run).
  if (!links_and_titles_indexed_ || keys_computed_ < std::max<size_t>(64, state_.records.size() / 16)) return;
  const auto& records = state_.records;
  // New records were appended (smallest ids last): the order is still descending.
  std::string out = KeyCacheHeader();
  out.reserve(out.size() + records.size() * sizeof(CacheEntry));
  for (size_t i = 0; i < records.size() && i < key_hashes_.size(); ++i) {
    const KeyHashes& k = key_hashes_[i];
    if (i > 0 && records[i].id >= records[i - 1].id) break;
    CacheEntry e{records[i].id, k.link, k.title, k.link_key, k.title_key};
    out.append(reinterpret_cast<const char*>(&e), sizeof e);
  }
  std::string path = KeyCachePath(root_, outlet_);
  if (MakeDirs(fs::path(path).parent_path().string()).ok()) (void)WriteFileAtomic(path, out, false);
  keys_computed_ = 0;
}

long OutletArchive::Find(const std::string& guid, const std::string& link_key, const std::string& title_key) const {
  const auto& records = state_.records;
  long found = Lookup(by_guid_, guid, [&](uint32_t i) { return records[i].guid == guid; });
  if (found >= 0 || (link_key.empty() && title_key.empty())) return found;
  IndexLinksAndTitles();
  found = Lookup(by_link_, link_key, [&](uint32_t i) { return LinkKey(records[i].link) == link_key; });
  if (found >= 0) return found;
  return Lookup(by_title_, title_key, [&](uint32_t i) { return TitleKey(records[i].title) == title_key; });
}

namespace {

// What identifies an entry: its guid, link key and title key, as Merge uses them.
struct EntryKeys {
  std::string title, link, guid, link_key, title_key;
};

EntryKeys KeysOf(const Entry& e) {
  EntryKeys k;
  k.title = CleanTitle(e.title);
  // What is stored and published: http(s) only, without credentials.
  k.link = ArchiveLink(JsTrim(e.link));
  k.guid = std::string(JsTrim(e.id));
  k.link_key = LinkKey(k.link);
  k.title_key = TitleKey(k.title);
  return k;
}

}  // namespace

const ArticleRecord* OutletArchive::FindEntry(const Entry& entry) const {
  EntryKeys k = KeysOf(entry);
  long found = Find(k.guid, k.link_key, k.title_key);
  return found < 0 ? nullptr : &state_.records[static_cast<size_t>(found)];
}

void OutletArchive::SetValidators(const FeedValidators& v) {
  if (v.url != state_.validators.url || v.etag != state_.validators.etag ||
      v.last_modified != state_.validators.last_modified) {
    state_.validators = v;
    feed_state_dirty_ = true;
  }
}

MergeStats OutletArchive::Merge(const std::vector<Entry>& entries, int64_t now_ms,
                                const ArchiveOptions& options) {
  MergeStats stats;
  struct Candidate {
    const Entry* entry;
    int64_t when;
  };
  std::vector<Candidate> order;
  order.reserve(entries.size());
  for (const Entry& e : entries) {
    std::optional<int64_t> when;
    for (const std::optional<Date>* d : {&e.published, &e.updated, &e.created}) {
      if (d->has_value() && (*d)->ms) {
        when = (*d)->ms;
        break;
      }
    }
    if (!when) {
      std::string shown = e.published ? " (\"" + e.published->text + "\")" : "";
      stats.warnings.push_back("no usable date" + shown + " for \"" + CleanTitle(e.title) +
                               "\"; using the time it was first seen");
    }
    order.push_back({&e, when.value_or(now_ms)});
  }
  // Oldest first, so the newest new article gets the smallest id.
  std::stable_sort(order.begin(), order.end(),
                   [](const Candidate& a, const Candidate& b) { return a.when < b.when; });

  std::string folder = "articles/" + outlet_ + "/";
  for (const Candidate& c : order) {
    const Entry& e = *c.entry;
    auto [title, link, guid, link_key, title_key] = KeysOf(e);
    if (guid.empty() && link_key.empty() && title_key.empty()) {
      ++stats.skipped;
      stats.warnings.push_back("skipped an entry with no id, link or title");
      continue;
    }
    std::string content = FlattenContent(RewriteImages(e.content, options.image_proxy, link));
    long found = Find(guid, link_key, title_key);
    if (found >= 0) {
      ArticleRecord& r = state_.records[static_cast<size_t>(found)];
      std::string text = FormatArticle({r.published_ms, title, link, content});
      std::string blob = GitBlobId(text);
      bool restore = false;
      if (blob == r.blob) {
        // The file must still be there: a run killed at the wrong moment or a
        // hand-deleted file is restored from the feed.
        std::error_code ec;
        restore = !fs::exists(root_ + "/" + folder + r.file, ec);
        if (restore) stats.warnings.push_back("restored missing file " + folder + r.file);
        else ++stats.unchanged;
      } else {
        ++stats.updated;
      }
      if (blob != r.blob || restore) {
        r.title = title;
        r.link = link;
        r.blob = blob;
        if (restore) ++stats.updated;
        pending_articles_.push_back({folder + r.file, std::move(text)});
        dirty_months_.insert(YearMonth(r.published_ms, options.list_utc_offset_minutes));
        MarkDirty(r);
      }
      if (r.guid.empty() && !guid.empty()) {
        r.guid = guid;
        MarkDirty(r);
      }
      Index(static_cast<size_t>(found));
      continue;
    }
    ArticleRecord r;
    r.id = state_.records.empty() ? kFirstArticleId : state_.records.back().id - 1;
    r.published_ms = c.when;
    r.file = ArticleFileName(r.id, title);
    r.guid = guid;
    r.link = link;
    r.title = title;
    std::string text = FormatArticle({r.published_ms, title, link, content});
    r.blob = GitBlobId(text);
    pending_articles_.push_back({folder + r.file, std::move(text)});
    dirty_months_.insert(YearMonth(r.published_ms, options.list_utc_offset_minutes));
    MarkDirty(r);
    state_.records.push_back(std::move(r));
    Index(state_.records.size() - 1);
    ++stats.new_articles;
  }
  return stats;
}

std::vector<PlannedWrite> OutletArchive::TakeWrites(const ArchiveOptions& options) {
  std::vector<PlannedWrite> writes = std::move(pending_articles_);
  pending_articles_.clear();
  bool state_changed = all_state_dirty_ || feed_state_dirty_ || !dirty_chunks_.empty();
  if (state_changed && !folder_state_) {
    // Converted in the same journal as the run's other files: a killed run
    // leaves either the old file or the complete folder.
    if (legacy_state_) writes.push_back({LegacyOutletStatePath(outlet_), "", /*remove=*/true});
    all_state_dirty_ = true;
    folder_state_ = true;
    legacy_state_ = false;
  }
  if (all_state_dirty_) {
    feed_state_dirty_ = true;
    state_.chunks.clear();
    for (const ArticleRecord& r : state_.records) dirty_chunks_.insert(StateChunkOf(r.id));
  }
  std::vector<PlannedWrite> chunk_writes;
  for (int64_t chunk : dirty_chunks_) {
    ChunkSummary summary;
    chunk_writes.push_back({OutletStateChunkPath(outlet_, chunk), SerializeStateChunk(state_, chunk, &summary)});
    state_.chunks[chunk] = summary;
  }
  // feed.tsv's chunk summaries (outlet_state.h) go with the validators, or
  // with the chunks once too many lack a true one (a run that changed nothing
  // still writes nothing, even in a mirror written before the summaries).
  size_t stale = 0;
  for (const auto& [chunk, summary] : state_.chunks) {
    auto stored = state_.stored_chunks.find(chunk);
    if (stored == state_.stored_chunks.end() || stored->second != summary) ++stale;
  }
  if (feed_state_dirty_ || (!chunk_writes.empty() && stale > kStaleChunkSummaries)) {
    writes.push_back({OutletFeedStatePath(outlet_), SerializeFeedState(state_.validators, state_.chunks)});
    state_.stored_chunks = state_.chunks;
  }
  for (PlannedWrite& w : chunk_writes) writes.push_back(std::move(w));
  all_state_dirty_ = feed_state_dirty_ = false;
  dirty_chunks_.clear();
  // A page is written only when its text differs from the file, so a run that
  // changed nothing writes nothing.
  auto plan = [&](std::string path, std::string page) {
    auto existing = ReadFile(root_ + "/" + path);
    if (!existing.ok() || *existing != page) writes.push_back({std::move(path), std::move(page)});
  };

  // Newest first by publication; among equal times the newer id (smaller) first.
  std::vector<const ArticleRecord*> sorted;
  sorted.reserve(state_.records.size());
  for (const ArticleRecord& r : state_.records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const ArticleRecord* a, const ArticleRecord* b) {
    if (a->published_ms != b->published_ms) return a->published_ms > b->published_ms;
    return a->id < b->id;
  });
  int offset = options.list_utc_offset_minutes;
  // Each month is a range of `sorted`. The month is a function of the local
  // day, so it is formatted once per day, not once per article.
  std::vector<std::string> months;
  std::vector<size_t> month_begin;
  int64_t last_day = 0;
  bool have_day = false;
  for (size_t k = 0; k < sorted.size(); ++k) {
    int64_t ms = sorted[k]->published_ms, local = 0;
    bool day_known = !__builtin_add_overflow(ms, static_cast<int64_t>(offset) * 60000, &local);
    int64_t day = local / 86400000 - (local % 86400000 < 0 ? 1 : 0);
    if (day_known && have_day && day == last_day) continue;
    have_day = day_known;
    last_day = day;
    std::string month = YearMonth(ms, offset);
    if (months.empty() || months.back() != month) {
      months.push_back(std::move(month));
      month_begin.push_back(k);
    }
  }
  month_begin.push_back(sorted.size());
  // Only months that gained or changed an article are formatted again, and
  // those whose page is missing (an archive written before monthly pages);
  // every month when the mirror's copies changed, which the list page shows.
  const std::string list_path = "lists/" + outlet_ + ".md";
  const std::string footer = MirrorCopiesMarkdown(options.mirrors);
  auto list_page = ReadFile(root_ + "/" + list_path);
  if (list_page.ok() && !ListPageHasFooter(*list_page, outlet_, footer)) all_months_dirty_ = true;
  std::error_code ec;
  for (size_t m = 0; m < months.size(); ++m) {
    std::string path = MonthPagePath(outlet_, months[m]);
    if (all_months_dirty_ || dirty_months_.count(months[m]) || !fs::exists(root_ + "/" + path, ec)) {
      std::vector<ListItem> items;
      items.reserve(month_begin[m + 1] - month_begin[m]);
      for (size_t k = month_begin[m]; k < month_begin[m + 1]; ++k) {
        items.push_back({sorted[k]->published_ms, sorted[k]->title, sorted[k]->file});
      }
      plan(path, FormatMonthPage(outlet_, months[m], items, offset, footer));
    }
  }
  all_months_dirty_ = false;
  dirty_months_.clear();

  size_t n = std::min(sorted.size(), static_cast<size_t>(std::max(0, options.list_size)));
  std::vector<ListItem> items;
  items.reserve(n);
  for (size_t i = 0; i < n; ++i) items.push_back({sorted[i]->published_ms, sorted[i]->title, sorted[i]->file});
  std::string page = FormatListPage(outlet_, items, offset, months, footer);
  if (!list_page.ok() || *list_page != page) writes.push_back({list_path, std::move(page)});
  return writes;
}

}  // namespace nm

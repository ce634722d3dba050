#include "archive/outlet_archive.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/uvernum.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

#include "archive/article.h"
#include "archive/file_name.h"
#include "archive/list_page.h"
#include "dates/date_parser.h"
#include "html/html_tree.h"
#include "html/image_rewrite.h"
#include "layout/layout.h"
#include "publish/checkout.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/test_pause.h"

namespace nm {

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
  // Nothing of the outlet is read or written through a link, or where a
  // file stands in for a folder (layout.h).
  if (Status s = layout::CheckOutletPaths(root, outlet); !s.ok()) return s;
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
    std::string folder = layout::ArticleDir(outlet);
    auto kind = KindBelow(root, folder);
    if (!kind.ok()) return kind.status();
    // A folder a sparse checkout leaves out is in HEAD's tree.
    if (*kind == PathKind::kFolder || (*kind == PathKind::kMissing && !CheckoutHoldsAll(root, folder))) {
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
  // The folder's files: the work tree's, and HEAD's where a sparse checkout
  // leaves the folder out (their blobs fetched at once for a partial clone).
  std::map<std::string, std::string> files;  // name -> blob id ("" = read it from the work tree)
  auto entries = ListFolderBelow(root_, folder);
  if (!entries.ok() && entries.status().kind() != Status::Kind::kNotFound) return entries.status();
  for (const FolderEntry& e : entries.ok() ? *entries : std::vector<FolderEntry>{}) {
    if (!ArticleIdFromFileName(e.name) || e.kind == PathKind::kFolder) continue;
    if (e.kind != PathKind::kFile) return RefusedEntry(root_, folder + "/" + e.name, e.kind);
    files[e.name] = "";
  }
  if (!CheckoutHoldsAll(root_, folder)) {
    auto head = ListHeadFolder(root_, folder);
    if (!head.ok()) return head.status();
    std::vector<std::string> blobs;
    for (const TrackedEntry& e : *head) {
      if (e.folder || !ArticleIdFromFileName(e.name) || files.count(e.name)) continue;
      if (e.link) return RefusedEntry(root_, folder + "/" + e.name, PathKind::kLink);
      files[e.name] = e.blob;
      blobs.push_back(e.blob);
    }
    if (Status s = FetchBlobs(root_, blobs); !s.ok()) return s.With("taking over " + folder);
  }
  for (const auto& [name, blob] : files) {
    auto id = ArticleIdFromFileName(name);
    if (!id) continue;
    const std::string rel = folder + "/" + name;
    // The file's name goes into the state, which is checked on read as on write.
    if (Status s = layout::CheckFileName(name); !s.ok()) {
      return Status::Corruption(root_ + "/" + rel + " cannot be an article's file name: " + s.message() +
                                " (rename it)");
    }
    auto text = blob.empty() ? ReadFileBelow(root_, rel) : ReadTrackedFile(root_, rel, blob);
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
  auto text = ReadFileBelow(root_, layout::KeyCachePath(outlet_));
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
  (void)WriteFileBelow(root_, layout::KeyCachePath(outlet_), out, /*sync=*/false);
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

// An entry's quarantine record is found by its id, else its link, else its
// title, as written in the feed (nothing that could itself fail), hashed to
// keep feed.tsv short whatever the feed sends.
std::string QuarantineKey(const Entry& e) {
  std::string_view id = JsTrim(e.id), link = JsTrim(e.link);
  std::string which = !id.empty() ? "id\n" + std::string(id)
                      : !link.empty() ? "link\n" + std::string(link) : "title\n" + e.title;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(which)));
  return hex;
}

// The entry as it failed: a new version of it is tried afresh.
std::string QuarantineHash(const Entry& e) {
  return GitBlobId(e.title + "\n" + e.link + "\n" + e.content).substr(0, 16);
}

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
  const FeedValidators& old = state_.validators;
  bool validators = !v.SameRequestValidators(old);
  if (!validators && v.SameFingerprint(old)) return;
  // A fingerprint taken away is written (the same bytes must be read again),
  // and the first one; a changed one only goes with the outlet's other
  // writes (TakeWrites), so that a feed whose bytes change without news (a
  // lastBuildDate) commits nothing.
  if (validators || v.fingerprint.empty() || old.fingerprint.empty()) feed_state_dirty_ = true;
  else fingerprint_waiting_ = true;
  state_.validators = v;
}

namespace {

// The first of the entry's published, updated and created dates that is
// believable (not more than kFutureToleranceMs after `now_ms`, when the entry
// is first seen); a date that is given but not believed is a warning.
std::optional<int64_t> BelievedDate(const Entry& e, int64_t now_ms, const std::string& title,
                                    std::vector<std::string>& warnings) {
  std::string refused;
  for (const std::optional<Date>* d : {&e.published, &e.updated, &e.created}) {
    if (!d->has_value() || !(*d)->ms) continue;
    if (*(*d)->ms <= now_ms + kFutureToleranceMs) return (*d)->ms;
    if (refused.empty()) refused = " (\"" + (*d)->text + "\" is more than 48 hours ahead)";
  }
  std::string shown = !refused.empty() ? refused : e.published ? " (\"" + e.published->text + "\")" : "";
  warnings.push_back("no usable date" + shown + " for \"" + title + "\"; using the time it was first seen");
  return std::nullopt;
}

}  // namespace

MergeStats OutletArchive::Merge(const std::vector<Entry>& entries, int64_t now_ms, const ArchiveOptions& options,
                                const std::vector<bool>& as_archived) {
  MergeStats stats;
  struct Candidate {
    const Entry* entry;
    int64_t when;
    EntryKeys keys;
  };
  std::vector<Candidate> order;
  order.reserve(entries.size());
  for (const Entry& e : entries) {
    EntryKeys keys = KeysOf(e);
    std::optional<int64_t> when = BelievedDate(e, now_ms, keys.title, stats.warnings);
    order.push_back({&e, when.value_or(now_ms), std::move(keys)});
  }
  // A guid that entries with different links share (a feed that gives every
  // item the same one) names no article: those entries are told apart by
  // their links and titles, as entries without a guid are.
  {
    std::unordered_map<std::string_view, std::string_view> link_of_guid;
    std::set<std::string, std::less<>> shared;
    for (const Candidate& c : order) {
      if (c.keys.guid.empty() || c.keys.link_key.empty()) continue;
      auto [it, inserted] = link_of_guid.emplace(c.keys.guid, c.keys.link_key);
      if (!inserted && it->second != c.keys.link_key) shared.insert(c.keys.guid);
    }
    for (const std::string& guid : shared) {
      stats.warnings.push_back("the guid \"" + guid + "\" is shared by entries with different links; they are told apart by their links");
    }
    if (!shared.empty()) {
      for (Candidate& c : order) {
        if (shared.count(c.keys.guid)) c.keys.guid.clear();
      }
    }
  }
  // Oldest first, so the newest new article gets the smallest id.
  std::stable_sort(order.begin(), order.end(),
                   [](const Candidate& a, const Candidate& b) { return a.when < b.when; });

  // Entries of this feed that are one article (the archive finds the same
  // record for them) are archived once: the first in this order wins, and the
  // later ones are counted as duplicates, never written over it, so that a
  // second run of the same feed changes nothing.
  std::unordered_map<size_t, int> claimed;  // record index → later entries that were the same article
  std::vector<size_t> claim_order;
  std::string folder = layout::ArticleDir(outlet_) + "/";
  for (const Candidate& c : order) {
    const Entry& e = *c.entry;
    // Named references, not a structured binding: the lambda below uses them.
    const std::string& title = c.keys.title;
    const std::string& link = c.keys.link;
    const std::string& guid = c.keys.guid;
    const std::string& link_key = c.keys.link_key;
    const std::string& title_key = c.keys.title_key;
    if (guid.empty() && link_key.empty() && title_key.empty()) {
      ++stats.skipped;
      stats.warnings.push_back("skipped an entry with no id, link or title");
      continue;
    }
    const std::string qkey = QuarantineKey(e);
    auto quarantined = state_.quarantine.find(qkey);
    std::string qhash;
    if (quarantined != state_.quarantine.end()) {
      qhash = QuarantineHash(e);
      if (quarantined->second.content_hash == qhash && quarantined->second.attempts >= kQuarantineAttempts) {
        stats.quarantined.push_back({CleanTitle(e.title), e.link, e.id, quarantined->second.reason,
                                     quarantined->second.attempts, false});
        continue;
      }
    }
    long found = Find(guid, link_key, title_key);
    if (found >= 0) {
      auto claim = claimed.find(static_cast<size_t>(found));
      if (claim != claimed.end()) {
        ++claim->second;
        ++stats.duplicates;
        continue;
      }
      // An article that moved to an archive repository stays there as it is.
      if (state_.records[static_cast<size_t>(found)].archive_year != 0) {
        ++stats.unchanged;
        claimed.emplace(static_cast<size_t>(found), 0);
        claim_order.push_back(static_cast<size_t>(found));
        continue;
      }
    }
    // An entry flagged in `as_archived` is a known article whose archived
    // text stands: its file changes only with its title or link, and only
    // then is it read (from git when a sparse checkout leaves it out).
    std::optional<std::string> archived;
    size_t index = static_cast<size_t>(&e - entries.data());
    if (found >= 0 && index < as_archived.size() && as_archived[index]) {
      ArticleRecord& r = state_.records[static_cast<size_t>(found)];
      std::string rel = folder + r.file;
      if (r.title != title || r.link != link) {
        auto text = ReadTrackedFile(root_, rel, r.blob);
        auto doc = text.ok() ? ParseArticle(*text) : Result<ArticleDoc>(text.status());
        if (doc.ok()) archived = std::move(doc->content);
        else stats.warnings.push_back("cannot read " + rel + " to update its title or link: " + doc.status().message());
      }
      if (!archived) {
        ++stats.unchanged;
        if (r.guid.empty() && !guid.empty()) {
          r.guid = guid;
          MarkDirty(r);
        }
        Index(static_cast<size_t>(found));
        if (quarantined != state_.quarantine.end()) {
          state_.quarantine.erase(quarantined);  // its article stands
          feed_state_dirty_ = true;
        }
        claimed.emplace(static_cast<size_t>(found), 0);
        claim_order.push_back(static_cast<size_t>(found));
        continue;
      }
    }
    const std::string& source = archived ? *archived : e.content;
    // Everything one entry needs, before the archive changes: what this
    // throws (an allocation too large, a library's error) quarantines the
    // entry alone.
    std::string text, blob, file;
    bool restore = false, deep = false;
    Status planned = Contain([&] {
      TestFailurePoint("merge", e.link);
      std::string content = FlattenContent(RewriteImages(source, options.image_proxy, link));
      if (found >= 0) {
        const ArticleRecord& r = state_.records[static_cast<size_t>(found)];
        text = FormatArticle({r.published_ms, title, link, content});
        blob = GitBlobId(text);
        // The file must still be there: a run killed at the wrong moment or a
        // hand-deleted file is restored from the feed. (A file a sparse
        // checkout leaves out is in HEAD's tree, not in the work tree.)
        restore = blob == r.blob && CheckoutHolds(root_, folder + r.file) && !FileExistsBelow(root_, folder + r.file);
      } else {
        int64_t id = state_.records.empty() ? kFirstArticleId : state_.records.back().id - 1;
        file = ArticleFileName(id, title);
        text = FormatArticle({c.when, title, link, content});
        blob = GitBlobId(text);
      }
      // The archive keeps the HTML as written; its readers bound it (html_tree.h).
      if (found < 0 || blob != state_.records[static_cast<size_t>(found)].blob) {
        deep = LimitHtmlNesting(source).changed;
      }
    });
    if (!planned.ok()) {
      if (qhash.empty()) qhash = QuarantineHash(e);
      QuarantinedEntry& q = state_.quarantine[qkey];
      if (q.content_hash != qhash) q = QuarantinedEntry{qhash, 0, ""};
      ++q.attempts;
      q.reason = planned.message();
      feed_state_dirty_ = true;
      stats.quarantined.push_back({CleanTitle(e.title), e.link, e.id, q.reason, q.attempts, true});
      continue;
    }
    if (quarantined != state_.quarantine.end()) {
      state_.quarantine.erase(quarantined);  // archived at last
      feed_state_dirty_ = true;
    }
    if (found >= 0) {
      claimed.emplace(static_cast<size_t>(found), 0);
      claim_order.push_back(static_cast<size_t>(found));
    }
    if (deep) {
      stats.warnings.push_back("\"" + title + "\" (" + link + ") is nested deeper than " +
                               std::to_string(kMaxHtmlDepth) +
                               " levels (or holds too many open formatting elements): archived as written, "
                               "readers show what lies deeper as text");
    }
    if (found >= 0) {
      ArticleRecord& r = state_.records[static_cast<size_t>(found)];
      if (blob == r.blob) {
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
    r.file = std::move(file);
    r.guid = guid;
    r.link = link;
    r.title = title;
    r.blob = std::move(blob);
    pending_articles_.push_back({folder + r.file, std::move(text)});
    dirty_months_.insert(YearMonth(r.published_ms, options.list_utc_offset_minutes));
    MarkDirty(r);
    state_.records.push_back(std::move(r));
    Index(state_.records.size() - 1);
    claimed.emplace(state_.records.size() - 1, 0);
    claim_order.push_back(state_.records.size() - 1);
    ++stats.new_articles;
  }
  for (size_t i : claim_order) {
    int later = claimed[i];
    if (later == 0) continue;
    stats.warnings.push_back(std::to_string(later) + (later == 1 ? " later entry of the feed is" : " later entries of the feed are") +
                             " the same article as \"" + state_.records[i].title +
                             "\" (same guid, link or title); the first is archived");
  }
  return stats;
}

void OutletArchive::ForgetQuarantinedNotIn(const std::vector<Entry>& entries) {
  if (state_.quarantine.empty()) return;
  std::set<std::string> in_feed;
  for (const Entry& e : entries) in_feed.insert(QuarantineKey(e));
  for (auto it = state_.quarantine.begin(); it != state_.quarantine.end();) {
    if (in_feed.count(it->first)) {
      ++it;
    } else {
      it = state_.quarantine.erase(it);
      feed_state_dirty_ = true;
    }
  }
}

void PlanWriteIfChanged(const std::string& root, std::string path, std::string text, std::vector<PlannedWrite>& writes) {
  auto existing = ReadFileBelow(root, path);
  if (!existing.ok() || *existing != text) writes.push_back({std::move(path), std::move(text)});
}

std::string ArchiveWebRoot(std::string_view web, int year) {
  std::string out(web);
  const std::string_view key = "{year}";
  for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at)) {
    std::string y = std::to_string(year);
    out.replace(at, key.size(), y);
    at += y.size();
  }
  if (!out.empty() && out.back() != '/') out.push_back('/');
  return out;
}

std::vector<ArticleRecord> OutletArchive::MoveYear(int year, const ArchiveOptions& options) {
  std::vector<ArticleRecord> moved;
  const std::string folder = layout::ArticleDir(outlet_) + "/";
  for (ArticleRecord& r : state_.records) {
    if (r.archive_year != 0 || CivilTimeOf(r.published_ms, options.list_utc_offset_minutes).year != year) continue;
    r.archive_year = year;
    MarkDirty(r);
    dirty_months_.insert(YearMonth(r.published_ms, options.list_utc_offset_minutes));
    pending_articles_.push_back({folder + r.file, "", /*remove=*/true});
    moved.push_back(r);
  }
  return moved;
}

std::vector<PlannedWrite> OutletArchive::TakeWrites(const ArchiveOptions& options) {
  std::vector<PlannedWrite> writes = std::move(pending_articles_);
  pending_articles_.clear();
  bool state_changed = all_state_dirty_ || feed_state_dirty_ || !dirty_chunks_.empty();
  if (fingerprint_waiting_ && (state_changed || !writes.empty())) feed_state_dirty_ = state_changed = true;
  fingerprint_waiting_ = false;
  if (state_changed && !folder_state_) {
    // Converted in the same journal as the run's other files: a killed run
    // leaves either the old file or the complete folder.
    if (legacy_state_) writes.push_back({layout::LegacyOutletStatePath(outlet_), "", /*remove=*/true});
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
    chunk_writes.push_back({layout::OutletStateChunkPath(outlet_, chunk), SerializeStateChunk(state_, chunk, &summary)});
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
    writes.push_back({layout::OutletFeedStatePath(outlet_),
                      SerializeFeedState(state_.validators, state_.chunks, state_.quarantine)});
    state_.stored_chunks = state_.chunks;
  }
  for (PlannedWrite& w : chunk_writes) writes.push_back(std::move(w));
  all_state_dirty_ = feed_state_dirty_ = false;
  dirty_chunks_.clear();

  // Newest first by publication; among equal times the newer id (smaller) first.
  std::vector<const ArticleRecord*> sorted;
  sorted.reserve(state_.records.size());
  for (const ArticleRecord& r : state_.records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const ArticleRecord* a, const ArticleRecord* b) {
    if (a->published_ms != b->published_ms) return a->published_ms > b->published_ms;
    return a->id < b->id;
  });
  int offset = options.list_utc_offset_minutes;
  // A moved article is linked in its archive repository (ArchiveWebRoot).
  auto item = [&](const ArticleRecord& r) {
    ListItem it{r.published_ms, r.title, r.file, ""};
    if (r.archive_year != 0 && !options.archive_web.empty()) it.base = ArchiveWebRoot(options.archive_web, r.archive_year);
    return it;
  };
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
  // A page is written only when its text differs from the file.
  const std::string list_path = layout::ListPagePath(outlet_);
  const std::string footer = MirrorCopiesMarkdown(options.mirrors);
  auto list_page = ReadFileBelow(root_, list_path);
  if (list_page.ok() && !ListPageHasFooter(*list_page, outlet_, footer)) all_months_dirty_ = true;
  for (size_t m = 0; m < months.size(); ++m) {
    std::string path = layout::MonthPagePath(outlet_, months[m]);
    if (all_months_dirty_ || dirty_months_.count(months[m]) || !FileExistsBelow(root_, path)) {
      std::vector<ListItem> items;
      items.reserve(month_begin[m + 1] - month_begin[m]);
      for (size_t k = month_begin[m]; k < month_begin[m + 1]; ++k) {
        items.push_back(item(*sorted[k]));
      }
      PlanWriteIfChanged(root_, path, FormatMonthPage(outlet_, months[m], items, offset, footer), writes);
    }
  }
  all_months_dirty_ = false;
  dirty_months_.clear();

  size_t n = std::min(sorted.size(), static_cast<size_t>(std::max(0, options.list_size)));
  std::vector<ListItem> items;
  items.reserve(n);
  for (size_t i = 0; i < n; ++i) items.push_back(item(*sorted[i]));
  std::string page = FormatListPage(outlet_, items, offset, months, footer);
  if (!list_page.ok() || *list_page != page) writes.push_back({list_path, std::move(page)});
  return writes;
}

}  // namespace nm

#include "archive/archive_reader.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "archive/outlet_archive.h"
#include "layout/layout.h"
#include "publish/checkout.h"
#include "util/fs.h"

namespace nm {

namespace fs = std::filesystem;

bool NewerFirst(const ArticleRecord& a, const ArticleRecord& b) {
  if (a.published_ms != b.published_ms) return a.published_ms > b.published_ms;
  return a.id < b.id;
}

const MirrorOutlet* MirrorView::Find(const std::string& name) const {
  for (const MirrorOutlet& o : outlets) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Status CheckIsMirror(const std::string& root) {
  std::error_code ec;
  fs::file_status st = fs::status(root, ec);
  if (!fs::exists(st)) return Status::InvalidArgument(root + ": no such folder (the mirror's root is expected)");
  if (!fs::is_directory(st)) return Status::InvalidArgument(root + ": not a folder (the mirror's root is expected)");
  for (const char* part : {"/articles", "/state"}) {
    if (fs::is_directory(root + part, ec)) return Status::Ok();
  }
  return Status::InvalidArgument(root + ": not a newsmirror mirror (it has no articles/ or state/ folder)");
}

namespace {

// The newest `n` records (NewerFirst) of an outlet kept in a state folder,
// parsing only the chunks that can hold them: every file feed.tsv does not
// vouch for, then the summarized chunks from the newest record down, until
// the next chunk's newest record is older than the n-th found. The same
// records as reading the whole state: nullopt sends the caller there when
// the outlet has no state folder, or a file holds records of another chunk
// (which a full read would merge with the right chunk's).
Result<std::optional<std::vector<ArticleRecord>>> ReadNewestRecords(const std::string& root,
                                                                     const std::string& outlet,
                                                                     const FileOverlay& overlay, size_t n) {
  using Out = std::optional<std::vector<ArticleRecord>>;
  OutletState feed;
  auto files = ListOutletStateFiles(root, outlet, overlay, &feed);
  if (!files.ok()) {
    if (files.status().kind() == Status::Kind::kNotFound) return Out();
    return files.status();
  }
  if (!feed.records.empty()) return Out();
  std::vector<ArticleRecord> top;  // NewerFirst, at most n
  bool misplaced = false;
  auto read = [&](const StateFile& f) -> Status {
    auto text = ReadThroughOverlay(root, f.path, overlay);
    if (!text.ok()) return text.status();
    auto parsed = ParseOutletState(*text);
    if (!parsed.ok()) return parsed.status().With(f.path);
    auto& records = parsed->records;
    // As a full read: of equal ids within a file, the first.
    records.erase(std::unique(records.begin(), records.end(),
                              [](const ArticleRecord& a, const ArticleRecord& b) { return a.id == b.id; }),
                  records.end());
    for (ArticleRecord& r : records) {
      if (!f.chunk || StateChunkOf(r.id) != *f.chunk) misplaced = true;
      if (r.archive_year != 0) continue;  // moved to an archive repository
      top.push_back(std::move(r));
    }
    if (top.size() > n) {
      std::partial_sort(top.begin(), top.begin() + static_cast<long>(n), top.end(), NewerFirst);
      top.resize(n);
    } else {
      std::sort(top.begin(), top.end(), NewerFirst);
    }
    return Status::Ok();
  };
  std::vector<const StateFile*> summarized;
  const std::string feed_path = layout::OutletFeedStatePath(outlet);
  for (const StateFile& f : *files) {
    if (f.path == feed_path) continue;  // parsed above
    if (f.summary) {
      if (f.summary->newest_ms) summarized.push_back(&f);
      continue;
    }
    if (Status s = read(f); !s.ok()) return s;
    if (misplaced) return Out();
  }
  std::sort(summarized.begin(), summarized.end(),
            [](const StateFile* a, const StateFile* b) { return *a->summary->newest_ms > *b->summary->newest_ms; });
  for (const StateFile* f : summarized) {
    if (top.size() >= n && *f->summary->newest_ms < top.back().published_ms) break;
    if (Status s = read(*f); !s.ok()) return s;
    if (misplaced) return Out();
  }
  return Out(std::move(top));
}

}  // namespace

Result<MirrorView> LoadMirror(const std::string& root, const FileOverlay& overlay, size_t newest_per_outlet) {
  std::set<std::string> names = ListStateOutlets(root, overlay);
  if (auto entries = ListFolderBelow(root, layout::ArticlesDir()); entries.ok()) {
    for (const FolderEntry& e : *entries) {
      if (e.kind == PathKind::kFolder && layout::CheckOutletName(e.name).ok()) names.insert(e.name);
    }
  }
  if (!CheckoutHoldsAll(root, layout::ArticlesDir())) {
    auto head = ListHeadFolder(root, layout::ArticlesDir());
    for (const TrackedEntry& e : head.ok() ? *head : std::vector<TrackedEntry>{}) {
      if (e.folder && layout::CheckOutletName(e.name).ok()) names.insert(e.name);
    }
  }
  MirrorView view;
  view.root = root;
  for (const std::string& name : names) {
    MirrorOutlet outlet;
    outlet.name = name;
    if (newest_per_outlet > 0) {
      auto newest = ReadNewestRecords(root, name, overlay, newest_per_outlet);
      if (!newest.ok()) return newest.status();
      if (*newest) {
        outlet.records = std::move(**newest);
        view.outlets.push_back(std::move(outlet));
        continue;
      }
    }
    // The state is read directly: an OutletArchive would also build the
    // matching keys a run needs, which costs more than the parse.
    auto state = ReadOutletState(root, name, overlay);
    if (state.ok()) {
      outlet.records = std::move(state->records);
    } else if (state.status().kind() != Status::Kind::kNotFound) {
      return state.status();
    } else {
      auto loaded = OutletArchive::Load(root, name);
      if (!loaded.ok()) return loaded.status();
      outlet.records = loaded->records();
    }
    // Articles moved to an archive repository are read there, not here.
    std::erase_if(outlet.records, [](const ArticleRecord& r) { return r.archive_year != 0; });
    if (newest_per_outlet > 0 && outlet.records.size() > newest_per_outlet) {
      auto keep = outlet.records.begin() + static_cast<long>(newest_per_outlet);
      std::partial_sort(outlet.records.begin(), keep, outlet.records.end(), NewerFirst);
      outlet.records.erase(keep, outlet.records.end());
      outlet.records.shrink_to_fit();
    } else {
      std::sort(outlet.records.begin(), outlet.records.end(), NewerFirst);
    }
    view.outlets.push_back(std::move(outlet));
  }
  return view;
}

Result<ArticleDoc> ReadArticle(const std::string& root, const std::string& outlet, const ArticleRecord& r,
                               const FileOverlay& overlay) {
  std::string rel = layout::ArticlePath(outlet, r.file);
  auto text = overlay.count(rel) ? ReadThroughOverlay(root, rel, overlay) : ReadTrackedFile(root, rel, r.blob);
  if (!text.ok()) return text.status();
  auto doc = ParseArticle(*text);
  if (!doc.ok()) return doc.status().With(rel);
  return doc;
}

void PrefetchArticles(const std::string& root,
                      const std::vector<std::pair<std::string, const ArticleRecord*>>& articles,
                      const FileOverlay& overlay) {
  std::vector<std::string> blobs;
  for (const auto& [outlet, r] : articles) {
    std::string rel = layout::ArticlePath(outlet, r->file);
    if (r->blob.empty() || overlay.count(rel) || CheckoutHolds(root, rel)) continue;
    blobs.push_back(r->blob);
  }
  (void)FetchBlobs(root, blobs);
}

}  // namespace nm

#include "archive/archive_reader.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "archive/outlet_archive.h"
#include "util/fs.h"

namespace nm {

namespace fs = std::filesystem;

bool NewerFirst(const ArticleRecord& a, const ArticleRecord& b) {
  if (a.published_ms != b.published_ms) return a.published_ms > b.published_ms;
  return a.id < b.id;
}

std::string ArticlePath(const std::string& outlet, const std::string& file) {
  return "articles/" + outlet + "/" + file;
}

const MirrorOutlet* MirrorView::Find(const std::string& name) const {
  for (const MirrorOutlet& o : outlets) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Result<MirrorView> LoadMirror(const std::string& root, const FileOverlay& overlay) {
  std::set<std::string> names = ListStateOutlets(root, overlay);
  std::error_code ec;
  for (fs::directory_iterator it(root + "/articles", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) names.insert(it->path().filename().string());
  }
  MirrorView view;
  view.root = root;
  for (const std::string& name : names) {
    MirrorOutlet outlet;
    outlet.name = name;
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
    std::sort(outlet.records.begin(), outlet.records.end(), NewerFirst);
    view.outlets.push_back(std::move(outlet));
  }
  return view;
}

Result<ArticleDoc> ReadArticle(const std::string& root, const std::string& outlet, const ArticleRecord& r,
                               const FileOverlay& overlay) {
  std::string rel = ArticlePath(outlet, r.file);
  auto text = ReadThroughOverlay(root, rel, overlay);
  if (!text.ok()) return text.status();
  auto doc = ParseArticle(*text);
  if (!doc.ok()) return doc.status().With(rel);
  return doc;
}

}  // namespace nm

#include "pipeline/index_files.h"

#include <set>

#include "archive/list_page.h"
#include "archive/mirror_copies.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "state/outlet_state.h"
#include "util/fs.h"

namespace nm {


// Every outlet the mirror knows: the configured ones first, in order, then
// those that only the archive still holds (sources removed from the config).
std::vector<std::string> KnownOutlets(const std::string& root, const Config& config,
                                      const std::vector<std::string>& also) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const SourceConfig& s : config.sources) {
    if (seen.insert(s.name).second) out.push_back(s.name);
  }
  std::set<std::string> others;
  for (const std::string& name : also) {
    if (!seen.count(name)) others.insert(name);
  }
  for (const std::string& name : ListStateOutlets(root)) {
    if (!seen.count(name)) others.insert(name);
  }
  if (auto entries = ListFolderBelow(root, layout::ListsDir()); entries.ok()) {
    for (const FolderEntry& e : *entries) {
      auto page = layout::ParseMirrorPath(layout::ListsDir() + "/" + e.name);
      if (e.kind != PathKind::kFile || !page || page->kind != layout::MirrorFile::Kind::kListPage) continue;
      if (!seen.count(page->outlet)) others.insert(page->outlet);
    }
  }
  out.insert(out.end(), others.begin(), others.end());
  return out;
}

namespace {

// feeds/all.xml exists and names the same self link the configuration gives.
bool MirrorFeedsCurrent(const std::string& root, std::string base) {
  auto all = ReadFileBelow(root, layout::AllFeedPath());
  if (!all.ok()) return false;
  if (base.empty()) return all->find("rel=\"self\"") == std::string::npos;
  if (base.back() != '/') base += '/';
  return all->find("rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlEscape(base + layout::AllFeedPath()) +
                   "\"") != std::string::npos;
}

}  // namespace

// Planned writes for files outside any outlet: README.md and .gitignore.
void PlanIndexFiles(const std::string& root, const Config& config, std::vector<PlannedWrite>& writes,
                    const std::vector<std::string>& also, bool whole_mirror) {
  std::string readme = FormatReadme(KnownOutlets(root, config, also), MirrorCopiesMarkdown(config.archive.mirrors));
  PlanWriteIfChanged(root, layout::ReadmePath(), std::move(readme), writes);
  const std::string ignore_line = layout::WorkDir() + "/";
  auto gitignore = ReadFileBelow(root, layout::GitignorePath());
  std::string text = gitignore.ok() ? *gitignore : std::string();
  if (text.find(ignore_line + "\n") == std::string::npos && text != ignore_line) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "# newsmirror's lock, journal and caches\n" + ignore_line + "\n";
    writes.push_back({layout::GitignorePath(), text});
  }
  // The feeds of the mirror, from the archive as these writes leave it.
  FileOverlay overlay;
  std::set<std::string> written_outlets;
  for (const PlannedWrite& w : writes) {
    if (auto outlet = OutletOfStatePath(w.path)) written_outlets.insert(*outlet);
    // A deleted file is an old state file the folder beside it replaces,
    // which readers already prefer.
    if (!w.remove) overlay[w.path] = w.data;
  }
  // No outlet's state changes: the feeds cannot either, unless they were never
  // written or were written for another raw_base_url. Skipping them here keeps
  // a run without news from reading the whole archive.
  bool current = MirrorFeedsCurrent(root, config.publish.raw_base_url);
  if (written_outlets.empty() && (!whole_mirror || current)) return;
  // Only the feeds of the outlets that changed can change, besides
  // feeds/all.xml; all of them when the feeds were never written or name
  // another raw_base_url. A shard leaves feeds/all.xml to the whole mirror.
  for (PlannedWrite& w : PlanMirrorFeeds(root, config.publish.raw_base_url, overlay,
                                         whole_mirror && !current ? nullptr : &written_outlets, whole_mirror)) {
    writes.push_back(std::move(w));
  }
}

}  // namespace nm

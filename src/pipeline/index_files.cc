#include "pipeline/index_files.h"

#include <filesystem>
#include <set>

#include "archive/list_page.h"
#include "publish/mirror_feed.h"
#include "util/fs.h"

namespace nm {

namespace fs = std::filesystem;

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
  std::error_code ec;
  for (const char* dir : {"state", "lists"}) {
    for (fs::directory_iterator it(root + "/" + dir, ec), end; !ec && it != end; it.increment(ec)) {
      fs::path p = it->path();
      if (!it->is_regular_file()) continue;
      std::string ext = p.extension().string();
      if (ext != ".tsv" && ext != ".md") continue;
      std::string name = p.stem().string();
      if (!seen.count(name)) others.insert(name);
    }
  }
  out.insert(out.end(), others.begin(), others.end());
  return out;
}

// Planned writes for files outside any outlet: README.md and .gitignore.
void PlanIndexFiles(const std::string& root, const Config& config, std::vector<PlannedWrite>& writes,
                    const std::vector<std::string>& also, bool whole_mirror) {
  std::string readme = FormatReadme(KnownOutlets(root, config, also));
  auto existing = ReadFile(root + "/README.md");
  if (!existing.ok() || *existing != readme) writes.push_back({"README.md", readme});
  const std::string ignore_line = ".newsmirror/";
  auto gitignore = ReadFile(root + "/.gitignore");
  std::string text = gitignore.ok() ? *gitignore : std::string();
  if (text.find(ignore_line + "\n") == std::string::npos && text != ignore_line) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "# newsmirror's lock, journal and caches\n" + ignore_line + "\n";
    writes.push_back({".gitignore", text});
  }
  // The feeds of the mirror, from the archive as these writes leave it.
  FileOverlay overlay;
  std::set<std::string> written_outlets;
  for (const PlannedWrite& w : writes) {
    overlay[w.path] = w.data;
    if (w.path.rfind("state/", 0) == 0 && w.path.size() > 10 && w.path.compare(w.path.size() - 4, 4, ".tsv") == 0) {
      written_outlets.insert(w.path.substr(6, w.path.size() - 10));
    }
  }
  for (PlannedWrite& w : PlanMirrorFeeds(root, config.publish.raw_base_url, overlay,
                                         whole_mirror ? nullptr : &written_outlets)) {
    writes.push_back(std::move(w));
  }
}

}  // namespace nm

#include "support/mirror_check.h"

#include <filesystem>

#include "archive/article.h"
#include "layout/layout.h"
#include "state/outlet_state.h"
#include "support/cli.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

namespace fs = std::filesystem;

namespace {

void CheckOutlet(const std::string& mirror, const std::string& outlet, const std::set<std::string>& want,
                 std::vector<std::string>& problems) {
  std::string where = layout::OutletStateDir(outlet);
  StateLayout layout = StateLayout::kNone;
  auto state = ReadOutletState(mirror, outlet, {}, &layout);
  if (!state.ok()) {
    if (!want.empty() || state.status().kind() != Status::Kind::kNotFound) {
      problems.push_back(where + ": " + state.status().message());
    }
    return;
  }
  std::error_code exists_ec;
  if (layout == StateLayout::kFolder && fs::exists(mirror + "/" + layout::LegacyOutletStatePath(outlet), exists_ec)) {
    problems.push_back(layout::LegacyOutletStatePath(outlet) + " is left beside " + where + "/");
  }
  // feed.tsv's summary is true for all chunks but at most kStaleChunkSummaries.
  if (layout == StateLayout::kFolder) {
    size_t stale = 0;
    for (const auto& [chunk, summary] : state->chunks) {
      auto stored = state->stored_chunks.find(chunk);
      if (stored == state->stored_chunks.end() || stored->second != summary) ++stale;
    }
    if (stale > kStaleChunkSummaries) {
      problems.push_back(where + "/feed.tsv: " + std::to_string(stale) + " chunks have no true summary");
    }
  }
  // Every chunk file holds exactly its id range.
  for (fs::directory_iterator it(mirror + "/" + where, exists_ec), end; !exists_ec && it != end;
       it.increment(exists_ec)) {
    std::string name = it->path().filename().string();
    if (name == "feed.tsv") continue;
    auto chunk = ParseOutletState(*ReadFile(it->path().string()));
    for (const ArticleRecord& r : chunk.ok() ? chunk->records : std::vector<ArticleRecord>{}) {
      if (layout::OutletStateChunkPath(outlet, StateChunkOf(r.id)) != where + "/" + name) {
        problems.push_back(where + "/" + name + ": record " + std::to_string(r.id) + " belongs to another chunk");
      }
    }
  }
  std::string folder = mirror + "/articles/" + outlet + "/";
  std::set<std::string> files, guids;
  for (const ArticleRecord& r : state->records) {
    files.insert(r.file);
    if (!r.guid.empty() && !guids.insert(r.guid).second) problems.push_back(where + ": guid " + r.guid + " twice");
    auto bytes = ReadFile(folder + r.file);
    if (!bytes.ok()) {
      problems.push_back(where + ": record " + std::to_string(r.id) + " has no file " + r.file);
      continue;
    }
    if (GitBlobId(*bytes) != r.blob) problems.push_back(where + ": " + r.file + " differs from its blob id");
    if (!ParseArticle(*bytes).ok()) problems.push_back("articles/" + outlet + "/" + r.file + " does not parse");
  }
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!files.count(name)) problems.push_back("articles/" + outlet + "/" + name + " has no state record");
  }
  for (const std::string& g : want) {
    if (!guids.count(g)) problems.push_back(where + ": guid " + g + " was never archived");
  }
}

}  // namespace

std::vector<std::string> MirrorProblems(const std::string& mirror, const MirrorExpectation& expect) {
  std::vector<std::string> problems;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(mirror, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), mirror).string();
    if (rel == ".git" || rel == ".newsmirror") {
      it.disable_recursion_pending();
      continue;
    }
    if (rel.find(".tmp-") != std::string::npos) problems.push_back("temporary file left: " + rel);
  }
  for (const auto& [outlet, guids] : expect.guids) CheckOutlet(mirror, outlet, guids, problems);
  if (expect.committed) {
    int rc = -1;
    std::string fsck = Shell("git -C '" + mirror + "' fsck --no-progress 2>&1", &rc);
    if (rc != 0) problems.push_back("git fsck: " + fsck);
    std::string status = Shell("git -C '" + mirror + "' status --porcelain 2>&1", &rc);
    if (rc != 0 || !status.empty()) problems.push_back("uncommitted changes: " + status);
    std::string tracked_tmp = Shell("git -C '" + mirror + "' ls-files | grep -c '\\.tmp-'");
    if (tracked_tmp != "0\n") problems.push_back("temporary files committed: " + tracked_tmp);
  }
  return problems;
}

std::string JoinProblems(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& p : problems) out += "  " + p + "\n";
  return out;
}

}  // namespace nm

#include "pipeline/rollover.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "archive/archive_reader.h"
#include "archive/outlet_archive.h"
#include "dates/date_parser.h"
#include "layout/layout.h"
#include "pipeline/index_files.h"
#include "pipeline/journal.h"
#include "pipeline/mirror_session.h"
#include "publish/checkout.h"
#include "publish/git_command.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/test_pause.h"

namespace nm {

namespace {

int YearOf(const ArticleRecord& r, int offset) { return CivilTimeOf(r.published_ms, offset).year; }

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Bytes of the regular files in `folder` (not below), when the checkout holds it.
std::optional<int64_t> FolderBytes(const std::string& root, const std::string& folder) {
  if (!CheckoutHoldsAll(root, folder)) return std::nullopt;
  auto entries = ListFolderBelow(root, folder);
  int64_t bytes = 0;
  for (const FolderEntry& e : entries.ok() ? *entries : std::vector<FolderEntry>{}) {
    if (e.kind == PathKind::kFile && e.size > 0) bytes += e.size;
  }
  return bytes;
}

// Each of `parts` (relative to `root`, a path and the paths it lies in) is a
// real folder or missing: nothing of a rollover is written through a link.
Status CheckFolders(const std::string& root, const std::vector<std::string>& parts) {
  for (const std::string& p : parts) {
    auto kind = KindBelow(root, p);
    if (!kind.ok()) return kind.status();
    if (*kind != PathKind::kFolder && *kind != PathKind::kMissing) return RefusedEntry(root, p, *kind);
  }
  return Status::Ok();
}

Status GitStep(const std::string& dir, const std::vector<std::string>& args, const std::string& what) {
  auto r = RunGit(dir, args);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) return Status::IoError(what + ": " + GitErrorText(*r));
  return Status::Ok();
}

// Opens (clones, or creates) the archive repository of `year` and writes,
// commits and (when asked) pushes every article of that year the live
// mirror holds or has moved there, with their state and pages.
Status WriteArchive(const Config& config, const std::string& root, std::vector<OutletArchive>& live, int year,
                    const RolloverOptions& options, RolledYear& out) {
  const RolloverConfig& rc = config.rollover;
  const int offset = config.archive.list_utc_offset_minutes;
  out.year = year;
  out.repository = rc.RepositoryName(year);
  const std::string rel = layout::ArchiveRepositoryDir(out.repository);
  out.dir = root + "/" + rel;
  if (Status s = CheckFolders(root, {layout::WorkDir(), layout::ArchivesDir(), rel}); !s.ok()) return s;
  if (Status s = MakeDirsBelow(root, layout::ArchivesDir()); !s.ok()) return s;
  const std::string remote = rc.RemoteOf(year);
  auto kind = KindBelow(root, rel);
  if (!kind.ok()) return kind.status();
  if (*kind == PathKind::kMissing && !remote.empty()) {
    // The remote may hold it already (an earlier rollover whose live commit was lost).
    if (Status s = GitStep(root + "/" + layout::ArchivesDir(), {"clone", "--quiet", "--", remote, out.repository},
                           "cannot clone the archive repository " + RedactUrl(remote) + " into " + out.dir +
                               " (create it on its host first, empty)");
        !s.ok()) {
      return s;
    }
  }
  int recovered = 0;
  auto lock = OpenMirror(out.dir, /*recover=*/true, /*create_repository=*/true, &recovered);
  if (!lock.ok()) return lock.status().With(out.dir);
  if (!remote.empty()) {
    auto url = RunGit(out.dir, {"remote", "get-url", "origin"});
    if (url.ok() && url->exit_code != 0) {
      if (Status s = GitStep(out.dir, {"remote", "add", "origin", remote}, "cannot add the remote of " + out.dir);
          !s.ok()) {
        return s;
      }
    }
  }
  // A clone of an empty repository stands on the host's default branch name.
  if (auto head = RunGit(out.dir, {"rev-parse", "--verify", "-q", "HEAD"}); head.ok() && head->exit_code != 0) {
    if (Status s = GitStep(out.dir, {"symbolic-ref", "HEAD", "refs/heads/main"}, "cannot name the branch of " + out.dir);
        !s.ok()) {
      return s;
    }
  }

  // Articles and state, then the pages formatted from that state.
  std::vector<PlannedWrite> writes;
  std::vector<std::string> outlets, article_paths;
  for (OutletArchive& a : live) {
    OutletState state;
    std::vector<std::string> blobs;
    for (const ArticleRecord& r : a.records()) {
      if (YearOf(r, offset) == year && r.archive_year == 0 && !CheckoutHolds(root, layout::ArticlePath(a.outlet(), r.file))) {
        blobs.push_back(r.blob);
      }
    }
    if (Status s = FetchBlobs(root, blobs); !s.ok()) return s.With("reading the articles of " + std::to_string(year));
    for (const ArticleRecord& r : a.records()) {
      if (YearOf(r, offset) != year || (r.archive_year != 0 && r.archive_year != year)) continue;
      const std::string path = layout::ArticlePath(a.outlet(), r.file);
      Result<std::string> text = Status::NotFound("");
      if (r.archive_year == year) text = ReadFileBelow(out.dir, path);  // moved before
      if (!text.ok()) text = ReadTrackedFile(root, path, r.blob);
      if (!text.ok()) {
        return text.status().With(r.archive_year ? path + " moved to " + out.dir + " but is not there" : path);
      }
      ArticleRecord copy = r;
      copy.archive_year = 0;
      copy.blob = GitBlobId(*text);
      if (r.archive_year == 0) ++out.articles;
      article_paths.push_back(path);
      PlanWriteIfChanged(out.dir, path, std::move(*text), writes);
      state.records.push_back(std::move(copy));
    }
    if (state.records.empty()) continue;
    outlets.push_back(a.outlet());
    std::set<int64_t> chunks;
    for (const ArticleRecord& r : state.records) chunks.insert(StateChunkOf(r.id));
    std::map<int64_t, ChunkSummary> summaries;
    for (int64_t chunk : chunks) {
      std::string text = SerializeStateChunk(state, chunk, &summaries[chunk]);
      PlanWriteIfChanged(out.dir, layout::OutletStateChunkPath(a.outlet(), chunk), std::move(text), writes);
    }
    PlanWriteIfChanged(out.dir, layout::OutletFeedStatePath(a.outlet()), SerializeFeedState({}, summaries, {}), writes);
  }
  if (Status s = ApplyWrites(out.dir, writes); !s.ok()) return s;
  // Its pages link within it; its README lists only its outlets.
  Config own = config;
  own.archive.archive_web.clear();
  own.publish.raw_base_url.clear();
  own.sources.erase(std::remove_if(own.sources.begin(), own.sources.end(),
                                   [&](const SourceConfig& s) {
                                     return std::find(outlets.begin(), outlets.end(), s.name) == outlets.end();
                                   }),
                    own.sources.end());
  std::vector<PlannedWrite> pages;
  for (const std::string& outlet : outlets) {
    auto a = OutletArchive::Load(out.dir, outlet);
    if (!a.ok()) return a.status();
    a->RewriteAllPages();
    for (PlannedWrite& w : a->TakeWrites(own.archive)) pages.push_back(std::move(w));
  }
  PlanIndexFiles(out.dir, own, pages, outlets);
  if (Status s = ApplyWrites(out.dir, pages); !s.ok()) return s;
  Publication p = Publish(out.dir, *lock,
                          out.repository + ": " + Plural(out.articles, "article", "articles") + " of " +
                              std::to_string(year) + " from the live mirror",
                          /*commit=*/true, options.push_archives && !remote.empty(), {"origin"});
  if (!p.commit_status.ok()) return p.commit_status.With("committing " + out.dir);
  out.archive_committed = p.committed;
  out.archive_commit = p.commit;
  out.pushes = p.pushes;
  for (const PushOutcome& push : p.pushes) {
    if (!push.status.ok()) {
      return push.status.With("pushing " + out.dir + " to " + RedactUrl(remote) +
                              " (the live mirror keeps the articles of " + std::to_string(year) + ")");
    }
  }
  // Its commit must hold every file before the live mirror gives one up.
  auto held = PathsInHead(out.dir, article_paths);
  if (!held.ok()) return held.status();
  for (size_t i = 0; i < article_paths.size(); ++i) {
    if (!(*held)[i]) return Status::Corruption(out.dir + "'s commit lacks " + article_paths[i]);
  }
  return Status::Ok();
}

}  // namespace

std::string RolloverBudget::Describe(const RolloverConfig& config) const {
  std::string out = std::to_string(bytes) + " bytes of articles and assets (budget " +
                    std::to_string(config.max_repository_bytes) + ")";
  if (unmeasured_outlets > 0) {
    out += ", not counting " + Plural(unmeasured_outlets, "folder", "folders") + " the checkout leaves out";
  }
  if (!fullest_outlet.empty()) {
    out += "; the fullest folder, articles/" + fullest_outlet + ", holds " +
           Plural(fullest_files, "article", "articles") + " (budget " + std::to_string(config.max_files_per_folder) +
           ")";
  }
  return out;
}

bool RolloverReport::AllSucceeded() const {
  if (!status.ok() || !commit_status.ok()) return false;
  for (const PushOutcome& p : pushes) {
    if (!p.status.ok()) return false;
  }
  return true;
}

std::string FolderBudgetWarning(const RolloverConfig& config, const std::string& outlet, int64_t live_articles) {
  if (!config.configured || live_articles <= config.max_files_per_folder) return "";
  return "articles/" + outlet + " holds " + std::to_string(live_articles) +
         " articles, over [rollover] max_files_per_folder = " + std::to_string(config.max_files_per_folder) +
         ": run newsmirror rollover to move the years before this one to their archive repositories";
}

RolloverReport RollOver(const Config& config, const RolloverOptions& options) {
  RolloverReport report;
  const RolloverConfig& rc = config.rollover;
  const std::string& root = options.root;
  if (!rc.configured) {
    report.status = Status::InvalidArgument(
        (config.path.empty() ? std::string("the configuration") : config.path) +
        " has no [rollover] table: set name and web (and remote) to roll the mirror over (README, \"Rollover\")");
    return report;
  }
  if (Status s = CheckIsMirror(root); !s.ok()) {
    report.status = s;
    return report;
  }
  const int64_t now = options.now_ms ? options.now_ms
                                     : std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count();
  const int offset = config.archive.list_utc_offset_minutes;
  report.current_year = CivilTimeOf(now, offset).year;
  std::optional<RunLock> lock;
  if (!options.dry_run) {
    int recovered = 0;
    auto l = OpenMirror(root, /*recover=*/true, /*create_repository=*/false, &recovered);
    if (!l.ok()) {
      report.status = l.status();
      return report;
    }
    lock = std::move(l).value();
    if (recovered > 0) report.notes.push_back("completed an interrupted run first (" + std::to_string(recovered) + " files)");
  }
  std::vector<OutletArchive> live;
  for (const std::string& name : layout::OutletsInMirror(root)) {
    auto a = OutletArchive::Load(root, name);
    if (!a.ok()) {
      report.status = a.status().With("outlet " + name);
      return report;
    }
    live.push_back(std::move(a).value());
  }
  // The budget.
  std::map<int, int> movable;  // year → articles here
  for (const OutletArchive& a : live) {
    int64_t here = 0;
    for (const ArticleRecord& r : a.records()) {
      if (r.archive_year != 0) continue;
      ++here;
      int y = YearOf(r, offset);
      if (y < report.current_year) ++movable[y];
    }
    if (here > report.budget.fullest_files) {
      report.budget.fullest_files = here;
      report.budget.fullest_outlet = a.outlet();
    }
    for (const std::string& folder : {layout::ArticleDir(a.outlet()), layout::AssetDir(a.outlet())}) {
      auto bytes = FolderBytes(root, folder);
      if (bytes) report.budget.bytes += *bytes;
      else ++report.budget.unmeasured_outlets;
    }
  }
  report.budget.over = report.budget.bytes > rc.max_repository_bytes ||
                       report.budget.fullest_files > rc.max_files_per_folder;
  // Every rollover that writes ends here: what an interrupted one left (its
  // journal replayed by OpenMirror, its files uncommitted, files of moved
  // articles a sparse checkout's commit kept) is finished, then the live
  // mirror's side of this one is written and committed.
  std::vector<std::string> removed;
  auto finish = [&](const std::string& message) {
    std::vector<PlannedWrite> writes;
    std::vector<std::string> earlier;
    std::set<std::string> now_removed(removed.begin(), removed.end());
    for (const OutletArchive& a : live) {
      for (const ArticleRecord& r : a.records()) {
        std::string path = layout::ArticlePath(a.outlet(), r.file);
        if (r.archive_year != 0 && !now_removed.count(path)) earlier.push_back(std::move(path));
      }
    }
    auto held = PathsInHead(root, earlier);
    for (size_t i = 0; held.ok() && i < earlier.size(); ++i) {
      if (!(*held)[i]) continue;
      writes.push_back({earlier[i], "", /*remove=*/true});
      removed.push_back(earlier[i]);
    }
    for (OutletArchive& a : live) {
      for (PlannedWrite& w : a.TakeWrites(config.archive)) writes.push_back(std::move(w));
    }
    if (!writes.empty()) PlanIndexFiles(root, config, writes);
    if (Status s = ApplyWrites(root, writes); !s.ok()) {
      if (report.status.ok()) report.status = s;
      return;
    }
    TestPausePoint("rollover-live-written");
    Publication p = Publish(root, *lock, message, /*commit=*/true, options.push, config.publish.remotes, removed);
    report.committed = p.committed;
    report.commit = p.commit;
    report.commit_status = p.commit_status;
    report.pushes = p.pushes;
    for (std::string& n : p.notes) report.notes.push_back(std::move(n));
    if (report.status.ok() && report.commit_status.ok()) (void)RemoveFileBelow(root, layout::RolloverDuePath());
  };
  const std::string finishing = "Rollover: finishing an interrupted one";
  if (!report.budget.over) {
    report.nothing_to_do = "under budget: " + report.budget.Describe(rc) + "; nothing to do";
    if (!options.dry_run) finish(finishing);
    return report;
  }
  if (movable.empty()) {
    report.nothing_to_do = "over budget (" + report.budget.Describe(rc) + "), but every article here is of " +
                           std::to_string(report.current_year) + ": nothing can move before " +
                           std::to_string(report.current_year + 1) + " (raise the budget, or leave it)";
    if (!options.dry_run) finish(finishing);
    return report;
  }
  if (options.dry_run) {
    for (const auto& [year, n] : movable) {
      RolledYear y;
      y.year = year;
      y.repository = rc.RepositoryName(year);
      y.dir = root + "/" + layout::ArchiveRepositoryDir(y.repository);
      y.articles = n;
      report.years.push_back(std::move(y));
    }
    return report;
  }
  // Each year: the archive repository first, then the live mirror's records.
  for (const auto& [year, n] : movable) {
    RolledYear y;
    Status s = WriteArchive(config, root, live, year, options, y);
    if (!s.ok()) {
      report.status = s.With("rolling " + std::to_string(year) + " over");
      y.articles = 0;  // nothing left the live mirror
      report.years.push_back(std::move(y));
      break;
    }
    TestPausePoint("rollover-archive-committed");
    int moved = 0;
    for (OutletArchive& a : live) {
      for (const ArticleRecord& r : a.MoveYear(year, config.archive)) {
        removed.push_back(layout::ArticlePath(a.outlet(), r.file));
        ++moved;
      }
    }
    y.articles = moved;
    report.years.push_back(std::move(y));
  }
  int total = 0;
  std::string years;
  for (const RolledYear& y : report.years) {
    if (y.articles > 0) {
      total += y.articles;
      years += (years.empty() ? "" : ", ") + y.repository;
    }
  }
  finish(total > 0 ? "Rollover: " + Plural(total, "article", "articles") + " moved to " + years : finishing);
  return report;
}

}  // namespace nm

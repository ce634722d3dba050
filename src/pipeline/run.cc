#include "pipeline/run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "archive/list_page.h"
#include "archive/mirror_copies.h"
#include "archive/outlet_archive.h"
#include "bundle/schedule.h"
#include "complete/complete.h"
#include "feed/parser.h"
#include "fetch/http_client.h"
#include "layout/layout.h"
#include "pipeline/index_files.h"
#include "pipeline/journal.h"
#include "pipeline/mirror_session.h"
#include "pipeline/rollover.h"
#include "pipeline/unchanged_feed.h"
#include "search/search_index.h"
#include "state/outlet_state.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {

namespace fs = std::filesystem;

bool RunReport::AllSucceeded() const {
  if (!status.ok() || !commit_status.ok()) return false;
  for (const SourceReport& s : sources) {
    if (s.outcome == SourceReport::Outcome::kFailed) return false;
  }
  for (const PushOutcome& p : pushes) {
    if (!p.status.ok()) return false;
  }
  return bundle_errors.empty() && mail.AllSent();
}

std::string CommitMessage(const RunReport& report) {
  int new_total = 0, updated_total = 0;
  std::string lines;
  for (const SourceReport& s : report.sources) {
    if (s.new_articles == 0 && s.updated == 0) continue;
    new_total += s.new_articles;
    updated_total += s.updated;
    lines += s.name + ": " + std::to_string(s.new_articles) + " new";
    if (s.updated) lines += ", " + std::to_string(s.updated) + " updated";
    lines += "\n";
  }
  std::string head = "Archive " + std::to_string(new_total) + " new";
  if (updated_total) head += ", " + std::to_string(updated_total) + " updated";
  head += new_total + updated_total == 1 ? " article" : " articles";
  std::string carried = CarriedOverSummary(report.carried_over);
  if (!carried.empty()) {
    // A run that completes an interrupted one says what it commits of it.
    carried += " left uncommitted by an earlier run";
    head = new_total + updated_total == 0 ? "Archive " + carried : head + ", and " + carried;
    lines += std::string(lines.empty() ? "" : "\n") +
             "Left uncommitted by an earlier run (interrupted, or run without --commit):\n" +
             CarriedOverLines(report.carried_over);
  } else if (new_total + updated_total == 0) {
    head = "Update the mirror's index and state";
  }
  return lines.empty() ? head + "\n" : head + "\n\n" + lines;
}

std::string QuarantineWarning(const QuarantineNotice& q) {
  std::string entry = "\"" + q.title + "\" (" + q.link + ")";
  if (!q.tried) {
    return "skipped " + entry + ": quarantined after " + std::to_string(q.attempts) + " failed attempts (" +
           q.reason + "); tried again when the entry changes";
  }
  std::string next = q.attempts < kQuarantineAttempts
                         ? "tried again next run (attempt " + std::to_string(q.attempts) + " of " +
                               std::to_string(kQuarantineAttempts) + ")"
                         : "not tried again while it stays as it is (attempt " + std::to_string(q.attempts) +
                               " of " + std::to_string(kQuarantineAttempts) + ")";
  return "could not archive " + entry + ": " + q.reason + "; quarantined, " + next;
}

namespace {
// Whether CompleteEntries (complete.h) has anything to do for `source`: page
// text, link repairs or stored images.
bool NeedsCompletion(const SourceConfig& source, const Config& config) {
  return source.full_text != FullTextMode::kFeed || !source.rewrite.empty() ||
         EffectiveImageMode(source, config) != ImageMode::kProxy;
}
}  // namespace

RunReport RunMirror(const Config& config, const RunOptions& options, RunObserver* observer) {
  RunReport report;
  RunObserver quiet;
  RunObserver& obs = observer ? *observer : quiet;
  const std::string& root = options.out_dir;
  int64_t now_ms = options.now_ms
                       ? options.now_ms
                       : std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();

  // Which sources run.
  std::vector<const SourceConfig*> selected;
  for (const std::string& name : options.sources) {
    auto it = std::find_if(config.sources.begin(), config.sources.end(),
                           [&](const SourceConfig& s) { return s.name == name; });
    if (it == config.sources.end()) {
      report.status = Status::InvalidArgument("no source named '" + name + "' in " + config.path);
      return report;
    }
  }
  for (const SourceConfig& s : config.sources) {
    bool wanted = options.sources.empty()
                      ? s.enabled
                      : std::find(options.sources.begin(), options.sources.end(), s.name) != options.sources.end();
    if (wanted && ShardOf(s.name, options.shard.count) == options.shard.index) selected.push_back(&s);
  }

  if (options.sources.empty() &&
      std::none_of(config.sources.begin(), config.sources.end(), [](const SourceConfig& s) { return s.enabled; })) {
    report.status = Status::InvalidArgument(
        (config.path.empty() ? std::string("the configuration") : config.path) +
        ": no [[source]] is enabled, so there is nothing to run (add a [[source]] with name and url, or set "
        "enabled = true)");
    return report;
  }

  // A dry run only reads: no folder is made, no lock taken, no journal replayed.
  Result<RunLock> lock = options.dry_run ? Result<RunLock>(RunLock())
                                         : OpenMirror(root, true, options.commit, &report.recovered_files);
  if (!lock.ok()) {
    report.status = lock.status();
    return report;
  }
  if (report.recovered_files > 0) {
    obs.Note("completed an interrupted run: restored " + std::to_string(report.recovered_files) + " files");
  }
  if (options.commit && !options.dry_run) {
    auto carried = CarriedOverArticles(root);
    if (carried.ok()) report.carried_over = std::move(carried).value();
    else obs.Note("the commit message cannot count what an earlier run left: " + carried.status().message());
  }

  // The validators go into the requests. An outlet whose state is in the
  // folder layout sends those of its feed.tsv and is loaded only once its feed
  // has changed, so a feed that answers 304 costs no state parse; any other
  // (no state yet, the old single file, articles to take over) is loaded now.
  std::vector<std::unique_ptr<OutletArchive>> archives(selected.size());
  std::vector<bool> unusable(selected.size(), false);  // state that cannot be loaded: not fetched
  auto load = [&](size_t i) {
    SourceReport& sr = report.sources[i];
    auto loaded = OutletArchive::Load(root, sr.name);
    if (!loaded.ok()) {
      // A broken state file is this outlet's problem only.
      sr.error = loaded.status().message();
      return false;
    }
    archives[i] = std::make_unique<OutletArchive>(std::move(loaded).value());
    if (archives[i]->taken_over()) {
      sr.warnings.push_back("took over " + std::to_string(archives[i]->records().size()) +
                            " existing articles from " + layout::ArticleDir(sr.name));
    }
    return true;
  };
  std::vector<FetchRequest> requests;
  report.sources.resize(selected.size());
  // The fingerprint of each feed as the last run read it, and as this run
  // reads it (pipeline/unchanged_feed.h), with the validators it came with.
  std::vector<FeedValidators> last_read(selected.size());
  std::vector<FeedValidators> new_validators(selected.size());
  // A source whose paths would meet those of another outlet in the mirror
  // (layout.h: lists/x.md beside lists/x.md/, …) fails before any of its
  // files is read or written; the configuration's own names were checked
  // against each other when it was read.
  const std::vector<std::string> on_disk = layout::OutletsInMirror(root);
  for (size_t i = 0; i < selected.size(); ++i) {
    SourceReport& sr = report.sources[i];
    sr.name = selected[i]->name;
    // Credentials in a configured URL are used for the request only: what
    // is reported and stored in state/ is the URL without them.
    sr.url = WithoutCredentials(selected[i]->url);
    FetchRequest req;
    req.url = selected[i]->url;
    // The operator's own choice; its redirects elsewhere are checked.
    req.trusted_origin = selected[i]->url;
    if (Status s = layout::OutletNameSet::CheckBeside(sr.name, on_disk); !s.ok()) {
      sr.error = s.message();
      unusable[i] = true;
      requests.push_back(std::move(req));
      continue;
    }
    Result<FeedValidators> validators = ReadFeedValidators(root, sr.name);
    if (!validators.ok()) {
      if (load(i)) validators = archives[i]->validators();
      else unusable[i] = true;
    }
    if (validators.ok()) last_read[i] = *validators;
    if (validators.ok() && validators->url == sr.url) {
      req.etag = validators->etag;
      req.last_modified = validators->last_modified;
    }
    requests.push_back(std::move(req));
  }

  // Fetch the sources whose state could be read, all at once.
  std::vector<size_t> fetch_index;
  std::vector<FetchRequest> to_fetch;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!unusable[i]) {
      fetch_index.push_back(i);
      to_fetch.push_back(requests[i]);
    }
  }
  FetchOptions fopts = config.fetch;
  if (options.jobs > 0) fopts.jobs = options.jobs;
  obs.FetchStarted(selected.size());
  size_t done = selected.size() - to_fetch.size();
  std::vector<PlannedWrite> writes;
  std::vector<std::optional<Feed>> feeds(selected.size());
  auto merge = [&](size_t i, const std::vector<Entry>& entries, const std::vector<bool>& as_archived) {
    SourceReport& sr = report.sources[i];
    MergeStats m = archives[i]->Merge(entries, now_ms, ArchiveOptionsFor(*selected[i], config), as_archived);
    archives[i]->ForgetQuarantinedNotIn(entries);
    sr.new_articles = m.new_articles;
    sr.updated = m.updated;
    sr.unchanged = m.unchanged;
    for (const std::string& w : m.warnings) sr.warnings.push_back(w);
    for (const QuarantineNotice& q : m.quarantined) sr.warnings.push_back(QuarantineWarning(q));
    sr.quarantined = std::move(m.quarantined);
    // The fingerprint is kept only when the same feed would change nothing.
    if (!LeavesNothingToRetry(sr)) new_validators[i].fingerprint.clear();
    new_validators[i].fingerprint_entries = new_validators[i].fingerprint.empty() ? 0 : sr.entries;
    new_validators[i].fingerprint_known =
        new_validators[i].fingerprint.empty() ? 0 : std::min(sr.entries, m.new_articles + m.updated + m.unchanged);
    archives[i]->SetValidators(new_validators[i]);
    sr.outcome = SourceReport::Outcome::kArchived;
    obs.SourceFetched(sr, ++done, selected.size());
  };
  auto responses = FetchAll(to_fetch, fopts, [&](size_t k, FetchResponse& resp) {
    size_t i = fetch_index[k];
    SourceReport& sr = report.sources[i];
    sr.seconds = resp.seconds;
    const SourceConfig& src = *selected[i];
    if (!resp.status.ok()) {
      sr.error = resp.status.message();
    } else if (resp.not_modified) {
      sr.outcome = SourceReport::Outcome::kNotModified;
    } else {
      ParseOptions popts;
      // The base of the feed's relative links: without the credentials the
      // request may have used, so that none reaches an archived link or page.
      popts.url = WithoutCredentials(resp.effective_url.empty() ? src.url : resp.effective_url);
      popts.content_type = resp.content_type;
      popts.content_location = resp.content_location;
      popts.default_zone_minutes = src.date_zone_minutes;
      std::string fingerprint = UnchangedFeedFingerprint(
          resp.body, {sr.url, popts.url, popts.content_type, popts.content_location, popts.default_zone_minutes});
      if (!fingerprint.empty() && fingerprint == last_read[i].fingerprint) {
        // The feed the last run archived, read the same way: as a 304, with
        // the last run's counts (its entries are all known now).
        std::string().swap(resp.body);
        FeedValidators now = last_read[i];
        now.url = now.etag = now.last_modified = "";
        if (!resp.etag.empty() || !resp.last_modified.empty()) {
          now.url = sr.url;
          now.etag = resp.etag;
          now.last_modified = resp.last_modified;
        }
        const bool validators_changed = !now.SameRequestValidators(last_read[i]);
        // New validators for the same bytes (a Last-Modified of "now") are
        // kept for the next request: that needs the outlet's state.
        if (!validators_changed || archives[i] || load(i)) {
          if (validators_changed) archives[i]->SetValidators(now);
          sr.outcome = SourceReport::Outcome::kNotModified;
          sr.decided_unchanged = true;
          sr.entries = last_read[i].fingerprint_entries;
          sr.unchanged = last_read[i].fingerprint_known;
        }
        obs.SourceFetched(sr, ++done, selected.size());
        return;
      }
      Result<Feed> feed = Status::Internal("not parsed");
      Status contained = Contain([&] { feed = ParseFeed(resp.body, popts); });
      if (!contained.ok()) feed = contained;
      // The feed is parsed: its bytes need not wait for the other sources.
      std::string().swap(resp.body);
      if (!feed.ok()) {
        sr.error = feed.status().message() + " (" + popts.url + ")";
      } else if (!archives[i] && !load(i)) {
        // The feed changed, and the outlet's state cannot be read: reported as failed.
      } else {
        sr.encoding = feed->encoding;
        sr.entries = static_cast<int>(feed->entries.size());
        for (const std::string& w : feed->warnings) sr.warnings.push_back(w);
        // Validators only mean something for the URL that sent them; a source
        // without any (file:, servers without caching headers) stores nothing.
        // (Set when the entries are merged, with the fingerprint.)
        if (!resp.etag.empty() || !resp.last_modified.empty()) new_validators[i] = {sr.url, resp.etag, resp.last_modified};
        new_validators[i].fingerprint = std::move(fingerprint);
        if (!NeedsCompletion(src, config)) {
          // Nothing to complete: merged now, so that no more than one
          // parsed feed is held at a time.
          merge(i, feed->entries, {});
          return;
        }
        feeds[i] = std::move(feed).value();
        return;  // reported once merged
      }
    }
    obs.SourceFetched(sr, ++done, selected.size());
  });
  for (size_t i = 0; i < selected.size(); ++i) {
    if (unusable[i]) obs.SourceFetched(report.sources[i], ++done, selected.size());
  }
  (void)responses;
  TestPausePoint("fetched");

  // Complete the entries (article pages, repaired links, stored images), then merge.
  std::vector<CompletionJob> jobs;
  std::vector<size_t> source_of_job;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!feeds[i]) continue;
    jobs.push_back({selected[i], archives[i].get(), &feeds[i]->entries, &report.sources[i].warnings});
    source_of_job.push_back(i);
  }
  for (PlannedWrite& w : CompleteEntries(jobs, config, {root, now_ms})) writes.push_back(std::move(w));
  std::vector<std::vector<bool>> as_archived(selected.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    as_archived[source_of_job[j]] = std::move(jobs[j].as_archived);
    SourceReport& sr = report.sources[source_of_job[j]];
    sr.pages_fetched = jobs[j].pages_fetched;
    sr.pages_failed = jobs[j].pages_failed;
    sr.images_stored = jobs[j].images_stored;
    sr.images_failed = jobs[j].images_failed;
    sr.retries_pending = jobs[j].retries_pending;
  }
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!feeds[i]) continue;
    merge(i, feeds[i]->entries, as_archived[i]);
    feeds[i].reset();
  }

  // An outlet whose list page does not name the mirror's copies as the
  // configuration does has its pages written again (TakeWrites), also when
  // its feed brought nothing new.
  const std::string copies_footer = MirrorCopiesMarkdown(config.archive.mirrors);
  for (size_t i = 0; i < selected.size(); ++i) {
    if (archives[i] || unusable[i]) continue;
    auto page = ReadFileBelow(root, layout::ListPagePath(selected[i]->name));
    if (!page.ok() || ListPageHasFooter(*page, selected[i]->name, copies_footer)) continue;
    auto loaded = OutletArchive::Load(root, selected[i]->name);
    if (loaded.ok()) archives[i] = std::make_unique<OutletArchive>(std::move(loaded).value());
    else report.sources[i].warnings.push_back("pages not updated to the mirror's copies: " + loaded.status().message());
  }
  // The budget ([rollover], rollover.h), from the records already loaded.
  bool over_budget = false;
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!archives[i]) continue;
    int64_t here = 0;
    for (const ArticleRecord& r : archives[i]->records()) here += r.archive_year == 0;
    std::string warning = FolderBudgetWarning(config.rollover, archives[i]->outlet(), here);
    if (!warning.empty()) {
      report.sources[i].warnings.push_back(std::move(warning));
      over_budget = true;
    }
  }
  for (size_t i = 0; i < selected.size(); ++i) {
    if (!archives[i]) continue;
    for (PlannedWrite& w : archives[i]->TakeWrites(config.archive)) writes.push_back(std::move(w));
  }
  PlanIndexFiles(root, config, writes, {}, options.shard.count == 1);
  for (const PlannedWrite& w : writes) report.written.push_back(w.path);
  if (options.dry_run) return report;
  // The record of the last run's pushes goes into the commit of a run that
  // commits something (push_record.h).
  if (!writes.empty()) {
    if (auto record = PushRecordWrite(root)) {
      report.written.push_back(record->path);
      writes.push_back(std::move(*record));
    }
  }

  std::set<std::string> changed_outlets;
  for (const PlannedWrite& w : writes) {
    if (auto outlet = OutletOfStatePath(w.path)) changed_outlets.insert(*outlet);
  }
  if (Status s = ApplyWrites(root, writes); !s.ok()) {
    report.status = s;
    return report;
  }
  for (const auto& archive : archives) {
    if (archive) archive->SaveKeyCache();
  }
  // The offline bundles, from the archive as the writes left it; like
  // feeds/all.xml they span every outlet, so shards leave them alone.
  if (config.bundle.enabled && options.shard.count == 1) {
    std::string folder = options.bundle_folder.empty() ? config.bundle.folder : options.bundle_folder;
    ScheduledBundles bundles = PlanScheduledBundles(root, config, changed_outlets, now_ms, folder);
    report.bundle_errors = std::move(bundles.errors);
    for (const std::string& d : bundles.deferred) obs.Note(d);
    report.bundles_deferred = std::move(bundles.deferred);
    if (Status s = ApplyWrites(root, bundles.mirror_writes); !s.ok()) {
      report.status = s;
      return report;
    }
    for (const PlannedWrite& w : bundles.mirror_writes) report.written.push_back(w.path);
    // The folder is the operator's; nothing below it is reached through a link.
    for (const PlannedWrite& w : bundles.folder_writes) {
      Status s = w.remove ? RemoveFileBelow(folder, w.path) : WriteFileBelow(folder, w.path, w.data);
      std::string path = folder + "/" + w.path;
      if (!s.ok()) report.bundle_errors.push_back(path + ": " + s.message());
      else report.written.push_back(path);
    }
  }
  // For the job that runs `rollover` after a run that found it due.
  if (over_budget) (void)WriteFileBelow(root, layout::RolloverDuePath(), "", /*sync=*/false);
  // The files are on disk; their copies in memory and the archives' records
  // would only add to the commit's peak.
  std::vector<PlannedWrite>().swap(writes);
  archives.clear();
  // The search index is a cache: failing to update it never fails the run.
  if (Status s = UpdateSearchIndexIfPresent(root); !s.ok()) obs.Note("search index not updated: " + s.message());
  // The digests go out before the commit, which then carries what they sent.
  // Like feeds/all.xml they span every outlet, so shards leave them alone.
  if (config.mail.enabled && options.mail && options.shard.count == 1) {
    std::map<std::string, int> new_articles;
    for (const SourceReport& s : report.sources) {
      if (s.new_articles > 0) new_articles[s.name] = s.new_articles;
    }
    report.mail = SendDigests(root, config, new_articles, now_ms, [&](const PlannedWrite& w) {
      return ApplyWrites(root, {w});
    });
  }
  Publication pub = Publish(root, *lock, CommitMessage(report), options.commit, options.push, config.publish.remotes);
  report.committed = pub.committed;
  report.commit = pub.commit;
  report.commit_status = pub.commit_status;
  for (const std::string& note : pub.notes) obs.Note(note);
  report.pushes = std::move(pub.pushes);
  if (options.push && report.commit_status.ok()) {
    report.push_records =
        UpdatePushRecords(ReadPushRecords(root), report.pushes, config.publish.remotes, report.commit, now_ms);
    if (Status s = WritePushRecords(root, report.push_records); !s.ok()) {
      obs.Note("the record of the pushes was not written: " + s.message());
    }
  }
  return report;
}

}  // namespace nm

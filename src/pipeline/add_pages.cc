#include "pipeline/add_pages.h"

#include <chrono>
#include <map>
#include <memory>

#include "archive/article.h"
#include "complete/complete.h"
#include "complete/rewrite_rules.h"
#include "fetch/http_client.h"
#include "layout/layout.h"
#include "pipeline/index_files.h"
#include "pipeline/journal.h"
#include "pipeline/mirror_session.h"
#include "search/search_index.h"
#include "url/url.h"
#include "util/fs.h"

namespace nm {

bool AddReport::AllSucceeded() const {
  if (!status.ok() || !commit_status.ok()) return false;
  for (const AddedPage& p : pages) {
    if (!p.status.ok()) return false;
  }
  for (const PushOutcome& p : pushes) {
    if (!p.status.ok()) return false;
  }
  return true;
}

AddReport AddPages(const Config& base_config, const AddOptions& options) {
  AddReport report;
  const std::string& root = options.out_dir;
  int64_t now_ms = options.now_ms
                       ? options.now_ms
                       : std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Config config = base_config;
  // The URLs come from outside: no trusted origin, every hop public
  // (fetch/address_policy.h), unless the operator says otherwise.
  config.fetch.allow_non_public = options.allow_private;

  // The source whose settings apply, or one named after the page's host.
  std::string source;
  if (!options.source.empty()) {
    auto name = layout::NormalizeOutletName(options.source);
    if (!name.ok()) {
      report.status = Status::InvalidArgument("--source '" + options.source +
                                              "' cannot be a folder name: " + name.status().message());
      return report;
    }
    source = std::move(name).value();
  }
  const SourceConfig* named = nullptr;
  for (const SourceConfig& s : config.sources) {
    if (s.name == source) named = &s;
  }
  // A page's outlet may not meet another outlet's paths (layout.h): those of
  // the mirror, the configured ones and the other pages' new ones.
  std::vector<std::string> outlets = layout::OutletsInMirror(root);
  for (const SourceConfig& s : config.sources) outlets.push_back(s.name);

  // Fetch every page first: nothing is locked while the network is slow.
  std::vector<FetchRequest> requests;
  std::vector<size_t> request_of;
  report.pages.resize(options.urls.size());
  for (size_t i = 0; i < options.urls.size(); ++i) {
    AddedPage& page = report.pages[i];
    page.url = options.urls[i];
    std::optional<std::string> url = NormalizeUrl(page.url);
    if (url && named) url = NormalizeUrl(ApplyRewriteRules(*url, named->rewrite));
    if (!url || (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)) {
      page.status = Status::InvalidArgument("not an http(s) address: " + page.url);
      continue;
    }
    page.url = *url;
    page.outlet = named ? named->name : !source.empty() ? source : UrlHost(*url);
    auto outlet = layout::NormalizeOutletName(page.outlet);
    if (!outlet.ok()) {
      page.status = Status::InvalidArgument("'" + page.outlet + "' cannot be a folder name: " + outlet.status().message());
      continue;
    }
    page.outlet = std::move(outlet).value();
    if (Status s = layout::OutletNameSet::CheckBeside(page.outlet, outlets); !s.ok()) {
      page.status = s;
      continue;
    }
    outlets.push_back(page.outlet);
    FetchRequest req;
    req.url = *url;
    req.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
    requests.push_back(std::move(req));
    request_of.push_back(i);
  }
  std::vector<FetchResponse> responses = FetchAll(requests, config.fetch);

  // One entry per page that was extracted, grouped by outlet.
  std::map<std::string, std::vector<Entry>> entries;
  std::map<std::string, std::vector<size_t>> page_of;
  for (size_t k = 0; k < responses.size(); ++k) {
    AddedPage& page = report.pages[request_of[k]];
    const FetchResponse& resp = responses[k];
    if (!resp.status.ok()) {
      page.status = resp.status;
      continue;
    }
    auto article = ArticleFromPage(resp, named ? named->selector : std::string(), std::nullopt, now_ms);
    if (!article.ok()) {
      page.status = article.status().With(page.url);
      continue;
    }
    if (article->flattened) page.warnings.push_back(FlattenedPageWarning(article->title));
    Entry e;
    e.title = article->title.empty() ? page.url : article->title;
    e.link = resp.effective_url.empty() ? page.url : resp.effective_url;
    e.published = Date{"", article->published_ms};
    e.content = std::move(article->content);
    page.title = CleanTitle(e.title);
    entries[page.outlet].push_back(std::move(e));
    page_of[page.outlet].push_back(request_of[k]);
  }
  if (entries.empty()) return report;

  int recovered = 0;
  auto lock = OpenMirror(root, true, options.commit, &recovered);
  if (!lock.ok()) {
    report.status = lock.status();
    return report;
  }
  CarriedOver carried_over;  // for the commit message only: not counting them is no failure
  if (options.commit) {
    if (auto carried = CarriedOverArticles(root); carried.ok()) carried_over = std::move(carried).value();
  }

  // Pages are merged like feed entries, with their outlet's settings; the
  // page text is already in, so completion only repairs links and stores images.
  std::vector<std::unique_ptr<OutletArchive>> archives;
  std::vector<SourceConfig> sources;
  std::vector<std::vector<std::string>> warnings(entries.size());
  sources.reserve(entries.size());
  std::vector<CompletionJob> jobs;
  size_t n = 0;
  for (auto& [outlet, list] : entries) {
    auto loaded = OutletArchive::Load(root, outlet);
    if (!loaded.ok()) {
      for (size_t i : page_of[outlet]) report.pages[i].status = loaded.status();
      archives.push_back(nullptr);
      sources.emplace_back();
      ++n;
      continue;
    }
    archives.push_back(std::make_unique<OutletArchive>(std::move(loaded).value()));
    SourceConfig sc = named ? *named : SourceConfig{};
    sc.name = outlet;
    sc.full_text = FullTextMode::kFeed;
    sc.url.clear();  // a page on request has no feed: no origin of its images is trusted
    sources.push_back(sc);
    ++n;
  }
  n = 0;
  for (auto& [outlet, list] : entries) {
    if (archives[n]) jobs.push_back({&sources[n], archives[n].get(), &list, &warnings[n]});
    ++n;
  }
  std::vector<PlannedWrite> writes = CompleteEntries(jobs, config, {root, now_ms});
  n = 0;
  for (auto& [outlet, list] : entries) {
    OutletArchive* archive = archives[n].get();
    if (archive) {
      std::vector<bool> known;
      for (const Entry& e : list) known.push_back(archive->FindEntry(e) != nullptr);
      MergeStats merged = archive->Merge(list, now_ms, ArchiveOptionsFor(sources[n], config));
      const std::vector<size_t>& pages = page_of[outlet];
      for (size_t k = 0; k < pages.size(); ++k) {
        AddedPage& page = report.pages[pages[k]];
        page.already_archived = known[k];
        page.warnings.insert(page.warnings.end(), warnings[n].begin(), warnings[n].end());
        for (const QuarantineNotice& q : merged.quarantined) {
          if (q.link == list[k].link) page.status = Status::Internal("could not archive it: " + q.reason).With(page.url);
        }
        if (const ArticleRecord* r = archive->FindEntry(list[k])) page.path = layout::ArticlePath(outlet, r->file);
      }
      for (PlannedWrite& w : archive->TakeWrites(config.archive)) writes.push_back(std::move(w));
    }
    ++n;
  }
  std::vector<std::string> written_outlets;
  for (const auto& [outlet, list] : entries) written_outlets.push_back(outlet);
  PlanIndexFiles(root, config, writes, written_outlets);
  if (Status s = ApplyWrites(root, writes); !s.ok()) {
    report.status = s;
    return report;
  }
  UpdateSearchIndexIfPresent(root);  // a cache: a failure here only leaves it for the next search
  std::string message;
  int added = 0;
  for (const AddedPage& p : report.pages) {
    if (!p.status.ok() || p.already_archived) continue;
    ++added;
    message += p.outlet + ": " + p.title + "\n" + p.url + "\n";
  }
  std::string head = added == 1 ? "Archive 1 page on request" : "Archive " + std::to_string(added) + " pages on request";
  if (std::string carried = CarriedOverSummary(carried_over); !carried.empty()) {
    head += ", and " + carried + " left uncommitted by an earlier run";
    message += std::string(message.empty() ? "" : "\n") +
               "Left uncommitted by an earlier run (interrupted, or run without --commit):\n" +
               CarriedOverLines(carried_over);
  }
  Publication pub = Publish(root, *lock, message.empty() ? head + "\n" : head + "\n\n" + message, options.commit,
                            options.push, config.publish.remotes);
  report.committed = pub.committed;
  report.commit = pub.commit;
  report.commit_status = pub.commit_status;
  report.pushes = std::move(pub.pushes);
  return report;
}

}  // namespace nm

#include "complete/complete.h"


#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "archive/archive_reader.h"
#include "archive/article.h"
#include "complete/completion_state.h"
#include "complete/compose.h"
#include "complete/local_images.h"
#include "complete/rewrite_rules.h"
#include "decode/charset.h"
#include "extract/extractor.h"
#include "fetch/http_client.h"
#include "html/html_tree.h"
#include "layout/layout.h"
#include "publish/checkout.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

std::optional<int64_t> EntryTime(const Entry& e) {
  for (const std::optional<Date>* d : {&e.published, &e.updated, &e.created}) {
    if (d->has_value() && (*d)->ms) return (*d)->ms;
  }
  return std::nullopt;
}

std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  size_t slash = url.find('/', scheme + 3);
  return url.substr(0, slash == std::string::npos ? url.size() : slash) + "/";
}

// Feed content hashes are short: they only tell one version from the next.
std::string ContentHash(const std::string& content) { return GitBlobId(content).substr(0, 16); }

std::string EntryLinkKey(const Entry& e) {
  return LinkKey(NormalizeUrl(e.link).value_or(std::string(JsTrim(e.link))));
}

// The article as archived (from git when a sparse checkout leaves it out), or
// nullopt when its file cannot be read.
std::optional<ArticleDoc> ArchivedArticle(const OutletArchive& archive, const ArticleRecord& r) {
  auto doc = ReadArticle(archive.root(), archive.outlet(), r);
  if (!doc.ok()) return std::nullopt;
  return std::move(doc).value();
}

struct PageFetch {
  size_t job;
  size_t entry;
  std::string feed_hash;
  std::string link_key;
  // For a page fetched again after a failure: the article as archived, which
  // stands if this attempt fails too.
  std::optional<std::string> archived_content;
};

// A page that could not be read is fetched again by this many runs in all
// (hourly: a server down for a few hours), while its entry is in the feed.
constexpr int kPageAttempts = 5;

}  // namespace

namespace {
Result<PageArticle> ReadPageArticle(const FetchResponse& page, const std::string& selector,
                                    std::optional<int64_t> published_ms, int64_t fallback_published_ms);
}  // namespace

ImageMode EffectiveImageMode(const SourceConfig& source, const Config& config) {
  return source.images.value_or(config.complete.images);
}

ArchiveOptions ArchiveOptionsFor(const SourceConfig& source, const Config& config) {
  ArchiveOptions a = config.archive;
  if (EffectiveImageMode(source, config) != ImageMode::kProxy) a.image_proxy.clear();
  return a;
}

Result<PageArticle> ArticleFromPage(const FetchResponse& page, const std::string& selector,
                                    std::optional<int64_t> published_ms, int64_t fallback_published_ms) {
  // What a library throws on one page (a parse over its memory budget) fails that page only.
  Result<PageArticle> out = Status::Internal("not read");
  Status contained = Contain([&] { out = ReadPageArticle(page, selector, published_ms, fallback_published_ms); });
  if (!contained.ok()) return contained;
  return out;
}

namespace {

Result<PageArticle> ReadPageArticle(const FetchResponse& page, const std::string& selector,
                                    std::optional<int64_t> published_ms, int64_t fallback_published_ms) {
  // The page as UTF-8: BOM, HTTP charset, <meta>, then detection (decode/).
  std::string html = DecodeDocument(page.body, page.content_type, DocumentKind::kHtml).text;
  ExtractOptions eo;
  eo.url = page.effective_url;
  eo.selector = selector;
  auto extracted = ExtractArticle(html, eo);
  if (!extracted.ok()) return extracted.status();
  PageArticle a;
  a.title = extracted->title;
  a.text = extracted->text;
  a.published_ms = published_ms.value_or(extracted->published_ms.value_or(fallback_published_ms));
  a.flattened = extracted->flattened;
  a.content = ComposeArticle(*extracted, a.published_ms, page.effective_url);
  if (JsTrim(VisibleText(extracted->body_html)).empty()) {
    return Status::ParseError("the page's article body is empty");
  }
  return a;
}

}  // namespace

std::string FlattenedPageWarning(const std::string& title) {
  return "the page of \"" + CleanTitle(title) + "\" is nested deeper than " + std::to_string(kMaxHtmlDepth) +
         " levels (or holds too many open formatting elements): what lies deeper was read as text";
}

std::vector<PlannedWrite> CompleteEntries(std::vector<CompletionJob>& jobs, const Config& config,
                                          const CompletionOptions& options) {
  std::vector<CompletionState> states(jobs.size());
  std::vector<CompletionState> loaded(jobs.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    const std::string& outlet = jobs[j].archive->outlet();
    auto text = ReadFileBelow(options.root, layout::CompletionStatePath(outlet));
    if (text.ok()) {
      auto parsed = ParseCompletionState(*text);
      if (parsed.ok()) states[j] = std::move(parsed).value();
      else jobs[j].warnings->push_back(layout::CompletionStatePath(outlet) + ": " + parsed.status().message() +
                                       "; starting it afresh");
    }
    loaded[j] = states[j];
  }

  // 1. Links first: the page to fetch is the repaired one.
  for (CompletionJob& job : jobs) {
    if (job.source->rewrite.empty()) continue;
    for (Entry& e : *job.entries) e.link = ApplyRewriteRules(e.link, job.source->rewrite);
  }

  for (CompletionJob& job : jobs) job.as_archived.assign(job.entries->size(), false);

  // 2. Pages of new and changed entries.
  std::vector<PageFetch> fetches;
  std::vector<FetchRequest> requests;
  for (size_t j = 0; j < jobs.size(); ++j) {
    CompletionJob& job = jobs[j];
    FullTextMode mode = job.source->full_text;
    if (mode == FullTextMode::kFeed) continue;
    std::set<std::string> in_feed;
    for (size_t k = 0; k < job.entries->size(); ++k) {
      Entry& e = (*job.entries)[k];
      std::string key = EntryLinkKey(e);
      std::string hash = ContentHash(e.content);
      in_feed.insert(key);
      std::optional<std::string> archived_content;
      if (const ArticleRecord* r = job.archive->FindEntry(e)) {
        auto seen = states[j].pages.find(key);
        // A file the checkout holds must be there; one a sparse checkout
        // leaves out is in HEAD's tree (a missing one is taken again).
        std::string rel = layout::ArticlePath(job.archive->outlet(), r->file);
        bool archived = !CheckoutHolds(options.root, rel) || FileExistsBelow(options.root, rel);
        if (archived && (seen == states[j].pages.end() || seen->second == hash)) {
          // Known, and the feed says nothing new: the archived text stands,
          // unless its page failed last time and is due another attempt.
          if (!key.empty()) states[j].pages[key] = hash;
          if (key.empty() || !states[j].page_failures.count(key)) {
            job.as_archived[k] = true;
            continue;
          }
          if (std::optional<ArticleDoc> doc = ArchivedArticle(*job.archive, *r)) archived_content = doc->content;
        }
      }
      if (!key.empty()) states[j].pages[key] = hash;
      if (mode == FullTextMode::kAuto && !LooksLikeSummary(e.content)) continue;
      if (e.link.rfind("http://", 0) != 0 && e.link.rfind("https://", 0) != 0) continue;
      FetchRequest req;
      req.url = e.link;
      // A page at the feed's own origin is fetched as the feed is; anything
      // else a feed links to (and every redirect) must be public, so that a
      // feed cannot make the mirror read the machine's own network (a cloud
      // metadata address, a router) into a public repository
      // (fetch/address_policy.h). Images alike (local_images.cc).
      req.trusted_origin = job.source->url;
      req.referer = Origin(e.link);
      req.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
      requests.push_back(std::move(req));
      fetches.push_back({j, k, hash, key, std::move(archived_content)});
    }
    // An entry that left the feed is not retried.
    for (auto it = states[j].page_failures.begin(); it != states[j].page_failures.end();) {
      it = in_feed.count(it->first) ? std::next(it) : states[j].page_failures.erase(it);
    }
  }
  if (!requests.empty()) {
    FetchOptions fo = config.fetch;
    fo.host_spacing_ms = config.complete.page_spacing_ms;
    std::vector<FetchResponse> pages = FetchAll(requests, fo);
    for (size_t i = 0; i < fetches.size(); ++i) {
      CompletionJob& job = jobs[fetches[i].job];
      Entry& e = (*job.entries)[fetches[i].entry];
      const FetchResponse& page = pages[i];
      Result<PageArticle> article = page.status.ok()
                                        ? ArticleFromPage(page, job.source->selector, EntryTime(e), options.now_ms)
                                        : Result<PageArticle>(page.status);
      CompletionState& state = states[fetches[i].job];
      const std::string& key = fetches[i].link_key;
      if (!article.ok()) {
        ++job.pages_failed;
        std::string next;
        if (!key.empty()) {
          int attempts = ++state.page_failures[key];
          if (attempts < kPageAttempts) {
            next = "; the page is fetched again next run (attempt " + std::to_string(attempts) + " of " +
                   std::to_string(kPageAttempts) + ")";
          } else {
            state.page_failures.erase(key);
            next = "; gave up on the page after " + std::to_string(kPageAttempts) + " attempts";
          }
        }
        job.warnings->push_back("kept the feed's text of \"" + CleanTitle(e.title) + "\": " +
                                article.status().message() + next);
        if (fetches[i].archived_content) e.content = *fetches[i].archived_content;
        continue;
      }
      if (!key.empty()) state.page_failures.erase(key);
      if (article->flattened) job.warnings->push_back(FlattenedPageWarning(e.title));
      if (job.source->full_text == FullTextMode::kAuto && !PageAddsToFeed(e.content, article->text)) continue;
      e.content = std::move(article->content);
      ++job.pages_fetched;
    }
  }

  // Content links, after the page's text is in.
  for (CompletionJob& job : jobs) {
    if (job.source->rewrite.empty()) continue;
    for (Entry& e : *job.entries) e.content = ApplyRewriteRules(e.content, job.source->rewrite);
  }

  // 3. Images.
  std::vector<OutletImages> image_jobs;
  std::vector<size_t> image_job_of;
  std::vector<std::vector<Entry>> retried(jobs.size());  // archived articles with pending images
  std::vector<std::vector<std::string>> retried_before(jobs.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    CompletionJob& job = jobs[j];
    ImageMode mode = EffectiveImageMode(*job.source, config);
    if (mode != ImageMode::kLocal && mode != ImageMode::kBoth) continue;
    std::set<std::string> in_feed, retry_links;
    for (const Entry& e : *job.entries) in_feed.insert(EntryLinkKey(e));
    for (const auto& [key, attempts] : states[j].retries) retry_links.insert(LinkKey(key.second));
    // An archived article in the feed whose images are to be tried again is
    // read after all, and merged as a changed entry would be.
    for (size_t k = 0; k < job.entries->size(); ++k) {
      Entry& e = (*job.entries)[k];
      if (!job.as_archived[k] || !retry_links.count(EntryLinkKey(e))) continue;
      const ArticleRecord* r = job.archive->FindEntry(e);
      if (std::optional<ArticleDoc> doc = r ? ArchivedArticle(*job.archive, *r) : std::nullopt) {
        e.content = doc->content;
        job.as_archived[k] = false;
      }
    }
    std::set<std::string> added;
    for (const auto& [key, attempts] : states[j].retries) {
      const std::string& link = key.second;
      std::string lk = LinkKey(link);
      if (in_feed.count(lk) || !added.insert(lk).second) continue;
      Entry probe;
      probe.link = link;
      const ArticleRecord* r = job.archive->FindEntry(probe);
      std::optional<ArticleDoc> doc = r ? ArchivedArticle(*job.archive, *r) : std::nullopt;
      if (!doc) continue;
      Entry e;
      e.id = r->guid;
      e.title = doc->title;
      e.link = doc->link;
      e.published = Date{"", doc->published_ms};
      e.content = doc->content;
      retried[j].push_back(std::move(e));
    }
    OutletImages oi;
    oi.outlet = job.archive->outlet();
    oi.mode = mode;
    oi.state = &states[j];
    oi.feed_url = job.source->url;
    oi.warnings = job.warnings;
    // Each article by its stored link (no credentials): it is the Referer
    // of its images and goes into the completion state with a failed one.
    // Those rewritten as archived were completed before.
    for (size_t k = 0; k < job.entries->size(); ++k) {
      Entry& e = (*job.entries)[k];
      if (!job.as_archived[k]) oi.documents.push_back({&e.content, ArchiveLink(e.link)});
    }
    for (Entry& e : retried[j]) {
      retried_before[j].push_back(e.content);
      oi.documents.push_back({&e.content, e.link});
    }
    image_jobs.push_back(std::move(oi));
    image_job_of.push_back(j);
  }
  std::vector<PlannedWrite> writes;
  if (!image_jobs.empty()) {
    ImageStoreOptions io;
    io.root = options.root;
    io.proxy_template = config.archive.image_proxy;
    io.max_bytes = config.complete.image_max_bytes;
    io.fit = config.complete.image_fit;
    io.fetch = config.fetch;
    io.fetch.host_spacing_ms = config.complete.page_spacing_ms;
    io.fetch.retries = 0;  // a failed image is retried by the next run
    writes = StoreImages(image_jobs, io);
    for (size_t n = 0; n < image_jobs.size(); ++n) {
      size_t j = image_job_of[n];
      jobs[j].images_stored = image_jobs[n].stored;
      jobs[j].images_failed = image_jobs[n].failed;
      // Only archived articles whose images did change go to the merge.
      for (size_t k = 0; k < retried[j].size(); ++k) {
        if (retried[j][k].content == retried_before[j][k]) continue;
        jobs[j].entries->push_back(std::move(retried[j][k]));
        jobs[j].as_archived.push_back(false);
      }
    }
  }

  for (size_t j = 0; j < jobs.size(); ++j) {
    jobs[j].retries_pending = !states[j].retries.empty() || !states[j].page_failures.empty();
    if (states[j] == loaded[j]) continue;
    writes.push_back({layout::CompletionStatePath(jobs[j].archive->outlet()), SerializeCompletionState(states[j])});
  }
  return writes;
}

}  // namespace nm

#include "site/site_builder.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "html/sanitize.h"
#include "publish/mirror_feed.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

namespace fs = std::filesystem;

namespace {

// Bump when the pages' HTML changes, so unchanged articles are rendered again.
constexpr const char* kRendererVersion = "site-1";
constexpr const char* kManifest = ".newsmirror-site.tsv";

struct ManifestEntry {
  std::string blob;
  std::string source;
};

std::map<std::string, ManifestEntry> ReadManifest(const std::string& path) {
  std::map<std::string, ManifestEntry> out;
  auto text = ReadFile(path);
  if (!text.ok()) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    start = end + 1;
    size_t t1 = line.find('\t'), t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    out[line.substr(0, t1)] = {line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)};
  }
  return out;
}

std::string Local(int64_t ms, int offset_minutes) {
  std::string t = Rfc3339(ms + int64_t{offset_minutes} * 60000);
  char zone[16];
  int m = (offset_minutes < 0 ? -offset_minutes : offset_minutes) % (100 * 60);
  std::snprintf(zone, sizeof zone, "%c%02d%02d", offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
  return t.substr(0, 10) + " " + t.substr(11, 8) + " " + zone;
}

}  // namespace

std::string JekyllPost(const std::string& outlet, const ArticleRecord& r, const ArticleDoc& doc, int utc_offset_minutes) {
  auto q = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  SanitizePolicy policy;
  policy.base_url = doc.link;
  return "---\nlayout: post\ntitle: " + q(doc.title) + "\ndate: " + Local(doc.published_ms, utc_offset_minutes) +
         "\ncategories: [" + q(outlet) + "]\noriginal_url: " + q(doc.link) + "\nnewsmirror_id: " +
         std::to_string(r.id) + "\n---\n" + SanitizeHtml(doc.content, policy) + "\n";
}

Result<SiteBuildStats> BuildSite(const SiteBuildOptions& options) {
  auto view = LoadMirror(options.archive);
  if (!view.ok()) return view.status();
  if (Status s = MakeDirs(options.out); !s.ok()) return s;
  SitePages pages(*view, options.site);
  {
    // Files a sparse checkout leaves out come from git, in one request.
    std::vector<std::pair<std::string, const ArticleRecord*>> all;
    for (const MirrorOutlet& o : view->outlets) {
      for (const ArticleRecord& r : o.records) all.emplace_back(o.name, &r);
    }
    PrefetchArticles(view->root, all);
  }
  std::string manifest_path = options.out + "/" + kManifest;
  std::map<std::string, ManifestEntry> old = ReadManifest(manifest_path);
  std::map<std::string, ManifestEntry> now;
  SiteBuildStats stats;
  std::string settings = GitBlobId(std::string(kRendererVersion) + "\n" + options.site.base_url + "\n" +
                                   options.site.title + "\n" + std::to_string(options.site.utc_offset_minutes));

  auto put = [&](const std::string& path, const std::string& text, const std::string& source) -> Status {
    std::string blob = GitBlobId(text);
    std::string full = options.out + "/" + path;
    std::error_code ec;
    auto it = old.find(path);
    if (it != old.end() && it->second.blob == blob && fs::exists(full, ec)) {
      ++stats.unchanged;
    } else {
      if (Status s = MakeDirs(fs::path(full).parent_path().string()); !s.ok()) return s;
      if (Status s = WriteFileAtomic(full, text, false); !s.ok()) return s;
      ++stats.written;
    }
    now[path] = {blob, source};
    return Status::Ok();
  };
  // An article page whose source and renderer are unchanged is kept as it is.
  auto unchanged_source = [&](const std::string& path, const std::string& source) {
    auto it = old.find(path);
    std::error_code ec;
    if (it == old.end() || it->second.source != source || !fs::exists(options.out + "/" + path, ec)) return false;
    now[path] = it->second;
    ++stats.unchanged;
    return true;
  };

  for (const std::string& path : pages.Paths()) {
    ++stats.pages;
    const ArticleRecord* r = pages.ArticleOf(path);
    std::string source = r ? GitBlobId(settings + r->blob) : std::string();
    if (r && !r->blob.empty() && unchanged_source(path, source)) continue;
    auto text = pages.Render(path);
    if (!text) return Status::Internal("the site lists " + path + " but cannot render it");
    if (Status s = put(path, *text, source); !s.ok()) return s;
  }
  if (options.jekyll_posts) {
    for (const MirrorOutlet& o : view->outlets) {
      for (const ArticleRecord& r : o.records) {
        std::string path = "_posts/" + Rfc3339(r.published_ms + int64_t{options.site.utc_offset_minutes} * 60000).substr(0, 10) +
                           "-" + o.name + "-" + std::to_string(r.id) + ".html";
        ++stats.pages;
        std::string source = GitBlobId(settings + "jekyll" + r.blob);
        if (!r.blob.empty() && unchanged_source(path, source)) continue;
        auto doc = ReadArticle(view->root, o.name, r);
        if (!doc.ok()) continue;
        if (Status s = put(path, JekyllPost(o.name, r, *doc, options.site.utc_offset_minutes), source); !s.ok()) return s;
      }
    }
  }
  for (const auto& [path, entry] : old) {
    if (now.count(path)) continue;
    std::error_code ec;
    if (fs::remove(options.out + "/" + path, ec)) ++stats.removed;
  }
  std::string manifest;
  for (const auto& [path, entry] : now) manifest += path + "\t" + entry.blob + "\t" + entry.source + "\n";
  if (Status s = WriteFileAtomic(manifest_path, manifest, false); !s.ok()) return s;
  return stats;
}

}  // namespace nm

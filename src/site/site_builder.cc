#include "site/site_builder.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "complete/local_images.h"
#include "dates/date_parser.h"
#include "html/escape.h"
#include "html/sanitize.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/text.h"

namespace nm {

namespace {

// Bump when the pages' HTML changes, so unchanged articles are rendered again.
constexpr const char* kRendererVersion = "site-2";

struct ManifestEntry {
  std::string blob;
  std::string source;
  std::string images;  // the images/… paths an article page shows, space-separated
};

// The entries of the manifest in the site folder `out`. The manifest is a
// cache in a folder other people may commit to (a Pages repository): an
// entry whose path is not a page of the site (layout.h: "../victim.txt",
// "/etc/x", a hidden file) is left out, so it is neither kept nor removed.
std::map<std::string, ManifestEntry> ReadManifest(const std::string& out_dir) {
  std::map<std::string, ManifestEntry> out;
  auto text = ReadFileBelow(out_dir, layout::SiteManifestPath());
  if (!text.ok()) return out;
  for (std::string_view line : SplitOn(*text, '\n', true)) {
    // path, blob, source, and the images (the rest of the line, if any).
    size_t t1 = line.find('\t'), t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos || !layout::CheckSitePath(line.substr(0, t1)).ok()) continue;
    size_t t3 = line.find('\t', t2 + 1);
    out[std::string(line.substr(0, t1))] = {std::string(line.substr(t1 + 1, t2 - t1 - 1)),
                                            std::string(line.substr(t2 + 1, t3 - (t2 + 1))),
                                            t3 == std::string_view::npos ? std::string() : std::string(line.substr(t3 + 1))};
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

// Copies one image a page shows from the archive's assets/ into the site's
// images/ (kept when the manifest says it is there already). The file must
// be a regular file reached without a symbolic link, whose bytes have the
// hash its name carries: a committer cannot make the site publish anything
// else under an image's name. One that is not counts as missing.
Status CopyImage(const SiteBuildOptions& options, const std::string& image,
                 const std::map<std::string, ManifestEntry>& old, std::map<std::string, ManifestEntry>& now,
                 SiteBuildStats& stats) {
  std::string outlet, file;
  if (!ParseSiteImagePath(image, &outlet, &file)) {
    ++stats.images_missing;
    return Status::Ok();
  }
  std::string hash = file.substr(0, file.find('.'));
  auto it = old.find(image);
  if (it != old.end() && it->second.blob == hash && FileExistsBelow(options.out, image)) {
    now[image] = it->second;
    ++stats.images;
    return Status::Ok();
  }
  auto bytes = ReadFileBelow(options.archive, layout::AssetPath(outlet, file));
  if (!bytes.ok() || GitBlobId(*bytes) != hash) {
    ++stats.images_missing;
    return Status::Ok();
  }
  if (Status s = WriteFileBelow(options.out, image, *bytes, false); !s.ok()) return s;
  now[image] = {hash, "image", ""};
  ++stats.images;
  ++stats.written;
  return Status::Ok();
}

}  // namespace

std::string JekyllPost(const std::string& outlet, const ArticleRecord& r, const ArticleDoc& doc, int utc_offset_minutes,
                       const std::string& base_url, std::vector<std::string>* images) {
  // Each value is HTML (layouts print {{ page.title }} into pages as it is):
  // escaped as for a double-quoted attribute, so that no title, outlet or
  // link becomes markup in any layout; then quoted as a YAML string (JSON's
  // form, which YAML reads).
  auto q = [](const std::string& s) {
    std::string html;
    AppendHtmlEscaped(html, s, /*attribute=*/true);
    return nlohmann::json(html).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  SanitizePolicy policy;
  policy.base_url = doc.link;
  // A post's address is Jekyll's to choose: stored images are linked from the site's root.
  std::string root = base_url.empty() ? "/" : base_url.back() == '/' ? base_url : base_url + "/";
  policy.map_relative = [&](std::string_view url) -> std::optional<std::string> {
    std::vector<std::string> found;
    if (!MapStoredImageUrl(url, outlet, &found)) return std::nullopt;
    if (images) images->push_back(found.front());
    return root + "images/" + EncodeUriComponent(outlet) + found.front().substr(found.front().rfind('/'));
  };
  std::string html;
  Status read = Contain([&] { html = SanitizeHtml(doc.content, policy); });
  if (!read.ok()) html = "<p>" + XmlEscape("the article cannot be shown: " + read.message()) + "</p>";
  return "---\nlayout: post\ntitle: " + q(doc.title) + "\ndate: " + Local(doc.published_ms, utc_offset_minutes) +
         "\ncategories: [" + q(outlet) + "]\noriginal_url: " + q(ArchiveLink(doc.link)) + "\nnewsmirror_id: " +
         std::to_string(r.id) + "\n---\n" + html + "\n";
}

Result<SiteBuildStats> BuildSite(const SiteBuildOptions& options) {
  if (Status s = CheckIsMirror(options.archive); !s.ok()) return s;
  if (Status s = layout::CheckSiteFolder(options.archive, options.out); !s.ok()) return s;
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
  std::map<std::string, ManifestEntry> old = ReadManifest(options.out);
  std::map<std::string, ManifestEntry> now;
  SiteBuildStats stats;
  std::string settings = GitBlobId(std::string(kRendererVersion) + "\n" + options.site.base_url + "\n" +
                                   options.site.title + "\n" + std::to_string(options.site.utc_offset_minutes) +
                                   "\n" + MirrorCopiesHtml(options.site.mirrors));

  auto put = [&](const std::string& path, const std::string& text, const std::string& source) -> Status {
    std::string blob = GitBlobId(text);
    auto it = old.find(path);
    if (it != old.end() && it->second.blob == blob && FileExistsBelow(options.out, path)) {
      ++stats.unchanged;
    } else {
      if (Status s = WriteFileBelow(options.out, path, text, false); !s.ok()) return s;
      ++stats.written;
    }
    now[path] = {blob, source};
    return Status::Ok();
  };
  std::set<std::string> shown_images;  // images/… paths some page shows
  auto shows = [&](const std::string& path, const std::vector<std::string>& images) {
    std::string list;
    for (const std::string& image : images) {
      shown_images.insert(image);
      list += (list.empty() ? "" : " ") + image;
    }
    now[path].images = list;
  };
  // An article page whose source and renderer are unchanged is kept as it is.
  auto unchanged_source = [&](const std::string& path, const std::string& source) {
    auto it = old.find(path);
    if (it == old.end() || it->second.source != source || !FileExistsBelow(options.out, path)) return false;
    now[path] = it->second;
    for (size_t start = 0; start < it->second.images.size();) {
      size_t space = it->second.images.find(' ', start);
      if (space == std::string::npos) space = it->second.images.size();
      shown_images.insert(it->second.images.substr(start, space - start));
      start = space + 1;
    }
    ++stats.unchanged;
    return true;
  };

  // The pages after the first of a long article's text-only edition
  // ({id}-2.html, …) come and stay with the first; when one of them is
  // missing (or is no longer a file of the site's own), all are made again.
  auto continuations = [&](const std::string& first) {
    std::string stem = first.substr(0, first.size() - 5) + "-";
    std::vector<std::string> out;
    for (auto it = old.lower_bound(stem); it != old.end() && it->first.rfind(stem, 0) == 0; ++it) out.push_back(it->first);
    return out;
  };
  auto continuations_there = [&](const std::string& first) {
    for (const std::string& path : continuations(first)) {
      if (!FileExistsBelow(options.out, path)) return false;
    }
    return true;
  };
  auto keep_continuations = [&](const std::string& first) {
    for (const std::string& path : continuations(first)) {
      now[path] = old[path];
      ++stats.pages;
      ++stats.unchanged;
    }
  };
  for (const std::string& path : pages.Paths()) {
    ++stats.pages;
    const ArticleRecord* r = pages.ArticleOf(path);
    std::string source = r ? GitBlobId(settings + r->blob) : std::string();
    bool text_article = r && path.rfind(layout::SiteTextDir() + "/", 0) == 0;
    if (r && !r->blob.empty() && (!text_article || continuations_there(path)) && unchanged_source(path, source)) {
      if (text_article) keep_continuations(path);
      continue;
    }
    if (text_article) {
      auto parts = pages.RenderTextArticle(path);
      for (size_t k = 0; k < parts.size(); ++k) {
        if (k > 0) ++stats.pages;
        if (Status s = put(parts[k].first, parts[k].second, k == 0 ? source : std::string()); !s.ok()) return s;
      }
      continue;
    }
    std::vector<std::string> images;
    auto text = pages.Render(path, &images);
    if (!text) return Status::Internal("the site lists " + path + " but cannot render it");
    if (Status s = put(path, *text, source); !s.ok()) return s;
    shows(path, images);
  }
  if (options.jekyll_posts) {
    for (const MirrorOutlet& o : view->outlets) {
      for (const ArticleRecord& r : o.records) {
        std::string path = layout::SitePostPath(FormatLocalDate(r.published_ms, options.site.utc_offset_minutes),
                                                o.name, r.id);
        ++stats.pages;
        std::string source = GitBlobId(settings + "jekyll" + r.blob);
        if (!r.blob.empty() && unchanged_source(path, source)) continue;
        auto doc = ReadArticle(view->root, o.name, r);
        if (!doc.ok()) continue;
        std::vector<std::string> images;
        std::string post = JekyllPost(o.name, r, *doc, options.site.utc_offset_minutes, options.site.base_url, &images);
        if (Status s = put(path, post, source); !s.ok()) return s;
        shows(path, images);
      }
    }
  }
  for (const std::string& image : shown_images) {
    if (Status s = CopyImage(options, image, old, now, stats); !s.ok()) return s;
  }
  // Only files of the site's own, reached without links, are removed.
  for (const auto& [path, entry] : old) {
    if (now.count(path)) continue;
    auto kind = KindBelow(options.out, path);
    if (kind.ok() && *kind == PathKind::kFile && RemoveFileBelow(options.out, path).ok()) ++stats.removed;
  }
  std::string manifest;
  for (const auto& [path, entry] : now) {
    manifest += path + "\t" + entry.blob + "\t" + entry.source + (entry.images.empty() ? "" : "\t" + entry.images) + "\n";
  }
  if (Status s = WriteFileBelow(options.out, layout::SiteManifestPath(), manifest, false); !s.ok()) return s;
  return stats;
}

}  // namespace nm

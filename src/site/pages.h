// The reader's HTML pages, rendered from a MirrorView: one renderer for the
// static site (newsmirror site) and the local reader (newsmirror serve).
//
// Paths are relative to the site's root and double as URL paths:
//   index.html                      outlets with their newest articles
//   search.html, search-index.json  search (titles; the script is optional)
//   assets/site.css, assets/search.js
//   feeds/all.xml, feeds/{outlet}.xml
//   outlets/{outlet}/index.html, page-{n}.html     the outlet, kPageSize a page
//   outlets/{outlet}/{YYYY-MM}.html (-p{n})        a month, kMonthPageSize a page
//   outlets/{outlet}/{id}.html                     an article
// Every link is relative, so the site works under any path of any host.
// Article HTML goes through SanitizeHtml; every other text is escaped. Pages
// need no script, no web font and no request beyond the article's images.
// Thread-safe once built (rendering only reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "search/search_index.h"

namespace nm {

struct SiteOptions {
  std::string base_url;          // absolute URL of the site's root, for feeds ("" = relative links)
  int utc_offset_minutes = 8 * 60;
  std::string title = "newsmirror";
};

class SitePages {
 public:
  static constexpr size_t kPageSize = 50;
  static constexpr size_t kMonthPageSize = 200;
  static constexpr size_t kHomeItems = 8;

  SitePages(const MirrorView& view, SiteOptions options);

  // Every path of the site.
  std::vector<std::string> Paths() const;
  // The page or file at `path`; nullopt when the site has none.
  std::optional<std::string> Render(const std::string& path) const;
  // search.html showing `hits` for `query` (the local reader searches on the server).
  std::string RenderSearch(const std::string& query, const std::vector<SearchHit>* hits) const;

  // For incremental builds: the article behind an article page, or null.
  const ArticleRecord* ArticleOf(const std::string& path, std::string* outlet = nullptr) const;

 private:
  struct Month {
    std::string name;                       // YYYY-MM
    std::vector<const ArticleRecord*> items;
  };
  struct OutletPages {
    const MirrorOutlet* outlet;
    std::vector<Month> months;              // newest first
  };

  std::string Page(const std::string& depth_prefix, const std::string& title, const std::string& body,
                   const std::string& head_extra = {}) const;
  std::string ArticleList(const std::string& prefix, const std::string& outlet,
                          const std::vector<const ArticleRecord*>& items, bool show_outlet) const;
  std::string RenderHome() const;
  std::string RenderOutlet(const OutletPages& o, size_t page) const;
  std::string RenderMonth(const OutletPages& o, const Month& m, size_t page) const;
  std::string RenderArticle(const MirrorOutlet& o, const ArticleRecord& r) const;
  std::string RenderSearchIndex() const;
  std::string RenderFeed(const std::string& name) const;
  const OutletPages* FindOutlet(const std::string& name) const;

  const MirrorView& view_;
  SiteOptions options_;
  std::vector<OutletPages> outlets_;
};

// "outlets/{outlet}/{id}.html".
std::string ArticlePagePath(const std::string& outlet, int64_t id);

// The MIME type a server sends for a site path.
std::string SiteContentType(const std::string& path);

}  // namespace nm

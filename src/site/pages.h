// The reader's HTML pages, rendered from a MirrorView: one renderer for the
// static site (newsmirror site) and the local reader (newsmirror serve).
//
// Paths are relative to the site's root and double as URL paths:
//   index.html                      outlets with their newest articles
//   search.html                     search (titles; the script is optional)
//   search/meta.json                the title index's layout, outlets, and the
//                                   newest day in each title file
//   search/t/{k}.json               postings: each character and character
//                                   pair of the titles → articles, by FNV-1a
//                                   of the gram modulo kSearchShards
//   search/a/{o}-{c}.json           titles and days of outlet o's articles
//                                   with ids in [c·kSearchChunk, (c+1)·kSearchChunk)
// (a reader fetches the few files a query needs, not an index of everything)
//   assets/site.css, assets/search.js
//   feeds/all.xml, feeds/{outlet}.xml
//   outlets/{outlet}/index.html, page-{n}.html     the outlet, kPageSize a page
//   outlets/{outlet}/{YYYY-MM}.html (-p{n})        a month, kMonthPageSize a page
//   outlets/{outlet}/{id}.html                     an article
//   text/index.html                                the text-only edition: outlets
//   text/{outlet}/index.html, page-{n}.html        the outlet, kTextListSize a page
//   text/{outlet}/{id}.html, {id}-{k}.html         an article as plain paragraphs,
//                                   split into pages of at most kTextPageBytes
//                                   (only the first page is in Paths(): the
//                                   others come with it, RenderTextArticle)
// The text-only edition has no image, style sheet or script (a few bytes of
// inline style), every page under kTextPageBytes: titles are cut to fit and
// long articles go on over several pages. Every page of the site links it.
//   images/{outlet}/{hash}.{ext}                   an image stored in the mirror
//                                   (assets/{outlet}/…, images = "local"), which
//                                   article pages link relatively; not in Paths():
//                                   the site builder copies those the pages name
// Every link is relative, so the site works under any path of any host, and
// every page ends with the list of the mirror's copies (mirror_copies.h).
// Article HTML goes through SanitizeHtml; every other text is escaped. Pages
// need no script, no web font and no request beyond the article's images.
// Thread-safe once built (rendering only reads).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_reader.h"
#include "archive/mirror_copies.h"
#include "search/search_index.h"
#include "site/footer.h"

namespace nm {

struct SiteOptions {
  std::string base_url;          // absolute URL of the site's root, for feeds ("" = relative links)
  int utc_offset_minutes = 8 * 60;
  std::string title = "newsmirror";
  ReaderFooter footer;           // the end of every text-only page
  std::vector<MirrorCopy> mirrors;  // the mirror's copies, named at the end of every page
};

class SitePages {
 public:
  static constexpr size_t kPageSize = 50;
  static constexpr size_t kMonthPageSize = 200;
  static constexpr size_t kHomeItems = 8;
  static constexpr uint32_t kSearchShards = 256;
  static constexpr int64_t kSearchChunk = 100;
  static constexpr size_t kTextPageBytes = 20000;
  static constexpr size_t kTextListSize = 40;

  SitePages(const MirrorView& view, SiteOptions options);

  // Every path of the site.
  std::vector<std::string> Paths() const;
  static constexpr int kSearchPageSize = 20;

  // The page or file at `path`; nullopt when the site has none. `images`
  // gets the images/… paths the page shows (stored images of its outlet).
  std::optional<std::string> Render(const std::string& path, std::vector<std::string>* images = nullptr) const;
  // search.html showing `hits` for `query` (the local reader searches on the
  // server): page `page` (0-based, kSearchPageSize hits) of `total` matches,
  // with links to the pages before and after.
  std::string RenderSearch(const std::string& query, const std::vector<SearchHit>* hits, int64_t total = 0,
                           size_t page = 0) const;

  // For incremental builds: the article behind an article page (or the
  // first page of its text-only edition), or null.
  const ArticleRecord* ArticleOf(const std::string& path, std::string* outlet = nullptr) const;

  // The text-only pages of the article whose first page is `path`
  // (text/{outlet}/{id}.html): that page, then {id}-2.html, … in order; empty
  // when `path` is no such page.
  std::vector<std::pair<std::string, std::string>> RenderTextArticle(const std::string& path) const;

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
  std::string RenderArticle(const MirrorOutlet& o, const ArticleRecord& r, std::vector<std::string>* images) const;
  // search/…: built once, on first use, for every path at once.
  const std::map<std::string, std::string>& SearchFiles() const;
  std::string RenderFeed(const std::string& name) const;
  const OutletPages* FindOutlet(const std::string& name) const;
  // The text-only edition (text_pages.cc).
  std::vector<std::string> TextPaths() const;
  std::optional<std::string> RenderText(const std::string& path) const;
  std::string TextPage(const std::string& prefix, const std::string& title, const std::string& full_href,
                       const std::string& body) const;
  std::string RenderTextHome() const;
  std::string RenderTextOutlet(const OutletPages& o, size_t page) const;

  const MirrorView& view_;
  SiteOptions options_;
  std::vector<OutletPages> outlets_;
  mutable std::once_flag search_once_;
  mutable std::map<std::string, std::string> search_files_;
};

// The grams the site's title search indexes for `title`: every character and
// every pair of adjacent characters (code points; ASCII letters lower-cased),
// none holding white space; sorted, each once. assets.cc's script computes
// the same from a query.
std::vector<std::string> TitleSearchGrams(std::string_view title);
// 32-bit FNV-1a of the gram's UTF-8 bytes: the shard is this modulo kSearchShards.
uint32_t SearchGramHash(std::string_view gram);

// "outlets/{outlet}/{id}.html".
std::string ArticlePagePath(const std::string& outlet, int64_t id);
// "text/{outlet}/{id}.html": the first text-only page of an article.
std::string TextArticlePagePath(const std::string& outlet, int64_t id);

// The MIME type a server sends for a site path.
std::string SiteContentType(const std::string& path);

// A file name a stored image can have: {40 hex digits}.{jpg|png|gif|webp|avif}
// (complete/local_images.h names them by content hash and type).
bool IsStoredImageName(std::string_view file);
// The outlet and file of a site path layout::SiteImagePath(outlet, file)
// whose file is a stored image's name and outlet a name the layout accepts
// (layout::CheckOutletName); false for anything else.
bool ParseSiteImagePath(std::string_view path, std::string* outlet, std::string* file);
// A relative URL, as an archived article under articles/{outlet}/ holds it,
// of an image stored in the mirror ("../../assets/{outlet, percent-encoded}/{file}")
// mapped to the site's copy as an article page links it
// ("../../images/{outlet, percent-encoded}/{file}"); nullopt for any other URL.
// Only `outlet`'s own images map. Adds the copy's layout::SiteImagePath to `images`.
std::optional<std::string> MapStoredImageUrl(std::string_view url, const std::string& outlet,
                                             std::vector<std::string>* images);

}  // namespace nm

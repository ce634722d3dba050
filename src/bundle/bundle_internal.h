// What the bundle writers share (bundle.cc plans, epub.cc and html_file.cc
// write): the articles chosen, the stored images granted, the languages.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "archive/article.h"
#include "bundle/bundle.h"
#include "html/sanitize.h"

namespace nm::bundle_internal {

struct StoredImage {
  std::string key;     // "{outlet}/{file}"
  std::string file;    // {hash}.{ext}
  std::string mime;    // image/jpeg, …
  std::string bytes;
};

struct Article {
  std::string outlet;
  const ArticleRecord* record = nullptr;
  ArticleDoc doc;
  std::vector<std::string> images;  // keys of the stored images it shows, in order
};

struct Chapter {
  std::string outlet;
  std::string language;             // BCP 47
  std::vector<Article> articles;    // newest first
};

struct Plan {
  std::vector<Chapter> chapters;    // only those with articles in the bundle
  std::map<std::string, StoredImage> images;  // every readable stored image the articles show
  std::set<std::string> granted;    // the keys of those the bundle holds
  int articles = 0;
  int articles_left_out = 0;
  int images_left_out = 0;
  int64_t newest_ms = 0;            // of the articles in the bundle (0 = none)
};

// The article's HTML for the bundle: sanitized (as XHTML when `xhtml`),
// links resolved against the original, its stored images that are granted
// given the src `src_of(image)` returns, every other image left out with its
// alt text.
std::string ArticleBody(const Article& article, const Plan& plan, bool xhtml,
                        const std::function<std::string(const StoredImage&)>& src_of);

// "2023-01-04 22:39" in the request's zone.
std::string LocalDayTime(int64_t ms, int utc_offset_minutes);

// The note at the top of a bundle that lost articles or images to its budget ("" = none).
std::string BudgetNote(const Plan& plan, const BundleRequest& request);

std::string WriteHtmlBundle(const Plan& plan, const BundleRequest& request);
Result<std::string> WriteEpubBundle(const Plan& plan, const BundleRequest& request);

}  // namespace nm::bundle_internal

// newsmirror site: the archive as a static web site (SitePages), written so
// that a rebuild after a run touches only what changed.
//
// BuildSite renders every page of the site into `out`. A manifest
// (out/.newsmirror-site.tsv: path, blob id of the content, source key) says
// what an earlier build wrote: an article page whose archived file and
// renderer are unchanged is not rendered again, any other page is rendered
// and written only when its bytes differ, and pages the archive no longer
// has are removed. The images stored in the mirror (assets/{outlet}/…) that
// article pages show are copied to images/{outlet}/… — only those, each
// checked against the content hash its name carries, never through a
// symbolic link — and removed (through the manifest) once no page shows
// them. The archive is only read. With jekyll_posts, _posts/ gets one file per article with
// front matter (title, date, outlet, original URL) for Jekyll sites. The site
// folder may not be the archive, inside it, or hold it (InvalidArgument);
// nothing in it is written or removed through a symbolic link, and only
// manifest entries that are pages of a site (layout.h) are ever removed.
#pragma once

#include <string>

#include "site/pages.h"
#include "util/status.h"

namespace nm {

struct SiteBuildOptions {
  std::string archive;           // the mirror's root
  std::string out;               // the site's folder (created)
  SiteOptions site;
  bool jekyll_posts = false;
};

struct SiteBuildStats {
  int pages = 0;                 // paths the site has
  int written = 0;
  int unchanged = 0;
  int removed = 0;
  int images = 0;                // stored images the pages show, copied (or kept) in images/
  int images_missing = 0;        // shown but absent from the archive (or not what their name says)
};

Result<SiteBuildStats> BuildSite(const SiteBuildOptions& options);

// _posts/{YYYY-MM-DD}-{outlet}-{id}.html's text for one article. Its stored
// images are linked at {base_url}images/… ("/images/…" without a base URL)
// and their site paths added to `images`.
std::string JekyllPost(const std::string& outlet, const ArticleRecord& r, const ArticleDoc& doc, int utc_offset_minutes,
                       const std::string& base_url = "", std::vector<std::string>* images = nullptr);

}  // namespace nm

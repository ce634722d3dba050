// What a page says about itself: <meta> tags (Open Graph, Twitter, Dublin
// Core, article:*), JSON-LD (schema.org NewsArticle and kin, including
// @graph lists) and <title>.
//
// Values are returned as written (URLs unresolved, dates as text), so the
// extractor decides which to trust. Thread-safe.
#pragma once

#include <gumbo.h>

#include <string>
#include <vector>

namespace nm {

struct PageMetadata {
  std::string og_title;          // og:title, twitter:title
  std::string ld_headline;       // JSON-LD headline / name of an article object
  std::string document_title;    // <title>
  std::string image;             // og:image, twitter:image, JSON-LD image
  std::string ld_article_body;   // JSON-LD articleBody (plain text)
  std::vector<std::string> published;  // candidate publication dates, best first
  std::string canonical_url;     // <link rel=canonical>, og:url
};

PageMetadata ReadPageMetadata(const GumboNode* root);

}  // namespace nm

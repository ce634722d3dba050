// Finds the article in a web page: its body, title, lead image and caption.
//
// ExtractArticle parses the page as HTML5 (html_tree.h: bounded) and picks the main content
// the way good readers do: schema.org articleBody and semantic tags first,
// then text and link density, with navigation, share bars, related-article
// blocks, comments and ads removed. With a CSS `selector` (from the source's
// configuration) the body is the element it names. Relative URLs are
// resolved against `url`; lazy images (data-src, data-original, srcset,
// <noscript>) become real images. The result's HTML is cleaned of scripts,
// styles, forms, event handlers and javascript: URLs. The lead image's
// figure is left out of body_html (it is in lead_image/lead_caption, shown
// above the body). Bytes are read as UTF-8: callers decode other charsets
// first. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace nm {

struct ExtractOptions {
  std::string url;        // the page's address (base for relative URLs)
  std::string selector;   // CSS selector of the body; "" = find it
};

struct ExtractedArticle {
  std::string title;
  std::string body_html;            // the body: paragraphs, headings, lists, quotes, figures, links
                                    // (without the lead image's figure)
  std::string text;                 // the body as plain text, one paragraph per line
  std::string lead_image;           // absolute URL, "" when none
  std::string lead_caption;         // plain text
  std::optional<int64_t> published_ms;  // from the page's metadata, when it has it
  bool flattened = false;           // the page was nested deeper than html_tree.h's bounds:
                                    // what lay deeper was read as text
};

// ParseError when nothing that looks like an article is found.
Result<ExtractedArticle> ExtractArticle(std::string_view html, const ExtractOptions& options);

}  // namespace nm

// The article as the mirror shows it, when its text comes from the page.
//
// ComposeArticle writes what the archive's existing articles look like:
//   <div><i>{publication time, RFC 1123, GMT}</i></div>
//   <img src="{lead image}" width="100%">
//   <div><small style="color: #999;">{caption}</small></div>
//   {the body}
// (the image and caption only when the page has them). The body goes through
// SanitizeHtml with ArchiveSanitizePolicy: text structure, figures, links and
// images stay; scripts, styles, forms, event handlers, dangerous URLs, tracking
// pixels and iframes other than video players on VideoEmbedHosts() go.
// LooksLikeSummary and PageAddsToFeed decide full_text = "auto". Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "html/sanitize.h"

namespace nm {


SanitizePolicy ArchiveSanitizePolicy(std::string_view base_url);

std::string ComposeArticle(const ExtractedArticle& article, int64_t published_ms, std::string_view page_url);

// The text of an HTML fragment: tags dropped, entities decoded, white space
// collapsed (for comparing a feed's content with a page's text).
std::string VisibleText(std::string_view html);

// True when the feed's content reads like a summary: short, or ending in "…"
// or a "read more" link.
bool LooksLikeSummary(std::string_view feed_html);

// True when the page's text has more than the feed's: longer, and the feed's
// text (white space ignored) is short or the start of it occurs in the page's.
bool PageAddsToFeed(std::string_view feed_html, std::string_view page_text);

}  // namespace nm

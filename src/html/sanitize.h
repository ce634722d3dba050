// An allowlist HTML sanitizer for what readers are shown.
//
// SanitizeHtml parses a fragment as HTML5 (html_tree.h: within fixed bounds,
// what lies deeper kept as text) and writes back only allowed elements and
// attributes: text structure (p, br, h1–h6, lists,
// blockquote, pre, code, em/strong/b/i/u/s, small, sub/sup, a, img, figure,
// figcaption, table parts, div, span, hr), with href/src/srcset limited to
// http(s) and relative URLs. Scripts, styles, event handlers, forms, SVG and
// MathML, CSS (style attributes), javascript:/data:/vbscript: URLs and
// everything unknown are removed; the text inside removed formatting
// elements is kept, the content of script/style/template is dropped. The
// policy may allow iframes whose src is on an allowlist of video hosts.
// Links get rel="noopener noreferrer nofollow". Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nm {

struct SanitizePolicy {
  bool allow_style_attributes = false;       // keep inline style (never url()/expression())
  std::vector<std::string> iframe_hosts;      // e.g. "www.youtube.com", "player.vimeo.com"
  std::string base_url;                       // resolve relative href/src against it ("" = keep relative)
  // A relative URL (no scheme, not protocol-relative) that this maps is
  // written as mapped instead of resolved against base_url: how a reader's
  // page links the images stored in the mirror to its own copies.
  std::function<std::optional<std::string>(std::string_view url)> map_relative;
};

// Hosts whose <iframe> video players the archive keeps (YouTube, Vimeo, …).
const std::vector<std::string>& VideoEmbedHosts();

// True when `src` is an https (or protocol-relative) URL on VideoEmbedHosts().
bool IsVideoEmbedUrl(std::string_view src);

std::string SanitizeHtml(std::string_view html, const SanitizePolicy& policy = {});

}  // namespace nm

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
// Links get rel="noopener noreferrer nofollow". With `xhtml` the output is
// well-formed XHTML that an HTML5 content-model check accepts (an EPUB's
// content documents): void elements closed, characters XML cannot carry
// dropped, attribute values only of the forms HTML allows, and an element
// where its content model forbids it (a block inside phrasing, a list item
// outside a list, a table part outside a table) unwrapped to its content.
// Thread-safe.
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
  // Well-formed XHTML instead of HTML (above).
  bool xhtml = false;
  // When set, decides every <img> alone: it gets the src as the article has
  // it and returns the src to write (taken as it is: a file of a book, a
  // data: URL), or nullopt to leave the image out, its alt text written in
  // its place as <span class="alt">…</span>. srcset and <source> are then
  // dropped and <picture> keeps only its content.
  std::function<std::optional<std::string>(std::string_view src)> image_src;
};

// Hosts whose <iframe> video players the archive keeps (YouTube, Vimeo, …).
const std::vector<std::string>& VideoEmbedHosts();

// True when `src` is an https (or protocol-relative) URL on VideoEmbedHosts().
bool IsVideoEmbedUrl(std::string_view src);

std::string SanitizeHtml(std::string_view html, const SanitizePolicy& policy = {});

}  // namespace nm

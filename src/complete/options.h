// What a source asks of the completion step (complete.h): where an article's
// text comes from, how its images are served, and which links to repair.
//
// These are plain settings read from the configuration ([archive] images,
// [[source]] full_text, selector, rewrite, images); the parsers here turn the
// words of the configuration file into them and say what is allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

// feed: the feed's content as it is; page: the article page, always;
// auto: the page when the feed's content looks like a summary.
enum class FullTextMode { kFeed, kPage, kAuto };

// proxy: image URLs through [archive] image_proxy; local: images stored in the
// mirror (assets/{outlet}/), the proxy where a download failed; both: the
// local copy with the proxied URL kept beside it; off: URLs as published.
enum class ImageMode { kProxy, kLocal, kBoth, kOff };

// A link repair. `match` is a URL pattern: literal text with {name}
// placeholders, each matching one or more characters other than / ? # & and
// quotes, angle brackets and white space; a pattern without placeholders
// matches as a prefix. `replace` is the new text, with the same placeholders.
//   match = "https://api.dw.com/api/detail/article/{id}"
//   replace = "https://www.dw.com/zh/a-{id}"
struct RewriteRule {
  std::string match;
  std::string replace;
};

// The format an image is re-encoded to when it must be made smaller.
enum class ImageFormat { kWebp, kJpeg };

// How a stored image is fitted to a reader's screen and a byte budget
// ([archive] image_max_width, image_budget_kb, image_format, keep_original_images;
// complete/image_fit.h does it).
struct ImageFitOptions {
  int max_width = 1280;                       // pixels; the height at most 3× this
  int64_t budget_bytes = 150 << 10;           // per stored image
  ImageFormat format = ImageFormat::kWebp;
  bool keep_original = false;                 // store the bytes as downloaded (still checked)
};

// Settings for every source ([archive] images, image_max_mb and the fit;
// [fetch] page_spacing_ms).
struct CompleteOptions {
  ImageMode images = ImageMode::kProxy;       // a source's own `images` overrides it
  int64_t image_max_bytes = 5 << 20;          // larger downloads are not stored (proxied instead)
  ImageFitOptions image_fit;
  long page_spacing_ms = 1000;                // pause between two requests to one host
};

Result<FullTextMode> ParseFullTextMode(std::string_view word);
Result<ImageMode> ParseImageMode(std::string_view word);
std::string_view ImageModeName(ImageMode mode);
Result<ImageFormat> ParseImageFormat(std::string_view word);

}  // namespace nm

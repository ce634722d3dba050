// An image made fit to be stored in the mirror: checked, and made as small as
// a reader needs (libvips).
//
// FitImage decodes only JPEG, PNG, GIF, WebP and AVIF (every other libvips
// loader is blocked), and only when the bytes are the type the Content-Type
// says. Before any pixel is decoded it reads the header and refuses an image
// of more than kMaxImagePixels (a decompression bomb); decoding is sequential
// and stops at the first error (a truncated or corrupt file is refused). An
// image that fits (at most max_width wide, 3× that high, within the byte
// budget) and decodes cleanly is kept byte for byte, as is every image with
// keep_original; any other one is re-encoded (WebP or JPEG, metadata dropped)
// at the largest size and quality that fit the budget. An animated GIF or
// WebP that fits is kept as it is, animation included; one that does not is
// re-encoded from its first frame. Same bytes in, same bytes out, so the
// stored file's name (its content hash) is stable.
//
// libvips is started once per process (on first use) with its operation cache
// off; FitImage may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "complete/options.h"
#include "util/status.h"

namespace nm {

inline constexpr int64_t kMaxImagePixels = 40'000'000;  // width × height × frames

struct FittedImage {
  std::string bytes;
  std::string ext;        // "jpg", "png", "gif", "webp" or "avif"
  bool reencoded = false;
  int width = 0, height = 0;
};

// `ext` is the type the Content-Type names (as above). The error says why the
// image was refused.
Result<FittedImage> FitImage(std::string_view bytes, std::string_view ext, const ImageFitOptions& options);

}  // namespace nm

#include "complete/image_fit.h"

#include <vips/vips.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

namespace nm {
namespace {

// The loaders newsmirror lets libvips use, and the type each reads.
struct Loader {
  const char* name;  // libvips' class
  const char* ext;
  const char* label;
};
constexpr std::array<Loader, 5> kLoaders = {{
    {"VipsForeignLoadJpegBuffer", "jpg", "JPEG"},
    {"VipsForeignLoadPngBuffer", "png", "PNG"},
    {"VipsForeignLoadNsgifBuffer", "gif", "GIF"},
    {"VipsForeignLoadWebpBuffer", "webp", "WebP"},
    {"VipsForeignLoadHeifBuffer", "avif", "AVIF"},
}};

const Loader* LoaderFor(std::string_view ext) {
  for (const Loader& l : kLoaders) {
    if (ext == l.ext) return &l;
  }
  return nullptr;
}

void Quiet(const char*, GLogLevelFlags, const char*, void*) {}

// Once per process: libvips started, nothing cached between calls (every
// image is seen once), every loader blocked but ours, warnings not printed
// (errors come back as values).
const Status& StartVips() {
  static Status status;
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("newsmirror") != 0) {
      status = Status::Internal(std::string("libvips cannot start: ") + vips_error_buffer());
      vips_error_clear();
      return;
    }
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (const Loader& l : kLoaders) vips_operation_block_set(l.name, FALSE);
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE), Quiet, nullptr);
  });
  return status;
}

// Owns one reference to a VipsImage.
struct Image {
  VipsImage* p = nullptr;
  Image() = default;
  explicit Image(VipsImage* image) : p(image) {}
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  Image(Image&& o) noexcept : p(o.p) { o.p = nullptr; }
  Image& operator=(Image&& o) noexcept {
    std::swap(p, o.p);
    return *this;
  }
  ~Image() {
    if (p) g_object_unref(p);
  }
};

// libvips' last error, cleared, on one line.
std::string VipsError() {
  std::string e = vips_error_buffer();
  vips_error_clear();
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  for (char& c : e) {
    if (c == '\n') c = ';';
  }
  return e.empty() ? "unknown libvips error" : e;
}

// Header only: no pixel is decoded yet. `frames` is -1 for all of an
// animation (JPEG and PNG have one and take no such option).
Result<Image> OpenHeader(std::string_view bytes, int frames) {
  VipsImage* raw =
      frames == 1 ? vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL,
                                               "fail_on", VIPS_FAIL_ON_ERROR, nullptr)
                  : vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL,
                                               "fail_on", VIPS_FAIL_ON_ERROR, "n", frames, nullptr);
  if (!raw) return Status::ParseError("unreadable header: " + VipsError());
  return Image(raw);
}

// Every pixel decoded once, in strips (memory of a few lines), stopping at the first error.
Status Decode(std::string_view bytes, int frames) {
  Result<Image> image = OpenHeader(bytes, frames);
  if (!image.ok()) return image.status();
  double mean = 0;
  if (vips_avg(image->p, &mean, nullptr) != 0) return Status::ParseError("cannot be decoded: " + VipsError());
  return Status::Ok();
}

Result<std::string> Encode(VipsImage* image, ImageFormat format, int quality) {
  void* buf = nullptr;
  size_t len = 0;
  int rc = format == ImageFormat::kWebp
               ? vips_webpsave_buffer(image, &buf, &len, "Q", quality, "strip", TRUE, nullptr)
               : vips_jpegsave_buffer(image, &buf, &len, "Q", quality, "strip", TRUE, "optimize_coding", TRUE,
                                      "interlace", TRUE, nullptr);
  if (rc != 0) return Status::Internal("cannot be encoded: " + VipsError());
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

}  // namespace

Result<FittedImage> FitImage(std::string_view bytes, std::string_view ext, const ImageFitOptions& options) {
  if (const Status& s = StartVips(); !s.ok()) return s;
  const Loader* declared = LoaderFor(ext);
  if (!declared) return Status::InvalidArgument("not a type the mirror stores (." + std::string(ext) + ")");
  const char* found = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (!found) vips_error_clear();
  const Loader* actual = nullptr;
  for (const Loader& l : kLoaders) {
    if (found && std::string_view(found) == l.name) actual = &l;
  }
  if (!actual) return Status::ParseError("the bytes are not a JPEG, PNG, GIF, WebP or AVIF image");
  if (actual != declared) {
    return Status::ParseError(std::string("the bytes are ") + actual->label + ", the Content-Type says " +
                              declared->label);
  }

  Result<Image> header = OpenHeader(bytes, 1);
  if (!header.ok()) return header.status();
  int64_t width = vips_image_get_width(header->p), height = vips_image_get_height(header->p);
  int64_t frames = std::max(1, vips_image_get_n_pages(header->p));
  if (actual->ext == std::string_view("avif")) {
    const char* compression = nullptr;
    if (vips_image_get_string(header->p, "heif-compression", &compression) != 0 || !compression ||
        std::string_view(compression) != "av1") {
      vips_error_clear();
      return Status::ParseError("the bytes are HEIF but not AVIF");
    }
  }
  if (width * height > kMaxImagePixels) {
    return Status::TooLarge("claims " + std::to_string(width) + "x" + std::to_string(height) +
                            " pixels, more than the cap of " + std::to_string(kMaxImagePixels / 1'000'000) +
                            " megapixels");
  }
  const int64_t max_width = options.max_width, max_height = 3 * int64_t{options.max_width};
  bool all_frames = frames > 1 && width * height * frames <= kMaxImagePixels;
  bool fits = width <= max_width && height <= max_height &&
              static_cast<int64_t>(bytes.size()) <= options.budget_bytes && (frames == 1 || all_frames);
  if (options.keep_original || fits) {
    if (Status s = Decode(bytes, all_frames ? -1 : 1); !s.ok()) return s;
    return FittedImage{std::string(bytes), actual->ext, false, static_cast<int>(width), static_cast<int>(height)};
  }

  // Re-encoded: first the first frame is checked in full, then shrunk on load
  // into the box (at most max_width × 3·max_width pixels, in memory).
  if (Status s = Decode(bytes, 1); !s.ok()) return s;
  VipsImage* raw = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, options.max_width, "height",
                            static_cast<int>(max_height), "size", VIPS_SIZE_DOWN, nullptr) != 0) {
    return Status::ParseError("cannot be resized: " + VipsError());
  }
  Image fitted(raw);
  if (options.format == ImageFormat::kJpeg && vips_image_hasalpha(fitted.p)) {
    VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
    VipsImage* flat = nullptr;
    int rc = vips_flatten(fitted.p, &flat, "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (rc != 0) return Status::Internal("cannot be flattened: " + VipsError());
    fitted = Image(flat);
  }
  VipsImage* memory = vips_image_copy_memory(fitted.p);
  if (!memory) return Status::Internal("cannot be resized: " + VipsError());
  Image current(memory);

  // The highest of a few qualities that fits; else a smaller size, scaled by
  // what the last try missed by (bytes grow about with the pixel count).
  constexpr std::array<int, 3> kQualities = {80, 65, 50};
  constexpr int kMinWidth = 160;
  for (;;) {
    std::string smallest;
    for (int q : kQualities) {
      Result<std::string> out = Encode(current.p, options.format, q);
      if (!out.ok()) return out.status();
      if (static_cast<int64_t>(out->size()) <= options.budget_bytes) {
        return FittedImage{std::move(*out), options.format == ImageFormat::kWebp ? "webp" : "jpg", true,
                           vips_image_get_width(current.p), vips_image_get_height(current.p)};
      }
      smallest = std::move(*out);
    }
    int w = vips_image_get_width(current.p);
    double scale = std::clamp(std::sqrt(static_cast<double>(options.budget_bytes) / smallest.size()) * 0.95, 0.5, 0.9);
    if (w * scale < kMinWidth) {
      return Status::TooLarge("does not fit the budget of " + std::to_string(options.budget_bytes >> 10) +
                              " KB even at " + std::to_string(w) + " pixels wide");
    }
    VipsImage* smaller = nullptr;
    if (vips_resize(current.p, &smaller, scale, nullptr) != 0) return Status::Internal("cannot be resized: " + VipsError());
    Image next(smaller);
    memory = vips_image_copy_memory(next.p);
    if (!memory) return Status::Internal("cannot be resized: " + VipsError());
    current = Image(memory);
  }
}

}  // namespace nm

#include "support/test_images.h"

#include <vips/vips.h>

#include <cstdlib>
#include <stdexcept>

namespace nm {
namespace {

void Check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + ": " + vips_error_buffer());
}

}  // namespace

std::string TestImage(int width, int height, const std::string& suffix, int seed, double sigma, int page_height) {
  Check(VIPS_INIT("newsmirror_tests"), "vips_init");
  VipsImage* bands[3] = {};
  for (int b = 0; b < 3; ++b) {
    VipsImage *noise = nullptr, *ramp = nullptr, *sum = nullptr;
    Check(vips_gaussnoise(&noise, width, height, "mean", 0.0, "sigma", sigma, "seed", seed * 3 + b, nullptr), "noise");
    Check(vips_xyz(&ramp, width, height, nullptr), "xyz");
    VipsImage* ramp_band = nullptr;
    Check(vips_extract_band(ramp, &ramp_band, b % 2, nullptr), "band");
    VipsImage* scaled = nullptr;
    double extent = b % 2 ? height : width;
    Check(vips_linear1(ramp_band, &scaled, 200.0 / extent, 20.0 + 10 * b, nullptr), "linear");
    Check(vips_add(scaled, noise, &sum, nullptr), "add");
    Check(vips_cast_uchar(sum, &bands[b], nullptr), "cast");
    g_object_unref(noise);
    g_object_unref(ramp);
    g_object_unref(ramp_band);
    g_object_unref(scaled);
    g_object_unref(sum);
  }
  VipsImage* rgb = nullptr;
  Check(vips_bandjoin(bands, &rgb, 3, nullptr), "bandjoin");
  for (VipsImage* b : bands) g_object_unref(b);
  Check(vips_copy(rgb, &bands[0], "interpretation", VIPS_INTERPRETATION_sRGB, nullptr), "copy");
  g_object_unref(rgb);
  if (page_height > 0) vips_image_set_int(bands[0], "page-height", page_height);
  void* buf = nullptr;
  size_t len = 0;
  Check(vips_image_write_to_buffer(bands[0], suffix.c_str(), &buf, &len, nullptr), "save");
  g_object_unref(bands[0]);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

std::pair<int, int> TestImageSize(const std::string& bytes) {
  Check(VIPS_INIT("newsmirror_tests"), "vips_init");
  VipsImage* image = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  if (!image) {
    vips_error_clear();
    return {0, 0};
  }
  std::pair<int, int> size{vips_image_get_width(image), vips_image_get_height(image)};
  g_object_unref(image);
  return size;
}

}  // namespace nm

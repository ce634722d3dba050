// Real images for tests, made by libvips in the test: colour noise over a
// gradient, so that they compress about as badly as photographs do. The
// same arguments give the same bytes.
#pragma once

#include <string>

namespace nm {

// `suffix` picks the format: ".jpg", ".png", ".gif" or ".webp"; `seed`
// varies the noise; `sigma` its strength (0: a smooth gradient); a
// `page_height` makes a GIF or WebP of height / page_height frames.
std::string TestImage(int width, int height, const std::string& suffix, int seed = 1, double sigma = 40.0,
                      int page_height = 0);

// The width and height the bytes' header claims, or {0, 0}.
std::pair<int, int> TestImageSize(const std::string& bytes);

}  // namespace nm

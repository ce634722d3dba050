// Photographs for bench/growth_model.sh: noisy JPEGs that compress about as
// badly as news photos, each different, made by tests/support/test_images.h.
//
//   newsmirror_image_gen DIR < LIST
//
// Each line of LIST is "NAME WIDTH HEIGHT SEED SIGMA"; DIR/NAME gets a JPEG
// of that size (libvips' default quality, 75). Prints nothing; exits 1 on
// the first failure.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "support/test_images.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: newsmirror_image_gen DIR < LIST\n");
    return 2;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string name;
    int width = 0, height = 0, seed = 0;
    double sigma = 0;
    if (!(in >> name >> width >> height >> seed >> sigma)) continue;
    try {
      std::string jpeg = nm::TestImage(width, height, ".jpg", seed, sigma);
      std::ofstream(std::string(argv[1]) + "/" + name, std::ios::binary) << jpeg;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "newsmirror_image_gen: %s: %s\n", name.c_str(), e.what());
      return 1;
    }
  }
  return 0;
}

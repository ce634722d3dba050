#include "complete/options.h"

namespace nm {

Result<FullTextMode> ParseFullTextMode(std::string_view word) {
  if (word == "feed") return FullTextMode::kFeed;
  if (word == "page") return FullTextMode::kPage;
  if (word == "auto") return FullTextMode::kAuto;
  return Status::InvalidArgument("'" + std::string(word) + "' is not one of \"feed\", \"page\", \"auto\"");
}

Result<ImageMode> ParseImageMode(std::string_view word) {
  if (word == "proxy") return ImageMode::kProxy;
  if (word == "local") return ImageMode::kLocal;
  if (word == "both") return ImageMode::kBoth;
  if (word == "off") return ImageMode::kOff;
  return Status::InvalidArgument("'" + std::string(word) +
                                 "' is not one of \"proxy\", \"local\", \"both\", \"off\"");
}

std::string_view ImageModeName(ImageMode mode) {
  switch (mode) {
    case ImageMode::kProxy: return "proxy";
    case ImageMode::kLocal: return "local";
    case ImageMode::kBoth: return "both";
    case ImageMode::kOff: return "off";
  }
  return "proxy";
}

Result<ImageFormat> ParseImageFormat(std::string_view word) {
  if (word == "webp") return ImageFormat::kWebp;
  if (word == "jpeg") return ImageFormat::kJpeg;
  return Status::InvalidArgument("'" + std::string(word) + "' is not one of \"webp\", \"jpeg\"");
}

}  // namespace nm

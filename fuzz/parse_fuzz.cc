// libFuzzer target: ParseFeed on arbitrary bytes must return a feed or an
// error value, never crash, hang, leak or read out of bounds
// (scripts/fuzz.sh parse_fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feed/parser.h"

namespace {

// Content types that steer the charset decision (HTTP charset, RFC 3023 text/*,
// none). Chosen by the input's length so that seed feeds stay byte-exact.
constexpr const char* kContentTypes[] = {
    "",
    "text/xml",
    "application/rss+xml",
    "application/xml; charset=gb2312",
    "text/xml; charset=utf-8",
    "application/atom+xml; charset=big5",
    "text/xml; charset=utf-16",
    "application/xml; charset=windows-1252",
    "application/feed+json",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nm::ParseOptions options;
  options.url = "https://feeds.example/dir/feed.xml";
  options.content_type = kContentTypes[size % (sizeof(kContentTypes) / sizeof(kContentTypes[0]))];
  if (size % 5 == 0) options.content_location = "../other/";
  auto feed = nm::ParseFeed(std::string_view(reinterpret_cast<const char*>(data), size), options);
  (void)feed;
  return 0;
}

// libFuzzer target: ParseFeed on arbitrary bytes must return a feed or an
// error value, never crash, hang, leak or read out of bounds, and every field
// of what it returns must be within its cap (feed/entry.h)
// (scripts/fuzz.sh parse_fuzz).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
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
  if (!feed.ok()) return 0;
  namespace caps = nm::caps;
  auto check = [](bool within) {
    if (!within) __builtin_trap();
  };
  auto check_person = [&](const std::optional<nm::Person>& p) {
    if (p) check(p->name.size() <= caps::kPersonName && p->email.size() <= caps::kPersonName && p->uri.size() <= caps::kUrl);
  };
  check(feed->title.size() <= caps::kTitle && feed->link.size() <= caps::kUrl && feed->id.size() <= caps::kId);
  check(feed->entries.size() <= caps::kEntries && feed->warnings.size() <= caps::kWarnings);
  for (const std::string& w : feed->warnings) check(w.size() <= caps::kWarning);
  check_person(feed->author);
  for (const nm::Entry& e : feed->entries) {
    check(e.id.size() <= caps::kId && e.title.size() <= caps::kTitle && e.title_html.size() <= caps::kTitleHtml);
    check(e.link.size() <= caps::kUrl && e.summary.size() <= caps::kSummary && e.content.size() <= caps::kContent);
    check(e.categories.size() <= caps::kCategories && e.images.size() <= caps::kImages);
    for (const std::string& c : e.categories) check(c.size() <= caps::kCategory);
    for (const std::string& u : e.images) check(u.size() <= caps::kUrl);
    for (const auto* d : {&e.published, &e.updated, &e.created}) {
      if (*d) check((*d)->text.size() <= caps::kDateText);
    }
    check_person(e.author);
  }
  return 0;
}

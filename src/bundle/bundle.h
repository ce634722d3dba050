// Offline bundles: a mirror's articles of a period as one file a reader can
// pass on (a chat, a USB stick) and read with no network.
//
//   epub  an EPUB 3 book: a chapter per outlet (a title page, then a page per
//         article: date, title, link to the original, text), a navigation
//         document and an NCX table of contents, each page tagged with its
//         outlet's language; images stored in the mirror (assets/{outlet}/…,
//         JPEG, PNG and GIF) are in the book, any other image is left out
//         with its alt text. No font is embedded unless `font_file` names one.
//   html  one self-contained HTML file: a table of contents and the
//         articles, stored images inlined as data: URLs, every other image
//         left out with its alt text; no style sheet, script, font or image
//         from anywhere else, and a Content-Security-Policy that forbids
//         every request (images of data: only).
//
// A bundle never exceeds `max_bytes`. Articles are taken newest first; the
// oldest that do not fit are left out, then images from the oldest included
// article on, and the bundle says so at its top. Article HTML goes through
// SanitizeHtml (as XHTML for the book). The bytes depend only on the mirror
// and the options (the book's dates are its newest article's), so the same
// articles give the same file. An article file that cannot be read is left
// out and named in `warnings`. The mirror is only read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "archive/archive_reader.h"
#include "site/footer.h"
#include "util/status.h"

namespace nm {

enum class BundleFormat { kEpub, kHtml };

Result<BundleFormat> ParseBundleFormat(std::string_view word);  // "epub" | "html"
const char* BundleExtension(BundleFormat format);               // "epub" | "html"

// 20 MB (decimal): under the file limits of the common chat apps in either unit.
inline constexpr int64_t kDefaultBundleBytes = 20'000'000;

struct BundleRequest {
  BundleFormat format = BundleFormat::kEpub;
  std::vector<std::string> outlets;   // empty: every outlet of the mirror
  int64_t from_ms = 0;                // articles published in [from_ms, to_ms)
  int64_t to_ms = INT64_MAX;
  std::string title;                  // the bundle's title ("" = "newsmirror")
  std::string period;                 // shown under the title, e.g. "2023-01-04"
  int64_t max_bytes = kDefaultBundleBytes;
  int utc_offset_minutes = 8 * 60;    // zone of the dates shown
  std::map<std::string, std::string> languages;  // outlet → BCP 47 tag (else guessed from its text)
  std::string font_file;              // epub: a TrueType/OpenType/WOFF font to embed ("" = none)
  ReaderFooter footer;
};

struct BundleResult {
  std::string bytes;
  int articles = 0;                   // articles in the bundle
  int articles_left_out = 0;          // of the period, over the budget
  int images = 0;                     // stored images in the bundle
  int images_left_out = 0;            // stored images over the budget (or of a type the format cannot hold)
  std::vector<std::string> warnings;  // articles that could not be read, with file and cause
};

// The records of `view` a request selects, per outlet (newest first), in
// the order of the bundle's chapters; InvalidArgument for an outlet the
// mirror does not have.
struct BundleOutlet {
  const MirrorOutlet* outlet;
  std::vector<const ArticleRecord*> records;
};
Result<std::vector<BundleOutlet>> SelectForBundle(const MirrorView& view, const BundleRequest& request);

// A fingerprint of what the bundle would hold (the records' blob ids, the
// format and every option that shows): equal fingerprints, equal bytes.
std::string BundleFingerprint(const std::vector<BundleOutlet>& selected, const BundleRequest& request);

Result<BundleResult> MakeBundle(const MirrorView& view, const BundleRequest& request);

// A duration as `--since` takes it: "90m", "36h", "7d", "2w" → milliseconds.
Result<int64_t> ParseDuration(std::string_view text);

// A period of the calendar in a zone: a day "YYYY-MM-DD" or a month
// "YYYY-MM" as [from_ms, to_ms); InvalidArgument for anything else.
struct Period {
  std::string name;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};
Result<Period> DayPeriod(std::string_view day, int utc_offset_minutes);
Result<Period> MonthPeriod(std::string_view month, int utc_offset_minutes);
// The day and the month (their names) `ms` falls in.
std::string DayOf(int64_t ms, int utc_offset_minutes);
std::string MonthOf(int64_t ms, int utc_offset_minutes);

}  // namespace nm

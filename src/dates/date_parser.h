// Reads the date and time forms feeds use and returns the instant they name.
//
// One table-driven parser: RFC 822/1123 and their broken variants, ISO 8601 /
// RFC 3339 / W3C-DTF, asctime, epoch numbers and localized forms. A date that
// carries no zone is read in `default_zone_minutes` (minutes east of UTC),
// except Korean forms (년/월/일, 오전/오후), which are always Korea time.
// Fractions of a second are dropped; a leap second (:60) reads as :59.
// Impossible dates and text with words the parser cannot explain return
// nullopt. Thread-safe; no locale or global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

// Milliseconds since the Unix epoch (UTC), or nullopt if `text` is not a date.
std::optional<int64_t> ParseDate(std::string_view text, int default_zone_minutes = 0);

// Formats `ms` as RFC 1123 in GMT: "Wed, 04 Jan 2023 14:06:46 GMT".
std::string FormatRfc1123(int64_t ms);

}  // namespace nm

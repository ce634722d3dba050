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

// The calendar time (proleptic Gregorian) of `ms` shifted by
// `offset_minutes`, clamped to 0001-01-01 00:00:00.000 … 9999-12-31
// 23:59:59.999. ParseDate returns only instants in those years, but an
// archive's files and state may hold any int64: every one of them has a
// calendar time with a four-digit year, so no date reaches a file name, a
// list or a feed with five digits or a sign.
struct CivilTime {
  int year = 1970, month = 1, day = 1;     // year 1–9999, month 1–12, day 1–31
  int hour = 0, minute = 0, second = 0, millisecond = 0;
  int weekday = 4;                         // 0 = Sunday
};
CivilTime CivilTimeOf(int64_t ms, int offset_minutes = 0);

// Formats `ms` as RFC 1123 in GMT: "Wed, 04 Jan 2023 14:06:46 GMT".
std::string FormatRfc1123(int64_t ms);
// Formats `ms` as RFC 3339 in UTC: "2023-01-04T14:06:46Z", with ".123" before
// the Z when it has milliseconds.
std::string FormatRfc3339(int64_t ms);
// "2023-01-04": the calendar date of `ms` shifted by `offset_minutes`.
std::string FormatLocalDate(int64_t ms, int offset_minutes);

}  // namespace nm

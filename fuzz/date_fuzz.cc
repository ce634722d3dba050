// libFuzzer target: ParseDate on arbitrary text must return a date or
// nullopt, never crash, hang or read out of bounds (scripts/fuzz.sh date_fuzz).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dates/date_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The zone a source may configure changes the arithmetic; vary it with the input.
  int zone = size == 0 ? 0 : (static_cast<int>(data[0]) - 128) * 7;
  auto ms = nm::ParseDate(text, zone);
  if (ms) {
    // Formatting what was parsed exercises the calendar arithmetic in reverse.
    (void)nm::FormatRfc1123(*ms);
  }
  return 0;
}

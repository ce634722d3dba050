// The Markdown pages that link the articles: lists/{outlet}.md and README.md.
//
// A list page names its outlet, then one line per article, newest first:
//   {M-D} [{title}](/articles/{outlet}/{file name, percent-encoded})
// with M-D the month and day of publication in the configured zone, then a
// line of links to its monthly pages lists/{outlet}/{YYYY-MM}.md (which hold
// every article of their month in the same line format, so every article is
// reachable from a list), and ends with a link to the outlet's folder. The
// README links every outlet's list. Titles, outlet names and destinations are
// escaped as archive/markdown.h says, so each line shows exactly one link.
// An article moved to an archive repository is linked at that repository's
// web address (ListItem::base).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nm {

struct ListItem {
  int64_t published_ms = 0;
  std::string title;
  std::string file_name;
  // The web address of the repository root that holds the file, ending in
  // '/' (an archive repository the article moved to, pipeline/rollover.h):
  // the line links {base}articles/{outlet}/{file}. Empty: this repository,
  // linked from its root as above.
  std::string base;
};

// `items` must already be in the order to show (newest first); `months`
// ("YYYY-MM", newest first) are linked above the last line, none when empty.
std::string FormatListPage(std::string_view outlet, const std::vector<ListItem>& items,
                           int utc_offset_minutes, const std::vector<std::string>& months = {},
                           std::string_view footer = {});

// lists/{outlet}/{month}.md: every article of the month, newest first.
std::string FormatMonthPage(std::string_view outlet, std::string_view month,
                            const std::vector<ListItem>& items, int utc_offset_minutes,
                            std::string_view footer = {});

// Whether `page` (a list page of `outlet` as it is on disk) ends as
// FormatListPage ends it with `footer`: false once the copies changed.
bool ListPageHasFooter(std::string_view page, std::string_view outlet, std::string_view footer);

std::string FormatReadme(const std::vector<std::string>& outlets, std::string_view footer = {});

// An outlet name as a path segment of a Markdown link: characters that would
// end the segment or break the link are percent-encoded, everything else
// stays readable (MarkdownDestination then escapes what is left for Markdown).
std::string MarkdownPathSegment(std::string_view s);

// "M-D" of `ms` shifted by `utc_offset_minutes`.
std::string MonthDay(int64_t ms, int utc_offset_minutes);
// "YYYY-MM" of `ms` shifted by `utc_offset_minutes`.
std::string YearMonth(int64_t ms, int utc_offset_minutes);

}  // namespace nm

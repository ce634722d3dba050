// The article file: the archive format's contract (DESIGN.md, "The archive format").
//
// An article file is UTF-8 with LF line ends and exactly five lines:
//   <!--{published ms}-->
//   [{title}]({link})
//   ------
//   (empty)
//   {content}
// FormatArticle writes it, the title and link escaped for Markdown
// (archive/markdown.h) so that a git host shows exactly one link, with the
// title as its text; ParseArticle reads one back (also files written by
// earlier mirrors in this format, whose titles were not escaped and may hold
// brackets), so an existing archive can be taken over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace nm {

struct ArticleDoc {
  int64_t published_ms = 0;
  std::string title;    // one line, trimmed
  std::string link;     // ArchiveLink (url/url.h): WHATWG href, http(s), no credentials
  std::string content;  // HTML, one line
};

std::string FormatArticle(const ArticleDoc& doc);
Result<ArticleDoc> ParseArticle(std::string_view text);

// Removes leading and trailing white space as JavaScript's String.prototype.trim
// does (ASCII white space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000, U+FEFF).
std::string_view JsTrim(std::string_view s);

// The title as the archive writes it: trimmed, and line breaks inside (with the
// white space around them) joined into one space; a NUL becomes U+FFFD.
std::string CleanTitle(std::string_view title);

// The content as the archive writes it: split on '\n', each line trimmed as by
// JsTrim, the lines joined with nothing.
std::string FlattenContent(std::string_view html);

}  // namespace nm

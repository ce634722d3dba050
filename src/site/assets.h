// The static files every reader page uses: the style sheet and the optional
// search script. Plain text kept in code so the binary is all a site needs.
#pragma once

namespace nm {

// Light, readable CJK typography with the system's fonts (no web fonts).
extern const char kSiteCss[];
// Searches the titles for the words of ?q= with the files under search/
// (pages.h): the postings of the query's grams, then the titles of the
// newest candidates; pages work without it.
extern const char kSearchJs[];

}  // namespace nm

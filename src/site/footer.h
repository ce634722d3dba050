// The footer readers find at the end of every offline bundle and every
// text-only page: one place for what a reader who holds one copy of the
// mirror needs to find the others.
//
// FormatReaderFooter writes it as markup that is both valid HTML and
// well-formed XHTML (an EPUB's pages), every text escaped and every link an
// http(s) URL (others are left out): <footer class="nm-footer">…</footer>.
// The copies of the mirror ([publish] mirrors) belong in ReaderFooter, filled
// where the configuration is read (ReaderFooterFor), so that every writer of
// a footer shows them at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nm {

struct Config;

struct ReaderFooter {
  std::string note;                                       // plain text, first
  std::vector<std::pair<std::string, std::string>> links; // (text, http(s) URL), in order
};

std::string FormatReaderFooter(const ReaderFooter& footer);

// The footer the configuration gives: the mirror's copies ([publish] mirrors),
// by name, in their order (no configuration: the note alone).
ReaderFooter ReaderFooterFor(const Config* config);

}  // namespace nm

// Text and link destinations in the Markdown newsmirror writes.
//
// Every link in an article's second line, a list page, a monthly page and the
// README is written as [MarkdownLinkText(text)](MarkdownDestination(url)),
// and every heading line through MarkdownHeadingText, so that a CommonMark
// renderer (GitHub's cmark-gfm) shows exactly one link per link, to exactly
// that destination, with exactly that text: no second link, image, raw HTML,
// emphasis or decoded character reference can come out of a title, a link or
// an outlet name. Text without any of the characters below is written as it
// is (the seed article's title, most titles), so archives written before
// keep their bytes. The readers invert the writers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nm {

// `text` as the text of a link: \ [ ] < > * _ ~ ` and an '&' that starts a
// character reference (&name; &#digits; &#xhex;) get a backslash; a line
// break (\n or \r, which a title read from a hand-edited state file can
// hold) is written as a space, so the link stays on its line.
std::string MarkdownLinkText(std::string_view text);

// `text` as a whole line (a setext heading's text): as MarkdownLinkText, and
// what would start a block there is escaped too: a leading # - + = or the
// "." / ")" after leading digits, every | (tables), the ':' of "://" and the
// '.' of "www." (GitHub's autolinks outside links); leading and trailing
// spaces and tabs are written as character references, so that nothing is
// trimmed or indented. An e-mail address (a@b.example) still becomes a
// mailto: link on GitHub: no escape prevents that, and outlet names (the
// configuration's, or hosts) hold none.
std::string MarkdownHeadingText(std::string_view text);

// `url` (a URL or a path, already encoded for a URL) as a link destination
// without angle brackets: spaces, control characters, ( ) < > and \ are
// percent-encoded, and an '&' that starts a character reference is written
// as "&amp;" (renderers decode references in destinations). A URL from
// ArchiveLink (url/url.h) changes only at such an '&'.
std::string MarkdownDestination(std::string_view url);

// The text MarkdownLinkText(t) wrote back as t; nullopt when `written` is not
// something MarkdownLinkText writes (an unescaped special character, a
// backslash before anything else): a title from an archive written before
// titles were escaped, to be taken as it is.
std::optional<std::string> ReadMarkdownLinkText(std::string_view written);

// The URL MarkdownDestination(url) wrote back, for destinations of URLs that
// are already percent-encoded (an article's link): "&amp;" before a
// character reference becomes '&' again; everything else is kept.
std::string ReadMarkdownDestination(std::string_view written);

}  // namespace nm

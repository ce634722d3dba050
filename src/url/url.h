// URL resolution and serialization as a browser does it (WHATWG URL).
//
// Built on uriparser (RFC 3986 parsing and reference resolution) and libidn2
// (IDNA hosts). Normalize() yields the `href` a browser would show: scheme and
// host lower-cased, default port dropped, "/" for an empty path of a special
// scheme, dot segments removed, backslashes in special schemes read as
// slashes, tabs and newlines removed, leading and trailing C0/space trimmed,
// spaces and non-ASCII in path, query and fragment percent-encoded as UTF-8,
// IDN hosts in punycode. Existing percent-escapes are kept as they are.
// Unlike a browser's, these URLs never carry a user name or password: every
// URL newsmirror stores (articles, state, feeds of the mirror, the site) comes
// from here, so credentials in a feed's links are never published.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nm {

// Resolves `ref` against `base` (either may be relative; an empty base leaves
// ref as it is) and normalizes the result. Returns nullopt when the result is
// not a valid absolute URL. An absolute ref does not need a valid base; a URL
// of a non-special scheme (mailto:, data:, javascript:) comes back trimmed,
// its scheme lower-cased, otherwise as written, and against such a base only
// a "#fragment" reference resolves.
std::optional<std::string> ResolveUrl(std::string_view base, std::string_view ref);

// Resolves a reference as RFC 3986 section 5 says and nothing more: an
// absolute `ref` comes back as written (trimmed), a relative one is merged
// with `base` and its dot segments removed; no case folding, no
// percent-encoding. For values shown to people as the feed wrote them (links
// of the parse command, URLs inside archived HTML) where ResolveUrl's
// normalization would change bytes. "" for an empty ref.
std::string JoinUrl(std::string_view base, std::string_view ref);

// Normalizes an absolute URL; nullopt when it is not one.
std::optional<std::string> NormalizeUrl(std::string_view url);

// True for schemes that may become links in the archive (http, https, and
// scheme-less references); false for javascript:, data:, vbscript: and the like.
bool IsSafeLinkScheme(std::string_view url);

// The lower-cased host of an absolute URL ("" when there is none).
std::string UrlHost(std::string_view url);

// The form in which an entry's link is stored and published (DESIGN.md,
// "link"): normalized as above (so without user name or password), only for
// http and https, with ( ) < > and \ percent-encoded so that the link can
// stand as a Markdown link destination. "" when `url` is not a valid
// absolute http(s) URL.
std::string ArchiveLink(std::string_view url);

// `url` as it is, less any "user:password@" of its authority; for URLs that
// are used as given (a configured feed URL, kept for the request) but also
// stored or reported.
std::string WithoutCredentials(std::string_view url);

// Percent-encodes every byte except A-Z a-z 0-9 - _ . ! ~ * ' ( )
// (JavaScript's encodeURIComponent over UTF-8).
std::string EncodeUriComponent(std::string_view s);

// The reverse: %XX escapes decoded (and '+' read as a space when
// `plus_is_space`, as in a form's query); a '%' without two hex digits after
// it is kept as it is.
std::string PercentDecode(std::string_view s, bool plus_is_space = false);

}  // namespace nm

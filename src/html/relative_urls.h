// Makes the relative URLs inside feed HTML absolute.
//
// The values of the attributes that hold a URL (href, src, cite, action,
// background, longdesc, usemap, poster, codebase) are joined with `base_url`
// (RFC 3986, see JoinUrl in url/url.h). Absolute URLs, empty values and
// fragment-only references ("#top") stay byte for byte as written, and so
// does everything else in the HTML (see attribute_rewrite.h).
#pragma once

#include <string>
#include <string_view>

namespace nm {

std::string ResolveRelativeUrls(std::string_view html, std::string_view base_url);

}  // namespace nm

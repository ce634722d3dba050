// Rewrites image URLs in archived HTML through an image proxy.
//
// Only the values of `src` and `srcset` attributes of <img> and <source>
// elements change; every other byte of the HTML stays as it was (the archive
// keeps what the outlet published). The proxy is a URL template:
//   {url_noscheme}  the image URL without http:// or https://, with & # + %
//                   and space percent-encoded (so it stays one query value)
//   {url}           the whole image URL, percent-encoded as a query value
// e.g. "https://images.weserv.nl?url={url_noscheme}". An image already on the
// proxy's host, a data: URL and a relative URL that cannot be resolved are left
// alone, so rewriting twice changes nothing. Relative image URLs are resolved
// against `base_url` before they are proxied.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

std::string RewriteImages(std::string_view html, std::string_view proxy_template,
                          std::string_view base_url = {});

// The general form: `map` gets each image URL (absolute http(s)) of <img> and
// <source> src/srcset and returns its replacement (nullopt = keep). For each
// <img> whose src is such a URL, `extra_attributes` may return attribute text
// (e.g. `data-proxy-src="…"`, already escaped) inserted right after "<img".
using ImageUrlMapper = std::function<std::optional<std::string>(const std::string& absolute_url)>;
using ImageAttributesFor = std::function<std::string(const std::string& absolute_src)>;
std::string MapImageUrls(std::string_view html, const ImageUrlMapper& map, std::string_view base_url = {},
                         const ImageAttributesFor& extra_attributes = nullptr);

// The proxied form of one absolute image URL (or the URL itself when it is
// already on the proxy's host or the template is empty).
std::string ProxyImageUrl(std::string_view image_url, std::string_view proxy_template);

}  // namespace nm

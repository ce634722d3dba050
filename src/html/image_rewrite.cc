#include "html/image_rewrite.h"

#include <optional>

#include "html/attribute_rewrite.h"
#include "html/tag_scanner.h"
#include "url/url.h"

namespace nm {
namespace {

// --- URLs --------------------------------------------------------------------

std::string_view TrimHtmlSpace(std::string_view s) {
  while (!s.empty() && IsHtmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsHtmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsHttpUrl(std::string_view url) {
  return url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
}

// The absolute http(s) form of an image reference: protocol-relative as
// https, relative ones resolved against `base_url`. nullopt for anything that
// must stay as written (empty, data:, unresolvable, other schemes).
std::optional<std::string> AbsoluteImageUrl(std::string_view ref, std::string_view base_url) {
  ref = TrimHtmlSpace(ref);
  if (ref.empty()) return std::nullopt;
  std::string candidate(ref);
  if (ref.substr(0, 2) == "//") candidate = "https:" + candidate;
  std::optional<std::string> absolute =
      base_url.empty() ? NormalizeUrl(candidate) : ResolveUrl(base_url, candidate);
  if (!absolute || !IsHttpUrl(*absolute)) return std::nullopt;
  return absolute;
}

// The mapped form of one image reference, or the reference itself.
std::string RewriteOne(std::string_view ref, const ImageUrlMapper& map, std::string_view base_url) {
  std::optional<std::string> absolute = AbsoluteImageUrl(ref, base_url);
  if (!absolute) return std::string(ref);
  std::optional<std::string> mapped = map(*absolute);
  // An image the mapper leaves alone keeps its original spelling.
  return !mapped || *mapped == *absolute ? std::string(ref) : *mapped;
}

// Rewrites each candidate URL of a srcset value, keeping separators and
// descriptors byte for byte.
std::string RewriteSrcset(std::string_view value, const ImageUrlMapper& map, std::string_view base_url) {
  std::string out;
  size_t copied = 0, i = 0;
  while (i < value.size()) {
    while (i < value.size() && (IsHtmlSpace(value[i]) || value[i] == ',')) ++i;
    if (i >= value.size()) break;
    size_t url_begin = i;
    while (i < value.size() && !IsHtmlSpace(value[i])) ++i;
    size_t url_end = i;
    bool has_descriptors = true;
    if (value[url_end - 1] == ',') {
      while (url_end > url_begin && value[url_end - 1] == ',') --url_end;
      has_descriptors = false;
    }
    out.append(value, copied, url_begin - copied);
    out += RewriteOne(value.substr(url_begin, url_end - url_begin), map, base_url);
    copied = url_end;
    if (has_descriptors) {
      // Descriptors run to the next comma outside parentheses.
      int depth = 0;
      while (i < value.size() && !(value[i] == ',' && depth == 0)) {
        if (value[i] == '(') ++depth;
        if (value[i] == ')' && depth > 0) --depth;
        ++i;
      }
    }
  }
  out.append(value, copied);
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

std::string ProxyImageUrl(std::string_view image_url, std::string_view proxy_template) {
  if (proxy_template.empty()) return std::string(image_url);
  std::string_view trimmed = TrimHtmlSpace(image_url);
  if (trimmed.empty()) return std::string(image_url);
  std::string candidate(trimmed);
  if (trimmed.substr(0, 2) == "//") candidate = "https:" + candidate;
  std::optional<std::string> url = NormalizeUrl(candidate);
  if (!url || !IsHttpUrl(*url)) return std::string(image_url);
  std::string proxy_host = UrlHost(proxy_template);
  if (!proxy_host.empty() && UrlHost(*url) == proxy_host) return std::string(image_url);

  std::string_view rest = *url;
  rest.remove_prefix(rest.substr(0, 5) == "https" ? 8 : 7);
  std::string noscheme;
  for (char c : rest) {
    switch (c) {
      case '&': noscheme += "%26"; break;
      case '#': noscheme += "%23"; break;
      case '+': noscheme += "%2B"; break;
      case '%': noscheme += "%25"; break;
      case ' ': noscheme += "%20"; break;
      default: noscheme += c;
    }
  }
  std::string out(proxy_template);
  // {url} first: its replacement has no braces left, so it cannot create a
  // "{url_noscheme}"; the other order could, as a query may keep "{url}".
  ReplaceAll(out, "{url}", EncodeUriComponent(*url));
  ReplaceAll(out, "{url_noscheme}", noscheme);
  return out;
}

std::string RewriteImages(std::string_view html, std::string_view proxy_template,
                          std::string_view base_url) {
  if (proxy_template.empty()) return std::string(html);
  return MapImageUrls(
      html,
      [proxy_template](const std::string& url) -> std::optional<std::string> {
        return ProxyImageUrl(url, proxy_template);
      },
      base_url);
}

std::string MapImageUrls(std::string_view html, const ImageUrlMapper& map, std::string_view base_url,
                         const ImageAttributesFor& extra_attributes) {
  // A <source> of a video or audio is not an image.
  auto is_image = [](const AttributeSite& site) {
    return site.tag == "img" || (site.tag == "source" && !site.inside_media);
  };
  AttributeEdit edit = [&](const AttributeSite& site, const std::string& value) -> std::optional<std::string> {
    if (!is_image(site)) return std::nullopt;
    if (site.attribute == "src") return RewriteOne(value, map, base_url);
    if (site.attribute == "srcset") return RewriteSrcset(value, map, base_url);
    return std::nullopt;
  };
  TagInsertion insert;
  if (extra_attributes) {
    insert = [&](const AttributeSite& site, const AttributeLookup& value_of) -> std::string {
      if (site.tag != "img") return {};
      std::optional<std::string> src = value_of("src");
      std::optional<std::string> absolute = src ? AbsoluteImageUrl(*src, base_url) : std::nullopt;
      return absolute ? extra_attributes(*absolute) : std::string();
    };
  }
  return RewriteAttributes(html, edit, insert);
}

}  // namespace nm

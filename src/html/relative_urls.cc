#include "html/relative_urls.h"

#include <optional>

#include "html/attribute_rewrite.h"
#include "url/url.h"

namespace nm {

namespace {

bool HoldsUrl(std::string_view attribute) {
  static constexpr std::string_view kNames[] = {"href",     "src",     "cite",   "action",  "background",
                                                "longdesc", "usemap",  "poster", "codebase"};
  for (std::string_view n : kNames) {
    if (attribute == n) return true;
  }
  return false;
}

bool HasScheme(std::string_view v) {
  size_t colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = v[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ResolveRelativeUrls(std::string_view html, std::string_view base_url) {
  if (base_url.empty() || html.find('<') == std::string_view::npos) return std::string(html);
  return RewriteAttributes(html, [base_url](const AttributeSite& site,
                                            const std::string& value) -> std::optional<std::string> {
    if (!HoldsUrl(site.attribute)) return std::nullopt;
    size_t b = value.find_first_not_of(" \t\n\f\r");
    if (b == std::string::npos || value[b] == '#' || HasScheme(std::string_view(value).substr(b))) {
      return std::nullopt;
    }
    return JoinUrl(base_url, value);
  });
}

}  // namespace nm

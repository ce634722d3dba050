#include "site/footer.h"

#include "config/config.h"
#include "publish/mirror_feed.h"

namespace nm {

std::string FormatReaderFooter(const ReaderFooter& footer) {
  std::string out = "<footer class=\"nm-footer\">";
  if (!footer.note.empty()) out += "<p>" + XmlEscape(footer.note) + "</p>";
  std::string links;
  for (const auto& [text, url] : footer.links) {
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) continue;
    if (!links.empty()) links += " · ";
    links += "<a href=\"" + XmlEscape(url) + "\">" + XmlEscape(text.empty() ? url : text) + "</a>";
  }
  if (!links.empty()) out += "<p>" + links + "</p>";
  return out + "</footer>";
}

ReaderFooter ReaderFooterFor(const Config* config) {
  ReaderFooter footer;
  footer.note = "newsmirror 镜像";
  if (config) {
    for (const MirrorCopy& copy : config->archive.mirrors) footer.links.emplace_back(copy.name, copy.url);
  }
  return footer;
}

}  // namespace nm

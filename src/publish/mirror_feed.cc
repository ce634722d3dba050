#include "publish/mirror_feed.h"

#include <algorithm>
#include <cstdio>

#include "dates/date_parser.h"
#include "html/sanitize.h"
#include "layout/layout.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/fs.h"

namespace nm {

std::string Rfc3339(int64_t ms) { return FormatRfc3339(ms); }

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(static_cast<char>(c));
      }
      continue;
    }
    // Copy one well-formed UTF-8 sequence, or drop the byte.
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c > 0xF4) len = 0;
    if (len == 0 || i + len > s.size()) {
      ++i;
      continue;
    }
    uint32_t cp = c & (0x7F >> len);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    bool forbidden = (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF;
    if (!ok || overlong || forbidden) {
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string FormatAtomFeed(const AtomFeed& feed) {
  int64_t updated = 0;
  for (const AtomEntry& e : feed.entries) updated = std::max(updated, e.published_ms);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += "  <id>" + XmlEscape(feed.id) + "</id>\n";
  out += "  <title>" + XmlEscape(feed.title) + "</title>\n";
  out += "  <updated>" + Rfc3339(updated) + "</updated>\n";
  out += "  <author><name>newsmirror</name></author>\n";
  out += "  <generator>newsmirror</generator>\n";
  if (!feed.self.empty()) out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlEscape(feed.self) + "\"/>\n";
  if (!feed.alternate.empty()) out += "  <link rel=\"alternate\" href=\"" + XmlEscape(feed.alternate) + "\"/>\n";
  for (const AtomEntry& e : feed.entries) {
    out += "  <entry>\n";
    out += "    <id>" + XmlEscape(e.id) + "</id>\n";
    out += "    <title>" + XmlEscape(e.title) + "</title>\n";
    out += "    <published>" + Rfc3339(e.published_ms) + "</published>\n";
    out += "    <updated>" + Rfc3339(e.published_ms) + "</updated>\n";
    if (!e.author.empty()) out += "    <author><name>" + XmlEscape(e.author) + "</name></author>\n";
    out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(e.link) + "\"/>\n";
    if (!e.via.empty()) out += "    <link rel=\"via\" href=\"" + XmlEscape(e.via) + "\"/>\n";
    out += "    <content type=\"html\">" + XmlEscape(e.content_html) + "</content>\n";
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

AtomFeed MirrorAtomFeed(const MirrorView& view, const std::string& name, const ArticleLinker& link_of,
                        const std::string& base, const FileOverlay& overlay) {
  struct Picked {
    const MirrorOutlet* outlet;
    const ArticleRecord* record;
  };
  std::vector<Picked> picked;
  for (const MirrorOutlet& o : view.outlets) {
    if (name != "all" && o.name != name) continue;
    for (size_t i = 0; i < o.records.size() && i < kMirrorFeedSize; ++i) picked.push_back({&o, &o.records[i]});
  }
  std::stable_sort(picked.begin(), picked.end(), [](const Picked& a, const Picked& b) {
    return NewerFirst(*a.record, *b.record);
  });
  if (picked.size() > kMirrorFeedSize) picked.resize(kMirrorFeedSize);
  std::vector<std::pair<std::string, const ArticleRecord*>> wanted;
  for (const Picked& p : picked) wanted.emplace_back(p.outlet->name, p.record);
  PrefetchArticles(view.root, wanted, overlay);

  AtomFeed feed;
  feed.id = "tag:newsmirror,2024:feeds/" + EncodeUriComponent(name);
  feed.title = name == "all" ? "newsmirror" : name;
  if (!base.empty()) feed.self = base + layout::OutletFeedPath(EncodeUriComponent(name));
  for (const Picked& p : picked) {
    AtomEntry e;
    const ArticleRecord& r = *p.record;
    e.id = "tag:newsmirror,2024:" + EncodeUriComponent(p.outlet->name) + "/" + std::to_string(r.id);
    e.title = r.title;
    e.published_ms = r.published_ms;
    e.via = ArchiveLink(r.link);  // http(s), no credentials, even from an older record
    e.author = p.outlet->name;
    e.link = link_of(p.outlet->name, r);
    auto doc = ReadArticle(view.root, p.outlet->name, r, overlay);
    if (doc.ok()) {
      SanitizePolicy policy;
      policy.base_url = r.link;
      // One article whose HTML cannot be read (over the parser's memory
      // budget) says so; the feed and the run go on.
      Status read = Contain([&] { e.content_html = SanitizeHtml(doc->content, policy); });
      if (!read.ok()) e.content_html = "<p>" + XmlEscape("the article cannot be shown: " + read.message()) + "</p>";
    }
    feed.entries.push_back(std::move(e));
  }
  return feed;
}

std::vector<PlannedWrite> PlanMirrorFeeds(const std::string& root, const std::string& raw_base_url,
                                          const FileOverlay& overlay, const std::set<std::string>* only,
                                          bool with_all) {
  std::vector<PlannedWrite> writes;
  auto view = LoadMirror(root, overlay, kMirrorFeedSize);
  if (!view.ok()) return writes;
  std::string base = raw_base_url;
  if (!base.empty() && base.back() != '/') base += '/';
  ArticleLinker link_of = [&](const std::string& outlet, const ArticleRecord& r) {
    std::string rel = layout::ArticlePath(EncodeUriComponent(outlet), EncodeUriComponent(r.file));
    return base.empty() ? "../" + rel : base + rel;
  };
  std::vector<std::string> names;
  if (with_all) names.push_back("all");
  for (const MirrorOutlet& o : view->outlets) {
    // A missing feed is written too, by a run of the whole mirror (a shard
    // keeps to its own outlets).
    if (!only || only->count(o.name) || (with_all && !FileExistsBelow(root, layout::OutletFeedPath(o.name)))) {
      names.push_back(o.name);
    }
  }
  for (const std::string& name : names) {
    std::string path = name == "all" ? layout::AllFeedPath() : layout::OutletFeedPath(name);
    std::string text = FormatAtomFeed(MirrorAtomFeed(*view, name, link_of, base, overlay));
    PlanWriteIfChanged(root, path, std::move(text), writes);
  }
  return writes;
}

}  // namespace nm

// The site's text-only edition (pages.h): plain HTML of titles and
// paragraphs for readers on throttled connections, every page under
// SitePages::kTextPageBytes.
#include <algorithm>

#include "archive/list_page.h"
#include "dates/date_parser.h"
#include "html/html_cut.h"
#include "html/html_text.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "site/pages.h"
#include "util/contain.h"
#include "url/url.h"
#include "util/text.h"

namespace nm {

namespace {

std::string Esc(std::string_view s) { return XmlEscape(s); }
std::string Enc(std::string_view s) { return EncodeUriComponent(s); }

// Titles and names are cut (at a character) so that their escaped form has
// at most this many bytes on text pages: a page of them stays under its size
// whatever a feed sent, also a title of nothing but '"' or '&'.
constexpr size_t kTextTitleBytes = 240;
constexpr size_t kTextNameBytes = 200;

// `s` cut at a character boundary so that Esc(result) has at most `max`
// bytes (with "…" when cut).
std::string Cut(std::string_view s, size_t max) {
  if (Esc(s).size() <= max) return std::string(s);
  size_t cut = Utf8CutPoint(s, max > 3 ? max - 3 : 0);  // "…" is 3 bytes
  while (cut > 0 && Esc(s.substr(0, cut)).size() + 3 > max) cut = Utf8CutPoint(s, cut - 1);
  return std::string(s.substr(0, cut)) + "…";
}

std::string TitleText(const std::string& title) { return Cut(title.empty() ? "（无标题）" : title, kTextTitleBytes); }

bool EndsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string TextOutletFile(size_t page) {
  return page == 0 ? "index.html" : "page-" + std::to_string(page + 1) + ".html";
}

std::string TextArticleFile(int64_t id, size_t page) {
  return std::to_string(id) + (page == 0 ? "" : "-" + std::to_string(page + 1)) + ".html";
}

size_t TextListPages(size_t n) {
  return n == 0 ? 1 : (n + SitePages::kTextListSize - 1) / SitePages::kTextListSize;
}

// "prev · k / n · next" for pages of one thing.
std::string TextNav(size_t pages, size_t current, const std::function<std::string(size_t)>& file) {
  if (pages <= 1) return {};
  std::string out = "<p>";
  if (current > 0) out += "<a rel=\"prev\" href=\"" + file(current - 1) + "\">上一页</a> · ";
  out += "第 " + std::to_string(current + 1) + " / " + std::to_string(pages) + " 页";
  if (current + 1 < pages) out += " · <a rel=\"next\" href=\"" + file(current + 1) + "\">下一页</a>";
  return out + "</p>\n";
}

}  // namespace

std::vector<std::string> SitePages::TextPaths() const {
  std::vector<std::string> paths = {layout::SiteTextHomePath()};
  for (const OutletPages& o : outlets_) {
    const std::string& name = o.outlet->name;
    for (size_t p = 0; p < TextListPages(o.outlet->records.size()); ++p) {
      paths.push_back(layout::SiteTextOutletDir(name) + "/" + TextOutletFile(p));
    }
    for (const ArticleRecord& r : o.outlet->records) paths.push_back(TextArticlePagePath(name, r.id));
  }
  return paths;
}

std::string SitePages::TextPage(const std::string& p, const std::string& title, const std::string& full_href,
                                const std::string& body) const {
  return "<!doctype html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
         "style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n<title>" + Esc(title) + "</title>\n"
         "<link rel=\"icon\" href=\"data:,\">\n"
         "<style>body{max-width:40rem;margin:0 auto;padding:0 .75rem 1rem;line-height:1.7;font-family:sans-serif}"
         "li{margin:.3rem 0}</style>\n</head>\n<body>\n<p><a href=\"" + p + "text/index.html\">" +
         Esc(Cut(options_.title, kTextNameBytes)) + " 纯文字版</a> · <a href=\"" + full_href + "\">完整版</a></p>\n" +
         body + FormatReaderFooter(options_.footer) + "\n</body>\n</html>\n";
}

std::string SitePages::RenderTextHome() const {
  std::string head = "<h1>" + Esc(Cut(options_.title, kTextNameBytes)) + " 纯文字版</h1>\n"
                     "<p>没有图片，每页不到 20 KB。</p>\n<ul>\n";
  std::string tail = "</ul>\n";
  std::string frame = TextPage("../", options_.title + " 纯文字版", "../index.html", head + tail);
  std::string items;
  size_t shown = 0;
  for (const OutletPages& o : outlets_) {
    const std::string& name = o.outlet->name;
    std::string item = "<li><a href=\"" + Enc(name) + "/index.html\">" + Esc(Cut(name, kTextNameBytes)) + "</a> " +
                       std::to_string(o.outlet->records.size()) + " 篇</li>\n";
    // Room for the note on the outlets left out.
    if (frame.size() + items.size() + item.size() + 200 > kTextPageBytes) break;
    items += item;
    ++shown;
  }
  if (shown < outlets_.size()) {
    tail += "<p>另有 " + std::to_string(outlets_.size() - shown) + " 个媒体，请看<a href=\"../index.html\">完整版</a>。</p>\n";
  }
  if (outlets_.empty()) items = "<li>这个镜像还没有文章。</li>\n";
  return TextPage("../", options_.title + " 纯文字版", "../index.html", head + items + tail);
}

std::string SitePages::RenderTextOutlet(const OutletPages& o, size_t page) const {
  const std::string& name = o.outlet->name;
  size_t total = o.outlet->records.size();
  std::string body = "<h1>" + Esc(Cut(name, kTextNameBytes)) + "</h1>\n<p>" + std::to_string(total) + " 篇</p>\n<ul>\n";
  for (size_t i = page * kTextListSize; i < total && i < (page + 1) * kTextListSize; ++i) {
    const ArticleRecord& r = o.outlet->records[i];
    body += "<li>" + FormatLocalDate(r.published_ms, options_.utc_offset_minutes) + " <a href=\"" + TextArticleFile(r.id, 0) +
            "\">" + Esc(TitleText(r.title)) + "</a></li>\n";
  }
  body += "</ul>\n" + TextNav(TextListPages(total), page, [](size_t p) { return TextOutletFile(p); });
  std::string full = "../../outlets/" + Enc(name) + "/" + (page == 0 ? std::string("index.html") : TextOutletFile(page));
  return TextPage("../../", name, full, body);
}

std::vector<std::pair<std::string, std::string>> SitePages::RenderTextArticle(const std::string& path) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name;
  const ArticleRecord* r = path.rfind(layout::SiteTextDir() + "/", 0) == 0 ? ArticleOf(path, &name) : nullptr;
  if (!r) return out;
  const MirrorOutlet* o = view_.Find(name);
  auto doc = ReadArticle(view_.root, name, *r);
  std::string title = TitleText(doc.ok() ? doc->title : r->title);
  int64_t published = doc.ok() ? doc->published_ms : r->published_ms;
  std::string link = doc.ok() ? doc->link : r->link;
  std::string full = "../../outlets/" + Enc(o->name) + "/" + std::to_string(r->id) + ".html";
  std::string meta = "<p>" + Esc(Cut(o->name, kTextNameBytes)) + " · " +
                     Rfc3339(published + int64_t{options_.utc_offset_minutes} * 60000).substr(0, 16).replace(10, 1, " ");
  if ((link.rfind("https://", 0) == 0 || link.rfind("http://", 0) == 0) && link.size() <= 2000) {
    meta += " · <a href=\"" + Esc(link) + "\" rel=\"noopener noreferrer nofollow\">原文</a>";
  }
  meta += "</p>\n";
  // The article's paragraphs, as plain text.
  std::vector<std::string> paragraphs;
  std::string text;
  // An article whose HTML cannot be read (over the parser's memory budget) says so.
  Status read = doc.ok() ? Contain([&] { text = ReadableText(doc->content); }) : Status::Ok();
  if (!read.ok()) {
    paragraphs.push_back("<p>" + Esc("the article cannot be shown: " + read.message()) + "</p>\n");
  } else if (doc.ok()) {
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line = std::string_view(text).substr(start, end - start);
      if (line.find_first_not_of(" \t") != std::string_view::npos) paragraphs.push_back("<p>" + Esc(line) + "</p>\n");
      start = end + 1;
    }
  } else {
    paragraphs.push_back("<p>" + Esc(Cut(doc.status().message(), 2000)) + "</p>\n");
  }
  // Each page: the heading, the paragraphs that fit and the way on. A
  // paragraph longer than a page is cut at characters (its escaped form).
  auto page_frame = [&](size_t k) {
    std::string heading = k == 0 ? "<h1>" + Esc(title) + "</h1>\n" + meta : "<h1>" + Esc(title) + "（续）</h1>\n";
    return heading;
  };
  // The way between pages takes at most this much ("上一页 · 第 9999 / 9999 页 · 下一页" with links).
  constexpr size_t kNavBytes = 220;
  std::string base_frame = TextPage("../../", title, full, "");
  std::vector<std::string> bodies(1);
  auto room = [&](size_t k) {
    size_t used = base_frame.size() + page_frame(k).size() + kNavBytes;
    return used < kTextPageBytes ? kTextPageBytes - used : 0;
  };
  for (std::string& para : paragraphs) {
    std::string_view rest = para;
    while (!rest.empty()) {
      size_t k = bodies.size() - 1;
      size_t space = room(k) > bodies[k].size() ? room(k) - bodies[k].size() : 0;
      if (rest.size() <= space) {
        bodies[k] += rest;
        break;
      }
      if (space < 200 && !bodies[k].empty()) {
        bodies.emplace_back();
        continue;
      }
      // Cut the paragraph as CutHtml does: at a character, never inside a
      // character reference; room for "</p>\n".
      std::string head = space > 5 ? CutHtml(rest, space - 1) : std::string();
      size_t cut = EndsWith(head, "</p>") ? head.size() - 4 : 0;
      if (cut <= 3) {  // "<p>" alone: start a new page
        bodies.emplace_back();
        continue;
      }
      bodies[k] += std::string(rest.substr(0, cut)) + "</p>\n";
      rest.remove_prefix(cut);
      bodies.emplace_back();
      std::string next = "<p>" + std::string(rest);
      para = next;  // keeps `rest` valid
      rest = para;
    }
  }
  if (bodies.back().empty() && bodies.size() > 1) bodies.pop_back();
  std::string stem = layout::SiteTextOutletDir(o->name) + "/";
  for (size_t k = 0; k < bodies.size(); ++k) {
    std::string body = page_frame(k) + bodies[k] +
                       TextNav(bodies.size(), k, [&](size_t p) { return TextArticleFile(r->id, p); });
    out.emplace_back(stem + TextArticleFile(r->id, k), TextPage("../../", title, full, body));
  }
  return out;
}

std::optional<std::string> SitePages::RenderText(const std::string& path) const {
  if (path == layout::SiteTextHomePath()) return RenderTextHome();
  const std::string prefix = layout::SiteTextDir() + "/";
  if (path.rfind(prefix, 0) != 0 || !EndsWith(path, ".html")) return std::nullopt;
  size_t slash = path.find('/', prefix.size());
  if (slash == std::string::npos) return std::nullopt;
  const OutletPages* o = FindOutlet(path.substr(prefix.size(), slash - prefix.size()));
  if (!o) return std::nullopt;
  std::string file = path.substr(slash + 1);
  for (size_t p = 0; p < TextListPages(o->outlet->records.size()); ++p) {
    if (file == TextOutletFile(p)) return RenderTextOutlet(*o, p);
  }
  // {id}.html or {id}-{k}.html
  std::string stem = file.substr(0, file.size() - 5);
  size_t dash = stem.find('-');
  std::string id = stem.substr(0, dash);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::string first = layout::SiteTextOutletDir(o->outlet->name) + "/" + id + ".html";
  auto pages = RenderTextArticle(first);
  for (auto& [p, text] : pages) {
    if (p == path) return std::move(text);
  }
  return std::nullopt;
}

}  // namespace nm

#include "site/pages.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "archive/list_page.h"
#include "html/sanitize.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "site/assets.h"
#include "url/url.h"
#include "util/contain.h"
#include "util/hash.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr const char* kDeep = "../../";  // from outlets/{outlet}/ to the root

std::string Esc(std::string_view s) { return XmlEscape(s); }

std::string Enc(std::string_view s) { return EncodeUriComponent(s); }

std::string Day(int64_t ms, int offset) { return Rfc3339(ms + int64_t{offset} * 60000).substr(0, 10); }

std::string DayTime(int64_t ms, int offset) {
  std::string t = Rfc3339(ms + int64_t{offset} * 60000);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

bool EndsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

size_t Pages(size_t n, size_t per) { return n == 0 ? 1 : (n + per - 1) / per; }

// "2023-01" → its page file name for page `page` (0-based).
std::string MonthFile(const std::string& month, size_t page) {
  return page == 0 ? month + ".html" : month + "-p" + std::to_string(page + 1) + ".html";
}

std::string OutletFile(size_t page) {
  return page == 0 ? "index.html" : "page-" + std::to_string(page + 1) + ".html";
}

std::string PageNav(size_t pages, size_t current, const std::function<std::string(size_t)>& file) {
  if (pages <= 1) return {};
  std::string out = "<nav class=\"pages\">";
  if (current > 0) out += "<a rel=\"prev\" href=\"" + Enc(file(current - 1)) + "\">上一页</a>";
  for (size_t p = 0; p < pages; ++p) {
    if (p == current) out += "<strong>" + std::to_string(p + 1) + "</strong> ";
    else out += "<a href=\"" + Enc(file(p)) + "\">" + std::to_string(p + 1) + "</a>";
  }
  if (current + 1 < pages) out += "<a rel=\"next\" href=\"" + Enc(file(current + 1)) + "\">下一页</a>";
  return out + "</nav>\n";
}

}  // namespace

std::string ArticlePagePath(const std::string& outlet, int64_t id) {
  return layout::SiteOutletDir(outlet) + "/" + std::to_string(id) + ".html";
}

std::string TextArticlePagePath(const std::string& outlet, int64_t id) {
  return layout::SiteTextOutletDir(outlet) + "/" + std::to_string(id) + ".html";
}

std::string SiteContentType(const std::string& path) {
  if (EndsWith(path, ".jpg")) return "image/jpeg";
  if (EndsWith(path, ".png")) return "image/png";
  if (EndsWith(path, ".gif")) return "image/gif";
  if (EndsWith(path, ".webp")) return "image/webp";
  if (EndsWith(path, ".avif")) return "image/avif";
  if (EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(path, ".json")) return "application/json";
  if (EndsWith(path, ".xml")) return "application/atom+xml; charset=utf-8";
  return "application/octet-stream";
}

bool IsStoredImageName(std::string_view file) {
  size_t dot = file.find('.');
  if (dot != 40 || file.find_first_not_of("0123456789abcdef") != 40) return false;
  std::string_view ext = file.substr(41);
  return ext == "jpg" || ext == "png" || ext == "gif" || ext == "webp" || ext == "avif";
}

bool ParseSiteImagePath(std::string_view path, std::string* outlet, std::string* file) {
  constexpr std::string_view kPrefix = "images/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = path.substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view name = rest.substr(0, slash), f = rest.substr(slash + 1);
  if (!IsStoredImageName(f) || !layout::CheckOutletName(name).ok() || layout::SiteImagePath(name, f) != path) {
    return false;
  }
  *outlet = std::string(name);
  *file = std::string(f);
  return true;
}

std::optional<std::string> MapStoredImageUrl(std::string_view url, const std::string& outlet,
                                             std::vector<std::string>* images) {
  const std::string prefix = "../../assets/";
  if (url.substr(0, prefix.size()) != prefix) return std::nullopt;
  url.remove_prefix(prefix.size());
  size_t slash = url.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view file = url.substr(slash + 1);
  if (PercentDecode(url.substr(0, slash)) != outlet || !IsStoredImageName(file)) return std::nullopt;
  if (images) images->push_back(layout::SiteImagePath(outlet, file));
  return "../../images/" + Enc(outlet) + "/" + std::string(file);
}

SitePages::SitePages(const MirrorView& view, SiteOptions options) : view_(view), options_(std::move(options)) {
  if (!options_.base_url.empty() && options_.base_url.back() != '/') options_.base_url += '/';
  for (const MirrorOutlet& o : view_.outlets) {
    OutletPages pages{&o, {}};
    for (const ArticleRecord& r : o.records) {
      std::string month = YearMonth(r.published_ms, options_.utc_offset_minutes);
      if (pages.months.empty() || pages.months.back().name != month) pages.months.push_back({month, {}});
      pages.months.back().items.push_back(&r);
    }
    outlets_.push_back(std::move(pages));
  }
}

const SitePages::OutletPages* SitePages::FindOutlet(const std::string& name) const {
  for (const OutletPages& o : outlets_) {
    if (o.outlet->name == name) return &o;
  }
  return nullptr;
}

std::vector<std::string> SitePages::Paths() const {
  std::vector<std::string> paths = {layout::SiteHomePath(), layout::SiteSearchPagePath(),
                                    layout::SiteStyleSheetPath(), layout::SiteSearchScriptPath(),
                                    layout::SiteAllFeedPath()};
  for (const auto& [path, text] : SearchFiles()) paths.push_back(path);
  for (const OutletPages& o : outlets_) {
    const std::string& name = o.outlet->name;
    std::string dir = layout::SiteOutletDir(name) + "/";
    paths.push_back(layout::SiteFeedPath(name));
    for (size_t p = 0; p < Pages(o.outlet->records.size(), kPageSize); ++p) paths.push_back(dir + OutletFile(p));
    for (const Month& m : o.months) {
      for (size_t p = 0; p < Pages(m.items.size(), kMonthPageSize); ++p) paths.push_back(dir + MonthFile(m.name, p));
    }
    for (const ArticleRecord& r : o.outlet->records) paths.push_back(ArticlePagePath(name, r.id));
  }
  for (std::string& p : TextPaths()) paths.push_back(std::move(p));
  return paths;
}

const ArticleRecord* SitePages::ArticleOf(const std::string& path, std::string* outlet) const {
  const std::string text_prefix = layout::SiteTextDir() + "/";
  size_t start = path.rfind("outlets/", 0) == 0 ? 8 : path.rfind(text_prefix, 0) == 0 ? text_prefix.size() : 0;
  if (start == 0 || !EndsWith(path, ".html")) return nullptr;
  size_t slash = path.find('/', start);
  if (slash == std::string::npos) return nullptr;
  std::string name = path.substr(start, slash - start);
  std::string file = path.substr(slash + 1, path.size() - slash - 1 - 5);
  if (file.empty() || file.find_first_not_of("0123456789") != std::string::npos) return nullptr;
  const MirrorOutlet* o = view_.Find(name);
  if (!o) return nullptr;
  int64_t id = 0;  // a number too long for an id names no article (never an exception)
  auto [end, ec] = std::from_chars(file.data(), file.data() + file.size(), id);
  if (ec != std::errc() || end != file.data() + file.size()) return nullptr;
  for (const ArticleRecord& r : o->records) {
    if (r.id == id) {
      if (outlet) *outlet = name;
      return &r;
    }
  }
  return nullptr;
}

std::optional<std::string> SitePages::Render(const std::string& path, std::vector<std::string>* images) const {
  if (path == layout::SiteHomePath()) return RenderHome();
  if (path == layout::SiteSearchPagePath()) return RenderSearch("", nullptr);
  if (path.rfind("search/", 0) == 0) {
    const auto& files = SearchFiles();
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  if (path.rfind(layout::SiteTextDir() + "/", 0) == 0) return RenderText(path);
  if (path == layout::SiteStyleSheetPath()) return std::string(kSiteCss);
  if (path == layout::SiteSearchScriptPath()) return std::string(kSearchJs);
  if (path.rfind("feeds/", 0) == 0 && EndsWith(path, ".xml")) {
    std::string name = path.substr(6, path.size() - 10);
    if (name != "all" && !FindOutlet(name)) return std::nullopt;
    return RenderFeed(name);
  }
  if (path.rfind("outlets/", 0) != 0 || !EndsWith(path, ".html")) return std::nullopt;
  size_t slash = path.find('/', 8);
  if (slash == std::string::npos) return std::nullopt;
  const OutletPages* o = FindOutlet(path.substr(8, slash - 8));
  if (!o) return std::nullopt;
  std::string file = path.substr(slash + 1);
  size_t n_pages = Pages(o->outlet->records.size(), kPageSize);
  for (size_t p = 0; p < n_pages; ++p) {
    if (file == OutletFile(p)) return RenderOutlet(*o, p);
  }
  for (const Month& m : o->months) {
    if (file.rfind(m.name, 0) != 0) continue;
    for (size_t p = 0; p < Pages(m.items.size(), kMonthPageSize); ++p) {
      if (file == MonthFile(m.name, p)) return RenderMonth(*o, m, p);
    }
  }
  std::string outlet;
  if (const ArticleRecord* r = ArticleOf(path, &outlet)) return RenderArticle(*o->outlet, *r, images);
  return std::nullopt;
}

std::string SitePages::Page(const std::string& p, const std::string& title, const std::string& body,
                            const std::string& head_extra) const {
  std::string out =
      "<!doctype html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' http: https: data:; "
      "style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<title>" + Esc(title) + "</title>\n"
      "<link rel=\"icon\" href=\"data:,\">\n"
      "<link rel=\"stylesheet\" href=\"" + p + "assets/site.css\">\n"
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + Esc(options_.title) + "\" href=\"" + p +
      "feeds/all.xml\">\n" + head_extra +
      "</head>\n<body>\n<header><a class=\"home\" href=\"" + p + "index.html\">" + Esc(options_.title) +
      "</a><a class=\"text-only\" href=\"" + p + "text/index.html\">纯文字版</a><form class=\"search\" action=\"" + p + "search.html\" method=\"get\" role=\"search\">"
      "<input type=\"search\" name=\"q\" placeholder=\"搜索\" aria-label=\"搜索\"><button type=\"submit\">搜索</button>"
      "</form></header>\n<main>\n";
  out += body;
  out += "</main>\n<footer class=\"muted\"><a href=\"" + p + "index.html\">首页</a> · <a href=\"" + p +
         "feeds/all.xml\">订阅 (Atom)</a>" + MirrorCopiesHtml(options_.mirrors) + "</footer>\n</body>\n</html>\n";
  return out;
}

std::string SitePages::ArticleList(const std::string& p, const std::string& outlet,
                                   const std::vector<const ArticleRecord*>& items, bool show_outlet) const {
  std::string out = "<ul class=\"articles\">\n";
  for (const ArticleRecord* r : items) {
    std::string href = p + "outlets/" + Enc(outlet) + "/" + std::to_string(r->id) + ".html";
    out += "<li><time datetime=\"" + Rfc3339(r->published_ms) + "\">" +
           Day(r->published_ms, options_.utc_offset_minutes) + "</time>";
    if (show_outlet) out += "<span class=\"outlet\">" + Esc(outlet) + "</span>";
    out += "<a href=\"" + href + "\">" + Esc(r->title.empty() ? "（无标题）" : r->title) + "</a></li>\n";
  }
  return out + "</ul>\n";
}

std::string SitePages::RenderHome() const {
  std::string body = "<h1>" + Esc(options_.title) + "</h1>\n";
  if (outlets_.empty()) body += "<p class=\"muted\">这个镜像还没有文章。</p>\n";
  for (const OutletPages& o : outlets_) {
    const std::string& name = o.outlet->name;
    body += "<section>\n<h2><a href=\"outlets/" + Enc(name) + "/index.html\">" + Esc(name) + "</a></h2>\n";
    std::vector<const ArticleRecord*> newest;
    for (size_t i = 0; i < o.outlet->records.size() && i < kHomeItems; ++i) newest.push_back(&o.outlet->records[i]);
    body += ArticleList("", name, newest, false);
    body += "<p class=\"muted\"><a href=\"outlets/" + Enc(name) + "/index.html\">全部 " +
            std::to_string(o.outlet->records.size()) + " 篇</a> · <a href=\"feeds/" + Enc(name) +
            ".xml\">订阅</a></p>\n</section>\n";
  }
  return Page("", options_.title, body);
}

std::string SitePages::RenderOutlet(const OutletPages& o, size_t page) const {
  const std::string& name = o.outlet->name;
  std::vector<const ArticleRecord*> items;
  for (size_t i = page * kPageSize; i < o.outlet->records.size() && i < (page + 1) * kPageSize; ++i) {
    items.push_back(&o.outlet->records[i]);
  }
  std::string body = "<h1>" + Esc(name) + "</h1>\n<p class=\"meta\">" + std::to_string(o.outlet->records.size()) +
                     " 篇 · <a href=\"" + kDeep + "feeds/" + Enc(name) + ".xml\">订阅 (Atom)</a></p>\n";
  body += ArticleList(kDeep, name, items, false);
  size_t pages = Pages(o.outlet->records.size(), kPageSize);
  body += PageNav(pages, page, [](size_t p) { return OutletFile(p); });
  if (!o.months.empty()) {
    body += "<h2>按月</h2>\n<nav class=\"months\">";
    for (const Month& m : o.months) {
      body += "<a href=\"" + MonthFile(m.name, 0) + "\">" + m.name + "</a> ";
    }
    body += "</nav>\n";
  }
  std::string title = page == 0 ? name : name + "（第 " + std::to_string(page + 1) + " 页）";
  return Page(kDeep, title, body);
}

std::string SitePages::RenderMonth(const OutletPages& o, const Month& m, size_t page) const {
  const std::string& name = o.outlet->name;
  std::vector<const ArticleRecord*> items(
      m.items.begin() + static_cast<long>(std::min(m.items.size(), page * kMonthPageSize)),
      m.items.begin() + static_cast<long>(std::min(m.items.size(), (page + 1) * kMonthPageSize)));
  std::string body = "<h1>" + Esc(name) + " " + m.name + "</h1>\n<p class=\"meta\"><a href=\"index.html\">" +
                     Esc(name) + "</a> · " + std::to_string(m.items.size()) + " 篇</p>\n";
  body += ArticleList(kDeep, name, items, false);
  body += PageNav(Pages(m.items.size(), kMonthPageSize), page, [&](size_t p) { return MonthFile(m.name, p); });
  return Page(kDeep, name + " " + m.name, body);
}

std::string SitePages::RenderArticle(const MirrorOutlet& o, const ArticleRecord& r,
                                     std::vector<std::string>* images) const {
  auto doc = ReadArticle(view_.root, o.name, r);
  std::string title = doc.ok() ? doc->title : r.title;
  std::string link = doc.ok() ? doc->link : r.link;
  int64_t published = doc.ok() ? doc->published_ms : r.published_ms;
  std::string month = YearMonth(published, options_.utc_offset_minutes);
  std::string body = "<article>\n<h1>" + Esc(title) + "</h1>\n<p class=\"meta\"><a href=\"index.html\">" +
                     Esc(o.name) + "</a> · <time datetime=\"" + Rfc3339(published) + "\">" +
                     DayTime(published, options_.utc_offset_minutes) + "</time>";
  std::string safe_link = SanitizeHtml("<a href=\"" + Esc(link) + "\">原文</a>");
  if (safe_link.find("href=") != std::string::npos) body += " · " + safe_link;
  body += std::string(" · <a href=\"") + kDeep + "text/" + Enc(o.name) + "/" + std::to_string(r.id) + ".html\">纯文字版</a>";
  body += "</p>\n<div class=\"body\">\n";
  if (doc.ok()) {
    SanitizePolicy policy;
    policy.base_url = link;
    // Stored images: the page sits at the article file's depth, so the copy is linked as the file links it.
    policy.map_relative = [&](std::string_view url) { return MapStoredImageUrl(url, o.name, images); };
    std::string html;
    // An article whose HTML cannot be read (over the parser's memory budget)
    // says so; the other pages go on.
    Status read = Contain([&] { html = SanitizeHtml(doc->content, policy); });
    body += read.ok() ? html : "<p class=\"muted\">" + Esc("the article cannot be shown: " + read.message()) + "</p>";
  } else {
    body += "<p class=\"muted\">" + Esc(doc.status().message()) + "</p>";
  }
  body += "\n</div>\n</article>\n<nav class=\"months\"><a href=\"" + MonthFile(month, 0) + "\">" + Esc(o.name) +
          " " + month + "</a></nav>\n";
  return Page(kDeep, title, body);
}

std::string SitePages::RenderSearch(const std::string& query, const std::vector<SearchHit>* hits, int64_t total,
                                    size_t page) const {
  std::string body = "<h1>搜索</h1>\n<form class=\"search\" action=\"search.html\" method=\"get\" role=\"search\">"
                     "<input type=\"search\" name=\"q\" value=\"" + Esc(query) + "\" aria-label=\"搜索\">"
                     "<button type=\"submit\">搜索</button></form>\n";
  std::string status;
  std::string list;
  std::string nav;
  if (hits) {
    // A caller without a count (or with a stale one) still tells at least what it shows.
    if (!hits->empty()) total = std::max<int64_t>(total, static_cast<int64_t>(page * kSearchPageSize + hits->size()));
    size_t first = page * kSearchPageSize + 1, last = page * kSearchPageSize + hits->size();
    status = query.empty() ? "" : total == 0 ? "没有找到" : "找到 " + std::to_string(total) + " 篇";
    if (total > 0 && !hits->empty() && static_cast<size_t>(total) > hits->size()) {
      status += "，第 " + std::to_string(first) + "–" + std::to_string(last) + " 篇";
    }
    for (const SearchHit& h : *hits) {
      std::string snippet = Esc(h.snippet.substr(0, h.mark_begin)) + "<mark>" +
                            Esc(h.snippet.substr(h.mark_begin, h.mark_end - h.mark_begin)) + "</mark>" +
                            Esc(h.snippet.substr(h.mark_end));
      list += "<li><time datetime=\"" + Rfc3339(h.published_ms) + "\">" + Day(h.published_ms, options_.utc_offset_minutes) +
              "</time><span class=\"outlet\">" + Esc(h.outlet) + "</span><a href=\"" +
              "outlets/" + Enc(h.outlet) + "/" + std::to_string(h.id) + ".html\">" + Esc(h.title) +
              "</a><span class=\"snippet\">" + snippet + "</span></li>\n";
    }
    // Pages of results: the previous and next, the first and last, and a few around this one.
    size_t pages = Pages(static_cast<size_t>(total), kSearchPageSize);
    if (!query.empty() && pages > 1) {
      auto href = [&](size_t p) {
        return "search.html?q=" + Enc(query) + (p == 0 ? std::string() : "&amp;page=" + std::to_string(p + 1));
      };
      nav = "<nav class=\"pages\">";
      if (page > 0) nav += "<a rel=\"prev\" href=\"" + href(std::min(page, pages) - 1) + "\">上一页</a>";
      size_t from = page > 3 ? page - 3 : 0, to = std::min(pages, page + 4);
      if (from > 0) nav += "<a href=\"" + href(0) + "\">1</a>" + (from > 1 ? " … " : "");
      for (size_t p = from; p < to; ++p) {
        if (p == page) nav += "<strong>" + std::to_string(p + 1) + "</strong> ";
        else nav += "<a href=\"" + href(p) + "\">" + std::to_string(p + 1) + "</a>";
      }
      if (to < pages) nav += std::string(to + 1 < pages ? " … " : "") + "<a href=\"" + href(pages - 1) + "\">" +
                             std::to_string(pages) + "</a>";
      if (page + 1 < pages) nav += "<a rel=\"next\" href=\"" + href(page + 1) + "\">下一页</a>";
      nav += "</nav>\n";
    }
  } else {
    body += "<noscript><p class=\"muted\">在静态网站上，搜索标题需要 JavaScript。没有 JavaScript 时，"
            "请从首页按媒体和月份浏览，或在本地用 newsmirror search / newsmirror serve 全文搜索。</p></noscript>\n";
  }
  body += "<p id=\"status\" class=\"muted\" aria-live=\"polite\">" + Esc(status) + "</p>\n";
  body += std::string("<ul id=\"results\" class=\"articles\" data-search=\"search/\"") +
          (hits ? " data-server=\"1\"" : "") + ">\n" + list + "</ul>\n" + nav;
  std::string script = hits ? "" : "<script src=\"assets/search.js\" defer></script>\n";
  return Page("", query.empty() ? "搜索" : query + " - 搜索", body, script);
}

namespace {

// Code points that JavaScript's \\s matches: a query is split at them, so no
// gram needs them.
bool IsSearchSpace(uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

uint32_t SearchGramHash(std::string_view gram) { return Fnv1a32(gram); }

std::vector<std::string> TitleSearchGrams(std::string_view title) {
  // The title as code points, each kept with its UTF-8 bytes.
  std::vector<std::pair<uint32_t, std::string>> chars;
  for (size_t i = 0; i < title.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(title, i, &len);
    chars.emplace_back(cp, AsciiLower(title.substr(i, len)));
    i += len;
  }
  std::vector<std::string> grams;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (IsSearchSpace(chars[i].first)) continue;
    grams.push_back(chars[i].second);
    if (i + 1 < chars.size() && !IsSearchSpace(chars[i + 1].first)) grams.push_back(chars[i].second + chars[i + 1].second);
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

const std::map<std::string, std::string>& SitePages::SearchFiles() const {
  std::call_once(search_once_, [this] {
    auto dump = [](const nlohmann::json& j) {
      return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    };
    nlohmann::json meta = {{"v", 1}, {"shards", kSearchShards}, {"chunk", kSearchChunk}};
    meta["outlets"] = nlohmann::json::array();
    meta["newest"] = nlohmann::json::array();  // per outlet: the newest day of each title file
    // gram → outlet → ids, ascending (newest first: newer articles have smaller ids).
    std::vector<std::map<std::string, std::map<size_t, std::vector<int64_t>>>> shards(kSearchShards);
    for (size_t o = 0; o < view_.outlets.size(); ++o) {
      const MirrorOutlet& outlet = view_.outlets[o];
      meta["outlets"].push_back({outlet.name, Enc(outlet.name)});
      std::map<int64_t, nlohmann::json> chunks;
      std::map<int64_t, std::string> newest;  // chunk → its newest day
      for (const ArticleRecord& r : outlet.records) {
        nlohmann::json& chunk = chunks[r.id / kSearchChunk];
        if (chunk.is_null()) chunk = nlohmann::json::object();
        std::string day = Day(r.published_ms, options_.utc_offset_minutes);
        std::string& top = newest[r.id / kSearchChunk];
        if (day > top) top = day;
        chunk[std::to_string(r.id)] = {r.title, std::move(day)};
        for (const std::string& g : TitleSearchGrams(r.title)) {
          shards[SearchGramHash(g) % kSearchShards][g][o].push_back(r.id);
        }
      }
      // newest[o] = [first chunk, its newest day, the next chunk's, …]
      nlohmann::json days = nlohmann::json::array();
      if (!chunks.empty()) days.push_back(chunks.begin()->first);
      for (const auto& [c, chunk] : chunks) {
        search_files_["search/a/" + std::to_string(o) + "-" + std::to_string(c) + ".json"] = dump(chunk);
        while (static_cast<int64_t>(days.size()) - 1 < c - chunks.begin()->first) days.push_back("");
        days.push_back(newest[c]);
      }
      meta["newest"].push_back(std::move(days));
    }
    for (uint32_t k = 0; k < kSearchShards; ++k) {
      nlohmann::json shard = nlohmann::json::object();
      for (auto& [gram, by_outlet] : shards[k]) {
        nlohmann::json lists = nlohmann::json::array();
        for (auto& [o, ids] : by_outlet) {
          // [outlet, first id, then the gaps to each next id]
          std::sort(ids.begin(), ids.end());
          ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
          nlohmann::json list = {o, ids[0]};
          for (size_t i = 1; i < ids.size(); ++i) list.push_back(ids[i] - ids[i - 1]);
          lists.push_back(std::move(list));
        }
        shard[gram] = std::move(lists);
      }
      search_files_["search/t/" + std::to_string(k) + ".json"] = dump(shard);
    }
    search_files_["search/meta.json"] = dump(meta);
  });
  return search_files_;
}

std::string SitePages::RenderFeed(const std::string& name) const {
  const std::string& base = options_.base_url;
  ArticleLinker link_of = [&](const std::string& outlet, const ArticleRecord& r) {
    std::string rel = "outlets/" + Enc(outlet) + "/" + std::to_string(r.id) + ".html";
    return base.empty() ? "../" + rel : base + rel;
  };
  AtomFeed feed = MirrorAtomFeed(view_, name, link_of, base);
  feed.alternate = base.empty() ? "../index.html" : base;
  return FormatAtomFeed(feed);
}

}  // namespace nm

// The html bundle: one file, every byte of it inside, nothing asked of any host.
#include "bundle/bundle_internal.h"
#include "publish/mirror_feed.h"

namespace nm::bundle_internal {

namespace {

std::string Esc(std::string_view s) { return XmlEscape(s); }

// Base64 (RFC 4648, with padding) for data: URLs.
std::string Base64(std::string_view bytes) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += kDigits[(v >> 6) & 63];
    out += kDigits[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kDigits[v >> 18];
    out += kDigits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// System fonts only; readable on a phone, light and dark.
constexpr const char kCss[] =
    ":root{color-scheme:light dark;--fg:#1f2328;--muted:#656d76;--bg:#fff;--line:#d8dee4;--link:#0b57d0}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#30363d;--link:#6cb6ff}}"
    "*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}"
    "body{margin:0 auto;max-width:46rem;padding:0 1rem 2rem;background:var(--bg);color:var(--fg);"
    "font:17px/1.8 -apple-system,BlinkMacSystemFont,\"Segoe UI\",\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif}"
    "a{color:var(--link);text-decoration:none}h1{font-size:1.6rem;line-height:1.4}h2{font-size:1.35rem;"
    "border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2.5rem}h3{font-size:1.15rem;line-height:1.5}"
    ".meta,.muted,.note,.nm-footer{color:var(--muted);font-size:.9rem}.note{border:1px solid var(--line);padding:.5rem .75rem}"
    "nav ol{padding-left:1.25rem}article{border-bottom:1px solid var(--line);padding-bottom:1rem;"
    "overflow-wrap:break-word}article img{max-width:100%;height:auto}.alt{color:var(--muted);font-size:.85rem}"
    "article blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--line)}"
    "article table{border-collapse:collapse;display:block;overflow-x:auto}article pre{overflow-x:auto}"
    ".nm-footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:1rem}";

std::string ArticleId(size_t chapter, const Article& a) {
  return "a" + std::to_string(chapter + 1) + "-" + std::to_string(a.record->id);
}

}  // namespace

std::string WriteHtmlBundle(const Plan& plan, const BundleRequest& request) {
  std::string title = request.title.empty() ? "newsmirror" : request.title;
  std::string lang = plan.chapters.empty() ? "zh" : plan.chapters.front().language;
  std::string out =
      "<!doctype html>\n<html lang=\"" + Esc(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
      // Nothing but what the file holds: no host is ever asked for anything.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
      "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>" + Esc(title) + "</title>\n"
      "<link rel=\"icon\" href=\"data:,\">\n<style>" + kCss + "</style>\n</head>\n<body>\n<header>\n<h1>" +
      Esc(title) + "</h1>\n<p class=\"meta\">" + Esc(request.period) + (request.period.empty() ? "" : " · ") +
      std::to_string(plan.articles) + " 篇</p>\n";
  std::string note = BudgetNote(plan, request);
  if (!note.empty()) out += "<p class=\"note\">" + Esc(note) + "</p>\n";
  out += "</header>\n<nav id=\"toc\">\n<h2>目录</h2>\n";
  if (plan.chapters.empty()) out += "<p class=\"muted\">这段时间没有文章。</p>\n";
  for (size_t c = 0; c < plan.chapters.size(); ++c) {
    const Chapter& ch = plan.chapters[c];
    out += "<h3 lang=\"" + Esc(ch.language) + "\"><a href=\"#o" + std::to_string(c + 1) + "\">" + Esc(ch.outlet) +
           "</a></h3>\n<ol lang=\"" + Esc(ch.language) + "\">\n";
    for (const Article& a : ch.articles) {
      out += "<li><a href=\"#" + ArticleId(c, a) + "\">" + Esc(a.doc.title.empty() ? "（无标题）" : a.doc.title) +
             "</a></li>\n";
    }
    out += "</ol>\n";
  }
  out += "</nav>\n<main>\n";
  auto data_url = [](const StoredImage& image) { return "data:" + image.mime + ";base64," + Base64(image.bytes); };
  for (size_t c = 0; c < plan.chapters.size(); ++c) {
    const Chapter& ch = plan.chapters[c];
    out += "<section id=\"o" + std::to_string(c + 1) + "\" lang=\"" + Esc(ch.language) + "\">\n<h2>" +
           Esc(ch.outlet) + "</h2>\n";
    for (const Article& a : ch.articles) {
      out += "<article id=\"" + ArticleId(c, a) + "\">\n<h3>" + Esc(a.doc.title.empty() ? "（无标题）" : a.doc.title) +
             "</h3>\n<p class=\"meta\"><time datetime=\"" + Rfc3339(a.doc.published_ms) + "\">" +
             LocalDayTime(a.doc.published_ms, request.utc_offset_minutes) + "</time>";
      if (a.doc.link.rfind("https://", 0) == 0 || a.doc.link.rfind("http://", 0) == 0) {
        out += " · <a href=\"" + Esc(a.doc.link) + "\" rel=\"noopener noreferrer nofollow\">原文</a>";
      }
      out += "</p>\n<div class=\"body\">" + ArticleBody(a, plan, false, data_url) +
             "</div>\n<p class=\"muted\"><a href=\"#toc\">回到目录</a></p>\n</article>\n";
    }
    out += "</section>\n";
  }
  out += "</main>\n" + FormatReaderFooter(request.footer) + "\n</body>\n</html>\n";
  return out;
}

}  // namespace nm::bundle_internal

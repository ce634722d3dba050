#include "complete/compose.h"

#include <algorithm>
#include <cstdint>

#include "archive/article.h"
#include "dates/date_parser.h"
#include "html/escape.h"
#include "url/url.h"
#include "util/text.h"

namespace nm {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }


// Hosts that serve counting pixels and beacons, never article images.
bool IsTrackerHost(std::string_view host) {
  static constexpr std::string_view kTrackers[] = {
      "google-analytics.com", "www.google-analytics.com", "stats.g.doubleclick.net", "doubleclick.net",
      "googletagmanager.com", "www.googletagmanager.com", "pixel.wp.com", "stats.wp.com",
      "sb.scorecardresearch.com", "scorecardresearch.com", "b.scorecardresearch.com", "pixel.quantserve.com",
      "www.facebook.com", "facebook.com", "bat.bing.com", "t.co", "analytics.twitter.com",
      "feeds.feedburner.com", "feedproxy.google.com", "pixel.parsely.com", "ping.chartbeat.net",
      "hm.baidu.com", "cnzz.com", "s.cnzz.com", "c.cnzz.com", "counter.yadro.ru",
  };
  for (std::string_view t : kTrackers) {
    if (host == t) return true;
    if (host.size() > t.size() && host.substr(host.size() - t.size()) == t &&
        host[host.size() - t.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

// Attributes of one sanitized tag (the sanitizer writes name="value").
std::vector<std::pair<std::string, std::string>> TagAttributes(std::string_view tag) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = tag.find_first_of(" \t\n/>");
  while (i < tag.size()) {
    while (i < tag.size() && (IsSpace(tag[i]) || tag[i] == '/')) ++i;
    if (i >= tag.size() || tag[i] == '>') break;
    std::string name;
    while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '=' && tag[i] != '>' && tag[i] != '/') {
      name += AsciiLower(tag[i++]);
    }
    std::string value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      char q = i < tag.size() ? tag[i] : 0;
      if (q == '"' || q == '\'') {
        size_t close = tag.find(q, i + 1);
        if (close == std::string_view::npos) close = tag.size();
        value = std::string(tag.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '>') value += tag[i++];
      }
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

bool IsTrackingImage(std::string_view tag) {
  std::string width, height, src;
  for (auto& [name, value] : TagAttributes(tag)) {
    if (name == "width") width = value;
    if (name == "height") height = value;
    if (name == "src") src = value;
  }
  auto tiny = [](const std::string& v) { return v == "0" || v == "1" || v == "0px" || v == "1px"; };
  if (tiny(width) || tiny(height)) return true;
  size_t amp;
  while ((amp = src.find("&amp;")) != std::string::npos) src.replace(amp, 5, "&");
  return IsTrackerHost(UrlHost(src));
}

// Drops counting pixels: 1×1 (or 0×0) images and images from tracker hosts.
std::string RemoveTrackingImages(std::string_view html) {
  std::string out;
  size_t copied = 0, i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.size() - i < 5 || AsciiLower(html[i + 1]) != 'i' || AsciiLower(html[i + 2]) != 'm' ||
        AsciiLower(html[i + 3]) != 'g' || !(IsSpace(html[i + 4]) || html[i + 4] == '>' || html[i + 4] == '/')) {
      ++i;
      continue;
    }
    size_t end = i + 4;
    char quote = 0;
    while (end < html.size() && !(html[end] == '>' && quote == 0)) {
      if (quote == 0 && (html[end] == '"' || html[end] == '\'')) quote = html[end];
      else if (html[end] == quote) quote = 0;
      ++end;
    }
    if (end >= html.size()) break;
    if (IsTrackingImage(html.substr(i, end + 1 - i))) {
      out.append(html, copied, i - copied);
      copied = end + 1;
    }
    i = end + 1;
  }
  out.append(html, copied);
  return out;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string WithoutSpace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!IsSpace(c)) out += c;
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Feed text below this many characters reads as a summary.
constexpr size_t kSummaryChars = 500;

}  // namespace


SanitizePolicy ArchiveSanitizePolicy(std::string_view base_url) {
  SanitizePolicy p;
  p.iframe_hosts = VideoEmbedHosts();
  p.base_url = std::string(base_url);
  return p;
}

std::string ComposeArticle(const ExtractedArticle& article, int64_t published_ms, std::string_view page_url) {
  std::string out = "<div><i>" + FormatRfc1123(published_ms) + "</i></div>";
  std::optional<std::string> lead;
  if (!article.lead_image.empty()) lead = ResolveUrl(page_url, article.lead_image);
  bool lead_ok = lead && (lead->rfind("http://", 0) == 0 || lead->rfind("https://", 0) == 0);
  if (lead_ok) {
    out += "<img src=\"";
    AppendHtmlEscaped(out, *lead, /*attribute=*/true);
    out += "\" width=\"100%\">";
    std::string caption(JsTrim(article.lead_caption));
    if (!caption.empty()) {
      out += "<div><small style=\"color: #999;\">";
      AppendHtmlEscaped(out, caption, /*attribute=*/false);
      out += "</small></div>";
    }
  }
  out += RemoveTrackingImages(SanitizeHtml(article.body_html, ArchiveSanitizePolicy(page_url)));
  return out;
}

std::string VisibleText(std::string_view html) {
  std::string out;
  bool space = false;
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      space = true;
      continue;
    }
    if (c == '&') {
      static constexpr struct { std::string_view name; std::string_view text; } kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool matched = false;
      for (const auto& e : kEntities) {
        if (html.compare(i, e.name.size(), e.name) == 0) {
          if (space && !out.empty()) out += ' ';
          space = false;
          out += e.text;
          i += e.name.size();
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    if (IsSpace(c)) {
      space = true;
      ++i;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
    ++i;
  }
  return out;
}

bool LooksLikeSummary(std::string_view feed_html) {
  std::string text = VisibleText(feed_html);
  if (Utf8Length(WithoutSpace(text)) < kSummaryChars) return true;
  std::string_view t = text;
  while (!t.empty() && IsSpace(t.back())) t.remove_suffix(1);
  for (std::string_view mark : {"…", "...", "[…]", "[...]", "Read more", "read more", "Continue reading",
                                "阅读全文", "閱讀全文", "继续阅读", "繼續閱讀", "更多"}) {
    if (EndsWith(t, mark)) return true;
  }
  return false;
}

bool PageAddsToFeed(std::string_view feed_html, std::string_view page_text) {
  std::string feed = WithoutSpace(VisibleText(feed_html));
  std::string page = WithoutSpace(page_text);
  if (Utf8Length(page) <= Utf8Length(feed)) return false;
  if (Utf8Length(feed) < kSummaryChars) return true;
  // A summary cut with an ellipsis is a prefix of the page's text up to the mark.
  std::string_view f = feed;
  for (std::string_view mark : {"…", "..."}) {
    if (EndsWith(f, mark)) f.remove_suffix(mark.size());
  }
  // The page's body may start with a dateline or a caption the feed leaves out.
  size_t probe = std::min<size_t>(f.size(), 300);
  return page.find(f.substr(0, probe)) != std::string::npos;
}

}  // namespace nm

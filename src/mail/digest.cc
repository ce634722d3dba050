#include "mail/digest.h"

#include <algorithm>
#include <map>

#include "html/escape.h"
#include "html/html_text.h"
#include "publish/mirror_feed.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr size_t kTitleChars = 200;
constexpr size_t kSubjectTitleChars = 60;
// The numbers and notes Finish adds to the fixed text.
constexpr size_t kFinishReserve = 400;

std::string Html(std::string_view s, bool attribute = false) {
  std::string out;
  AppendHtmlEscaped(out, s, attribute);
  return out;
}

// The first `max_chars` code points of `s`, "…" when cut. The line breaks
// between an excerpt's paragraphs are not counted.
std::string CutChars(std::string_view s, size_t max_chars) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < max_chars) {
    size_t len;
    if (DecodeUtf8At(s, i, &len) != '\n') ++n;
    i += len;
  }
  size_t rest = i;
  while (rest < s.size() && s[rest] == '\n') ++rest;
  if (rest >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "…";
}

std::string LocalTime(int64_t ms, int offset_minutes) {
  std::string t = Rfc3339(ms + int64_t{offset_minutes} * 60000);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

std::string Header(const DigestOptions& o, int64_t now_ms) {
  return o.title + " · " + LocalTime(now_ms, o.utc_offset_minutes).substr(0, 10);
}

}  // namespace

std::string Excerpt(std::string_view html, size_t max_chars) {
  std::string text = ReadableText(html);
  // The paragraphs, one a line, until they surely hold max_chars characters
  // (a character is at most four bytes).
  std::string joined;
  for (size_t start = 0; start < text.size() && joined.size() <= max_chars * 4;) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    size_t b = line.find_first_not_of(' ');
    if (b == std::string_view::npos) continue;
    line = line.substr(b, line.find_last_not_of(' ') - b + 1);
    if (!joined.empty()) joined += '\n';
    joined.append(line);
  }
  return CutChars(joined, max_chars);
}

DigestBuilder::DigestBuilder(DigestOptions options, int64_t now_ms)
    : options_(std::move(options)), now_ms_(now_ms) {
  Digest empty = Finish(0);
  fixed_bytes_ = empty.text.size() + empty.html.size() + kFinishReserve;
}

bool DigestBuilder::Add(const DigestArticle& a) {
  Piece p{a.outlet, a.published_ms, a.id, CutChars(a.title.empty() ? "（无标题）" : a.title, kTitleChars), {}, {}};
  std::string when = LocalTime(a.published_ms, options_.utc_offset_minutes);
  std::string excerpt = options_.excerpt_chars ? Excerpt(a.content_html, options_.excerpt_chars) : "";
  // The article in each copy of the mirror, then the original.
  std::vector<std::pair<std::string, std::string>> links;
  for (const MirrorCopy& c : options_.copies) {
    if (auto url = ArticleUrlInCopy(c, a.outlet, a.file, a.id)) links.emplace_back(c.name, *url);
  }
  if (a.link.rfind("https://", 0) == 0 || a.link.rfind("http://", 0) == 0) links.emplace_back("原文", a.link);

  p.text = p.title + "\n" + when + "\n";
  if (!excerpt.empty()) p.text += excerpt + "\n";
  for (const auto& [name, url] : links) p.text += name + ": " + url + "\n";
  p.text += "\n";

  p.html = "<article>\n<h3>";
  if (!links.empty()) p.html += "<a href=\"" + Html(links.front().second, true) + "\">" + Html(p.title) + "</a>";
  else p.html += Html(p.title);
  p.html += "</h3>\n<p class=\"meta\"><time datetime=\"" + Rfc3339(a.published_ms) + "\">" + when + "</time></p>\n";
  size_t start = 0;
  while (start < excerpt.size()) {
    size_t end = excerpt.find('\n', start);
    if (end == std::string::npos) end = excerpt.size();
    p.html += "<p>" + Html(std::string_view(excerpt).substr(start, end - start)) + "</p>\n";
    start = end + 1;
  }
  if (!links.empty()) {
    p.html += "<p class=\"links\">";
    for (size_t i = 0; i < links.size(); ++i) {
      if (i) p.html += " · ";
      p.html += "<a href=\"" + Html(links[i].second, true) + "\">" + Html(links[i].first) + "</a>";
    }
    p.html += "</p>\n";
  }
  p.html += "</article>\n";

  size_t bytes = p.text.size() + p.html.size();
  bool new_outlet = std::find(outlets_.begin(), outlets_.end(), a.outlet) == outlets_.end();
  if (new_outlet) bytes += 2 * a.outlet.size() + 40;  // its heading in both bodies
  if (!articles_.empty() && fixed_bytes_ + used_bytes_ + bytes > options_.max_bytes) return false;
  used_bytes_ += bytes;
  if (new_outlet) outlets_.push_back(a.outlet);
  articles_.push_back(std::move(p));
  return true;
}

Digest DigestBuilder::Finish(size_t waiting) const {
  Digest d;
  std::string head = Header(options_, now_ms_);
  size_t n = articles_.size();
  // The newest article names the digest.
  const Piece* newest = nullptr;
  for (const Piece& p : articles_) {
    if (!newest || p.published_ms > newest->published_ms) newest = &p;
  }
  d.subject = options_.title + "：" + (newest ? CutChars(newest->title, kSubjectTitleChars) : "没有新文章");
  if (n > 1) d.subject += " 等 " + std::to_string(n) + " 篇";

  std::string count = std::to_string(n) + " 篇新文章";
  d.text = head + "：" + count + "\n\n";
  d.html = "<!doctype html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Html(d.subject) +
           "</title>\n</head>\n<body>\n<h1>" + Html(head) + "</h1>\n<p>" + Html(count) + "</p>\n";
  for (const std::string& outlet : outlets_) {
    std::vector<const Piece*> mine;
    for (const Piece& p : articles_) {
      if (p.outlet == outlet) mine.push_back(&p);
    }
    std::sort(mine.begin(), mine.end(), [](const Piece* a, const Piece* b) {
      return a->published_ms != b->published_ms ? a->published_ms > b->published_ms : a->id < b->id;
    });
    d.text += "【" + outlet + "】\n\n";
    d.html += "<section>\n<h2>" + Html(outlet) + "</h2>\n";
    for (const Piece* p : mine) {
      d.text += p->text;
      d.html += p->html;
    }
    d.html += "</section>\n";
  }
  if (waiting > 0) {
    std::string note = "还有 " + std::to_string(waiting) + " 篇新文章将在下一封邮件中寄出。";
    d.text += note + "\n\n";
    d.html += "<p>" + Html(note) + "</p>\n";
  }
  if (!options_.attachment_note.empty()) {
    d.text += options_.attachment_note + "\n\n";
    d.html += "<p>" + Html(options_.attachment_note) + "</p>\n";
  }
  d.text += MirrorCopiesText(options_.copies);
  d.html += "<footer>" + MirrorCopiesHtml(options_.copies) + "</footer>\n</body>\n</html>\n";
  return d;
}

}  // namespace nm

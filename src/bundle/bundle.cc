#include "bundle/bundle.h"

#include <algorithm>
#include <charconv>

#include "archive/list_page.h"
#include "bundle/bundle_internal.h"
#include "bundle/language.h"
#include "complete/local_images.h"
#include "dates/date_parser.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "site/pages.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

using namespace bundle_internal;

Result<BundleFormat> ParseBundleFormat(std::string_view word) {
  if (word == "epub") return BundleFormat::kEpub;
  if (word == "html") return BundleFormat::kHtml;
  return Status::InvalidArgument("'" + std::string(word) + "' is not a bundle format (epub or html)");
}

const char* BundleExtension(BundleFormat format) { return format == BundleFormat::kEpub ? "epub" : "html"; }

Result<int64_t> ParseDuration(std::string_view text) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  int64_t scale = unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : unit == "d" ? 86'400'000 : unit == "w" ? 604'800'000 : 0;
  if (ec != std::errc() || p == text.data() || n <= 0 || scale == 0 || n > 100 * 365 * 86'400'000LL / scale) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a duration (a number and m, h, d or w: 36h, 7d)");
  }
  return n * scale;
}

namespace {

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

int64_t MidnightMs(int64_t y, unsigned m, unsigned d, int offset) {
  return DaysFromCivil(y, m, d) * 86'400'000 - int64_t{offset} * 60'000;
}

}  // namespace

Result<Period> DayPeriod(std::string_view day, int utc_offset_minutes) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-' || !Digits(day.substr(0, 4)) || !Digits(day.substr(5, 2)) ||
      !Digits(day.substr(8, 2))) {
    return Status::InvalidArgument("'" + std::string(day) + "' is not a day (YYYY-MM-DD)");
  }
  int64_t y = std::stoi(std::string(day.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(day.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(day.substr(8, 2))));
  int64_t from = MidnightMs(y, m, d, utc_offset_minutes);
  if (m < 1 || m > 12 || d < 1 || DayOf(from, utc_offset_minutes) != day) {
    return Status::InvalidArgument("'" + std::string(day) + "' is not a day of the calendar");
  }
  return Period{std::string(day), from, from + 86'400'000};
}

Result<Period> MonthPeriod(std::string_view month, int utc_offset_minutes) {
  if (month.size() != 7 || month[4] != '-' || !Digits(month.substr(0, 4)) || !Digits(month.substr(5, 2))) {
    return Status::InvalidArgument("'" + std::string(month) + "' is not a month (YYYY-MM)");
  }
  int64_t y = std::stoi(std::string(month.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(month.substr(5, 2))));
  if (m < 1 || m > 12) return Status::InvalidArgument("'" + std::string(month) + "' is not a month of the year");
  return Period{std::string(month), MidnightMs(y, m, 1, utc_offset_minutes),
                m == 12 ? MidnightMs(y + 1, 1, 1, utc_offset_minutes) : MidnightMs(y, m + 1, 1, utc_offset_minutes)};
}

std::string DayOf(int64_t ms, int utc_offset_minutes) { return FormatLocalDate(ms, utc_offset_minutes); }

std::string MonthOf(int64_t ms, int utc_offset_minutes) { return YearMonth(ms, utc_offset_minutes); }

Result<std::vector<BundleOutlet>> SelectForBundle(const MirrorView& view, const BundleRequest& request) {
  for (const std::string& name : request.outlets) {
    if (view.Find(name)) continue;
    std::string known;
    for (const MirrorOutlet& o : view.outlets) known += (known.empty() ? "" : ", ") + o.name;
    return Status::InvalidArgument(view.root + " has no outlet named '" + name + "'" +
                                   (known.empty() ? std::string(" (it has none)") : " (it has: " + known + ")"));
  }
  std::vector<BundleOutlet> out;
  for (const MirrorOutlet& o : view.outlets) {
    if (!request.outlets.empty() &&
        std::find(request.outlets.begin(), request.outlets.end(), o.name) == request.outlets.end()) {
      continue;
    }
    BundleOutlet b{&o, {}};
    for (const ArticleRecord& r : o.records) {
      if (r.published_ms >= request.from_ms && r.published_ms < request.to_ms) b.records.push_back(&r);
    }
    if (!b.records.empty()) out.push_back(std::move(b));
  }
  return out;
}

std::string BundleFingerprint(const std::vector<BundleOutlet>& selected, const BundleRequest& request) {
  std::string text = std::string("bundle-1\n") + BundleExtension(request.format) + "\n" +
                     std::to_string(request.max_bytes) + "\n" + request.title + "\n" + request.period + "\n" +
                     std::to_string(request.utc_offset_minutes) + "\n" + request.font_file + "\n" +
                     FormatReaderFooter(request.footer) + "\n";
  for (const auto& [outlet, language] : request.languages) text += "lang\t" + outlet + "\t" + language + "\n";
  for (const BundleOutlet& o : selected) {
    text += "outlet\t" + o.outlet->name + "\n";
    for (const ArticleRecord* r : o.records) {
      text += std::to_string(r->id) + "\t" + std::to_string(r->published_ms) + "\t" + r->blob + "\t" + r->file + "\n";
    }
  }
  return GitBlobId(text);
}

namespace bundle_internal {

std::string LocalDayTime(int64_t ms, int utc_offset_minutes) {
  std::string t = Rfc3339(ms + int64_t{utc_offset_minutes} * 60000);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

std::string ArticleBody(const Article& article, const Plan& plan, bool xhtml,
                        const std::function<std::string(const StoredImage&)>& src_of) {
  SanitizePolicy policy;
  policy.xhtml = xhtml;
  policy.base_url = article.doc.link;
  policy.image_src = [&](std::string_view src) -> std::optional<std::string> {
    std::vector<std::string> found;
    std::string outlet, file;
    if (!MapStoredImageUrl(src, article.outlet, &found) || !ParseSiteImagePath(found.front(), &outlet, &file)) {
      return std::nullopt;
    }
    std::string key = outlet + "/" + file;
    if (!plan.granted.count(key)) return std::nullopt;
    return src_of(plan.images.at(key));
  };
  // An article whose HTML cannot be read (over the parser's memory budget) says so.
  std::string html;
  Status read = Contain([&] { html = SanitizeHtml(article.doc.content, policy); });
  if (!read.ok()) html = "<p>" + XmlEscape("the article cannot be shown: " + read.message()) + "</p>";
  return html;
}

std::string BudgetNote(const Plan& plan, const BundleRequest& request) {
  char mb_text[32];
  std::snprintf(mb_text, sizeof mb_text, "%g MB", static_cast<double>(request.max_bytes) / 1e6);
  std::string mb = mb_text;
  std::string note;
  if (plan.articles_left_out > 0) {
    note += "为了不超过 " + mb + " 的大小上限，这段时间较早的 " + std::to_string(plan.articles_left_out) +
            " 篇文章没有收入。";
  }
  if (plan.images_left_out > 0) {
    note += std::to_string(plan.images_left_out) + " 张存在镜像里的图片没有收入（超出大小上限，或格式不能收入），只留下图片说明。";
  }
  return note;
}

}  // namespace bundle_internal

namespace {

// A stored image of the mirror (assets/{outlet}/{file}): a regular file reached
// without a symbolic link (ReadFileBelow), whose bytes have the hash its name
// carries.
std::optional<std::string> ReadStoredImage(const std::string& root, const std::string& outlet, const std::string& file) {
  if (!layout::CheckOutletName(outlet).ok() || !layout::CheckFileName(file).ok()) return std::nullopt;
  auto bytes = ReadFileBelow(root, layout::AssetPath(outlet, file));
  if (!bytes.ok() || GitBlobId(*bytes) != file.substr(0, file.find('.'))) return std::nullopt;
  return std::move(bytes).value();
}

std::string ImageMime(const std::string& file, BundleFormat format) {
  std::string ext = file.substr(file.find('.') + 1);
  if (ext == "jpg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "gif") return "image/gif";
  // EPUB 3.2 readers need not show WebP or AVIF: those stay out of books.
  if (format == BundleFormat::kHtml && (ext == "webp" || ext == "avif")) return "image/" + ext;
  return {};
}

struct Candidate {
  size_t chapter;
  Article article;
  int64_t cost = 0;       // estimated bytes of its page without images
};

Result<std::string> Write(const Plan& plan, const BundleRequest& request) {
  if (request.format == BundleFormat::kEpub) return WriteEpubBundle(plan, request);
  return WriteHtmlBundle(plan, request);
}

int64_t ImageCost(const StoredImage& image, BundleFormat format) {
  int64_t n = static_cast<int64_t>(image.bytes.size());
  // A data: URL in base64, or a file of the book with its manifest line and ZIP headers.
  return format == BundleFormat::kHtml ? (n + 2) / 3 * 4 + 200 : n + 400;
}

}  // namespace

Result<BundleResult> MakeBundle(const MirrorView& view, const BundleRequest& request) {
  auto selected = SelectForBundle(view, request);
  if (!selected.ok()) return selected.status();
  BundleResult result;
  Plan all;
  std::vector<Chapter> chapters;
  std::vector<Candidate> candidates;
  for (const BundleOutlet& o : *selected) {
    Chapter chapter;
    chapter.outlet = o.outlet->name;
    auto lang = request.languages.find(chapter.outlet);
    if (lang != request.languages.end() && !lang->second.empty()) {
      chapter.language = lang->second;
    } else {
      std::string titles;
      for (const ArticleRecord* r : o.records) titles += r->title + "\n";
      chapter.language = GuessLanguageTag(titles);
    }
    for (const ArticleRecord* r : o.records) {
      auto doc = ReadArticle(view.root, o.outlet->name, *r);
      if (!doc.ok()) {
        result.warnings.push_back(doc.status().message());
        continue;
      }
      Candidate c{chapters.size(), {o.outlet->name, r, std::move(doc).value(), {}}, 0};
      // The page without images: its size, and the stored images it shows.
      SanitizePolicy policy;
      policy.xhtml = request.format == BundleFormat::kEpub;
      policy.base_url = c.article.doc.link;
      policy.image_src = [&](std::string_view src) -> std::optional<std::string> {
        std::vector<std::string> found;
        std::string outlet, file;
        if (MapStoredImageUrl(src, c.article.outlet, &found) && ParseSiteImagePath(found.front(), &outlet, &file)) {
          std::string key = outlet + "/" + file;
          if (std::find(c.article.images.begin(), c.article.images.end(), key) == c.article.images.end()) {
            c.article.images.push_back(key);
          }
          if (!all.images.count(key)) {
            std::string mime = ImageMime(file, request.format);
            auto bytes = mime.empty() ? std::nullopt : ReadStoredImage(view.root, outlet, file);
            if (bytes) all.images[key] = {key, file, mime, std::move(*bytes)};
          }
        }
        return std::nullopt;
      };
      size_t body = 0;
      if (!Contain([&] { body = SanitizeHtml(c.article.doc.content, policy).size(); }).ok()) body = 200;
      c.cost = static_cast<int64_t>(body + c.article.doc.title.size() * 5 + c.article.doc.link.size() * 2 + 1500);
      candidates.push_back(std::move(c));
    }
    chapters.push_back(std::move(chapter));
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return NewerFirst(*a.article.record, *b.article.record);
  });

  // The frame alone (no article), and what fits beside it.
  Plan empty;
  auto frame = Write(empty, request);
  if (!frame.ok()) return frame.status();
  const int64_t reserve = 4096 + static_cast<int64_t>(chapters.size()) * 2048;  // notes and chapter pages
  int64_t frame_bytes = static_cast<int64_t>(frame->size()) + reserve;
  if (frame_bytes > request.max_bytes) {
    return Status::InvalidArgument("a bundle of at most " + std::to_string(request.max_bytes) +
                                   " bytes cannot hold even its table of contents (about " +
                                   std::to_string(frame_bytes) + " bytes)");
  }
  size_t included = 0;
  int64_t used = frame_bytes;
  while (included < candidates.size() && used + candidates[included].cost <= request.max_bytes) {
    used += candidates[included++].cost;
  }
  // Images, newest article first, while they fit.
  std::vector<std::string> granted_order;  // newest article's first
  std::set<std::string> wanted;
  for (size_t i = 0; i < included; ++i) {
    for (const std::string& key : candidates[i].article.images) {
      if (!wanted.insert(key).second) continue;
      auto it = all.images.find(key);
      if (it == all.images.end()) continue;
      int64_t cost = ImageCost(it->second, request.format);
      if (used + cost > request.max_bytes) continue;
      used += cost;
      granted_order.push_back(key);
    }
  }

  for (;;) {
    Plan plan;
    plan.images = all.images;  // looked up by key; only the granted ones are written
    plan.granted.insert(granted_order.begin(), granted_order.end());
    std::vector<Chapter> chosen = chapters;
    for (size_t i = 0; i < included; ++i) {
      chosen[candidates[i].chapter].articles.push_back(candidates[i].article);
      plan.newest_ms = std::max(plan.newest_ms, candidates[i].article.doc.published_ms);
    }
    for (Chapter& c : chosen) {
      if (!c.articles.empty()) plan.chapters.push_back(std::move(c));
    }
    plan.articles = static_cast<int>(included);
    plan.articles_left_out = static_cast<int>(candidates.size() - included);
    // Images of the articles in the bundle that it does not hold (those of
    // articles left out are not counted: their articles are).
    std::set<std::string> shown;
    for (size_t i = 0; i < included; ++i) shown.insert(candidates[i].article.images.begin(), candidates[i].article.images.end());
    plan.images_left_out = static_cast<int>(shown.size() - plan.granted.size());
    auto bytes = Write(plan, request);
    if (!bytes.ok()) return bytes.status();
    int64_t over = static_cast<int64_t>(bytes->size()) - request.max_bytes;
    if (over <= 0) {
      result.bytes = std::move(bytes).value();
      result.articles = plan.articles;
      result.articles_left_out = plan.articles_left_out;
      result.images = static_cast<int>(granted_order.size());
      result.images_left_out = plan.images_left_out;
      return result;
    }
    // The estimate was short: give up images from the oldest article's on,
    // then the oldest articles, until the excess (and a little more) is freed.
    int64_t freed = 0;
    while (freed < over + over / 16 + 256 && !granted_order.empty()) {
      freed += ImageCost(all.images.at(granted_order.back()), request.format);
      granted_order.pop_back();
    }
    while (freed < over + over / 16 + 256 && included > 0) {
      freed += candidates[--included].cost;
      // Its images go with it (all of them are gone already when any was granted).
    }
    if (freed == 0) return Status::Internal("a bundle over its budget has nothing left to leave out");
  }
}

}  // namespace nm

#include "extract/metadata.h"

#include <nlohmann/json.hpp>

#include "extract/dom.h"
#include "util/text.h"

namespace nm {
namespace {

using nlohmann::json;

bool IsArticleType(const json& type) {
  auto one = [](const std::string& t) {
    return t.find("Article") != std::string::npos || t == "BlogPosting" || t == "Report" ||
           t == "LiveBlogPosting" || t == "WebPage" || t == "ReportageNewsArticle";
  };
  if (type.is_string()) return one(type.get<std::string>());
  if (type.is_array()) {
    for (const auto& t : type) {
      if (t.is_string() && one(t.get<std::string>())) return true;
    }
  }
  return false;
}

bool IsWebPageOnly(const json& type) {
  return type.is_string() && type.get<std::string>() == "WebPage";
}

std::string ImageUrl(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && !v.empty()) return ImageUrl(v.front());
  if (v.is_object()) {
    if (v.contains("url")) return ImageUrl(v["url"]);
    if (v.contains("contentUrl")) return ImageUrl(v["contentUrl"]);
  }
  return "";
}

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_string()) return it->get<std::string>();
  return "";
}

// Visits every object in a JSON-LD document (top level, arrays, @graph).
void VisitLd(const json& v, PageMetadata& meta, std::vector<std::string>& ld_dates, int depth) {
  if (depth > 6) return;
  if (v.is_array()) {
    for (const auto& x : v) VisitLd(x, meta, ld_dates, depth + 1);
    return;
  }
  if (!v.is_object()) return;
  if (v.contains("@graph")) VisitLd(v["@graph"], meta, ld_dates, depth + 1);
  if (!v.contains("@type") || !IsArticleType(v["@type"])) return;
  bool page_only = IsWebPageOnly(v["@type"]);
  std::string body = StringField(v, "articleBody");
  if (body.size() > meta.ld_article_body.size()) meta.ld_article_body = body;
  if (!page_only || meta.ld_headline.empty()) {
    std::string h = StringField(v, "headline");
    if (h.empty() && page_only) h = StringField(v, "name");
    if (!h.empty() && (meta.ld_headline.empty() || !page_only)) meta.ld_headline = h;
  }
  std::string d = StringField(v, "datePublished");
  if (d.empty()) d = StringField(v, "dateCreated");
  if (!d.empty()) ld_dates.insert(page_only ? ld_dates.end() : ld_dates.begin(), d);
  if (meta.image.empty() && v.contains("image") && !page_only) meta.image = ImageUrl(v["image"]);
}

void Walk(const GumboNode* n, PageMetadata& meta, std::vector<std::string>& meta_dates,
          std::vector<std::string>& ld_dates, std::string& twitter_image) {
  if (!dom::IsElement(n)) return;
  GumboTag t = dom::Tag(n);
  if (t == GUMBO_TAG_META) {
    std::string key = AsciiLower(dom::AttrOr(n, "property", dom::AttrOr(n, "name", dom::AttrOr(n, "itemprop"))));
    std::string content(dom::AttrOr(n, "content"));
    if (content.empty()) return;
    if ((key == "og:title" || key == "twitter:title") && meta.og_title.empty()) meta.og_title = content;
    if ((key == "og:image" || key == "og:image:url" || key == "og:image:secure_url") && meta.image.empty())
      meta.image = content;
    if ((key == "twitter:image" || key == "twitter:image:src") && twitter_image.empty()) twitter_image = content;
    if (key == "og:url" && meta.canonical_url.empty()) meta.canonical_url = content;
    if (key == "article:published_time" || key == "og:published_time" || key == "datepublished" ||
        key == "pubdate" || key == "publishdate" || key == "publish-date" || key == "date" ||
        key == "dc.date" || key == "dc.date.issued" || key == "dcterms.created" ||
        key == "parsely-pub-date" || key == "sailthru.date" || key == "article.published" ||
        key == "published_time" || key == "article_date_original" || key == "cxenseparse:recs:publishtime")
      meta_dates.push_back(content);
    return;
  }
  if (t == GUMBO_TAG_TITLE && meta.document_title.empty()) {
    meta.document_title = dom::CollapseSpace(dom::TextContent(n));
    return;
  }
  if (t == GUMBO_TAG_LINK) {
    if (AsciiLower(dom::AttrOr(n, "rel")) == "canonical" && dom::Attr(n, "href"))
      meta.canonical_url = dom::Attr(n, "href");
    return;
  }
  if (t == GUMBO_TAG_SCRIPT) {
    if (AsciiLower(dom::AttrOr(n, "type")) != "application/ld+json") return;
    std::string text;
    const GumboVector& kids = dom::Children(n);
    for (unsigned i = 0; i < kids.length; ++i) {
      if (dom::IsText(dom::Child(n, i))) text += dom::Child(n, i)->v.text.text;
    }
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
    if (!doc.is_discarded()) VisitLd(doc, meta, ld_dates, 0);
    return;
  }
  if (t == GUMBO_TAG_TIME) {
    const char* dt = dom::Attr(n, "datetime");
    if (dt && *dt) meta_dates.push_back(std::string(dt) + "\x01");  // marks a <time>: least trusted
  }
  const GumboVector& kids = dom::Children(n);
  for (unsigned i = 0; i < kids.length; ++i) Walk(dom::Child(n, i), meta, meta_dates, ld_dates, twitter_image);
}

}  // namespace

PageMetadata ReadPageMetadata(const GumboNode* root) {
  PageMetadata meta;
  std::vector<std::string> meta_dates, ld_dates, times;
  std::string twitter_image;
  Walk(root, meta, meta_dates, ld_dates, twitter_image);
  if (meta.image.empty()) meta.image = twitter_image;
  // Order of trust: explicit meta tags, JSON-LD, then the first <time> element.
  for (auto& d : meta_dates) {
    if (!d.empty() && d.back() == '\x01') {
      d.pop_back();
      times.push_back(d);
    } else {
      meta.published.push_back(d);
    }
  }
  for (auto& d : ld_dates) meta.published.push_back(d);
  for (auto& d : times) meta.published.push_back(d);
  return meta;
}

}  // namespace nm

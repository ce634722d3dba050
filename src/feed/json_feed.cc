// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1). JSON is UTF-8;
// relative URLs are joined with the document's URL.
#include <nlohmann/json.hpp>

#include <string>

#include "feed/adapters.h"
#include "feed/xml_doc.h"

namespace nm {

namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? Trim(it->get<std::string>()) : std::string();
}

std::optional<Date> DateOf(const json& obj, const char* key, const AdapterContext& ctx) {
  std::string s = Str(obj, key);
  if (s.empty()) return std::nullopt;
  return MakeDate(s, ctx);
}

// 1.1 has "authors" (a list), 1.0 "author" (one object); the first one counts.
std::optional<Person> AuthorOf(const json& obj) {
  const json* a = nullptr;
  if (auto it = obj.find("authors"); it != obj.end() && it->is_array() && !it->empty()) a = &(*it)[0];
  else if (auto it1 = obj.find("author"); it1 != obj.end()) a = &*it1;
  if (!a || !a->is_object()) return std::nullopt;
  Person p;
  p.name = Str(*a, "name");
  p.uri = Str(*a, "url");
  if (p.uri.starts_with("mailto:")) p.email = p.uri.substr(7);
  if (p.name.empty() && p.email.empty() && p.uri.empty()) return std::nullopt;
  return p;
}

}  // namespace

bool LooksLikeJson(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  size_t i = bytes.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && bytes[i] == '{';
}

Result<Feed> ReadJsonFeed(std::string_view bytes, const AdapterContext& ctx) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  json doc = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Status::ParseError("not a feed: invalid JSON");
  std::string version = Str(doc, "version");
  if (!version.starts_with("https://jsonfeed.org/version/") && !doc.contains("items")) {
    return Status::ParseError("not a feed: a JSON document without \"version\" or \"items\"");
  }
  Feed feed;
  feed.format = version.ends_with("/1") ? "json10" : "json11";
  feed.encoding = "utf-8";
  feed.title = Str(doc, "title");
  feed.link = ResolveLink(nullptr, Str(doc, "home_page_url"), ctx);
  feed.id = Str(doc, "feed_url");
  feed.author = AuthorOf(doc);
  auto items = doc.find("items");
  if (items == doc.end() || !items->is_array()) return feed;
  for (const json& item : *items) {
    if (!item.is_object()) continue;
    Entry e;
    e.id = Str(item, "id");
    if (e.id.empty()) {
      // JSON Feed allows numeric ids in practice.
      if (auto it = item.find("id"); it != item.end() && it->is_number()) e.id = it->dump();
    }
    e.title = Str(item, "title");
    e.link = ResolveLink(nullptr, Str(item, "url"), ctx);
    if (e.link.empty()) e.link = ResolveLink(nullptr, Str(item, "external_url"), ctx);
    e.published = DateOf(item, "date_published", ctx);
    e.updated = DateOf(item, "date_modified", ctx);
    e.author = AuthorOf(item);
    if (!e.author) e.author = feed.author;
    e.summary = EscapeHtml(Str(item, "summary"));
    std::string html = Str(item, "content_html");
    e.content = html.empty() ? EscapeHtml(Str(item, "content_text")) : ResolveHtml(nullptr, html, ctx);
    if (e.content.empty()) e.content = e.summary;
    if (auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
      for (const json& t : *tags) {
        if (t.is_string()) e.categories.push_back(t.get<std::string>());
      }
    }
    for (const char* key : {"image", "banner_image"}) AddImage(nullptr, Str(item, key), ctx, e);
    if (auto att = item.find("attachments"); att != item.end() && att->is_array()) {
      for (const json& a : *att) {
        if (a.is_object() && Str(a, "mime_type").starts_with("image/")) AddImage(nullptr, Str(a, "url"), ctx, e);
      }
    }
    feed.entries.push_back(std::move(e));
  }
  return feed;
}

}  // namespace nm

// The epub bundle: an EPUB 3 book (with an NCX for older readers), written
// into a ZIP by libzip, `mimetype` first and stored.
#include <zip.h>

#include <ctime>
#include <memory>

#include "bundle/bundle_internal.h"
#include "publish/mirror_feed.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm::bundle_internal {

namespace {

std::string Esc(std::string_view s) { return XmlEscape(s); }

constexpr const char kCss[] =
    "body{margin:0 4%;line-height:1.7;text-align:justify;overflow-wrap:break-word}\n"
    "h1{font-size:1.5em;line-height:1.35;text-align:left}\nh2{font-size:1.3em;line-height:1.4;text-align:left}\n"
    "p{margin:0 0 .8em}\n.meta,.muted,.note,.alt,.nm-footer{font-size:.85em;color:#666}\n"
    ".note{border:1px solid #ccc;padding:.4em .6em}\nimg{max-width:100%;height:auto}\n"
    "figure{margin:1em 0}\nblockquote{margin:1em 0;padding-left:1em;border-left:3px solid #ccc}\n"
    "table{border-collapse:collapse}\ntd,th{border:1px solid #ccc;padding:.2em .4em}\npre{white-space:pre-wrap}\n"
    "nav ol{list-style:none;padding-left:1em}\n.nm-footer{margin-top:2em;border-top:1px solid #ccc}\n";

// The font a configuration names, as the book holds it.
struct Font {
  std::string file;   // fonts/{name}
  std::string mime;
  std::string bytes;
};

std::optional<std::string> FontMime(const std::string& path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".otf") || ends(".OTF")) return "font/otf";
  if (ends(".ttf") || ends(".TTF")) return "font/ttf";
  if (ends(".woff") || ends(".WOFF")) return "font/woff";
  if (ends(".woff2") || ends(".WOFF2")) return "font/woff2";
  return std::nullopt;
}

std::string Page(const std::string& lang, const std::string& title, const std::string& css_href,
                 const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html>\n"
         "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"" +
         Esc(lang) + "\" lang=\"" + Esc(lang) + "\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + Esc(title) +
         "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"" + css_href + "\"/>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

std::string Title(const Article& a) { return a.doc.title.empty() ? "（无标题）" : a.doc.title; }

std::string ChapterFile(size_t c) { return "text/o" + std::to_string(c + 1) + ".xhtml"; }
std::string ArticleFile(size_t c, size_t i) {
  return "text/o" + std::to_string(c + 1) + "-" + std::to_string(i + 1) + ".xhtml";
}

// "urn:uuid:…" made from a hash of the book's contents: the same book, the same id.
std::string BookId(const Plan& plan, const BundleRequest& request) {
  std::string seed = request.title + "\n" + request.period + "\n";
  for (const Chapter& c : plan.chapters) {
    seed += c.outlet + "\n";
    for (const Article& a : c.articles) seed += a.record->blob + "\n";
  }
  std::string h = GitBlobId(seed);
  // A version-5-shaped UUID (name-based, SHA-1).
  h[12] = '5';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

// ZIP entries kept alive until the archive is closed (libzip reads them then).
struct Entry {
  std::string name;
  std::string data;
  bool store = false;
};

Result<std::string> Zip(const std::vector<Entry>& entries, int64_t mtime_ms) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) return Status::Internal(std::string("libzip: ") + zip_error_strerror(&error));
  zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!za) {
    zip_source_free(buffer);
    return Status::Internal(std::string("libzip: ") + zip_error_strerror(&error));
  }
  zip_source_keep(buffer);  // read back after zip_close
  auto fail = [&](const std::string& what) {
    std::string message = "libzip: " + what + ": " + zip_strerror(za);
    zip_discard(za);
    zip_source_free(buffer);
    return Status::Internal(message);
  };
  // The book's own time, not the clock's: the same book, the same bytes.
  time_t mtime = static_cast<time_t>(std::max<int64_t>(mtime_ms / 1000, 315532800 + 86400));  // after 1980 (DOS time)
  for (const Entry& e : entries) {
    zip_source_t* src = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
    if (!src) return fail(e.name);
    zip_int64_t index = zip_file_add(za, e.name.c_str(), src, ZIP_FL_ENC_GUESS);
    if (index < 0) {
      zip_source_free(src);
      return fail(e.name);
    }
    if (zip_set_file_compression(za, static_cast<zip_uint64_t>(index), e.store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 e.store ? 0 : 9) != 0 ||
        zip_file_set_mtime(za, static_cast<zip_uint64_t>(index), mtime, 0) != 0) {
      return fail(e.name);
    }
  }
  if (zip_close(za) != 0) return fail("writing the archive");
  std::string out;
  if (zip_source_open(buffer) != 0) {
    zip_source_free(buffer);
    return Status::Internal("libzip: cannot read the archive back");
  }
  char chunk[65536];
  for (;;) {
    zip_int64_t n = zip_source_read(buffer, chunk, sizeof chunk);
    if (n < 0) {
      zip_source_close(buffer);
      zip_source_free(buffer);
      return Status::Internal("libzip: cannot read the archive back");
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

}  // namespace

Result<std::string> WriteEpubBundle(const Plan& plan, const BundleRequest& request) {
  std::string title = request.title.empty() ? "newsmirror" : request.title;
  std::string book_lang = plan.chapters.empty() ? "zh" : plan.chapters.front().language;
  std::string modified = Rfc3339(plan.newest_ms / 1000 * 1000);  // no fraction: EPUB wants CCYY-MM-DDThh:mm:ssZ
  std::string id = BookId(plan, request);
  std::optional<Font> font;
  if (!request.font_file.empty()) {
    auto mime = FontMime(request.font_file);
    if (!mime) return Status::InvalidArgument(request.font_file + ": not a font the book can hold (.otf, .ttf, .woff, .woff2)");
    auto bytes = ReadFile(request.font_file);
    if (!bytes.ok()) return bytes.status();
    std::string ext = request.font_file.substr(request.font_file.rfind('.'));
    font = Font{"fonts/font" + ext, *mime, std::move(bytes).value()};
  }
  std::string css = kCss;
  if (font) {
    css = "@font-face{font-family:\"newsmirror-book\";src:url(" + font->file + ")}\n"
          "body{font-family:\"newsmirror-book\",serif}\n" + css;
  }

  std::vector<Entry> entries;
  entries.push_back({"mimetype", "application/epub+zip", true});
  entries.push_back({"META-INF/container.xml",
                     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                     "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
                     "<rootfiles><rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>"
                     "</rootfiles>\n</container>\n"});
  std::string manifest =
      "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
      "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n"
      "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n";
  if (font) manifest += "<item id=\"font\" href=\"" + font->file + "\" media-type=\"" + font->mime + "\"/>\n";
  std::string spine = "<itemref idref=\"nav\"/>\n";
  std::string nav_list, ncx_points;
  int play = 0;
  std::map<std::string, std::string> image_files;  // key → images/{file} once written
  std::vector<Entry> images;
  auto image_src = [&](const StoredImage& image) {
    auto [it, added] = image_files.emplace(image.key, "images/" + image.file);
    if (added) {
      manifest += "<item id=\"i" + std::to_string(image_files.size()) + "\" href=\"" + it->second +
                  "\" media-type=\"" + image.mime + "\"/>\n";
      images.push_back({"EPUB/" + it->second, image.bytes, true});  // already compressed
    }
    return "../" + it->second;
  };
  for (size_t c = 0; c < plan.chapters.size(); ++c) {
    const Chapter& ch = plan.chapters[c];
    std::string lang = Esc(ch.language);
    std::string list;
    std::string nav_items, ncx_items;
    int chapter_play = ++play;
    for (size_t i = 0; i < ch.articles.size(); ++i) {
      const Article& a = ch.articles[i];
      std::string file = ArticleFile(c, i);
      std::string body = "<article>\n<h2>" + Esc(Title(a)) + "</h2>\n<p class=\"meta\">" + Esc(ch.outlet) +
                         " · <time datetime=\"" + Rfc3339(a.doc.published_ms) + "\">" +
                         LocalDayTime(a.doc.published_ms, request.utc_offset_minutes) + "</time>";
      if (a.doc.link.rfind("https://", 0) == 0 || a.doc.link.rfind("http://", 0) == 0) {
        body += " · <a href=\"" + Esc(a.doc.link) + "\">原文</a>";
      }
      body += "</p>\n<div class=\"body\">" + ArticleBody(a, plan, true, image_src) + "</div>\n</article>\n";
      std::string item_id = "o" + std::to_string(c + 1) + "-" + std::to_string(i + 1);
      entries.push_back({"EPUB/" + file, Page(ch.language, Title(a), "../style.css", body)});
      manifest += "<item id=\"" + item_id + "\" href=\"" + file + "\" media-type=\"application/xhtml+xml\"/>\n";
      list += "<li><a href=\"" + file.substr(5) + "\">" + Esc(Title(a)) + "</a></li>\n";
      nav_items += "<li><a href=\"" + file + "\">" + Esc(Title(a)) + "</a></li>\n";
      ncx_items += "<navPoint id=\"n" + item_id + "\" playOrder=\"" + std::to_string(++play) +
                   "\"><navLabel><text>" + Esc(Title(a)) + "</text></navLabel><content src=\"" + file +
                   "\"/></navPoint>\n";
    }
    std::string chapter_body = "<section>\n<h1>" + Esc(ch.outlet) + "</h1>\n<p class=\"meta\">" +
                               Esc(request.period) + (request.period.empty() ? "" : " · ") +
                               std::to_string(ch.articles.size()) + " 篇</p>\n<ol>\n" + list + "</ol>\n</section>\n";
    // Chapter pages come before their articles in the entries: insert at its place.
    Entry chapter{"EPUB/" + ChapterFile(c), Page(ch.language, ch.outlet, "../style.css", chapter_body)};
    entries.insert(entries.end() - static_cast<long>(ch.articles.size()), std::move(chapter));
    std::string chapter_id = "o" + std::to_string(c + 1);
    manifest += "<item id=\"" + chapter_id + "\" href=\"" + ChapterFile(c) + "\" media-type=\"application/xhtml+xml\"/>\n";
    spine += "<itemref idref=\"" + chapter_id + "\"/>\n";
    for (size_t i = 0; i < ch.articles.size(); ++i) {
      spine += "<itemref idref=\"o" + std::to_string(c + 1) + "-" + std::to_string(i + 1) + "\"/>\n";
    }
    nav_list += "<li lang=\"" + lang + "\" xml:lang=\"" + lang + "\"><a href=\"" + ChapterFile(c) + "\">" +
                Esc(ch.outlet) + "</a>\n<ol>\n" + nav_items + "</ol>\n</li>\n";
    ncx_points += "<navPoint id=\"n" + chapter_id + "\" playOrder=\"" + std::to_string(chapter_play) +
                  "\"><navLabel><text>" + Esc(ch.outlet) + "</text></navLabel><content src=\"" + ChapterFile(c) +
                  "\"/>\n" + ncx_items + "</navPoint>\n";
  }

  std::string note = BudgetNote(plan, request);
  // The navigation document: the title and notes, then the table of contents
  // (a nav of a heading and one list, as EPUB requires).
  std::string nav_body = "<h1>" + Esc(title) + "</h1>\n";
  if (!request.period.empty()) nav_body += "<p class=\"meta\">" + Esc(request.period) + " · " + std::to_string(plan.articles) + " 篇</p>\n";
  if (!note.empty()) nav_body += "<p class=\"note\">" + Esc(note) + "</p>\n";
  nav_body += "<nav epub:type=\"toc\" id=\"toc\">\n<h2>目录</h2>\n";
  if (plan.chapters.empty()) {
    // A navigation document lists at least one entry: the list itself.
    nav_body += "<ol>\n<li><a href=\"nav.xhtml\">这段时间没有文章</a></li>\n</ol>\n";
  } else {
    nav_body += "<ol>\n" + nav_list + "</ol>\n";
  }
  nav_body += "</nav>\n" + FormatReaderFooter(request.footer) + "\n";
  entries.insert(entries.begin() + 2, Entry{"EPUB/nav.xhtml", Page(book_lang, title, "style.css", nav_body)});
  entries.push_back({"EPUB/style.css", css});
  if (font) entries.push_back({"EPUB/" + font->file, font->bytes, true});

  std::string ncx = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"" +
                    Esc(book_lang) + "\">\n<head>\n<meta name=\"dtb:uid\" content=\"" + id +
                    "\"/>\n<meta name=\"dtb:depth\" content=\"2\"/>\n<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n"
                    "<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n<docTitle><text>" + Esc(title) +
                    "</text></docTitle>\n<navMap>\n" +
                    (ncx_points.empty() ? "<navPoint id=\"nnav\" playOrder=\"1\"><navLabel><text>" + Esc(title) +
                                              "</text></navLabel><content src=\"nav.xhtml\"/></navPoint>\n"
                                        : ncx_points) +
                    "</navMap>\n</ncx>\n";
  entries.push_back({"EPUB/toc.ncx", ncx});

  std::string languages = "<dc:language>" + Esc(book_lang) + "</dc:language>\n";
  std::set<std::string> seen = {book_lang};
  for (const Chapter& ch : plan.chapters) {
    if (seen.insert(ch.language).second) languages += "<dc:language>" + Esc(ch.language) + "</dc:language>\n";
  }
  std::string opf = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"book-id\" "
                    "xml:lang=\"" + Esc(book_lang) + "\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                    "<dc:identifier id=\"book-id\">" + id + "</dc:identifier>\n<dc:title>" + Esc(title) +
                    "</dc:title>\n" + languages + "<dc:creator>newsmirror</dc:creator>\n<dc:date>" + modified +
                    "</dc:date>\n<meta property=\"dcterms:modified\">" + modified + "</meta>\n</metadata>\n<manifest>\n" +
                    manifest + "</manifest>\n<spine toc=\"ncx\">\n" + spine + "</spine>\n</package>\n";
  entries.insert(entries.begin() + 2, Entry{"EPUB/package.opf", opf});
  for (Entry& e : images) entries.push_back(std::move(e));
  return Zip(entries, plan.newest_ms);
}

}  // namespace nm::bundle_internal

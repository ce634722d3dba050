// libFuzzer target: the Markdown writers (scripts/fuzz.sh markdown), checked
// with GitHub's own renderer (cmark-gfm with GitHub's extensions). An input
// is a title, a link and an outlet name separated by NUL bytes; the title is
// cleaned as feeds' titles are (CleanTitle), invalid UTF-8 replaced as the
// decoders replace it, and the outlet name made one line without controls
// or '@' (as the configuration's checks and host names leave it). Checked:
//   - the article file (FormatArticle) renders exactly one link, to exactly
//     ArchiveLink of the link, whose text is exactly the title and only text
//     (no emphasis, code, HTML, image or second link), in a level-2 heading;
//     ParseArticle reads back the same title and link, and writing that again
//     gives the same bytes;
//   - the list page (FormatListPage) renders its heading as the outlet's name
//     and only text, then one link per article with the title as its only
//     text and a destination that percent-decodes to the article's file;
//     no raw HTML and no image anywhere;
//   - the README (FormatReadme) renders one link with the outlet's name as its
//     only text, to its list page.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "archive/article.h"
#include "archive/file_name.h"
#include "archive/list_page.h"
#include "support/commonmark.h"
#include "url/url.h"
#include "util/text.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view markdown, const nm::test::Rendered& r) {
  std::fprintf(stderr, "markdown_fuzz: %s\nmarkdown:\n%.*s\nhtml:\n%s\n", what, static_cast<int>(markdown.size()),
               markdown.data(), r.html.c_str());
  std::abort();
}


void CheckArticle(const std::string& title, const std::string& link) {
  nm::ArticleDoc doc{1672843145000, title, link, "<p>x</p>"};
  std::string text = nm::FormatArticle(doc);
  nm::test::Rendered r = nm::test::RenderMarkdown(text);
  if (r.links.size() != 1) Fail("an article does not show exactly one link", text, r);
  if (r.links[0].destination != link) Fail("the article's link goes elsewhere", text, r);
  if (r.links[0].text != title || !r.links[0].text_only) Fail("the article's link text is not the title", text, r);
  if (r.images != 0) Fail("an article's title line shows an image", text, r);
  if (r.blocks.size() < 2 || r.blocks[1].type != "heading" || r.blocks[1].heading_level != 2) {
    Fail("the article's title line is not its heading", text, r);
  }
  auto back = nm::ParseArticle(text);
  if (!back.ok() || back->title != title || back->link != link) Fail("an article does not read back", text, r);
  if (nm::FormatArticle(*back) != text) Fail("an article read back is written differently", text, r);
}

void CheckListPage(const std::string& outlet, const std::string& title) {
  std::string file = nm::ArticleFileName(nm::kFirstArticleId, title);
  std::vector<nm::ListItem> items = {{1672843145000, title, file}, {1672800000000, "第二篇", "1048573_第二篇.md"}};
  std::string page = nm::FormatListPage(outlet, items, 8 * 60, {"2023-01"});
  nm::test::Rendered r = nm::test::RenderMarkdown(page);
  if (r.raw_html != 0 || r.images != 0) Fail("a list page holds raw HTML or an image", page, r);
  if (r.blocks.empty() || r.blocks[0].type != "heading" || r.blocks[0].heading_level != 2 ||
      r.blocks[0].text != outlet || !r.blocks[0].text_only) {
    Fail("a list page's heading is not the outlet's name", page, r);
  }
  if (r.links.size() != items.size() + 2) Fail("a list page does not show one link per line", page, r);
  std::string folder = "/articles/" + nm::MarkdownPathSegment(outlet) + "/";
  for (size_t i = 0; i < items.size(); ++i) {
    const nm::test::RenderedLink& l = r.links[i];
    if (l.text != items[i].title || !l.text_only) Fail("a list line's link text is not the title", page, r);
    if (l.destination.rfind(folder, 0) != 0 || nm::test::PercentDecoded(l.destination.substr(folder.size())) != items[i].file_name) {
      Fail("a list line does not link its article's file", page, r);
    }
  }
  std::string readme = nm::FormatReadme({outlet, "美国之音"});
  r = nm::test::RenderMarkdown(readme);
  if (r.links.size() != 2 || r.links[0].text != outlet || !r.links[0].text_only ||
      r.links[0].destination != "/lists/" + nm::MarkdownPathSegment(outlet) + ".md" || r.raw_html || r.images) {
    Fail("the README does not link the outlet by its name", readme, r);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (size_t start = 0; parts.size() < 3;) {
    size_t nul = in.find('\0', start);
    parts.push_back(in.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  parts.resize(3);
  std::string title = nm::CleanTitle(nm::ValidUtf8(parts[0]));
  std::string link = nm::ArchiveLink(parts[1]);
  if (link.empty()) link = nm::ArchiveLink("https://x.example/" + std::string(parts[1]));
  std::string outlet;
  // An outlet name is one line without controls and without '@' (an e-mail
  // address in a heading is linked by GitHub whatever its escapes; names are
  // the configuration's or hosts, archive/markdown.h).
  for (char c : nm::ValidUtf8(parts[2])) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F && c != '@') outlet += c;
  }
  if (outlet.empty()) outlet = "美国之音";
  if (!link.empty()) CheckArticle(title, link);
  CheckListPage(outlet, title);
  return 0;
}

// Markdown as a git host shows it: cmark-gfm, GitHub's renderer, with the
// extensions GitHub turns on (tables, strikethrough, autolinks, tag filter,
// task lists). For the tests and the markdown fuzz target, which check that
// what newsmirror writes renders as exactly the links it means.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nm::test {

struct RenderedLink {
  std::string destination;  // as the renderer reads it (references decoded, escapes removed)
  std::string text;         // the text of its TEXT nodes, joined
  bool text_only = true;    // every node inside is TEXT (no emphasis, code, HTML, image, link)
};

struct RenderedBlock {
  std::string type;         // cmark's name: "paragraph", "heading", "list", "html_block", "table", …
  int heading_level = 0;
  std::string text;         // the text of every TEXT node inside, joined
  bool text_only = true;    // as for links, with links allowed inside
};

struct Rendered {
  std::vector<RenderedLink> links;
  std::vector<RenderedBlock> blocks;  // top-level blocks, in order
  int images = 0;
  int raw_html = 0;                   // inline HTML and HTML blocks
  std::string html;                   // the HTML a git host would show
};

Rendered RenderMarkdown(std::string_view markdown);

// `s` with every %XX decoded (a destination's path back to a file's name).
std::string PercentDecoded(std::string_view s);

}  // namespace nm::test

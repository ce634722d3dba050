#include "support/commonmark.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>

namespace nm::test {

namespace {

// `link` is the index in out.links of the link being read, or -1 (indexes,
// since a link inside a link grows the vector).
void Visit(cmark_node* node, Rendered& out, long link, RenderedBlock* block) {
  cmark_node_type type = cmark_node_get_type(node);
  if (type == CMARK_NODE_IMAGE) ++out.images;
  if (type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK) ++out.raw_html;
  bool is_text = type == CMARK_NODE_TEXT;
  if (link >= 0 && !is_text) out.links[link].text_only = false;
  if (block && !is_text && type != CMARK_NODE_LINK && type != CMARK_NODE_PARAGRAPH && type != CMARK_NODE_HEADING) {
    block->text_only = false;
  }
  if (is_text) {
    const char* literal = cmark_node_get_literal(node);
    if (literal) {
      if (link >= 0) out.links[link].text += literal;
      if (block) block->text += literal;
    }
  }
  if (type == CMARK_NODE_LINK) {
    RenderedLink l;
    const char* url = cmark_node_get_url(node);
    l.destination = url ? url : "";
    out.links.push_back(std::move(l));
    link = static_cast<long>(out.links.size()) - 1;
  }
  for (cmark_node* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
    Visit(child, out, link, block);
  }
}

}  // namespace

Rendered RenderMarkdown(std::string_view markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter", "tasklist"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser, ext);
    }
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  Rendered out;
  for (cmark_node* child = cmark_node_first_child(doc); child; child = cmark_node_next(child)) {
    RenderedBlock block;
    const char* type_name = cmark_node_get_type_string(child);
    block.type = type_name ? type_name : "";
    if (cmark_node_get_type(child) == CMARK_NODE_HEADING) block.heading_level = cmark_node_get_heading_level(child);
    Visit(child, out, -1, &block);
    out.blocks.push_back(std::move(block));
  }
  char* html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
  out.html = html ? html : "";
  std::free(html);
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return out;
}

std::string PercentDecoded(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace nm::test

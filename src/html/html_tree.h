// One bounded HTML5 parse (gumbo) for every reader of HTML in newsmirror.
//
// Pages and feed content are written by whoever controls a feed or a page,
// and gumbo 0.10 has no limits of its own: its tree builder slows down
// quadratically with depth (scope checks walk the stack of open elements),
// its list of active formatting elements recreates every open <b id=…>
// inside every new block (quadratic nodes), and it frees trees, and the body
// of a page that turns out to be a frameset, recursively (a deep tree
// overflows the stack). So no HTML reaches gumbo unbounded:
//   - LimitHtmlNesting follows the tree builder's stack of open elements and
//     list of active formatting elements by tag name (the HTML5 rules for
//     scopes, implied end tags, tables, select and foreign content) and drops
//     the tags, not the text, of elements that would open deeper than
//     kMaxHtmlDepth, and of formatting elements beyond kMaxActiveFormatting
//     (a raw-text element such as <script> is dropped whole); HTML within the
//     bounds comes back byte for byte;
//   - HtmlTree parses what is left, flattens any element that still lies
//     deeper than kMaxHtmlDepth into its ancestor at that depth (the text
//     kept, in order), keeps gumbo's memory within a budget (beyond it the
//     constructor throws std::bad_alloc, which the caller's entry containment
//     reports), records no parse errors (gumbo copies the whole stack of
//     open elements into each), and frees the tree without recursion.
// Every walk over an HtmlTree may therefore recurse: it is at most
// kMaxHtmlDepth elements deep. Thread-safe (each tree is its own).
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace nm {

// Elements below the root that a tree holds at most (Chromium's parser uses
// the same bound). Deep enough for any real page (they rarely pass 60), and
// shallow enough that a recursive walk fits a thread's stack under ASan.
inline constexpr size_t kMaxHtmlDepth = 512;

// Formatting elements (<a>, <b>, <font>, …) open at once: the HTML5 parser
// reopens each of them inside every new block, so their number multiplies
// the nodes of a tree.
inline constexpr size_t kMaxActiveFormatting = 16;

struct NestingLimit {
  std::string html;      // the HTML within the bounds (set only when `changed`)
  bool changed = false;  // tags were dropped
};

NestingLimit LimitHtmlNesting(std::string_view html);

struct HtmlParseOptions {
  bool fragment = false;   // parse as the content of a <div> (else a whole document)
  // Bytes gumbo may hold; 0: 64 MiB plus 64 bytes per byte of input, at
  // most 512 MiB (a normal page takes 10 to 20 times its size).
  size_t memory_budget = 0;
};

// The tree points into `html` (original_tag, original_text): the caller
// keeps it alive as long as the tree.
class HtmlTree {
 public:
  explicit HtmlTree(std::string_view html, const HtmlParseOptions& options = {});
  ~HtmlTree();
  HtmlTree(const HtmlTree&) = delete;
  HtmlTree& operator=(const HtmlTree&) = delete;

  // The <html> element (a fragment's nodes are its children).
  const GumboNode* root() const { return output_->root; }
  const GumboNode* document() const { return output_->document; }
  // True when the input was deeper than the bounds: what lay deeper was
  // flattened into its ancestor at kMaxHtmlDepth.
  bool flattened() const { return flattened_; }

  struct Allocations;  // every block gumbo allocated, freed with the tree

 private:
  void Flatten();

  std::string limited_;  // the input within the bounds, when LimitHtmlNesting changed it
  Allocations* allocations_ = nullptr;
  GumboOutput* output_ = nullptr;
  bool flattened_ = false;
};

}  // namespace nm

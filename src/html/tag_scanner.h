// Finds the tags of HTML the way the HTML tokenizer does, without a tree.
//
// HtmlTagScanner steps through a document or fragment and yields each start
// and end tag with its byte range. Comments, CDATA sections, declarations and
// processing instructions are stepped over, and so is the content of a
// raw-text element (<script>, <style>, <textarea>, <title>, <xmp>, <iframe>,
// <noembed>, <noframes>) up to its end tag; after <plaintext>, or where the
// document ends inside a tag (which a browser drops), no tag follows.
// Attribute values are located, not decoded. The editors of attribute values
// (attribute_rewrite.h) and the nesting limit (html_tree.h) both read markup
// through it, so they agree on what is a tag. Linear in the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nm {

struct HtmlAttribute {
  std::string name;        // lower-cased
  bool has_value = false;
  size_t value_begin = 0;  // the value's bytes, without quotes
  size_t value_end = 0;
  char quote = 0;          // '"', '\'' or 0 for an unquoted value
};

struct HtmlTag {
  bool is_end = false;
  std::string name;        // lower-cased
  size_t begin = 0;        // the '<'
  size_t end = 0;          // just past the '>'
  size_t name_end = 0;     // just past the name as written
  bool self_closing = false;                // a start tag written "<x … />"
  std::vector<HtmlAttribute> attributes;   // start tags; of duplicates the first (as browsers keep)
};

class HtmlTagScanner {
 public:
  explicit HtmlTagScanner(std::string_view html) : html_(html) {}

  // The next tag; false when there is none.
  bool Next(HtmlTag& tag);

 private:
  std::string_view html_;
  size_t pos_ = 0;
  std::string raw_text_;   // the raw-text element whose content comes next
  bool done_ = false;
};

// The white space of HTML: space, tab, LF, FF, CR.
inline bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

}  // namespace nm

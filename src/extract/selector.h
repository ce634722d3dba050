// A small CSS selector matcher over gumbo trees, for the per-source
// `selector` that names an article's body.
//
// Supported: type selectors and `*`, `.class`, `#id`, attribute tests
// `[a]`, `[a=v]`, `[a~=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]` (values quoted or
// bare), compound selectors (`div.story#main`), the descendant (space) and
// child (`>`) combinators, and comma-separated lists. Type and attribute
// names match case-insensitively; classes, ids and values exactly.
// Pseudo-classes and sibling combinators are rejected with an error rather
// than silently ignored. Immutable once parsed; thread-safe.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

class CssSelector {
 public:
  // InvalidArgument naming the offending position when `text` is not in the subset.
  static Result<CssSelector> Parse(std::string_view text);

  bool Matches(const GumboNode* element) const;

  // Matching elements under `root` (itself included) in document order; an
  // element that matches is listed once, and its matching descendants are
  // left out (they are already inside it).
  std::vector<const GumboNode*> SelectOutermost(const GumboNode* root) const;

 private:
  struct AttrTest {
    std::string name;   // lower-case
    char op = 0;        // 0 presence, '=', '~', '^', '$', '*'
    std::string value;
  };
  struct Compound {
    std::string tag;    // "" or "*" = any
    std::vector<std::string> classes;
    std::vector<std::string> ids;
    std::vector<AttrTest> attrs;
  };
  struct Complex {
    std::vector<Compound> parts;     // left to right
    std::vector<char> combinators;   // between parts[i] and parts[i+1]: ' ' or '>'
  };

  static bool MatchCompound(const Compound& c, const GumboNode* n);
  static bool MatchFrom(const Complex& sel, size_t index, const GumboNode* n);

  std::vector<Complex> alternatives_;
};

}  // namespace nm

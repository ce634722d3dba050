// A small CSS selector matcher over gumbo trees, for the per-source
// `selector` that names an article's body.
//
// Supported: type selectors and `*`, `.class`, `#id`, attribute tests
// `[a]`, `[a=v]`, `[a~=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]` (values quoted or
// bare), compound selectors (`div.story#main`), the descendant (space) and
// child (`>`) combinators, and comma-separated lists. Type and attribute
// names match case-insensitively; classes, ids and values exactly.
// Pseudo-classes and sibling combinators are rejected with an error rather
// than silently ignored. Matching costs the number of parts per element,
// however deep the page. Immutable once parsed; thread-safe.
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <optional>
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

  struct MatchState {
    std::vector<uint8_t> at, within;  // per part of every alternative, in order
  };

  static bool MatchCompound(const Compound& c, const GumboNode* n);
  MatchState Step(const MatchState* parent, const GumboNode* n) const;
  bool Matched(const MatchState& s) const;
  std::optional<MatchState> StateAbove(const GumboNode* n) const;

  std::vector<Complex> alternatives_;
  size_t part_count_ = 0;
};

}  // namespace nm

#include "extract/selector.h"

#include <cstring>

#include "extract/dom.h"
#include "util/text.h"

namespace nm {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsNameChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
         u == '_' || u >= 0x80;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  size_t pos() const { return i_; }
  void Advance() { ++i_; }
  bool SkipSpace() {
    size_t start = i_;
    while (!AtEnd() && IsSpace(s_[i_])) ++i_;
    return i_ > start;
  }
  std::string Name() {
    size_t start = i_;
    while (!AtEnd() && (IsNameChar(s_[i_]) || (s_[i_] == '\\' && i_ + 1 < s_.size()))) {
      i_ += s_[i_] == '\\' ? 2 : 1;
    }
    std::string out;
    for (size_t k = start; k < i_; ++k) {
      if (s_[k] == '\\') ++k;
      out += s_[k];
    }
    return out;
  }
  // A quoted string or a bare identifier.
  bool Value(std::string& out) {
    char q = Peek();
    if (q == '"' || q == '\'') {
      ++i_;
      size_t start = i_;
      while (!AtEnd() && s_[i_] != q) ++i_;
      if (AtEnd()) return false;
      out.assign(s_.substr(start, i_ - start));
      ++i_;
      return true;
    }
    out = Name();
    return !out.empty();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool ContainsWord(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsSpace(list[i])) ++i;
    size_t j = i;
    while (j < list.size() && !IsSpace(list[j])) ++j;
    if (j > i && list.substr(i, j - i) == word) return true;
    i = j;
  }
  return false;
}

}  // namespace

Result<CssSelector> CssSelector::Parse(std::string_view text) {
  CssSelector out;
  Parser p(text);
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("CSS selector \"" + std::string(text) + "\": " + what +
                                   " at position " + std::to_string(p.pos() + 1));
  };
  Complex current;
  char pending = 0;  // combinator waiting for its right-hand compound
  p.SkipSpace();
  while (true) {
    Compound c;
    bool any = false;
    if (p.Peek() == '*') {
      p.Advance();
      c.tag = "*";
      any = true;
    } else if (IsNameChar(p.Peek())) {
      c.tag = AsciiLower(p.Name());
      any = true;
    }
    while (true) {
      char ch = p.Peek();
      if (ch == '.' || ch == '#') {
        p.Advance();
        std::string name = p.Name();
        if (name.empty()) return fail(std::string("expected a name after '") + ch + "'");
        (ch == '.' ? c.classes : c.ids).push_back(name);
        any = true;
      } else if (ch == '[') {
        p.Advance();
        p.SkipSpace();
        AttrTest t;
        t.name = AsciiLower(p.Name());
        if (t.name.empty()) return fail("expected an attribute name");
        p.SkipSpace();
        char op = p.Peek();
        if (op == '=') {
          t.op = '=';
          p.Advance();
        } else if (op && std::strchr("~^$*", op)) {
          p.Advance();
          if (p.Peek() != '=') return fail("expected '='");
          p.Advance();
          t.op = op;
        }
        if (t.op) {
          p.SkipSpace();
          if (!p.Value(t.value)) return fail("expected an attribute value");
          p.SkipSpace();
        }
        if (p.Peek() != ']') return fail("expected ']'");
        p.Advance();
        c.attrs.push_back(std::move(t));
        any = true;
      } else if (ch == ':') {
        return fail("pseudo-classes are not supported");
      } else {
        break;
      }
    }
    if (!any) return fail(p.AtEnd() ? "unexpected end" : "unexpected character");
    if (pending) current.combinators.push_back(pending);
    current.parts.push_back(std::move(c));
    pending = 0;
    bool spaced = p.SkipSpace();
    char ch = p.Peek();
    if (p.AtEnd() || ch == ',') {
      out.alternatives_.push_back(std::move(current));
      current = Complex();
      if (p.AtEnd()) break;
      p.Advance();
      p.SkipSpace();
      continue;
    }
    if (ch == '>') {
      p.Advance();
      p.SkipSpace();
      pending = '>';
    } else if (ch == '+' || ch == '~') {
      return fail("sibling combinators are not supported");
    } else if (spaced) {
      pending = ' ';
    } else {
      return fail("unexpected character");
    }
  }
  for (const Complex& alt : out.alternatives_) out.part_count_ += alt.parts.size();
  return out;
}

bool CssSelector::MatchCompound(const Compound& c, const GumboNode* n) {
  if (!dom::IsElement(n)) return false;
  if (!c.tag.empty() && c.tag != "*" && dom::TagName(n) != c.tag) return false;
  for (const auto& id : c.ids) {
    if (dom::AttrOr(n, "id") != id) return false;
  }
  for (const auto& cls : c.classes) {
    if (!dom::HasClass(n, cls)) return false;
  }
  for (const auto& t : c.attrs) {
    const char* raw = dom::Attr(n, t.name.c_str());
    if (!raw) return false;
    std::string_view v(raw);
    switch (t.op) {
      case 0: break;
      case '=': if (v != t.value) return false; break;
      case '~': if (!ContainsWord(v, t.value)) return false; break;
      case '^': if (t.value.empty() || v.substr(0, t.value.size()) != t.value) return false; break;
      case '$':
        if (t.value.empty() || v.size() < t.value.size() ||
            v.substr(v.size() - t.value.size()) != t.value)
          return false;
        break;
      case '*': if (t.value.empty() || v.find(t.value) == std::string_view::npos) return false; break;
    }
  }
  return true;
}

// Matching runs top-down, one step per element: for every part i of every
// alternative, whether parts 0..i match with part i at this element (`at`)
// and at it or at an ancestor (`within`). A descendant combinator then asks
// the parent's `within`, a child combinator its `at`: each element costs the
// number of parts, however deep the page (matching bottom-up by trying each
// ancestor in turn costs depth to the power of the parts when it fails).
CssSelector::MatchState CssSelector::Step(const MatchState* parent, const GumboNode* n) const {
  MatchState s;
  s.at.assign(part_count_, 0);
  s.within.assign(part_count_, 0);
  size_t idx = 0;
  for (const Complex& alt : alternatives_) {
    for (size_t i = 0; i < alt.parts.size(); ++i, ++idx) {
      bool ok = MatchCompound(alt.parts[i], n);
      if (ok && i > 0) ok = parent && (alt.combinators[i - 1] == '>' ? parent->at[idx - 1] : parent->within[idx - 1]);
      s.at[idx] = ok;
      s.within[idx] = ok || (parent && parent->within[idx]);
    }
  }
  return s;
}

bool CssSelector::Matched(const MatchState& s) const {
  size_t idx = 0;
  for (const Complex& alt : alternatives_) {
    idx += alt.parts.size();
    if (s.at[idx - 1]) return true;
  }
  return false;
}

// The state at `n`'s parent, from the top of the document down.
std::optional<CssSelector::MatchState> CssSelector::StateAbove(const GumboNode* n) const {
  std::vector<const GumboNode*> chain;
  for (const GumboNode* up = dom::ParentElement(n); up; up = dom::ParentElement(up)) chain.push_back(up);
  std::optional<MatchState> state;
  for (size_t i = chain.size(); i-- > 0;) state = Step(state ? &*state : nullptr, chain[i]);
  return state;
}

bool CssSelector::Matches(const GumboNode* element) const {
  if (!dom::IsElement(element)) return false;
  std::optional<MatchState> above = StateAbove(element);
  return Matched(Step(above ? &*above : nullptr, element));
}

std::vector<const GumboNode*> CssSelector::SelectOutermost(const GumboNode* root) const {
  std::vector<const GumboNode*> out;
  if (!dom::IsElement(root)) return out;
  // Every element visited keeps its state for its children.
  std::vector<MatchState> states;
  if (std::optional<MatchState> above = StateAbove(root)) states.push_back(std::move(*above));
  struct Item {
    const GumboNode* node;
    long parent_state;  // index into states, -1 for none
  };
  std::vector<Item> stack{{root, states.empty() ? -1L : 0L}};
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (!dom::IsElement(item.node)) continue;
    MatchState s = Step(item.parent_state < 0 ? nullptr : &states[static_cast<size_t>(item.parent_state)], item.node);
    if (Matched(s)) {
      out.push_back(item.node);
      continue;
    }
    states.push_back(std::move(s));
    long index = static_cast<long>(states.size()) - 1;
    const GumboVector& kids = dom::Children(item.node);
    for (unsigned i = kids.length; i-- > 0;) stack.push_back({dom::Child(item.node, i), index});
  }
  return out;
}

}  // namespace nm

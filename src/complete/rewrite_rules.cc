#include "complete/rewrite_rules.h"

#include <map>
#include <optional>

namespace nm {
namespace {

// A pattern as alternating literals and placeholder names:
// literals[0] {names[0]} literals[1] {names[1]} … literals[n].
struct Pattern {
  std::vector<std::string> literals;
  std::vector<std::string> names;
};

Pattern Split(std::string_view text) {
  Pattern p;
  p.literals.emplace_back();
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        p.names.emplace_back(text.substr(i + 1, close - i - 1));
        p.literals.emplace_back();
        i = close + 1;
        continue;
      }
    }
    p.literals.back() += text[i++];
  }
  return p;
}

bool PlaceholderChar(char c) {
  switch (c) {
    case '/': case '?': case '#': case '&': case '"': case '\'': case '<': case '>':
    case ' ': case '\t': case '\n': case '\r': case '\f':
      return false;
    default:
      return true;
  }
}

// Matches `p` at `pos`; returns the end of the match and fills `values`.
std::optional<size_t> MatchAt(std::string_view text, size_t pos, const Pattern& p,
                              std::map<std::string, std::string>& values) {
  if (text.compare(pos, p.literals[0].size(), p.literals[0]) != 0) return std::nullopt;
  size_t i = pos + p.literals[0].size();
  for (size_t k = 0; k < p.names.size(); ++k) {
    size_t start = i;
    while (i < text.size() && PlaceholderChar(text[i])) ++i;
    const std::string& next = p.literals[k + 1];
    // A placeholder ends where the following literal begins: the shortest
    // run that leaves it matching (the literal may contain allowed characters).
    size_t end = std::string_view::npos;
    if (next.empty()) {
      end = i;
    } else {
      for (size_t j = start + 1; j <= i; ++j) {
        if (text.compare(j, next.size(), next) == 0) {
          end = j;
          break;
        }
      }
    }
    if (end == std::string_view::npos || end == start) return std::nullopt;
    values[p.names[k]] = std::string(text.substr(start, end - start));
    i = end + next.size();
  }
  return i;
}

std::string Fill(const Pattern& replace, const std::map<std::string, std::string>& values) {
  std::string out = replace.literals[0];
  for (size_t k = 0; k < replace.names.size(); ++k) {
    auto it = values.find(replace.names[k]);
    if (it != values.end()) out += it->second;
    out += replace.literals[k + 1];
  }
  return out;
}

}  // namespace

std::string RewriteRuleProblem(const RewriteRule& rule) {
  Pattern m = Split(rule.match);
  if (m.literals[0].empty()) return "'match' must start with literal text (e.g. https://host/path/)";
  for (size_t k = 1; k + 1 < m.literals.size(); ++k) {
    if (m.literals[k].empty()) return "two placeholders in 'match' stand side by side";
  }
  Pattern r = Split(rule.replace);
  for (const std::string& name : r.names) {
    bool defined = false;
    for (const std::string& n : m.names) defined = defined || n == name;
    if (!defined) return "'replace' uses {" + name + "}, which 'match' does not define";
  }
  return {};
}

std::string ApplyRewriteRules(std::string_view text, const std::vector<RewriteRule>& rules) {
  if (rules.empty()) return std::string(text);
  std::vector<std::pair<Pattern, Pattern>> compiled;
  for (const RewriteRule& r : rules) {
    if (RewriteRuleProblem(r).empty()) compiled.emplace_back(Split(r.match), Split(r.replace));
  }
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    for (const auto& [match, replace] : compiled) {
      if (text[i] != match.literals[0][0]) continue;
      std::map<std::string, std::string> values;
      if (std::optional<size_t> end = MatchAt(text, i, match, values)) {
        out += Fill(replace, values);
        i = *end;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

}  // namespace nm

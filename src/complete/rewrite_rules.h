// Per-source link repairs (options.h, RewriteRule) applied to text.
//
// Some outlets publish links that do not work for readers (DW's feed links to
// its API, https://api.dw.com/api/detail/article/{id}, rather than to the
// article). ApplyRewriteRules finds every place in a text where a rule's
// pattern matches and writes the replacement there, so the same rules repair
// an entry's link and the href/src values inside its HTML. Rules are tried in
// order at each position; the first that matches wins and matching goes on
// after the replaced text. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "complete/options.h"

namespace nm {

std::string ApplyRewriteRules(std::string_view text, const std::vector<RewriteRule>& rules);

// Why `rule` cannot be used (empty match, a placeholder in `replace` that
// `match` does not define, two placeholders side by side), or "" when it can.
std::string RewriteRuleProblem(const RewriteRule& rule);

}  // namespace nm

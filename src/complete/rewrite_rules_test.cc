#include "complete/rewrite_rules.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

const RewriteRule kDw = {"https://api.dw.com/api/detail/article/{id}", "https://www.dw.com/zh/a-{id}"};

TEST(RewriteRules, RepairsDwApiLinks) {
  EXPECT_EQ(ApplyRewriteRules("https://api.dw.com/api/detail/article/64321987", {kDw}),
            "https://www.dw.com/zh/a-64321987");
  EXPECT_EQ(ApplyRewriteRules("<a href=\"https://api.dw.com/api/detail/article/123\">x</a> and "
                              "<a href='https://api.dw.com/api/detail/article/456?x=1'>y</a>",
                              {kDw}),
            "<a href=\"https://www.dw.com/zh/a-123\">x</a> and <a href='https://www.dw.com/zh/a-456?x=1'>y</a>");
}

TEST(RewriteRules, APatternWithoutPlaceholdersIsAPrefix) {
  RewriteRule r{"http://www.rfi.fr/cn/", "https://www.rfi.fr/cn/"};
  EXPECT_EQ(ApplyRewriteRules("http://www.rfi.fr/cn/中国/20230104-x", {r}), "https://www.rfi.fr/cn/中国/20230104-x");
  EXPECT_EQ(ApplyRewriteRules("http://www.rfi.fr/en/x", {r}), "http://www.rfi.fr/en/x");
}

TEST(RewriteRules, PlaceholdersStopAtTheNextLiteralAndAtSeparators) {
  RewriteRule r{"https://x.example/{a}-{b}.html", "https://y.example/{b}/{a}"};
  EXPECT_EQ(ApplyRewriteRules("https://x.example/one-two.html", {r}), "https://y.example/two/one");
  // {a} cannot run over '/', so this does not match.
  EXPECT_EQ(ApplyRewriteRules("https://x.example/p/one-two.html", {r}), "https://x.example/p/one-two.html");
}

TEST(RewriteRules, TheFirstMatchingRuleWins) {
  std::vector<RewriteRule> rules = {{"https://a.example/x", "https://first.example/x"},
                                    {"https://a.example/", "https://second.example/"}};
  EXPECT_EQ(ApplyRewriteRules("https://a.example/xy https://a.example/z", rules),
            "https://first.example/xy https://second.example/z");
}

TEST(RewriteRules, ProblemsAreNamed) {
  EXPECT_EQ(RewriteRuleProblem(kDw), "");
  EXPECT_NE(RewriteRuleProblem({"", "x"}), "");
  EXPECT_NE(RewriteRuleProblem({"{id}/x", "y"}), "");
  EXPECT_NE(RewriteRuleProblem({"https://a/{x}{y}", "z"}), "");
  EXPECT_NE(RewriteRuleProblem({"https://a/{x}", "https://b/{y}"}).find("{y}"), std::string::npos);
}

}  // namespace
}  // namespace nm

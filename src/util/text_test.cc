#include "util/text.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(TextTest, AsciiLowerLeavesOtherBytesAlone) {
  EXPECT_EQ(AsciiLower("GDP 增长 ÀB"), "gdp 增长 Àb");
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('['), '[');
}

TEST(TextTest, DecodesCodePointsAndReadsBrokenBytesAlone) {
  size_t len = 0;
  EXPECT_EQ(DecodeUtf8At("a", 0, &len), 'a');
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8At("é", 0, &len), 0xE9u);
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(DecodeUtf8At("x岸", 1, &len), 0x5CB8u);
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(DecodeUtf8At("\xF0\x9F\x93\xB0", 0, &len), 0x1F4F0u);
  EXPECT_EQ(len, 4u);
  // Cut short, a continuation byte missing, a stray continuation byte.
  EXPECT_EQ(DecodeUtf8At("\xE5\xB2", 0, &len), 0xE5u);
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8At("\xE5" "ab", 0, &len), 0xE5u);
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(DecodeUtf8At("\xB8", 0, &len), 0xB8u);
  EXPECT_EQ(len, 1u);
}

TEST(TextTest, SplitOnKeepsEmptyFieldsAndDropsTheFinalLineBreak) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(SplitOn("a\t\tb", '\t'), (V{"a", "", "b"}));
  EXPECT_EQ(SplitOn("a\t", '\t'), (V{"a", ""}));
  EXPECT_EQ(SplitOn("", '\t'), (V{""}));
  EXPECT_EQ(SplitOn("\ta\t", '\t'), (V{"", "a", ""}));
  EXPECT_EQ(SplitOn("no tab", '\t'), (V{"no tab"}));
  EXPECT_EQ(SplitOn("x\ny\n", '\n', true), (V{"x", "y"}));
  EXPECT_EQ(SplitOn("x\n\ny", '\n', true), (V{"x", "", "y"}));
  EXPECT_EQ(SplitOn("x", '\n', true), (V{"x"}));
  EXPECT_EQ(SplitOn("", '\n', true), V{});
  EXPECT_EQ(SplitOn("\n", '\n', true), (V{""}));
}

TEST(TextTest, CutsUtf8AtACharacterBoundary) {
  // "岸田" is E5 B2 B8 E7 94 B0: every cut inside a character steps back to its start.
  const std::string s = "a岸田";
  EXPECT_EQ(Utf8CutPoint(s, 100), s.size());
  EXPECT_EQ(Utf8CutPoint(s, 7), 7u);
  EXPECT_EQ(Utf8CutPoint(s, 6), 4u);
  EXPECT_EQ(Utf8CutPoint(s, 5), 4u);
  EXPECT_EQ(Utf8CutPoint(s, 4), 4u);
  EXPECT_EQ(Utf8CutPoint(s, 3), 1u);
  EXPECT_EQ(Utf8CutPoint(s, 1), 1u);
  EXPECT_EQ(Utf8CutPoint(s, 0), 0u);
  EXPECT_EQ(Utf8CutPoint("\xF0\x9F\x93\xB0!", 3), 0u);
  // Broken input: a run of continuation bytes is stepped back over three at most.
  EXPECT_EQ(Utf8CutPoint(std::string(10, '\x80'), 8), 5u);
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST(TerminalSafeTest, ReplacesWhatATerminalWouldObey) {
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  struct Case {
    std::string in, out;
  } cases[] = {
      {"美国之音: 3 new\n", "美国之音: 3 new\n"},
      {"tab\tand line\n", "tab\tand line\n"},
      {"\x1b]0;pwned\x07title", r + "]0;pwned" + r + "title"},             // OSC: window title
      {"\x1b[2J\x1b[31mred", r + "[2J" + r + "[31mred"},                   // CSI: clear, colour
      {"over\rwrite", "over" + r + "write"},                               // carriage return
      {"back\bspace\x7f", "back" + r + "space" + r},                       // BS, DEL
      {"c1 \xC2\x9B" "31m \xC2\x85", "c1 " + r + "31m " + r},              // U+009B CSI, U+0085 NEL
      {"raw \x9b" "2J", "raw " + r + "2J"},                                // an 8-bit CSI byte (not UTF-8)
      {"\xE2\x80\xAE" "txt.exe", r + "txt.exe"},                           // U+202E RIGHT-TO-LEFT OVERRIDE
      {"\xE2\x81\xA6" "x" "\xE2\x81\xA9", r + "x" + r},                   // U+2066, U+2069 isolates
      {"\xE2\x80\x8F\xD8\x9C", r + r},                                     // U+200F RLM, U+061C ALM
      {"\xC0\x9B" "overlong", r + r + "overlong"},                         // overlong ESC
      {"\xED\xA0\x80", r + r + r},                                         // a surrogate
      {"\xE2\x80\xA8 is kept, \xE2\x80\x8B too", "\xE2\x80\xA8 is kept, \xE2\x80\x8B too"},
  };
  for (const Case& c : cases) EXPECT_EQ(TerminalSafe(c.in), c.out) << c.in;
}

TEST(TerminalSafeTest, JsonKeepsItsValueAndLosesTheControls) {
  std::string dump = "{\"title\": \"a\xC2\x9B" "b\xE2\x80\xAE" "c\x7f" "d\xff\", \"n\": 1}\n";
  EXPECT_EQ(TerminalSafeJson(dump), "{\"title\": \"a\\u009bb\\u202ec\\u007fd\\ufffd\", \"n\": 1}\n");
  EXPECT_EQ(TerminalSafeJson("{\"中文\": \"标题\"}"), "{\"中文\": \"标题\"}");
}

}  // namespace
}  // namespace nm

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

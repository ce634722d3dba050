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
  EXPECT_EQ(SplitOn("x\ny\n", '\n', true), (V{"x", "y"}));
  EXPECT_EQ(SplitOn("x\n\ny", '\n', true), (V{"x", "", "y"}));
  EXPECT_EQ(SplitOn("x", '\n', true), (V{"x"}));
  EXPECT_EQ(SplitOn("", '\n', true), V{});
  EXPECT_EQ(SplitOn("\n", '\n', true), (V{""}));
}

}  // namespace
}  // namespace nm

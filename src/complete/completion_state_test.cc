#include "complete/completion_state.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(CompletionState, RoundTripsAsSortedLines) {
  CompletionState s;
  s.pages["www.dw.com/zh/a-2"] = "00aa";
  s.pages["www.dw.com/zh/a-1"] = "11bb";
  s.images["https://img.example/b.jpg"] = "cafe.jpg";
  s.retries[{"https://img.example/c.jpg", "https://www.dw.com/zh/a-1"}] = 3;
  s.page_failures["www.dw.com/zh/a-2"] = 2;
  std::string text = SerializeCompletionState(s);
  EXPECT_NE(text.find("page\twww.dw.com/zh/a-1\t11bb\npage\twww.dw.com/zh/a-2\t00aa\n"), std::string::npos) << text;
  EXPECT_NE(text.find("retry\thttps://img.example/c.jpg\t3\thttps://www.dw.com/zh/a-1\n"), std::string::npos);
  EXPECT_NE(text.find("pagefail\twww.dw.com/zh/a-2\t2\n"), std::string::npos) << text;
  auto back = ParseCompletionState(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);
}

TEST(CompletionState, RejectsUnknownRecords) {
  EXPECT_FALSE(ParseCompletionState("page\tonly-two\n").ok());
  EXPECT_FALSE(ParseCompletionState("retry\tu\tmany\tl\n").ok());
  EXPECT_FALSE(ParseCompletionState("what\ta\tb\n").ok());
  EXPECT_FALSE(ParseCompletionState("pagefail\tk\tmany\n").ok());
  EXPECT_TRUE(ParseCompletionState("# comment\n\n").ok());
}

TEST(CompletionState, AnImageFileThatIsNoFileNameIsAnErrorNamingItsLine) {
  for (const char* file : {"../../../victim.jpg", "a/b.jpg", ".jpg", ""}) {
    auto parsed = ParseCompletionState("page\tk\th\nimage\thttps://img.example/a.jpg\t" + std::string(file) + "\n");
    ASSERT_FALSE(parsed.ok()) << file;
    EXPECT_NE(parsed.status().message().find("line 2: the image file \"" + std::string(file) + "\""),
              std::string::npos)
        << parsed.status().message();
  }
  EXPECT_TRUE(ParseCompletionState("image\thttps://img.example/a.jpg\t0f3a.jpg\n").ok());
}

}  // namespace
}  // namespace nm

// newsmirror extract as an operator (and the benchmark runner) uses it, and
// the extractor's quality on the shared extraction corpus.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

const std::string kFixture = std::string(NEWSMIRROR_SOURCE_DIR) + "/src/extract/testdata/cdt.html";

TEST(ExtractCliTest, PrintsTextOneParagraphPerLine) {
  CliResult r = RunNewsmirror({"extract", "--text", "--url", "https://chinadigitaltimes.net/chinese/700001.html", kFixture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("中国数字时代注：本文作者回忆了家乡小城里一家开了三十年的旧书店。以下是文章节选：\n"
                        "书店在老街的拐角处，",
                        0),
            0u)
      << r.out;
  EXPECT_EQ(r.out.find('<'), std::string::npos);
}

TEST(ExtractCliTest, PrintsCleanHtmlWithResolvedLinks) {
  CliResult r = RunNewsmirror({"extract", "--url", "https://chinadigitaltimes.net/chinese/700001.html", kFixture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<p>中国数字时代注", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("<a href=\"https://example.com/original-post\" rel=\"noopener noreferrer nofollow\">示例公众号</a>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sample-bookstore.jpg"), std::string::npos) << "the lead figure is not part of the body";
}

TEST(ExtractCliTest, SelectorAndErrors) {
  CliResult r = RunNewsmirror({"extract", "--text", "--selector", "#storytext > p:first-child", kFixture});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pseudo-classes"), std::string::npos) << r.err;

  r = RunNewsmirror({"extract", "--text", "--selector", ".entry-title", kFixture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "【网络文摘】示例：一座小城的旧书店\n");

  r = RunNewsmirror({"extract", "--text", "--selector", "div.nothing-here", kFixture});
  EXPECT_EQ(r.exit_code, 3);
  r = RunNewsmirror({"extract", "--text", "/nonexistent/page.html"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/page.html"), std::string::npos) << r.err;
}

// Runs the shared corpus's scorer over `newsmirror extract` (115 pages, a
// few seconds). The floor is the figure reached with general rules, 0.970,
// less a margin for harmless changes of a page or two.
TEST(ExtractionQualityTest, CorpusF1AtLeastFloor) {
  TempDir tmp;
  std::string out = tmp.path() + "/predictions.json";
  int code = -1;
  std::string report = Shell("python3 '" + std::string(NEWSMIRROR_SHARED_DIR) + "/tools/run_extraction.py' --bin '" +
                                 std::string(NEWSMIRROR_BINARY) + "' --out '" + out + "' 2>&1",
                             &code);
  ASSERT_EQ(code, 0) << report;
  size_t at = report.find("extraction F1 ");
  ASSERT_NE(at, std::string::npos) << report;
  double f1 = std::atof(report.c_str() + at + 14);
  EXPECT_GE(f1, 0.965) << report;
  EXPECT_NE(report.find("extractor failures (non-zero exit or timeout): 0"), std::string::npos) << report;
}

}  // namespace
}  // namespace nm

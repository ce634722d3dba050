#include "bundle/bundle.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <filesystem>

#include "bundle/language.h"
#include "support/mirror_builder.h"
#include "support/temp_dir.h"
#include "support/unzip.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

// A 1x1 PNG (valid to its last CRC, as a stored image must be).
const std::string kPng =
    std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9c"
                "c\xf8\xcf\xc0\xd0\0\0\x04\x81\x01\x80,U\xce\xb0\0\0\0\0IEND\xae" "B`\x82",
                70);

// Stores `bytes` as an image of `outlet` and returns the src an article uses for it.
std::string StoreImage(const std::string& root, const std::string& outlet, const std::string& bytes,
                       const std::string& ext) {
  std::string file = GitBlobId(bytes) + "." + ext;
  EXPECT_TRUE(MakeDirs(root + "/assets/" + outlet).ok());
  EXPECT_TRUE(WriteFileAtomic(root + "/assets/" + outlet + "/" + file, bytes, false).ok());
  return "../../assets/" + outlet + "/" + file;
}

bool WellFormedXml(const std::string& text, std::string* why) {
  xmlDocPtr doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "page.xhtml", "utf-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    *why = e && e->message ? e->message : "unknown";
    return false;
  }
  xmlFreeDoc(doc);
  return true;
}

// The bundle's text: the HTML file, or every file of the book.
std::string AllText(const BundleResult& bundle, BundleFormat format) {
  if (format == BundleFormat::kHtml) return bundle.bytes;
  std::string all;
  for (const auto& [name, data] : UnzipBytes(bundle.bytes)) all += data;
  return all;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/mirror";
    std::string img = StoreImage(root_, "VOA", kPng, "png");
    AddToMirror(root_, "VOA",
                {{"v1", "日本首相访美会晤拜登", 1672843145000,
                  "<p>岸田文雄星期三表示。</p><img src=\"" + img + "\" alt=\"存下的图\"><p>第二段。</p>"
                  "<img src=\"https://images.weserv.nl?url=gdb.voanews.com/x.jpg\" alt=\"代理上的图\">"},
                 {"v2", "美国国会通过预算", 1672900000000, "<p>预算在星期四通过。</p>"}});
    AddToMirror(root_, "RFA", {{"r1", "這是國際新聞的標題", 1672850000000, "<p>臺灣的選舉結果。</p>"}});
  }
  BundleRequest Request(BundleFormat format) {
    BundleRequest r;
    r.format = format;
    r.title = "newsmirror 2023-01";
    r.period = "2023-01";
    auto month = MonthPeriod("2023-01", 8 * 60);
    r.from_ms = month->from_ms;
    r.to_ms = month->to_ms;
    return r;
  }
  MirrorView View() {
    auto view = LoadMirror(root_);
    EXPECT_TRUE(view.ok()) << view.status().message();
    return std::move(view).value();
  }
  TempDir dir_;
  std::string root_;
};

TEST(BundlePeriodTest, DaysMonthsAndDurations) {
  auto day = DayPeriod("2023-01-04", 8 * 60);
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->from_ms, 1672761600000);  // 2023-01-04T00:00+08:00 = 2023-01-03T16:00Z
  EXPECT_EQ(day->to_ms - day->from_ms, 86400000);
  auto dec = MonthPeriod("2022-12", 0);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec->to_ms, 1672531200000);  // 2023-01-01T00:00Z
  EXPECT_EQ(DayOf(day->from_ms, 8 * 60), "2023-01-04");
  EXPECT_EQ(DayOf(day->from_ms - 1, 8 * 60), "2023-01-03");
  EXPECT_EQ(MonthOf(dec->to_ms - 1, 0), "2022-12");
  for (const char* bad : {"2023-02-30", "2023-13-01", "2023-1-04", "20230104", ""}) {
    EXPECT_FALSE(DayPeriod(bad, 0).ok()) << bad;
  }
  EXPECT_FALSE(MonthPeriod("2023-00", 0).ok());
  EXPECT_FALSE(MonthPeriod("2023-1", 0).ok());
  EXPECT_EQ(*ParseDuration("36h"), 36 * 3600000LL);
  EXPECT_EQ(*ParseDuration("2w"), 14 * 86400000LL);
  EXPECT_EQ(*ParseDuration("90m"), 90 * 60000LL);
  for (const char* bad : {"", "h", "0d", "-1d", "7", "7 d", "7y", "999999999999w"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(BundleLanguageTest, ScriptsAndChineseForms) {
  EXPECT_EQ(GuessLanguageTag("日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟"), "zh-Hans");
  EXPECT_EQ(GuessLanguageTag("這是國際新聞的標題：臺灣選舉"), "zh-Hant");
  EXPECT_EQ(GuessLanguageTag("岸田首相が訪米、バイデン大統領と会談へ"), "ja");
  EXPECT_EQ(GuessLanguageTag("윤석열 대통령 미국 방문"), "ko");
  EXPECT_EQ(GuessLanguageTag("Budget passes the Senate"), "en");
  EXPECT_EQ(GuessLanguageTag("中文"), "zh");
  EXPECT_EQ(GuessLanguageTag("2023 — 1"), "und");
}

TEST_F(BundleTest, SelectsThePeriodAndRefusesUnknownOutlets) {
  MirrorView view = View();
  BundleRequest r = Request(BundleFormat::kHtml);
  r.to_ms = 1672900000000;  // v2 is just outside
  auto selected = SelectForBundle(view, r);
  ASSERT_TRUE(selected.ok());
  ASSERT_EQ(selected->size(), 2u);
  EXPECT_EQ((*selected)[0].outlet->name, "RFA");
  EXPECT_EQ((*selected)[1].records.size(), 1u);
  std::string before = BundleFingerprint(*selected, r);
  r.to_ms = 1672900000001;
  selected = SelectForBundle(view, r);
  EXPECT_NE(BundleFingerprint(*selected, r), before);
  r.outlets = {"BBC"};
  auto unknown = SelectForBundle(view, r);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no outlet named 'BBC'"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("RFA, VOA"), std::string::npos);
}

TEST_F(BundleTest, HtmlBundleHoldsEverythingItShows) {
  auto bundle = MakeBundle(View(), Request(BundleFormat::kHtml));
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  EXPECT_EQ(bundle->articles, 3);
  EXPECT_EQ(bundle->images, 1);
  const std::string& html = bundle->bytes;
  EXPECT_NE(html.find("default-src 'none'; img-src data:"), std::string::npos);
  EXPECT_NE(html.find("岸田文雄星期三表示。"), std::string::npos);
  EXPECT_NE(html.find("臺灣的選舉結果。"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"data:image/png;base64,iVBORw0KGgo"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"alt\">代理上的图</span>"), std::string::npos);
  EXPECT_EQ(html.find("weserv"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"o1\" lang=\"zh-Hant\">"), std::string::npos) << html.substr(0, 3000);
  EXPECT_NE(html.find("lang=\"zh-Hans\""), std::string::npos);
  EXPECT_NE(html.find("<footer class=\"nm-footer\">"), std::string::npos);
  // The same articles, the same bytes.
  EXPECT_EQ(MakeBundle(View(), Request(BundleFormat::kHtml))->bytes, html);
}

TEST_F(BundleTest, ABundleOverItsBudgetLeavesOutTheOldestAndSaysSo) {
  // 30 articles of about 9 KB each; a budget of 100 KB holds some of them.
  std::vector<TestArticle> many;
  for (int i = 0; i < 30; ++i) {
    std::string text;
    for (int k = 0; k < 100; ++k) text += "第" + std::to_string(i) + "篇的正文。";
    many.push_back({"m" + std::to_string(i), "第" + std::to_string(i) + "篇", 1672800000000 + i * 60000LL,
                    "<p>" + text + "</p>"});
  }
  AddToMirror(root_, "MANY", many);
  for (BundleFormat format : {BundleFormat::kHtml, BundleFormat::kEpub}) {
    BundleRequest r = Request(format);
    r.outlets = {"MANY"};
    r.max_bytes = 100'000;
    auto bundle = MakeBundle(View(), r);
    ASSERT_TRUE(bundle.ok()) << bundle.status().message();
    EXPECT_LE(bundle->bytes.size(), 100'000u);
    EXPECT_GT(bundle->articles, 3);
    EXPECT_LT(bundle->articles, 30);
    EXPECT_EQ(bundle->articles + bundle->articles_left_out, 30);
    std::string all = AllText(*bundle, format);
    EXPECT_NE(all.find("较早的 " + std::to_string(bundle->articles_left_out) + " 篇文章没有收入"), std::string::npos);
    // The newest are in, the oldest out.
    EXPECT_NE(all.find("第29篇的正文。"), std::string::npos);
    EXPECT_EQ(all.find("第0篇的正文。"), std::string::npos);
  }
  // A budget that cannot hold even the table of contents is an error, not a file over it.
  BundleRequest tiny = Request(BundleFormat::kHtml);
  tiny.max_bytes = 2000;
  auto refused = MakeBundle(View(), tiny);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().kind(), Status::Kind::kInvalidArgument);
}

TEST_F(BundleTest, ImagesGiveWayBeforeArticles) {
  // One article with a 60 KB image: under a 50 KB budget the article stays, its image goes.
  std::string big = kPng + std::string(60'000, 'x');
  std::string img = StoreImage(root_, "PIC", big, "png");
  AddToMirror(root_, "PIC", {{"p1", "大图", 1672800000000, "<p>正文在这里。</p><img src=\"" + img + "\" alt=\"大图的说明\">"}});
  for (BundleFormat format : {BundleFormat::kHtml, BundleFormat::kEpub}) {
    BundleRequest r = Request(format);
    r.outlets = {"PIC"};
    r.max_bytes = 50'000;
    auto bundle = MakeBundle(View(), r);
    ASSERT_TRUE(bundle.ok()) << bundle.status().message();
    EXPECT_LE(bundle->bytes.size(), 50'000u);
    EXPECT_EQ(bundle->articles, 1);
    EXPECT_EQ(bundle->images, 0);
    EXPECT_EQ(bundle->images_left_out, 1);
    std::string all = AllText(*bundle, format);
    EXPECT_NE(all.find("正文在这里。"), std::string::npos);
    EXPECT_NE(all.find("大图的说明"), std::string::npos);
    EXPECT_NE(all.find("1 张存在镜像里的图片没有收入"), std::string::npos);
    r.max_bytes = 200'000;
    bundle = MakeBundle(View(), r);
    ASSERT_TRUE(bundle.ok()) << bundle.status().message();
    EXPECT_LE(bundle->bytes.size(), 200'000u);
    EXPECT_EQ(bundle->images, 1);
  }
}

TEST_F(BundleTest, EpubIsAZipWithTheMimetypeFirstAndWellFormedPages) {
  auto bundle = MakeBundle(View(), Request(BundleFormat::kEpub));
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  const std::string& bytes = bundle->bytes;
  // The local header of the first entry: "mimetype", stored, no extra field, then its bytes.
  ASSERT_GT(bytes.size(), 58u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_EQ(bytes[8], 0);  // compression method 0: stored
  EXPECT_EQ(bytes[9], 0);
  EXPECT_EQ(bytes[26], 8);  // name length
  EXPECT_EQ(bytes[28], 0);  // extra field length
  EXPECT_EQ(bytes[29], 0);
  EXPECT_EQ(bytes.substr(30, 28), "mimetypeapplication/epub+zip");
  std::vector<std::string> order;
  auto files = UnzipBytes(bytes, &order);
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order[0], "mimetype");
  ASSERT_TRUE(files.count("META-INF/container.xml"));
  ASSERT_TRUE(files.count("EPUB/package.opf"));
  ASSERT_TRUE(files.count("EPUB/nav.xhtml"));
  ASSERT_TRUE(files.count("EPUB/toc.ncx"));
  int pages = 0, images = 0;
  for (const auto& [name, data] : files) {
    if (name.size() > 6 && name.substr(name.size() - 6) == ".xhtml") {
      ++pages;
      std::string why;
      EXPECT_TRUE(WellFormedXml(data, &why)) << name << ": " << why << "\n" << data;
      EXPECT_EQ(data.find("weserv"), std::string::npos) << name;
    }
    if (name.rfind("EPUB/images/", 0) == 0) {
      ++images;
      EXPECT_EQ(data, kPng);
    }
  }
  EXPECT_EQ(pages, 1 + 2 + 3);  // the navigation, a page per outlet, a page per article
  EXPECT_EQ(images, 1);
  std::string all;
  for (const auto& [name, data] : files) all += data;
  EXPECT_NE(all.find("xml:lang=\"zh-Hant\""), std::string::npos);
  EXPECT_NE(all.find("<span class=\"alt\">代理上的图</span>"), std::string::npos);
  EXPECT_NE(all.find("<img src=\"../images/"), std::string::npos);
  EXPECT_NE(files["EPUB/package.opf"].find("<dc:language>zh-Hant</dc:language>"), std::string::npos);
  EXPECT_NE(files["EPUB/package.opf"].find("<meta property=\"dcterms:modified\">2023-01-05T06:26:40Z</meta>"),
            std::string::npos)
      << files["EPUB/package.opf"];
  EXPECT_EQ(MakeBundle(View(), Request(BundleFormat::kEpub))->bytes, bytes);
}

TEST_F(BundleTest, AnUnreadableArticleIsLeftOutAndNamed) {
  MirrorView view = View();
  const MirrorOutlet* voa = view.Find("VOA");
  ASSERT_NE(voa, nullptr);
  std::string file = root_ + "/articles/VOA/" + voa->records[0].file;
  ASSERT_TRUE(WriteFileAtomic(file, "not an article", false).ok());
  auto bundle = MakeBundle(view, Request(BundleFormat::kHtml));
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  EXPECT_EQ(bundle->articles, 2);
  ASSERT_EQ(bundle->warnings.size(), 1u);
  EXPECT_NE(bundle->warnings[0].find("articles/VOA/" + voa->records[0].file), std::string::npos) << bundle->warnings[0];
}

// No font unless one is configured; a configured one is a file of the book,
// in the manifest with its type and named by the style sheet.
TEST_F(BundleTest, AFontIsInTheBookOnlyWhenConfigured) {
  auto plain = MakeBundle(View(), Request(BundleFormat::kEpub));
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  auto files = UnzipBytes(plain->bytes);
  for (const auto& [name, data] : files) EXPECT_EQ(name.find("fonts/"), std::string::npos) << name;
  EXPECT_EQ(files["EPUB/style.css"].find("@font-face"), std::string::npos);
  EXPECT_EQ(files["EPUB/package.opf"].find("media-type=\"font/"), std::string::npos);

  std::string font_bytes = std::string("wOF2\0\1\0\0", 8) + std::string(3000, '\x7f') + "字";
  BundleRequest request = Request(BundleFormat::kEpub);
  request.font_file = dir_.path() + "/Book.woff2";
  ASSERT_TRUE(WriteFileAtomic(request.font_file, font_bytes, false).ok());
  auto with_font = MakeBundle(View(), request);
  ASSERT_TRUE(with_font.ok()) << with_font.status().message();
  files = UnzipBytes(with_font->bytes);
  EXPECT_EQ(files["EPUB/fonts/font.woff2"], font_bytes);
  EXPECT_NE(files["EPUB/package.opf"].find("href=\"fonts/font.woff2\" media-type=\"font/woff2\""), std::string::npos)
      << files["EPUB/package.opf"];
  EXPECT_NE(files["EPUB/style.css"].find("src:url(fonts/font.woff2)"), std::string::npos) << files["EPUB/style.css"];
  EXPECT_NE(BundleFingerprint(*SelectForBundle(View(), request), request),
            BundleFingerprint(*SelectForBundle(View(), Request(BundleFormat::kEpub)), Request(BundleFormat::kEpub)));

  request.font_file = dir_.path() + "/Book.ttc";
  ASSERT_TRUE(WriteFileAtomic(request.font_file, font_bytes, false).ok());
  auto collection = MakeBundle(View(), request);
  ASSERT_FALSE(collection.ok());
  EXPECT_NE(collection.status().message().find(request.font_file), std::string::npos) << collection.status().message();
  request.font_file = dir_.path() + "/missing.otf";
  auto missing = MakeBundle(View(), request);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(request.font_file), std::string::npos) << missing.status().message();
}

}  // namespace
}  // namespace nm

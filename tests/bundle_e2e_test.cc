// End to end: offline bundles (newsmirror bundle, [bundle] in run) on mirrors
// built by run, checked with epubcheck (Debian's package, scripts/setup.sh).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "bundle/bundle.h"
#include "config/config.h"
#include "dates/date_parser.h"
#include "extract/extractor.h"
#include "pipeline/run.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_builder.h"
#include "support/temp_dir.h"
#include "support/unzip.h"
#include "util/fs.h"
#include "util/text.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kSeedTitle = "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟";
const std::string kTradTitle = "這是國際新聞的標題：臺灣選舉結果";
// A 1x1 PNG (valid to its last CRC: stored images are decoded before they are kept).
const std::string kPng =
    std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9c"
                "c\xf8\xcf\xc0\xd0\0\0\x04\x81\x01\x80,U\xce\xb0\0\0\0\0IEND\xae" "B`\x82",
                70);

// epubcheck's verdict on `file`: "" when it passes without an error or a
// warning, else its report. A machine without epubcheck fails the test.
std::string Epubcheck(const std::string& file) {
  const std::string jar = "/usr/share/java/epubcheck.jar";
  int java = -1;
  Shell("command -v java >/dev/null 2>&1", &java);
  if (!fs::exists(jar) || java != 0) {
    return "epubcheck is missing (" + jar + " and java): scripts/setup.sh installs it (Debian package epubcheck)";
  }
  int code = -1;
  // The client compiler alone, the serial collector and a class-data archive
  // kept in the build folder (made by the first check, renamed into place):
  // a checker that runs for seconds starts far faster so.
  const std::string archive = fs::path(NEWSMIRROR_BINARY).parent_path().string() + "/epubcheck.jsa";
  std::string cds = fs::exists(archive) ? "-XX:SharedArchiveFile='" + archive + "'"
                                        : "-XX:ArchiveClassesAtExit='" + file + ".jsa'";
  std::string out = Shell("java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC " + cds + " -jar " + jar +
                              " --failonwarnings '" + file + "' 2>&1",
                          &code);
  std::error_code ec;
  if (!fs::exists(archive) && fs::exists(file + ".jsa")) fs::rename(file + ".jsa", archive, ec);
  return code == 0 ? "" : "epubcheck exit " + std::to_string(code) + ":\n" + out;
}

std::string Slurp(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : std::string();
}

struct Item {
  std::string guid, title, date, html;
};

std::string Rss(const std::string& title, const std::vector<Item>& items) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>" + title + "</title>";
  for (const Item& i : items) {
    out += "<item><title>" + i.title + "</title><link>https://news.example/" + i.guid + "</link><guid>" + i.guid +
           "</guid><pubDate>" + i.date + "</pubDate><description><![CDATA[" + i.html + "]]></description></item>";
  }
  return out + "</channel></rss>";
}

// Real news pages (the extraction corpus), extracted as a run extracts
// them, dated in January 2023 one minute apart: their XHTML must hold to
// HTML5's content models for epubcheck to pass.
std::vector<TestArticle> CorpusArticles() {
  std::vector<TestArticle> articles;
  int n = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(std::string(NEWSMIRROR_SHARED_DIR) + "/corpora/extraction/html")) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    gzFile gz = gzopen(file.c_str(), "rb");
    EXPECT_NE(gz, nullptr) << file;
    if (!gz) continue;
    std::string html;
    char buf[65536];
    int got;
    while ((got = gzread(gz, buf, sizeof buf)) > 0) html.append(buf, static_cast<size_t>(got));
    gzclose(gz);
    auto a = ExtractArticle(html, {"https://news.example/" + std::to_string(n), ""});
    if (!a.ok()) continue;
    articles.push_back({"c" + std::to_string(n), a->title, 1673000000000 + n * 60000LL, a->body_html});
    ++n;
  }
  return articles;
}

// A mirror built by `run`: the seed article (its images on the image proxy),
// an outlet in Traditional Chinese, and one whose image is stored in the
// mirror beside one left on the proxy (it cannot be fetched).
class BundleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml", dir_.path() + "/seed-feed.xml");
    ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/trad.xml",
                                Rss("自由亞洲", {{"t1", kTradTitle, "Thu, 05 Jan 2023 02:00:00 GMT",
                                                  "<p>選舉在週六舉行，結果已經公佈。</p>"}}))
                    .ok());
    server_.Serve("/pic.png", 200, kPng, {{"Content-Type", "image/png"}});
    server_.Serve("/feed.xml", 200,
                  Rss("图", {{"p1", "本地图片的文章", "Wed, 04 Jan 2023 10:00:00 GMT",
                              "<p>图在下面。</p><img src=\"" + server_.UrlOnHost("localhost", "/pic.png") +
                                  "\" alt=\"存在镜像里的图\"><img src=\"" + server_.UrlOnHost("localhost", "/gone.png") +
                                  "\" alt=\"只在代理上的图\">"}}),
                  {{"Content-Type", "application/rss+xml"}});
    std::string config = "[archive]\nimage_proxy = \"https://images.weserv.nl?url={url_noscheme}\"\n"
                         "[fetch]\nretries = 0\npage_spacing_ms = 0\n"
                         "[[source]]\nname = \"美国之音\"\nurl = \"file:seed-feed.xml\"\n"
                         "[[source]]\nname = \"自由亞洲\"\nurl = \"file:trad.xml\"\n"
                         "[[source]]\nname = \"本地图\"\nurl = \"" + server_.UrlOnHost("localhost", "/feed.xml") +
                         "\"\nimages = \"local\"\n";
    ASSERT_TRUE(WriteFileAtomic(config_, config).ok());
    CliResult r = RunNewsmirror({"run", "-q", "--config", config_, "--out", mirror_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(fs::exists(mirror_ + "/assets/本地图"));
  }
  CliResult Bundle(const std::string& format, const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"bundle", "--archive", mirror_, "--format", format, "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args);
  }

  TempDir dir_;
  TestHttpServer server_;
  std::string config_ = dir_.path() + "/newsmirror.toml";
  std::string mirror_ = dir_.path() + "/mirror";
};

// One book (epubcheck starts a JVM: one run checks everything): the seed,
// CJK titles, a stored and a proxied image, and the real pages of the corpus.
TEST_F(BundleE2eTest, EpubPassesEpubcheckWithStoredAndProxiedImagesAndCjkTitles) {
  std::vector<TestArticle> corpus = CorpusArticles();
  ASSERT_GT(corpus.size(), 80u);
  AddToMirror(mirror_, "语料", corpus);
  auto view = LoadMirror(mirror_);
  ASSERT_TRUE(view.ok()) << view.status().message();
  ASSERT_NE(view->Find("语料"), nullptr);
  size_t corpus_records = view->Find("语料")->records.size();
  ASSERT_GT(corpus_records, 80u);
  std::string book = dir_.path() + "/2023-01.epub";
  CliResult r = Bundle("epub", book, {"--month", "2023-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(": " + std::to_string(3 + corpus_records) + " articles, 1 stored images"), std::string::npos)
      << r.err;
  EXPECT_EQ(Epubcheck(book), "");
  auto files = UnzipBytes(Slurp(book));
  std::string pages;
  int images = 0;
  for (const auto& [name, data] : files) {
    if (name.rfind("EPUB/images/", 0) == 0) {
      ++images;
      EXPECT_EQ(data, kPng) << name;
    } else {
      pages += data;
    }
  }
  EXPECT_EQ(images, 1);
  EXPECT_NE(files["EPUB/nav.xhtml"].find(kSeedTitle), std::string::npos);
  EXPECT_NE(files["EPUB/nav.xhtml"].find(kTradTitle), std::string::npos);
  EXPECT_NE(pages.find("岸田文雄星期三"), std::string::npos);
  EXPECT_NE(pages.find("選舉在週六舉行"), std::string::npos);
  // Images only on the proxy are out, their alt text in.
  EXPECT_EQ(pages.find("weserv"), std::string::npos);
  EXPECT_NE(pages.find("<span class=\"alt\">只在代理上的图</span>"), std::string::npos);
  EXPECT_NE(pages.find("美国海军公布的照片显示"), std::string::npos);  // the seed's second image's alt and caption
  EXPECT_NE(pages.find("xml:lang=\"zh-Hant\""), std::string::npos);
  EXPECT_NE(pages.find("xml:lang=\"zh-Hans\""), std::string::npos);
  EXPECT_NE(pages.find("https://www.voachinese.com/a/japan-s-pm-kishida"), std::string::npos);  // the original link
}

TEST_F(BundleE2eTest, HtmlBundleInlinesStoredImagesAndAsksNoHost) {
  std::string file = dir_.path() + "/day.html";
  CliResult r = Bundle("html", file, {"--day", "2023-01-04", "--source", "美国之音", "--source", "本地图"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = Slurp(file);
  EXPECT_NE(html.find(kSeedTitle), std::string::npos);
  EXPECT_NE(html.find("本地图片的文章"), std::string::npos);
  EXPECT_EQ(html.find(kTradTitle), std::string::npos);  // another outlet (and day)
  EXPECT_NE(html.find("src=\"data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(html.find(" src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<link rel=\"stylesheet\""), std::string::npos);
  EXPECT_NE(html.find("content=\"default-src 'none'; img-src data:;"), std::string::npos);
}

TEST_F(BundleE2eTest, RefusesWhatItCannotDo) {
  std::string out = dir_.path() + "/x.epub";
  CliResult r = RunNewsmirror({"bundle", "--archive", dir_.path() + "/nope", "--format", "epub", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir_.path() + "/nope: no such folder"), std::string::npos) << r.err;
  r = RunNewsmirror({"bundle", "--archive", dir_.path(), "--format", "epub", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a newsmirror mirror"), std::string::npos) << r.err;
  r = Bundle("epub", out, {"--source", "BBC"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no outlet named 'BBC'"), std::string::npos) << r.err;
  r = Bundle("epub", out, {"--month", "2023-13"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--month: '2023-13'"), std::string::npos) << r.err;
  r = Bundle("epub", out, {"--month", "2023-01", "--day", "2023-01-04"});
  EXPECT_EQ(r.exit_code, 1);
  r = Bundle("pdf", out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(out));
  r = Bundle("epub", dir_.path() + "/no/such/folder/x.epub", {"--month", "2023-01"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(dir_.path() + "/no/such/folder/x.epub"), std::string::npos) << r.err;
}

// --since takes the articles of the last DURATION before now (default 24h).
TEST_F(BundleE2eTest, SinceTakesTheArticlesOfTheLastDuration) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  // Archived by run (its dates are the real clock's, as --since reads them).
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/fresh.xml",
                              Rss("新台", {{"fresh", "一小时前的新闻", FormatRfc1123(now - 3'600'000), "<p>刚刚发生。</p>"},
                                           {"older", "三天前的新闻", FormatRfc1123(now - 3 * 86'400'000LL), "<p>三天前。</p>"}}))
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/fresh.toml",
                              "[archive]\nimage_proxy = \"\"\n[[source]]\nname = \"新台\"\nurl = \"file:fresh.xml\"\n")
                  .ok());
  CliResult run = RunNewsmirror({"run", "-q", "--config", dir_.path() + "/fresh.toml", "--out", mirror_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string file = dir_.path() + "/since.html";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--since", "2h"}, std::vector<std::string>{}}) {
    CliResult r = Bundle("html", file, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(": 1 article, 0 stored images"), std::string::npos) << r.err;
    std::string html = Slurp(file);
    EXPECT_NE(html.find("一小时前的新闻"), std::string::npos);
    EXPECT_EQ(html.find("三天前的新闻"), std::string::npos);
    EXPECT_EQ(html.find(kSeedTitle), std::string::npos);
  }
  CliResult r = Bundle("html", file, {"--since", "4d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Slurp(file).find("三天前的新闻"), std::string::npos);
  for (const char* bad : {"3x", "0h", "h", "7"}) {
    r = Bundle("html", file, {"--since", bad});
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find("--since: '" + std::string(bad) + "' is not a duration"), std::string::npos) << r.err;
  }
}

// Every bundle names the mirror's copies ([publish] mirrors): the book (its
// contents page) and the HTML file that `bundle --config` writes, and those
// of the [bundle] schedule, each with a link to every copy.
TEST_F(BundleE2eTest, EveryBundleNamesEveryCopyOfTheMirror) {
  const std::vector<std::pair<std::string, std::string>> copies = {
      {"GitHub", "https://github.com/example/mirror"}, {"Codeberg 镜像", "https://codeberg.org/example/mirror"},
      {"网站", "https://mirror.example/news/"}};
  std::string config = Slurp(config_);
  std::string publish = "[publish]\nmirrors = [\n";
  for (const auto& [name, url] : copies) publish += "  { name = \"" + name + "\", url = \"" + url + "\" },\n";
  publish += "]\n[bundle]\nformats = [\"epub\", \"html\"]\nperiods = [\"monthly\"]\nkeep_months = 1\n";
  ASSERT_TRUE(WriteFileAtomic(config_, publish + config).ok());
  auto expect_copies = [&](const std::string& page, const std::string& where) {
    size_t footer = page.find("<footer class=\"nm-footer\">");
    ASSERT_NE(footer, std::string::npos) << where;
    for (const auto& [name, url] : copies) {
      EXPECT_NE(page.find("<a href=\"" + url + "\">" + name + "</a>", footer), std::string::npos) << where << ": " << name;
    }
  };
  std::string html = dir_.path() + "/copies.html", book = dir_.path() + "/copies.epub";
  CliResult r = Bundle("html", html, {"--month", "2023-01", "--config", config_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_copies(Slurp(html), "bundle --format html");
  r = Bundle("epub", book, {"--month", "2023-01", "--config", config_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_copies(UnzipBytes(Slurp(book))["EPUB/nav.xhtml"], "bundle --format epub");
  // Without the configuration, no copy is named.
  r = Bundle("html", html, {"--month", "2023-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Slurp(html).find("https://codeberg.org/example/mirror"), std::string::npos);

  // The schedule's bundles (the month before the run's, 2023-01, is kept).
  auto loaded = LoadConfig(config_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  RunOptions options;
  options.out_dir = mirror_;
  options.now_ms = 1676000000000;  // 2023-02-10
  RunReport report = RunMirror(*loaded, options);
  ASSERT_TRUE(report.status.ok()) << report.status.message();
  ASSERT_TRUE(report.bundle_errors.empty()) << report.bundle_errors.front();
  expect_copies(Slurp(mirror_ + "/bundles/all/2023-01.html"), "[bundle] html");
  expect_copies(UnzipBytes(Slurp(mirror_ + "/bundles/all/2023-01.epub"))["EPUB/nav.xhtml"], "[bundle] epub");
}

// [bundle] in run, with the clock pinned.
class BundleScheduleTest : public ::testing::Test {
 protected:
  // 2023-03-10 12:00 +08:00.
  static constexpr int64_t kNow = 1678420800000;
  static constexpr int64_t kDay = 86400000;

  void WriteFeed(const std::vector<Item>& items) { ASSERT_TRUE(WriteFileAtomic(feed_, Rss("甲台", items)).ok()); }
  Config Load(const std::string& bundle_table) {
    std::string text = "[archive]\nimage_proxy = \"\"\n" + bundle_table +
                       "[[source]]\nname = \"甲台\"\nurl = \"file:feed.xml\"\n";
    EXPECT_TRUE(WriteFileAtomic(config_path_, text).ok());
    auto config = LoadConfig(config_path_);
    EXPECT_TRUE(config.ok()) << config.status().message();
    return std::move(config).value();
  }
  RunReport Run(const Config& config, int64_t now, bool commit = false, const std::string& folder = "") {
    RunOptions options;
    options.out_dir = mirror_;
    options.now_ms = now;
    options.commit = commit;
    options.bundle_folder = folder;
    RunReport report = RunMirror(config, options);
    EXPECT_TRUE(report.status.ok()) << report.status.message();
    EXPECT_TRUE(report.bundle_errors.empty()) << report.bundle_errors.front();
    return report;
  }
  static std::set<std::string> Bundles(const RunReport& r) {
    std::set<std::string> out;
    for (const std::string& w : r.written) {
      if (w.rfind("bundles/", 0) == 0) out.insert(w);
    }
    return out;
  }
  std::set<std::string> Files(const std::string& dir) {
    std::set<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file()) out.insert(fs::relative(it->path(), dir).string());
    }
    return out;
  }
  static std::string Date(int64_t ms) { return FormatRfc1123(ms); }

  TempDir dir_;
  std::string feed_ = dir_.path() + "/feed.xml";
  std::string config_path_ = dir_.path() + "/newsmirror.toml";
  std::string mirror_ = dir_.path() + "/mirror";
};

TEST_F(BundleScheduleTest, BundlesOfChangedPeriodsAreWrittenAndOldOnesPruned) {
  const char* table = "[bundle]\nformats = [\"html\", \"epub\"]\noutlets = \"both\"\nkeep_days = 3\nkeep_months = 2\n";
  Config config = Load(table);
  // Today (not over: no bundle), yesterday, two days ago, February, January, and December (kept for no period).
  WriteFeed({{"n", "今天的", Date(kNow - 3600000), "<p>今天。</p>"},
             {"d1", "昨天的", Date(kNow - kDay), "<p>昨天。</p>"},
             {"d2", "前天的", Date(kNow - 2 * kDay), "<p>前天。</p>"},
             {"feb", "二月的", Date(kNow - 20 * kDay), "<p>二月。</p>"},
             {"jan", "一月的", Date(kNow - 50 * kDay), "<p>一月。</p>"},
             {"dec", "十二月的", Date(kNow - 85 * kDay), "<p>十二月。</p>"}});
  RunReport first = Run(config, kNow, true);
  std::set<std::string> expected;
  for (std::string scope : {"all", "甲台"}) {
    for (std::string period : {"2023-03-09", "2023-03-08", "2023-02", "2023-01"}) {
      for (std::string ext : {"html", "epub"}) expected.insert("bundles/" + scope + "/" + period + "." + ext);
    }
  }
  std::set<std::string> written = Bundles(first);
  EXPECT_TRUE(written.count("bundles/index.tsv"));
  written.erase("bundles/index.tsv");
  EXPECT_EQ(written, expected);
  std::set<std::string> on_disk;
  for (const std::string& f : Files(mirror_ + "/bundles")) on_disk.insert("bundles/" + f);
  on_disk.erase("bundles/index.tsv");
  EXPECT_EQ(on_disk, expected);
  std::string day = Slurp(mirror_ + "/bundles/all/2023-03-09.html");
  EXPECT_NE(day.find("昨天的"), std::string::npos);
  EXPECT_EQ(day.find("前天的"), std::string::npos);
  EXPECT_EQ(day.find("今天的"), std::string::npos);
  // Committed with the run.
  std::string tracked = Shell("git -C '" + mirror_ + "' ls-files bundles");
  EXPECT_NE(tracked.find("bundles/all/2023-03-09.epub"), std::string::npos) << tracked;
  EXPECT_NE(tracked.find("bundles/index.tsv"), std::string::npos) << tracked;

  // Nothing changed: nothing is written.
  auto before = fs::last_write_time(mirror_ + "/bundles/all/2023-01.html");
  RunReport second = Run(config, kNow);
  EXPECT_TRUE(Bundles(second).empty()) << *Bundles(second).begin();
  EXPECT_EQ(fs::last_write_time(mirror_ + "/bundles/all/2023-01.html"), before);

  // A new article of two days ago: only that day's bundles are written again.
  WriteFeed({{"n", "今天的", Date(kNow - 3600000), "<p>今天。</p>"},
             {"d1", "昨天的", Date(kNow - kDay), "<p>昨天。</p>"},
             {"d2", "前天的", Date(kNow - 2 * kDay), "<p>前天。</p>"},
             {"d2b", "前天的第二篇", Date(kNow - 2 * kDay + 60000), "<p>前天二。</p>"},
             {"feb", "二月的", Date(kNow - 20 * kDay), "<p>二月。</p>"},
             {"jan", "一月的", Date(kNow - 50 * kDay), "<p>一月。</p>"},
             {"dec", "十二月的", Date(kNow - 85 * kDay), "<p>十二月。</p>"}});
  RunReport third = Run(config, kNow);
  EXPECT_EQ(Bundles(third), (std::set<std::string>{"bundles/all/2023-03-08.html", "bundles/all/2023-03-08.epub",
                                                   "bundles/甲台/2023-03-08.html", "bundles/甲台/2023-03-08.epub",
                                                   "bundles/index.tsv"}));
  EXPECT_NE(Slurp(mirror_ + "/bundles/all/2023-03-08.html").find("前天的第二篇"), std::string::npos);

  // Two days on: 03-08 falls out of the three days kept and is removed, today's day is over and written.
  RunReport later = Run(config, kNow + 2 * kDay);
  std::set<std::string> now_on_disk = Files(mirror_ + "/bundles");
  EXPECT_FALSE(now_on_disk.count("all/2023-03-08.html"));
  EXPECT_TRUE(now_on_disk.count("all/2023-03-10.html"));
  EXPECT_TRUE(now_on_disk.count("all/2023-03-09.epub"));
  EXPECT_FALSE(Bundles(later).count("bundles/all/2023-03-09.html"));  // unchanged
  // The bound: (keep_days + keep_months) x formats x scopes, and the index.
  EXPECT_LE(now_on_disk.size(), (3u + 2u) * 2u * 2u + 1u);
  std::string index = Slurp(mirror_ + "/bundles/index.tsv");
  EXPECT_EQ(index.find("2023-03-08"), std::string::npos) << index;
}

TEST_F(BundleScheduleTest, AFolderGetsTheBundlesAndTheMirrorTheIndex) {
  Config config = Load("[bundle]\nformats = [\"html\"]\nperiods = [\"daily\"]\ncurrent = true\nkeep_days = 2\n");
  WriteFeed({{"n", "今天的", Date(kNow - 3600000), "<p>今天。</p>"}});
  std::string folder = dir_.path() + "/release";
  RunReport first = Run(config, kNow, false, folder);
  EXPECT_EQ(Files(folder), (std::set<std::string>{"all/2023-03-10.html"}));
  EXPECT_EQ(Files(mirror_ + "/bundles"), (std::set<std::string>{"index.tsv"}));
  EXPECT_NE(Slurp(folder + "/all/2023-03-10.html").find("今天的"), std::string::npos);
  // A fresh folder (a new CI job) gets nothing the index says is current.
  fs::remove_all(folder);
  Run(config, kNow, false, folder);
  EXPECT_FALSE(fs::exists(folder + "/all/2023-03-10.html"));
  // A new article of today: the day's bundle is written again.
  WriteFeed({{"n", "今天的", Date(kNow - 3600000), "<p>今天。</p>"}, {"m", "今天的第二篇", Date(kNow - 60000), "<p>二。</p>"}});
  Run(config, kNow, false, folder);
  EXPECT_NE(Slurp(folder + "/all/2023-03-10.html").find("今天的第二篇"), std::string::npos);
}

// A bundle that cannot be made (its font is missing) is reported with its
// name and cause; the others are written, and the next run tries it again.
TEST_F(BundleScheduleTest, ABundleThatCannotBeMadeIsReportedAndTriedAgain) {
  Config config = Load("[bundle]\nperiods = [\"daily\"]\nkeep_days = 1\nepub_font = \"book.otf\"\n");
  WriteFeed({{"d1", "昨天的", Date(kNow - kDay), "<p>昨天。</p>"}});
  RunOptions options;
  options.out_dir = mirror_;
  options.now_ms = kNow;
  RunReport first = RunMirror(config, options);
  ASSERT_TRUE(first.status.ok()) << first.status.message();
  ASSERT_EQ(first.bundle_errors.size(), 1u);
  EXPECT_NE(first.bundle_errors[0].find("bundles/all/2023-03-09.epub"), std::string::npos) << first.bundle_errors[0];
  EXPECT_NE(first.bundle_errors[0].find(dir_.path() + "/book.otf"), std::string::npos) << first.bundle_errors[0];
  EXPECT_FALSE(first.AllSucceeded());
  EXPECT_TRUE(fs::exists(mirror_ + "/bundles/all/2023-03-09.html"));
  EXPECT_FALSE(fs::exists(mirror_ + "/bundles/all/2023-03-09.epub"));
  EXPECT_EQ(Slurp(mirror_ + "/bundles/index.tsv").find("2023-03-09.epub"), std::string::npos);

  // The font is there now: a run without news makes the book.
  std::string font = std::string("OTTO\0\x0a\0\x80", 8) + std::string(500, 'f');
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/book.otf", font).ok());
  RunReport second = Run(config, kNow);
  EXPECT_EQ(Bundles(second), (std::set<std::string>{"bundles/all/2023-03-09.epub", "bundles/index.tsv"}));
  EXPECT_TRUE(fs::exists(mirror_ + "/bundles/all/2023-03-09.epub"));
  // And then nothing more.
  EXPECT_TRUE(Bundles(Run(config, kNow)).empty());
}

// The growth budget: the bundles committed on one day add at most
// max_growth_mb to the mirror's history, however often late articles change
// a kept period; a bundle past it is deferred (reported, its older file kept)
// and written on the next day.
TEST_F(BundleScheduleTest, BundlesCommittedInADayStayWithinTheGrowthBudget) {
  Config config = Load("[bundle]\nformats = [\"html\"]\nperiods = [\"daily\"]\nkeep_days = 3\nmax_mb = 0.1\n"
                       "max_growth_mb = 0.1\n");
  std::string text;
  for (int k = 0; k < 3000; ++k) text += "字";
  std::vector<Item> items = {{"a1", "昨天第一篇", Date(kNow - kDay), "<p>" + text + "</p>"},
                             {"a2", "昨天第二篇", Date(kNow - kDay + 60000), "<p>" + text + "</p>"},
                             {"b1", "前天的", Date(kNow - 2 * kDay), "<p>" + text + "</p>"},
                             {"c1", "大前天的", Date(kNow - 3 * kDay), "<p>" + text + "</p>"}};
  WriteFeed(items);
  // The bytes of every version of a bundle the history holds.
  auto history_bytes = [&] {
    std::string sizes = Shell("git -C '" + mirror_ + "' log --format= --raw --no-abbrev -- bundles/all | "
                              "awk '$4 !~ /^0+$/ {print $4}' | sort -u | git -C '" + mirror_ +
                              "' cat-file --batch-check='%(objectsize)'");
    int64_t total = 0;
    for (std::string_view line : SplitOn(sizes, '\n', true)) total += std::atoll(std::string(line).c_str());
    return total;
  };
  RunReport first = Run(config, kNow, true);
  EXPECT_EQ(Bundles(first).size(), 4u);  // three days and the index
  EXPECT_TRUE(first.bundles_deferred.empty());
  // Late articles of yesterday, run after run the same day.
  std::vector<RunReport> later;
  for (int n = 3; n <= 6; ++n) {
    items.push_back({"a" + std::to_string(n), "昨天第" + std::to_string(n) + "篇", Date(kNow - kDay + n * 60000),
                     "<p>" + text + "</p>"});
    WriteFeed(items);
    later.push_back(Run(config, kNow + n * 60000, true));
  }
  EXPECT_TRUE(Bundles(later[0]).count("bundles/all/2023-03-09.html"));  // within the budget: written
  ASSERT_EQ(later.back().bundles_deferred.size(), 1u);
  EXPECT_NE(later.back().bundles_deferred[0].find("bundles/all/2023-03-09.html"), std::string::npos)
      << later.back().bundles_deferred[0];
  EXPECT_NE(later.back().bundles_deferred[0].find("100000 bytes"), std::string::npos) << later.back().bundles_deferred[0];
  EXPECT_FALSE(Bundles(later.back()).count("bundles/all/2023-03-09.html"));
  int64_t spent = history_bytes();
  EXPECT_GT(spent, 60'000);
  EXPECT_LE(spent, 100'000);
  // The older file stays, and a run without news that day writes nothing more.
  std::string kept = Slurp(mirror_ + "/bundles/all/2023-03-09.html");
  EXPECT_NE(kept.find("昨天第一篇"), std::string::npos);
  EXPECT_EQ(kept.find("昨天第6篇"), std::string::npos);
  RunReport again = Run(config, kNow + 3600000, true);
  EXPECT_FALSE(Bundles(again).count("bundles/all/2023-03-09.html"));
  EXPECT_EQ(history_bytes(), spent);

  // The next day has room: the deferred bundle is written, whole.
  RunReport next_day = Run(config, kNow + kDay, true);
  EXPECT_TRUE(next_day.bundles_deferred.empty()) << next_day.bundles_deferred.front();
  EXPECT_TRUE(Bundles(next_day).count("bundles/all/2023-03-09.html"));
  EXPECT_NE(Slurp(mirror_ + "/bundles/all/2023-03-09.html").find("昨天第6篇"), std::string::npos);
  EXPECT_NE(Slurp(mirror_ + "/bundles/index.tsv").find("#written\t2023-03-11\t"), std::string::npos);
  // And then nothing more.
  EXPECT_TRUE(Bundles(Run(config, kNow + kDay + 3600000, true)).empty());
}

// bundles/index.tsv comes from a repository others commit to: a day's tally
// that is negative, past any int64 or not a number must not open the budget
// (nor overflow when a bundle's bytes are added): the day counts as spent, the
// late bundle is deferred, and the next day writes it.
TEST_F(BundleScheduleTest, ADamagedTallyOfTheDayCountsAsSpent) {
  Config config = Load("[bundle]\nformats = [\"html\"]\nperiods = [\"daily\"]\nkeep_days = 2\nmax_mb = 0.1\n"
                       "max_growth_mb = 0.1\n");
  std::vector<Item> items = {{"a1", "昨天第一篇", Date(kNow - kDay), "<p>昨天。</p>"}};
  WriteFeed(items);
  ASSERT_TRUE(Bundles(Run(config, kNow)).count("bundles/all/2023-03-09.html"));
  int n = 2;
  for (const std::string tally : {"-99999999999999", "99999999999999999999999", "9223372036854775807", "lots"}) {
    SCOPED_TRACE(tally);
    std::string index = Slurp(mirror_ + "/bundles/index.tsv");
    size_t at = index.find("#written\t");
    ASSERT_NE(at, std::string::npos) << index;
    index.replace(at, index.find('\n', at) - at, "#written\t2023-03-10\t" + tally);
    ASSERT_TRUE(WriteFileAtomic(mirror_ + "/bundles/index.tsv", index).ok());
    items.push_back({"a" + std::to_string(n), "昨天第" + std::to_string(n) + "篇", Date(kNow - kDay + n * 60000),
                     "<p>昨天。</p>"});
    ++n;
    WriteFeed(items);
    RunReport late = Run(config, kNow + n * 60000);
    EXPECT_FALSE(Bundles(late).count("bundles/all/2023-03-09.html"));
    ASSERT_EQ(late.bundles_deferred.size(), 1u);
    EXPECT_NE(late.bundles_deferred[0].find("bundles/all/2023-03-09.html"), std::string::npos) << late.bundles_deferred[0];
    EXPECT_EQ(Slurp(mirror_ + "/bundles/all/2023-03-09.html").find("昨天第" + std::to_string(n - 1) + "篇"),
              std::string::npos);
  }
  // The next day has room again: the deferred bundle is written with every article.
  RunReport next_day = Run(config, kNow + kDay);
  EXPECT_TRUE(next_day.bundles_deferred.empty());
  EXPECT_TRUE(Bundles(next_day).count("bundles/all/2023-03-09.html"));
  EXPECT_NE(Slurp(mirror_ + "/bundles/all/2023-03-09.html").find("昨天第" + std::to_string(n - 1) + "篇"),
            std::string::npos);
}

// Bundles are written only as the mirror's own files (layout.h) and never
// through a link, in the mirror or in [bundle] folder.
TEST_F(BundleScheduleTest, NoBundleIsWrittenThroughALink) {
  Config config = Load("[bundle]\nformats = [\"html\"]\nperiods = [\"daily\"]\nkeep_days = 1\n");
  WriteFeed({{"d1", "昨天的", Date(kNow - kDay), "<p>昨天。</p>"}});
  std::string outside = dir_.path() + "/outside";
  ASSERT_TRUE(MakeDirs(outside).ok());
  ASSERT_TRUE(MakeDirs(mirror_ + "/bundles").ok());
  fs::create_directory_symlink(outside, mirror_ + "/bundles/all");
  RunOptions options;
  options.out_dir = mirror_;
  options.now_ms = kNow;
  RunReport report = RunMirror(config, options);
  EXPECT_FALSE(report.status.ok());
  EXPECT_NE(report.status.message().find("bundles/all is a symbolic link"), std::string::npos) << report.status.message();
  EXPECT_TRUE(fs::is_empty(outside));

  // In a folder: that bundle is reported, nothing lands behind the link.
  fs::remove(mirror_ + "/bundles/all");
  std::string folder = dir_.path() + "/release";
  ASSERT_TRUE(MakeDirs(folder).ok());
  fs::create_directory_symlink(outside, folder + "/all");
  options.bundle_folder = folder;
  report = RunMirror(config, options);
  ASSERT_TRUE(report.status.ok()) << report.status.message();
  ASSERT_EQ(report.bundle_errors.size(), 1u);
  EXPECT_NE(report.bundle_errors[0].find("symbolic link"), std::string::npos) << report.bundle_errors[0];
  EXPECT_TRUE(fs::is_empty(outside));
}

TEST(BundleConfigTest, BadBundleSettingsAreRefusedWithTheLine) {
  for (const char* bad : {"formats = [\"pdf\"]", "periods = \"daily\"", "outlets = \"some\"", "keep_days = 0",
                          "max_mb = 0", "max_growth_mb = 0", "max_growth_mb = 5", "colour = \"red\""}) {
    auto config = ParseConfig(std::string("[bundle]\n") + bad + "\n", "t.toml");
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find("t.toml:2"), std::string::npos) << config.status().message();
  }
  auto config = ParseConfig("[bundle]\nformats = [\"epub\"]\nmax_mb = 9.5\noutlets = \"each\"\n", "t.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->bundle.enabled);
  EXPECT_EQ(config->bundle.max_bytes, 9'500'000);
  EXPECT_FALSE(config->bundle.all_outlets);
  EXPECT_TRUE(config->bundle.each_outlet);
  EXPECT_EQ(config->bundle.max_growth_bytes, 0);
  config = ParseConfig("[bundle]\nmax_mb = 9.5\nmax_growth_mb = 30\n", "t.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->bundle.max_growth_bytes, 30'000'000);
  EXPECT_FALSE(ParseConfig("", "t.toml")->bundle.enabled);
}

}  // namespace
}  // namespace nm

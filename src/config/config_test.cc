#include "config/config.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {

TEST(ConfigTest, ReadsEverySection) {
  auto cfg = ParseConfig(R"(
[archive]
list_size = 50
list_utc_offset = "-05:30"
image_proxy = ""
[fetch]
jobs = 3
timeout = 10
retries = 0
max_size_mb = 2
proxy = "socks5h://127.0.0.1:1080"
[publish]
remotes = ["origin", "backup"]
[[source]]
name = "美国之音"
url = "https://www.voachinese.com/api/zm_yql-vomx-tpeybti"
[[source]]
name = "RFI"
url = "https://www.rfi.fr/cn/rss"
date_zone = "+01:00"
enabled = false
)", "test.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->archive.list_size, 50);
  EXPECT_EQ(cfg->archive.list_utc_offset_minutes, -330);
  EXPECT_EQ(cfg->archive.image_proxy, "");
  EXPECT_EQ(cfg->fetch.jobs, 3);
  EXPECT_EQ(cfg->fetch.timeout_ms, 10000);
  EXPECT_EQ(cfg->fetch.retries, 0);
  EXPECT_EQ(cfg->fetch.max_bytes, 2 * 1024 * 1024);
  EXPECT_EQ(cfg->fetch.proxy, "socks5h://127.0.0.1:1080");
  EXPECT_EQ(cfg->publish.remotes, (std::vector<std::string>{"origin", "backup"}));
  ASSERT_EQ(cfg->sources.size(), 2u);
  EXPECT_EQ(cfg->sources[0].name, "美国之音");
  EXPECT_TRUE(cfg->sources[0].enabled);
  EXPECT_EQ(cfg->sources[1].date_zone_minutes, 60);
  EXPECT_FALSE(cfg->sources[1].enabled);
}

TEST(ConfigTest, DefaultsWhenSectionsAreMissing) {
  auto cfg = ParseConfig("[[source]]\nname = \"a\"\nurl = \"https://a.example/feed\"\n", "t.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->archive.list_size, 300);
  EXPECT_EQ(cfg->archive.list_utc_offset_minutes, 480);
  EXPECT_EQ(cfg->archive.image_proxy, "https://images.weserv.nl?url={url_noscheme}");
  EXPECT_EQ(cfg->publish.remotes, std::vector<std::string>{"origin"});
}

struct BadCase {
  const char* text;
  const char* expect;  // must appear in the message
};

TEST(ConfigTest, ErrorsNameTheKeyAndLine) {
  const BadCase cases[] = {
      {"[archive]\nlst_size = 3\n", "t.toml:2: unknown key 'lst_size' in [archive]"},
      {"[archive]\nlist_size = \"many\"\n", "t.toml:2: 'list_size' in [archive] must be a whole number"},
      {"[archive]\nlist_size = 0\n", "between 1 and 100000"},
      {"[archive]\nlist_utc_offset = \"8\"\n", "t.toml:2: list_utc_offset"},
      {"[archive]\nimage_proxy = \"https://p.example/\"\n", "must contain {url}"},
      {"[fetch]\njobs = 1000\n", "'jobs' in [fetch] must be between 1 and 64"},
      {"[publish]\nremotes = \"origin\"\n", "must be a list"},
      {"colour = 1\n", "t.toml:1: unknown key 'colour'"},
      {"[[source]]\nname = \"a\"\nurl = \"ftp://x\"\n", "needs a url"},
      {"[[source]]\nname = \"a/b\"\nurl = \"https://x\"\n", "cannot be a folder name"},
      {"[[source]]\nname = \"All\"\nurl = \"https://x\"\n", "\"all\" is kept for feeds/all.xml"},
      {"[[source]]\nname = \"CON\"\nurl = \"https://x\"\n", "\"CON\" is a device name on Windows"},
      {"[[source]]\nname = \"\xE3\x80\x80\"\nurl = \"https://x\"\n", "it has no visible character"},
      {"[[source]]\nname = \"x\"\nurl = \"https://x\"\n[[source]]\nname = \"x.complete.txt\"\nurl = \"https://y\"\n",
       "t.toml:5: source name 'x.complete.txt' cannot be an outlet beside 'x': state/x.complete.txt"},
      {"[[source]]\nname = \"news.example.md\"\nurl = \"https://x\"\n[[source]]\nname = \"News.Example\"\nurl = \"https://y\"\n",
       "t.toml:5: source name 'News.Example' cannot be an outlet beside 'news.example.md': lists/News.Example.md"},
      {"[[source]]\nname = \"a\"\nurl = \"https://x\"\n[[source]]\nname = \"a\"\nurl = \"https://y\"\n",
       "t.toml:5: two sources are named 'a'"},
      {"[[source]]\nurl = \"https://x\"\n", "has no name"},
      {"[[source]]\nname = \"a\"\nurl = \"https://x\"\nzone = \"+08:00\"\n", "t.toml:4: unknown key 'zone' in [[source]]"},
      {"[archive\n", "t.toml:1:"},
  };
  for (const BadCase& c : cases) {
    auto cfg = ParseConfig(c.text, "t.toml");
    ASSERT_FALSE(cfg.ok()) << c.text;
    EXPECT_EQ(cfg.status().kind(), Status::Kind::kInvalidArgument);
    EXPECT_NE(cfg.status().message().find(c.expect), std::string::npos)
        << "message: " << cfg.status().message() << "\nexpected: " << c.expect;
  }
}

TEST(ConfigTest, RolloverNamesItsRepositoriesAndRefusesABudgetOfZero) {
  const std::string base = "[rollover]\nname = \"news\"\nweb = \"https://github.com/o/{name}-{year}/blob/main\"\n";
  auto cfg = ParseConfig(base + "remote = \"git@github.com:o/{name}-{year}.git\"\nmax_repository_bytes = \"2.5 GB\"\n", "t.toml");
  ASSERT_FALSE(cfg.ok());  // whole numbers only
  cfg = ParseConfig(base + "remote = \"git@github.com:o/{name}-{year}.git\"\nmax_repository_bytes = \"500 MB\"\n"
                           "max_files_per_folder = 10000\n", "t.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_TRUE(cfg->rollover.configured);
  EXPECT_EQ(cfg->rollover.max_repository_bytes, 500'000'000);
  EXPECT_EQ(cfg->rollover.max_files_per_folder, 10000);
  EXPECT_EQ(cfg->rollover.RepositoryName(2023), "news-2023");
  EXPECT_EQ(cfg->rollover.RemoteOf(2023), "git@github.com:o/news-2023.git");
  EXPECT_EQ(cfg->rollover.WebOf(2023), "https://github.com/o/news-2023/blob/main/");
  EXPECT_EQ(ArchiveWebRoot(cfg->archive.archive_web, 2021), "https://github.com/o/news-2021/blob/main/");
  auto defaults = ParseConfig(base, "t.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->rollover.max_repository_bytes, 1'000'000'000);
  EXPECT_EQ(defaults->rollover.max_files_per_folder, 1000);
  EXPECT_FALSE(ParseConfig("", "t.toml")->rollover.configured);
  const BadCase cases[] = {
      {"[rollover]\nweb = \"https://x/{year}/\"\n", "needs a 'name'"},
      {"[rollover]\nname = \"news\"\n", "needs 'web'"},
      {"[rollover]\nname = \"news\"\nweb = \"https://x/news/\"\n", "web in [rollover] must contain {year}"},
      {"[rollover]\nname = \"a/b\"\nweb = \"https://x/{year}/\"\n", "t.toml:2: name in [rollover]"},
      {"[rollover]\nname = \"n\"\nweb = \"https://x/{year}/\"\nmax_files_per_folder = 0\n",
       "t.toml:4: 'max_files_per_folder' in [rollover] must be between 1"},
      {"[rollover]\nname = \"n\"\nweb = \"https://x/{year}/\"\nmax_repository_bytes = \"0 GB\"\n",
       "t.toml:4: max_repository_bytes in [rollover] must be at least 1 byte"},
      {"[rollover]\nname = \"n\"\nweb = \"https://x/{year}/\"\nmax_repository_bytes = \"lots\"\n",
       "t.toml:4: max_repository_bytes in [rollover]: 'lots' is not a size"},
      {"[rollover]\nname = \"n\"\nweb = \"https://x/{year}/\"\nremote = \"git@h:o/n.git\"\n", "remote in [rollover] must contain {year}"},
  };
  for (const BadCase& c : cases) {
    auto bad = ParseConfig(c.text, "t.toml");
    ASSERT_FALSE(bad.ok()) << c.text;
    EXPECT_NE(bad.status().message().find(c.expect), std::string::npos)
        << "message: " << bad.status().message() << "\nexpected: " << c.expect;
  }
}

TEST(ConfigTest, SourceNamesAreKeptInNfcSoThatTwoSpellingsAreOneOutlet) {
  auto cfg = ParseConfig("[[source]]\nname = \"Caf" "e\xCC\x81\"\nurl = \"https://x\"\n", "t.toml");  // NFD
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->sources[0].name, "Caf\xC3\xA9");
  auto both = ParseConfig("[[source]]\nname = \"Caf\xC3\xA9\"\nurl = \"https://x\"\n"
                          "[[source]]\nname = \"Caf" "e\xCC\x81\"\nurl = \"https://y\"\n",
                          "t.toml");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("t.toml:5: two sources are named 'Caf\xC3\xA9'"), std::string::npos)
      << both.status().message();
}

TEST(ConfigTest, RelativeFileUrlsAreReadBesideTheConfiguration) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() + "/c.toml", "[[source]]\nname = \"x\"\nurl = \"file:feeds/a.xml\"\n").ok());
  auto cfg = LoadConfig(dir.path() + "/c.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->sources[0].url, "file://" + dir.path() + "/feeds/a.xml");
}

TEST(ConfigTest, ShippedConfigurationsLoad) {
  for (const char* rel : {"/config/newsmirror.toml", "/examples/offline.toml"}) {
    auto cfg = LoadConfig(std::string(NEWSMIRROR_SOURCE_DIR) + rel);
    ASSERT_TRUE(cfg.ok()) << rel << ": " << cfg.status().message();
    EXPECT_FALSE(cfg->sources.empty());
  }
  auto shipped = LoadConfig(std::string(NEWSMIRROR_SOURCE_DIR) + "/config/newsmirror.toml");
  ASSERT_EQ(shipped->sources.size(), 7u);
  EXPECT_EQ(shipped->sources[0].name, "美国之音");
  EXPECT_EQ(shipped->sources[6].name, "中国数字时代");
}

TEST(ConfigTest, ReadsFullTextImagesAndRewriteRules) {
  auto cfg = ParseConfig(R"([archive]
images = "local"
image_max_mb = 2
image_max_width = 960
image_budget_kb = 90
image_format = "jpeg"
keep_original_images = true
[fetch]
page_spacing_ms = 250
[[source]]
name = "DW"
url = "https://rss.dw.com/rdf/rss-chi-all"
full_text = "page"
selector = "div.longText"
images = "both"
rewrite = [{ match = "https://api.dw.com/api/detail/article/{id}", replace = "https://www.dw.com/zh/a-{id}" }]
[[source]]
name = "RFI"
url = "https://www.rfi.fr/cn/rss"
full_text = "auto"
[[source.rewrite]]
match = "http://www.rfi.fr/"
replace = "https://www.rfi.fr/"
)", "test.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->complete.images, ImageMode::kLocal);
  EXPECT_EQ(cfg->complete.image_max_bytes, 2 << 20);
  EXPECT_EQ(cfg->complete.image_fit.max_width, 960);
  EXPECT_EQ(cfg->complete.image_fit.budget_bytes, 90 << 10);
  EXPECT_EQ(cfg->complete.image_fit.format, ImageFormat::kJpeg);
  EXPECT_TRUE(cfg->complete.image_fit.keep_original);
  EXPECT_EQ(cfg->complete.page_spacing_ms, 250);
  const SourceConfig& dw = cfg->sources[0];
  EXPECT_EQ(dw.full_text, FullTextMode::kPage);
  EXPECT_EQ(dw.selector, "div.longText");
  EXPECT_EQ(dw.images, ImageMode::kBoth);
  ASSERT_EQ(dw.rewrite.size(), 1u);
  EXPECT_EQ(dw.rewrite[0].replace, "https://www.dw.com/zh/a-{id}");
  const SourceConfig& rfi = cfg->sources[1];
  EXPECT_EQ(rfi.full_text, FullTextMode::kAuto);
  EXPECT_FALSE(rfi.images.has_value());
  ASSERT_EQ(rfi.rewrite.size(), 1u);
  EXPECT_EQ(rfi.rewrite[0].match, "http://www.rfi.fr/");

  auto defaults = ParseConfig("[[source]]\nname = \"a\"\nurl = \"https://a.example/\"\n", "d.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->sources[0].full_text, FullTextMode::kFeed);
  EXPECT_EQ(defaults->complete.images, ImageMode::kProxy);
  EXPECT_EQ(defaults->complete.image_fit.max_width, 1280);
  EXPECT_EQ(defaults->complete.image_fit.budget_bytes, 150 << 10);
  EXPECT_EQ(defaults->complete.image_fit.format, ImageFormat::kWebp);
  EXPECT_FALSE(defaults->complete.image_fit.keep_original);
}

TEST(ConfigTest, BadFullTextImagesAndRulesAreErrors) {
  const std::string src = "[[source]]\nname = \"a\"\nurl = \"https://a.example/\"\n";
  struct Case {
    std::string text, expected;
  } cases[] = {
      {src + "full_text = \"summary\"\n", "test.toml:4: full_text: 'summary' is not one of"},
      {src + "images = \"cdn\"\n", "test.toml:4: images in [[source]]: 'cdn' is not one of"},
      {"[archive]\nimages = 3\n", "test.toml:2: 'images' in [archive] must be a string"},
      {src + "rewrite = \"x\"\n", "'rewrite' in [[source]] must be a list"},
      {src + "rewrite = [{ match = \"https://a/{x}\" }]\n", "needs both 'match' and 'replace'"},
      {src + "rewrite = [{ match = \"https://a/{x}\", replace = \"https://b/{y}\" }]\n",
       "rewrite rule 'https://a/{x}': 'replace' uses {y}"},
      {src + "rewrite = [{ match = \"https://a/\", replace = \"https://b/\", flags = \"i\" }]\n",
       "unknown key 'flags' in a rewrite rule"},
      {"[archive]\nimage_max_mb = 0\n", "'image_max_mb' in [archive] must be between 1 and 1024"},
      {"[fetch]\npage_spacing_ms = -1\n", "'page_spacing_ms' in [fetch] must be between"},
      {"[archive]\nimage_max_width = 10\n", "'image_max_width' in [archive] must be between 64 and 8192"},
      {"[archive]\nimage_budget_kb = 0\n", "'image_budget_kb' in [archive] must be between 8 and"},
      {"[archive]\nimage_format = \"avif\"\n", "test.toml:2: image_format in [archive]: 'avif' is not one of"},
      {"[archive]\nkeep_original_images = \"yes\"\n", "'keep_original_images' in [archive] must be true or false"},
  };
  for (const Case& c : cases) {
    auto cfg = ParseConfig(c.text, "test.toml");
    ASSERT_FALSE(cfg.ok()) << c.text;
    EXPECT_NE(cfg.status().message().find(c.expected), std::string::npos)
        << c.text << "\n→ " << cfg.status().message();
  }
}

TEST(ConfigTest, MissingFileNamesThePath) {
  auto cfg = LoadConfig("/nonexistent/newsmirror.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("/nonexistent/newsmirror.toml"), std::string::npos);
}

TEST(ConfigTest, ReadsTheReadersSettings) {
  auto cfg = ParseConfig("[publish]\nraw_base_url = \"https://raw.example/u/m/main/\"\n"
                         "[site]\nbase_url = \"https://u.example/m/\"\njekyll_posts = true\n", "t.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->publish.raw_base_url, "https://raw.example/u/m/main/");
  EXPECT_EQ(cfg->site.base_url, "https://u.example/m/");
  EXPECT_TRUE(cfg->site.jekyll_posts);
  auto bad = ParseConfig("[publish]\nraw_base_url = \"raw.example/x\"\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("t.toml:2"), std::string::npos) << bad.status().message();
  auto typo = ParseConfig("[site]\njekyll = true\n", "t.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("unknown key 'jekyll' in [site]"), std::string::npos);
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST(ConfigTest, InvalidSelectorsAreErrorsWithFileLineKeyAndWhy) {
  for (std::string bad : {"div[[[[", "div:not(.x)", "a + b", ".", "div >", "[x=\\\"y]"}) {
    auto cfg = ParseConfig("[[source]]\nname = \"DW\"\nurl = \"https://rss.dw.com/x\"\n\nselector = \"" + bad + "\"\n",
                           "dw.toml");
    ASSERT_FALSE(cfg.ok()) << bad;
    const std::string& m = cfg.status().message();
    EXPECT_EQ(cfg.status().kind(), Status::Kind::kInvalidArgument) << m;
    EXPECT_EQ(m.rfind("dw.toml:5: ", 0), 0u) << m;
    EXPECT_NE(m.find("selector"), std::string::npos) << m;
    EXPECT_GT(m.size(), std::string("dw.toml:5: selector '").size() + bad.size() + 20) << "says why: " << m;
  }
  for (std::string good : {"div.longText", "article#main > p, .story-body", "div[data-role=body]", ""}) {
    auto cfg = ParseConfig("[[source]]\nname = \"DW\"\nurl = \"https://rss.dw.com/x\"\nselector = \"" + good + "\"\n",
                           "dw.toml");
    EXPECT_TRUE(cfg.ok()) << good << ": " << cfg.status().message();
  }
}

TEST(ConfigTest, ReadsMailAndRefusesWhatWouldLeakOrMisroute) {
  const std::string source = "[[source]]\nname = \"a\"\nurl = \"https://a.example/\"\n";
  auto cfg = ParseConfig("[mail]\nserver = \"smtp://mail.example:587\"\nfrom = \"镜像 <d@mirror.example>\"\n"
                         "to = [\"r@example.org\", \"Bob <b@example.org>\"]\nschedule = \"each-run\"\nmax_kb = 64\n"
                         "attach = \"bundles/{yesterday}.epub\"\n" + source,
                         "m.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_TRUE(cfg->mail.enabled);
  EXPECT_EQ(cfg->mail.server, "smtp://mail.example:587");
  EXPECT_EQ(cfg->mail.from.name, "镜像");
  EXPECT_EQ(cfg->mail.from.address, "d@mirror.example");
  ASSERT_EQ(cfg->mail.to.size(), 2u);
  EXPECT_EQ(cfg->mail.to[1].address, "b@example.org");
  EXPECT_EQ(cfg->mail.schedule, MailConfig::Schedule::kEachRun);
  EXPECT_EQ(cfg->mail.max_bytes, 64 * 1024);
  EXPECT_FALSE(ParseConfig(source, "m.toml")->mail.enabled) << "no [mail], no mail";

  struct Case {
    std::string mail, why;
  } cases[] = {
      {"server = \"smtp://u:p@mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\n", "NEWSMIRROR_SMTP_USER"},
      {"server = \"http://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\n", "smtps://"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\n", "needs 'to'"},
      {"server = \"smtps://mail.example\"\nto = [\"r@e.org\"]\n", "needs a server and a from address"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\\r\\nBcc: x@e.org\"]\n", "m.toml:4"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\nschedule = \"hourly\"\n", "schedule"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto_file = \"../x\"\n", "to_file"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto_file = \".git/config\"\n", "to_file"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\nattach = \".newsmirror/{today}\"\n",
       "attach"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\nattach = \"{home}/x\"\n", "attach"},
      {"server = \"smtps://mail.example\"\nfrom = \"d@m.example\"\nto = [\"r@e.org\"]\npassword = \"x\"\n", "password"},
  };
  for (const Case& c : cases) {
    auto bad = ParseConfig("[mail]\n" + c.mail + source, "m.toml");
    ASSERT_FALSE(bad.ok()) << c.mail;
    EXPECT_NE(bad.status().message().find("m.toml:"), std::string::npos) << bad.status().message();
    EXPECT_NE(bad.status().message().find(c.why), std::string::npos) << c.mail << " → " << bad.status().message();
  }
}

}  // namespace
}  // namespace nm

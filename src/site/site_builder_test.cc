#include "site/site_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "site/pages.h"
#include "support/mirror_builder.h"
#include "support/temp_dir.h"
#include "url/url.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kJan = 1672531200000;  // 2023-01-01 UTC
constexpr int64_t kHour = 3600000;

// Archived content carrying the usual XSS vectors.
const char kHostile[] =
    "<p>正文开始</p><script>alert('s')</script><img src=\"https://img.example/a.jpg\" onerror=\"alert('e')\">"
    "<a href=\"javascript:alert('j')\">链接</a><a href=\" JaVaScRiPt:alert('j2')\">二</a>"
    "<svg onload=\"alert('svg')\"><script>alert('svg2')</script></svg>"
    "<p style=\"background:url(javascript:alert('css'));width:expression(alert('x'))\">样式</p>"
    "<iframe src=\"https://evil.example/\"></iframe><object data=\"x.swf\"></object>"
    "<form action=\"https://evil.example/\"><input name=\"q\"></form><math><mi>x</mi></math>"
    "<div onclick=\"alert('c')\">点击</div><a href=\"data:text/html,<script>alert(1)</script>\">数据</a>"
    "<style>body{background:url(javascript:alert('style'))}</style><base href=\"https://evil.example/\">"
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><p>正文结束</p>";

std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> HtmlFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() == ".html") out.push_back(e.path().string());
  }
  return out;
}

// Everything that would run script or load from elsewhere on a page.
void ExpectNoScriptVectors(const std::string& page, const std::string& where) {
  std::string lower = page;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string scripts = std::regex_replace(lower, std::regex("<script src=\"assets/search.js\" defer></script>"), "");
  EXPECT_EQ(scripts.find("<script"), std::string::npos) << where;
  EXPECT_EQ(lower.find("javascript:"), std::string::npos) << where;
  EXPECT_EQ(lower.find("alert("), std::string::npos) << where;
  EXPECT_EQ(lower.find("<svg"), std::string::npos) << where;
  EXPECT_EQ(lower.find("<math"), std::string::npos) << where;
  EXPECT_EQ(lower.find("<iframe"), std::string::npos) << where;
  EXPECT_EQ(lower.find("<object"), std::string::npos) << where;
  EXPECT_EQ(lower.find("<form action=\"https"), std::string::npos) << where;
  EXPECT_EQ(lower.find("<base"), std::string::npos) << where;
  EXPECT_EQ(lower.find("expression("), std::string::npos) << where;
  EXPECT_EQ(lower.find(" style="), std::string::npos) << where;
  EXPECT_EQ(lower.find("data:text"), std::string::npos) << where;
  EXPECT_FALSE(std::regex_search(lower, std::regex("<[^>]*\\son[a-z]+\\s*="))) << where;
}

class SiteBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<TestArticle> many;
    for (int i = 0; i < 120; ++i) {
      many.push_back({"n" + std::to_string(i), "新闻 " + std::to_string(i), kJan + i * 12 * kHour,
                      "<p>第 " + std::to_string(i) + " 篇的正文。</p><img src=\"https://img.example/" +
                          std::to_string(i) + ".jpg\">"});
    }
    AddToMirror(mirror_, "美国之音", many);
    AddToMirror(mirror_, "VOA (中文)", {{"x", "恶意 <b>标题</b> \"引号\" & 符号", kJan + 5 * kHour, kHostile}});
    options_.archive = mirror_;
    options_.out = site_;
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  std::string site_ = dir_.path() + "/site";
  SiteBuildOptions options_;
};

TEST_F(SiteBuilderTest, EveryInternalLinkResolves) {
  auto stats = BuildSite(options_);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  std::regex attr("(?:href|src)=\"([^\"]*)\"");
  int checked = 0;
  for (const std::string& file : HtmlFiles(site_)) {
    std::string page = *ReadFile(file);
    for (std::sregex_iterator it(page.begin(), page.end(), attr), end; it != end; ++it) {
      std::string url = (*it)[1];
      if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 || url.rfind("data:", 0) == 0) continue;
      std::string target = url.substr(0, url.find_first_of("?#"));
      fs::path resolved = (fs::path(file).parent_path() / Decode(target)).lexically_normal();
      EXPECT_TRUE(fs::is_regular_file(resolved)) << url << " on " << file;
      EXPECT_EQ(resolved.string().rfind(fs::path(site_).lexically_normal().string(), 0), 0u) << url << " leaves the site";
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
  // Pagination and months: 120 articles over 60 days in two months.
  EXPECT_TRUE(fs::exists(site_ + "/outlets/美国之音/page-3.html"));
  EXPECT_FALSE(fs::exists(site_ + "/outlets/美国之音/page-4.html"));
  EXPECT_TRUE(fs::exists(site_ + "/outlets/美国之音/2023-02.html"));
  EXPECT_TRUE(fs::exists(site_ + "/feeds/all.xml"));
  EXPECT_TRUE(fs::exists(site_ + "/search/meta.json"));
}

TEST_F(SiteBuilderTest, ArchivedScriptsDoNotReachAnyPage) {
  ASSERT_TRUE(BuildSite(options_).ok());
  std::string article = *ReadFile(site_ + "/outlets/VOA (中文)/1048574.html");
  EXPECT_NE(article.find("正文开始"), std::string::npos);
  EXPECT_NE(article.find("正文结束"), std::string::npos);
  EXPECT_NE(article.find("src=\"https://img.example/a.jpg\""), std::string::npos);
  // A title is text: its markup is shown, never parsed.
  EXPECT_NE(article.find("<h1>恶意 &lt;b&gt;标题&lt;/b&gt; &quot;引号&quot; &amp; 符号</h1>"), std::string::npos);
  for (const std::string& file : HtmlFiles(site_)) ExpectNoScriptVectors(*ReadFile(file), file);
  std::string feed = *ReadFile(site_ + "/feeds/all.xml");
  EXPECT_EQ(feed.find("alert("), std::string::npos);
}

TEST_F(SiteBuilderTest, PagesAreSmallAndSelfContained) {
  ASSERT_TRUE(BuildSite(options_).ok());
  for (const std::string& file : HtmlFiles(site_)) {
    std::string page = *ReadFile(file);
    EXPECT_LT(page.size(), 100u * 1024) << file;
    // The only requests that leave the site are the articles' own images.
    std::regex external("(?:href|src)=\"(https?://[^\"]*)\"");
    for (std::sregex_iterator it(page.begin(), page.end(), external), end; it != end; ++it) {
      std::string tag_start = page.substr(0, static_cast<size_t>(it->position()));
      std::string tag = tag_start.substr(tag_start.rfind('<'));
      bool image = tag.rfind("<img", 0) == 0;
      bool link = tag.rfind("<a ", 0) == 0;
      EXPECT_TRUE(image || link) << (*it)[1] << " in " << file;
    }
    EXPECT_EQ(page.find("@font-face"), std::string::npos);
  }
  EXPECT_EQ(ReadFile(site_ + "/assets/site.css")->find("url("), std::string::npos) << "no fonts or images to fetch";
}

TEST_F(SiteBuilderTest, RebuildWritesOnlyWhatChanged) {
  auto first = BuildSite(options_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->written, first->pages);
  auto again = BuildSite(options_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->written, 0);
  EXPECT_EQ(again->unchanged, again->pages);

  auto before = fs::last_write_time(site_ + "/outlets/美国之音/1048574.html");
  AddToMirror(mirror_, "美国之音", {{"new", "新的一篇", kJan + 200 * 12 * kHour, "<p>新</p>"}});
  auto third = BuildSite(options_);
  ASSERT_TRUE(third.ok());
  // The new article, the home page, the outlet's index pages that shift, its
  // month, the feeds, and of the search files the shards of the new title's
  // grams and the title file of its id range; not the other 121 articles nor
  // the other search shards.
  std::set<uint32_t> shards;
  for (const std::string& g : TitleSearchGrams("新的一篇")) shards.insert(SearchGramHash(g) % SitePages::kSearchShards);
  EXPECT_GT(third->written, 3);
  // And of the text-only edition: the new article, its outlet's list pages and the home page.
  EXPECT_LT(third->written, 15 + static_cast<int>(shards.size()) + 6);
  EXPECT_EQ(fs::last_write_time(site_ + "/outlets/美国之音/1048574.html"), before);
  EXPECT_NE(ReadFile(site_ + "/index.html")->find("新的一篇"), std::string::npos);

  // A page the archive no longer has is removed.
  fs::remove_all(mirror_ + "/articles/VOA (中文)");
  fs::remove_all(mirror_ + "/state/VOA (中文)");
  auto fourth = BuildSite(options_);
  ASSERT_TRUE(fourth.ok());
  EXPECT_GT(fourth->removed, 0);
  EXPECT_FALSE(fs::exists(site_ + "/outlets/VOA (中文)/1048574.html"));
}

TEST(TitleSearchGramsTest, CharactersAndPairsWithoutSpaces) {
  std::vector<std::string> g = TitleSearchGrams("G7 峰会\u3000Biden");
  std::vector<std::string> want = {"7", "b", "bi", "d", "de", "e", "en", "g", "g7", "i", "id", "n", "会", "峰", "峰会"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(g, want);
  EXPECT_TRUE(TitleSearchGrams(" \t ").empty());
  // FNV-1a, as the script computes it (UTF-8 bytes).
  EXPECT_EQ(SearchGramHash(""), 2166136261u);
  EXPECT_EQ(SearchGramHash("a"), 0xe40c292cu);
}

TEST_F(SiteBuilderTest, TitleSearchFilesFindEveryArticleByEachGram) {
  ASSERT_TRUE(BuildSite(options_).ok());
  auto meta = nlohmann::json::parse(*ReadFile(site_ + "/search/meta.json"));
  ASSERT_EQ(meta["shards"], SitePages::kSearchShards);
  std::vector<std::string> outlets;
  for (const auto& o : meta["outlets"]) outlets.push_back(o[0]);
  // Every article of the mirror, found through each gram of its title.
  int checked = 0;
  for (size_t o = 0; o < outlets.size(); ++o) {
    for (auto& e : fs::directory_iterator(mirror_ + "/articles/" + outlets[o])) {
      std::string name = e.path().filename().string();
      int64_t id = std::stoll(name.substr(0, name.find('_')));
      auto chunk = nlohmann::json::parse(*ReadFile(site_ + "/search/a/" + std::to_string(o) + "-" +
                                                   std::to_string(id / SitePages::kSearchChunk) + ".json"));
      ASSERT_TRUE(chunk.contains(std::to_string(id))) << name;
      std::string title = chunk[std::to_string(id)][0];
      for (const std::string& g : TitleSearchGrams(title)) {
        auto shard = nlohmann::json::parse(*ReadFile(site_ + "/search/t/" +
                                                     std::to_string(SearchGramHash(g) % SitePages::kSearchShards) + ".json"));
        bool found = false;
        for (const auto& list : shard[g]) {
          if (list[0] != o) continue;
          int64_t at = list[1];
          found |= at == id;
          for (size_t i = 2; i < list.size(); ++i) found |= (at += list[i].get<int64_t>()) == id;
        }
        EXPECT_TRUE(found) << title << " / " << g;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 121 * 3);
  // A gram no title has is in no shard.
  auto shard = nlohmann::json::parse(*ReadFile(site_ + "/search/t/" +
                                               std::to_string(SearchGramHash("岸田") % SitePages::kSearchShards) + ".json"));
  EXPECT_FALSE(shard.contains("岸田"));
}

TEST_F(SiteBuilderTest, JekyllPostsHaveFrontMatter) {
  options_.jekyll_posts = true;
  ASSERT_TRUE(BuildSite(options_).ok());
  std::string post = *ReadFile(site_ + "/_posts/2023-01-01-VOA (中文)-1048574.html");
  EXPECT_EQ(post.rfind("---\nlayout: post\ntitle: \"恶意 &lt;b&gt;标题&lt;/b&gt; &quot;引号&quot; &amp; 符号\"\ndate: 2023-01-01 13:00:00 +0800\n", 0), 0u)
      << post;
  EXPECT_NE(post.find("categories: [\"VOA (中文)\"]\noriginal_url: \"https://news.example/x\"\n"), std::string::npos);
  ExpectNoScriptVectors(post, "jekyll post");
}

TEST_F(SiteBuilderTest, AManifestEntryThatIsNoPageOfTheSiteIsNeitherKeptNorRemoved) {
  ASSERT_TRUE(BuildSite(options_).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/victim.txt", "precious\n").ok());
  ASSERT_TRUE(MakeDirs(dir_.path() + "/outside").ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/outside/page.html", "precious\n").ok());
  fs::create_directory_symlink(dir_.path() + "/outside", site_ + "/linked");
  std::string manifest = *ReadFile(site_ + "/.newsmirror-site.tsv");
  manifest += "../victim.txt\tb\ts\n" + dir_.path() + "/victim.txt\tb\ts\nlinked/page.html\tb\ts\n.git/config\tb\ts\n";
  ASSERT_TRUE(WriteFileAtomic(site_ + "/.newsmirror-site.tsv", manifest).ok());
  auto stats = BuildSite(options_);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->removed, 0);
  EXPECT_EQ(*ReadFile(dir_.path() + "/victim.txt"), "precious\n");
  EXPECT_EQ(*ReadFile(dir_.path() + "/outside/page.html"), "precious\n");
  std::string now = *ReadFile(site_ + "/.newsmirror-site.tsv");
  EXPECT_EQ(now.find("victim"), std::string::npos);
  EXPECT_EQ(now.find("linked/"), std::string::npos);
  EXPECT_EQ(now.find(".git"), std::string::npos);
}

TEST_F(SiteBuilderTest, APageIsNeverWrittenThroughALinkInTheSite) {
  ASSERT_TRUE(MakeDirs(dir_.path() + "/outside").ok());
  ASSERT_TRUE(MakeDirs(site_).ok());
  fs::create_directory_symlink(dir_.path() + "/outside", site_ + "/outlets");
  auto stats = BuildSite(options_);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("outlets is a symbolic link"), std::string::npos) << stats.status().message();
  EXPECT_TRUE(fs::is_empty(dir_.path() + "/outside"));
}

TEST_F(SiteBuilderTest, TheSiteFolderIsNeitherTheArchiveNorAroundIt) {
  for (const std::string& out : {mirror_, mirror_ + "/site", dir_.path(), std::string("/")}) {
    options_.out = out;
    auto stats = BuildSite(options_);
    ASSERT_FALSE(stats.ok()) << out;
    EXPECT_EQ(stats.status().kind(), Status::Kind::kInvalidArgument) << out;
  }
  EXPECT_FALSE(fs::exists(mirror_ + "/index.html"));
  EXPECT_FALSE(fs::exists(mirror_ + "/.newsmirror-site.tsv"));
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

// A stored image as complete/local_images.cc names it: content hash and type.
struct StoredImage {
  std::string bytes, file;
};
StoredImage Png(char fill) {
  StoredImage s;
  s.bytes = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(48, fill);
  s.file = GitBlobId(s.bytes) + ".png";
  return s;
}

TEST(SiteImagesTest, CopiesOnlyTheShownStoredImagesLinksThemRelativelyAndRemovesThemWhenUnused) {
  TempDir dir;
  std::string mirror = dir.path() + "/mirror", site = dir.path() + "/site";
  const std::string outlet = "德国之声";
  std::string enc = EncodeUriComponent(outlet);
  StoredImage shown = Png('a'), unused = Png('b'), forged = Png('c');
  auto ref = [&](const StoredImage& s) { return "<img src=\"../../assets/" + enc + "/" + s.file + "\">"; };
  AddToMirror(mirror, outlet, {{"a", "有图", kJan, "<p>图</p>" + ref(shown) + ref(forged)},
                               {"b", "无图", kJan + kHour, "<p>无</p>"}});
  ASSERT_TRUE(MakeDirs(mirror + "/assets/" + outlet).ok());
  for (const StoredImage* s : {&shown, &unused}) {
    ASSERT_TRUE(WriteFileAtomic(mirror + "/assets/" + outlet + "/" + s->file, s->bytes, false).ok());
  }
  // Not the bytes its name promises: never published under that name.
  ASSERT_TRUE(WriteFileAtomic(mirror + "/assets/" + outlet + "/" + forged.file, "<script>x</script>", false).ok());
  SiteBuildOptions options;
  options.archive = mirror;
  options.out = site;
  auto stats = BuildSite(options);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->images, 1);
  EXPECT_EQ(stats->images_missing, 1);
  EXPECT_EQ(*ReadFile(site + "/images/" + outlet + "/" + shown.file), shown.bytes);
  EXPECT_FALSE(fs::exists(site + "/images/" + outlet + "/" + unused.file)) << "only images a page shows";
  EXPECT_FALSE(fs::exists(site + "/images/" + outlet + "/" + forged.file));
  std::string page = *ReadFile(site + "/outlets/" + outlet + "/1048574.html");
  std::string src = "../../images/" + enc + "/" + shown.file;
  EXPECT_NE(page.find("src=\"" + src + "\""), std::string::npos) << page;
  EXPECT_EQ(page.find("news.example/assets"), std::string::npos) << "not resolved against the outlet's host";
  EXPECT_EQ(fs::path(site + "/outlets/" + outlet + "/" + Decode(src)).lexically_normal(),
            fs::path(site + "/images/" + outlet + "/" + shown.file));
  EXPECT_NE(page.find("img-src 'self'"), std::string::npos);

  // A rebuild keeps the copy without reading the archive again …
  auto again = BuildSite(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->written, 0);
  EXPECT_EQ(again->images, 1);
  // … and once no page shows the image, it goes.
  AddToMirror(mirror, outlet, {{"a", "有图", kJan, "<p>图已删</p>"}});
  auto third = BuildSite(options);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->images, 0);
  EXPECT_FALSE(fs::exists(site + "/images/" + outlet + "/" + shown.file));
  EXPECT_GE(third->removed, 1);
}

TEST(SiteImagesTest, JekyllPostsLinkStoredImagesFromTheSiteRoot) {
  TempDir dir;
  std::string mirror = dir.path() + "/mirror", site = dir.path() + "/site";
  StoredImage img = Png('d');
  AddToMirror(mirror, "BBC", {{"a", "图", kJan, "<img src=\"../../assets/BBC/" + img.file + "\">"}});
  ASSERT_TRUE(MakeDirs(mirror + "/assets/BBC").ok());
  ASSERT_TRUE(WriteFileAtomic(mirror + "/assets/BBC/" + img.file, img.bytes, false).ok());
  SiteBuildOptions options;
  options.archive = mirror;
  options.out = site;
  options.jekyll_posts = true;
  options.site.base_url = "https://user.github.io/repo/";
  ASSERT_TRUE(BuildSite(options).ok());
  std::string post;
  for (auto& e : fs::directory_iterator(site + "/_posts")) post = *ReadFile(e.path().string());
  EXPECT_NE(post.find("src=\"https://user.github.io/repo/images/BBC/" + img.file + "\""), std::string::npos) << post;
  EXPECT_TRUE(fs::exists(site + "/images/BBC/" + img.file));
}

TEST(SiteBuildTest, RefusesAnArchiveThatIsNotAMirrorAndWritesNothing) {
  TempDir dir;
  SiteBuildOptions options;
  options.archive = dir.path() + "/typo";
  options.out = dir.path() + "/site";
  auto stats = BuildSite(options);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(stats.status().message().find(options.archive), std::string::npos);
  EXPECT_FALSE(fs::exists(options.out)) << "no empty site for a typo";
}

// The text-only edition: every page under 20 KB (a long article goes on over
// several pages, a huge title is cut), and every page of the site links it.
TEST_F(SiteBuilderTest, TextOnlyPagesStayUnderTheirSizeAndEveryPageLinksThem) {
  std::string content;
  std::vector<std::string> markers;
  for (int i = 0; i < 40; ++i) {
    markers.push_back("段落" + std::to_string(i) + "号");
    content += "<p>" + markers.back() + std::string(i == 7 ? 3000 : 60, 'x') + "长文&amp;<b>粗</b></p>";
    for (int k = 0; k < 40; ++k) content += "<p>这是第" + std::to_string(i) + "部分的一段话，写得很长很长。</p>";
  }
  // One paragraph far longer than a page, of characters that need escaping.
  std::string huge;
  for (int k = 0; k < 4000; ++k) huge += "巨<&>";
  content += "<p>巨段开始" + huge + "巨段结束</p><img src=\"https://img.example/x.jpg\" alt=\"图\">";
  std::string long_title(30000, 'T');
  AddToMirror(mirror_, "长文", {{"long", "很长的文章", kJan, content}, {"title", long_title, kJan + kHour, "<p>短</p>"}});
  auto stats = BuildSite(options_);
  ASSERT_TRUE(stats.ok()) << stats.status().message();

  std::vector<std::string> text_pages;
  for (const std::string& file : HtmlFiles(site_)) {
    std::string page = *ReadFile(file);
    std::string rel = fs::relative(file, site_).string();
    if (rel.rfind("text/", 0) == 0) {
      text_pages.push_back(rel);
      EXPECT_LE(page.size(), SitePages::kTextPageBytes) << rel;
      EXPECT_EQ(page.find("<img"), std::string::npos) << rel;
      EXPECT_EQ(page.find("<script"), std::string::npos) << rel;
      EXPECT_EQ(page.find("<link rel=\"stylesheet\""), std::string::npos) << rel;
      EXPECT_NE(page.find("<footer class=\"nm-footer\">"), std::string::npos) << rel;
    }
    // Every page links the text-only edition's home, relatively and rightly.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page, m, std::regex("href=\"((?:\\.\\./)*)text/index\\.html\""))) << rel;
    EXPECT_TRUE(fs::is_regular_file((fs::path(file).parent_path() / (m[1].str() + "text/index.html")).lexically_normal()))
        << rel;
  }
  EXPECT_GT(text_pages.size(), 120u);
  // The long article: its pages in order hold all of its text.
  std::string first = "text/长文/1048574.html";
  ASSERT_TRUE(fs::exists(site_ + "/" + first));
  std::string all;
  size_t pages = 0;
  for (size_t k = 1;; ++k) {
    std::string path = site_ + "/text/长文/1048574" + (k == 1 ? std::string() : "-" + std::to_string(k)) + ".html";
    if (!fs::exists(path)) break;
    std::string page = *ReadFile(path);
    all += page;
    ++pages;
    if (k > 1) {
      EXPECT_NE(page.find("rel=\"prev\""), std::string::npos) << path;
    }
  }
  EXPECT_GT(pages, 5u);
  size_t at = 0;
  for (const std::string& marker : markers) {
    size_t found = all.find(marker, at);
    ASSERT_NE(found, std::string::npos) << marker;
    at = found;
  }
  EXPECT_NE(all.find("巨段开始"), std::string::npos);
  EXPECT_NE(all.find("巨段结束"), std::string::npos);
  // The huge paragraph, its pieces joined in order, is whole: cut between
  // characters and references, never inside one.
  std::string joined;
  for (size_t p = all.find("<p>巨段开始"); p != std::string::npos;) {
    size_t end = all.find("</p>", p);
    ASSERT_NE(end, std::string::npos);
    joined += all.substr(p + 3, end - p - 3);
    if (joined.find("巨段结束") != std::string::npos) break;
    // The rest opens the next page, after its heading.
    const std::string next = "（续）</h1>\n";
    p = all.find(next, end);
    if (p != std::string::npos) p += next.size();
  }
  std::string escaped;
  for (int k = 0; k < 4000; ++k) escaped += "巨&lt;&amp;&gt;";
  EXPECT_EQ(joined, "巨段开始" + escaped + "巨段结束");
  // The article page links its own text version.
  EXPECT_NE(ReadFile(site_ + "/outlets/长文/1048574.html")->find("href=\"../../text/%E9%95%BF%E6%96%87/1048574.html\""),
            std::string::npos);
  // The huge title is cut on the text pages.
  std::string titled = *ReadFile(site_ + "/text/长文/1048573.html");
  EXPECT_LE(titled.size(), SitePages::kTextPageBytes);
  EXPECT_NE(titled.find("TTT…"), std::string::npos);

  // Rebuilt without changes: the later pages stay (the manifest takes the
  // text/ pages as pages of the site, layout::CheckSitePath).
  auto again = BuildSite(options_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->written, 0);
  EXPECT_TRUE(fs::exists(site_ + "/text/长文/1048574-2.html"));
  EXPECT_NE(ReadFile(site_ + "/.newsmirror-site.tsv")->find("text/长文/1048574-2.html\t"), std::string::npos);

  // A later page deleted from the site is made again, with its article's others.
  std::string second = site_ + "/text/长文/1048574-2.html";
  std::string second_text = *ReadFile(second);
  fs::remove(second);
  auto restored = BuildSite(options_);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_EQ(*ReadFile(second), second_text);
  EXPECT_EQ(restored->written, 1);  // the others are written only when they differ
  EXPECT_EQ(restored->pages, again->pages);

  // One replaced by a link is never written through: the build fails, the
  // link's target is untouched.
  ASSERT_TRUE(WriteFileAtomic(dir_.path() + "/victim.html", "precious\n").ok());
  fs::remove(second);
  fs::create_symlink(dir_.path() + "/victim.html", second);
  auto linked = BuildSite(options_);
  EXPECT_FALSE(linked.ok());
  EXPECT_EQ(*ReadFile(dir_.path() + "/victim.html"), "precious\n");
}

// A list page of the text-only edition holds kTextListSize titles: titles of
// characters that escape long ('"' is six bytes, '&' five) are cut by their
// escaped size, so that page stays under its size too, and so does each
// article's page.
TEST_F(SiteBuilderTest, TextOnlyPagesStayUnderTheirSizeWithTitlesThatEscapeLong) {
  std::vector<TestArticle> quoted;
  for (size_t i = 0; i < SitePages::kTextListSize + 5; ++i) {
    std::string title = std::to_string(i) + (i % 2 ? std::string(400, '"') : std::string(400, '&'));
    quoted.push_back({"q" + std::to_string(i), title, kJan + static_cast<int64_t>(i) * kHour, "<p>引号</p>"});
  }
  AddToMirror(mirror_, "引号", quoted);
  auto stats = BuildSite(options_);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  std::string list = *ReadFile(site_ + "/text/引号/index.html");
  EXPECT_LE(list.size(), SitePages::kTextPageBytes);
  size_t items = 0;
  for (size_t at = list.find("<li>"); at != std::string::npos; at = list.find("<li>", at + 1)) ++items;
  EXPECT_EQ(items, SitePages::kTextListSize);
  EXPECT_NE(list.find("&quot;&quot;…</a>"), std::string::npos);
  EXPECT_NE(list.find("&amp;&amp;…</a>"), std::string::npos);
  EXPECT_NE(list.find("<a rel=\"next\" href=\"page-2.html\">"), std::string::npos);
  for (const std::string& file : HtmlFiles(site_ + "/text/引号")) {
    EXPECT_LE(ReadFile(file)->size(), SitePages::kTextPageBytes) << file;
  }
}

}  // namespace
}  // namespace nm

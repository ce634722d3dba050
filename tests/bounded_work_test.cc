// Bounded work end to end: pages and feed entries nested 100,000 levels deep
// (about 1 MB of HTML), and an entry that cannot be archived, against every
// command that reads HTML (extract, add, run with feed and page text, site,
// serve, search). Each must finish, keep the other entries and outlets, and
// leave a mirror that the next run continues. The hostile inputs are made
// here, not checked in.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_builder.h"
#include "support/temp_dir.h"
#include "url/url.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : std::string("<missing: " + path + ">");
}

constexpr size_t kDepth = 100000;

// The shapes of a poison page, each about 1 MB, with `marker` at the bottom.
struct Shape {
  std::string name;
  std::string html;
};
std::vector<Shape> DeepShapes(const std::string& marker) {
  return {
      {"div", Repeat("<div>", kDepth) + marker + Repeat("</div>", kDepth)},
      {"b-i", Repeat("<b><i>", kDepth / 2) + marker + Repeat("</b></i>", kDepth / 2)},
      {"table", Repeat("<table><tr><td>", kDepth / 3) + marker + Repeat("</td></tr></table>", kDepth / 3)},
      {"list", Repeat("<ul><li>", kDepth / 2) + marker + Repeat("</li></ul>", kDepth / 2)},
  };
}

// A paragraph long enough to be the article, then the deep part.
std::string Lead(const std::string& what) { return "<p>" + Repeat(what + "的报道正文。", 40) + "</p>"; }

std::string Page(const std::string& title, const std::string& body) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><article><h1>" +
         title + "</h1>" + body + "</article></body></html>";
}

struct Item {
  std::string guid, title, link, content;
};
std::string Rss(const std::vector<Item>& items) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" "
                    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>";
  int n = 0;
  for (const Item& i : items) {
    xml += "<item><title>" + i.title + "</title><link>" + i.link + "</link><guid>" + i.guid +
           "</guid><pubDate>Wed, 03 Jan 2024 1" + std::to_string(n++ % 10) +
           ":00:00 GMT</pubDate><content:encoded><![CDATA[" + i.content + "]]></content:encoded></item>";
  }
  return xml + "</channel></rss>";
}

class BoundedWorkTest : public ::testing::Test {
 protected:
  // Sources by name → feed URL; `extra` goes into every source.
  std::string Config(const std::vector<std::pair<std::string, std::string>>& sources, const std::string& extra = "") {
    std::string text = "[archive]\nimage_proxy = \"\"\n[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 20\n"
                       "page_spacing_ms = 0\n";
    for (const auto& [name, url] : sources) {
      text += "[[source]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\n" + extra;
    }
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  std::string FeedFile(const std::string& name, const std::string& xml) {
    std::string path = dir_.path() + "/" + name;
    EXPECT_TRUE(WriteFileAtomic(path, xml).ok());
    return "file:" + path;
  }
  nlohmann::json Run(const std::string& config, const std::vector<std::string>& env = {}, int* exit_code = nullptr) {
    CliResult r = RunNewsmirror({"run", "--config", config, "--out", mirror_, "--json"}, env);
    if (exit_code) *exit_code = r.exit_code;
    else EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  static const nlohmann::json& Source(const nlohmann::json& run, const std::string& name) {
    for (const nlohmann::json& s : run["sources"]) {
      if (s["name"] == name) return s;
    }
    static const nlohmann::json kNone;
    ADD_FAILURE() << "no source " << name << " in " << run.dump();
    return kNone;
  }
  static bool Warns(const nlohmann::json& source, const std::string& text) {
    for (const nlohmann::json& w : source["warnings"]) {
      if (w.get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> Articles(const std::string& outlet) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(mirror_ + "/articles/" + outlet, ec)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string ArticleHolding(const std::string& outlet, const std::string& text) {
    for (const std::string& f : Articles(outlet)) {
      if (Slurp(f).find(text) != std::string::npos) return f;
    }
    return "";
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
};

TEST_F(BoundedWorkTest, ExtractReadsPagesNestedAMegabyteDeep) {
  for (const Shape& shape : DeepShapes("深处的文字")) {
    SCOPED_TRACE(shape.name);
    std::string file = dir_.path() + "/" + shape.name + ".html";
    ASSERT_TRUE(WriteFileAtomic(file, Page("深层页面", Lead("深层") + shape.html)).ok());
    CliResult r = RunNewsmirror({"extract", "--text", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("深层的报道正文。"), std::string::npos) << r.out.substr(0, 300);
    EXPECT_NE(r.err.find("nested deeper than 512 levels"), std::string::npos) << r.err;
  }
}

// The poison pill of a feed: its entries nested 100,000 deep, in CDATA. The
// run archives them (as written) and the other outlet, writes the mirror's
// feeds, and the next run goes on as usual.
TEST_F(BoundedWorkTest, RunArchivesEntriesNestedAMegabyteDeepAndRunsAgain) {
  std::vector<Item> items;
  for (const Shape& shape : DeepShapes("深处的文字")) {
    items.push_back({"deep-" + shape.name, "深层条目" + shape.name, "https://news.example/deep/" + shape.name,
                     Lead("深层") + shape.html});
  }
  items.push_back({"plain", "普通条目", "https://news.example/plain", Lead("普通")});
  std::string config = Config({{"深层", FeedFile("deep.xml", Rss(items))},
                               {"其他", FeedFile("other.xml", Rss({{"o1", "其他媒体的新闻", "https://other.example/1",
                                                                     Lead("其他")}}))}});
  nlohmann::json first = Run(config);
  EXPECT_TRUE(first["ok"].get<bool>()) << first.dump();
  const nlohmann::json& deep = Source(first, "深层");
  EXPECT_EQ(deep["new"], 5);
  EXPECT_EQ(Source(first, "其他")["new"], 1);
  for (const Shape& shape : DeepShapes("")) {
    EXPECT_TRUE(Warns(deep, "\"深层条目" + shape.name + "\" (https://news.example/deep/" + shape.name +
                                ") is nested deeper than 512 levels"))
        << deep["warnings"].dump();
    // Archived as written: the whole nesting is in the file.
    std::string file = ArticleHolding("深层", "https://news.example/deep/" + shape.name);
    ASSERT_NE(file, "");
    EXPECT_GT(fs::file_size(file), 600000u);
    EXPECT_NE(Slurp(file).find("深处的文字"), std::string::npos);
  }
  EXPECT_FALSE(Warns(deep, "\"普通条目\" (https://news.example/plain) is nested"));
  // The mirror's feeds hold the newest articles through the sanitizer.
  std::string atom = Slurp(mirror_ + "/feeds/深层.xml");
  EXPECT_NE(atom.find("深层条目div"), std::string::npos);
  EXPECT_NE(atom.find("深处的文字"), std::string::npos);
  EXPECT_NE(Slurp(mirror_ + "/feeds/all.xml").find("其他媒体的新闻"), std::string::npos);

  nlohmann::json second = Run(config);
  EXPECT_TRUE(second["ok"].get<bool>()) << second.dump();
  EXPECT_EQ(Source(second, "深层")["unchanged"], 5);
  EXPECT_EQ(Source(second, "其他")["unchanged"], 1);
  EXPECT_TRUE(second["written"].empty()) << second["written"].dump();

  // The offline bundles of that day hold them too, as a book and as one page.
  for (const char* format : {"epub", "html"}) {
    std::string out = dir_.path() + "/deep." + format;
    CliResult bundled = RunNewsmirror({"bundle", "--archive", mirror_, "--format", format, "--out", out, "--day",
                                       "2024-01-03", "--source", "深层"});
    ASSERT_EQ(bundled.exit_code, 0) << format << ": " << bundled.err;
    ASSERT_TRUE(fs::exists(out)) << format;
    EXPECT_GT(fs::file_size(out), 0u) << format;
    if (std::string(format) == "html") {
      std::string page = Slurp(out);
      EXPECT_NE(page.find("深层条目div"), std::string::npos);
      EXPECT_NE(page.find("普通条目"), std::string::npos);
    }
  }
}

// Page text: the article page is the poison.
TEST_F(BoundedWorkTest, RunWithPageTextArchivesAPageNestedAMegabyteDeep) {
  TestHttpServer server;
  std::vector<Item> items;
  for (const Shape& shape : DeepShapes("深处的文字")) {
    server.Serve("/a/" + shape.name + ".html", 200, Page("页面" + shape.name, Lead("页面") + shape.html),
                 {{"Content-Type", "text/html; charset=utf-8"}});
    items.push_back({shape.name, "页面" + shape.name, server.Url("/a/" + shape.name + ".html"), "<p>摘要</p>"});
  }
  server.Serve("/feed", 200, Rss(items), {{"Content-Type", "application/rss+xml"}});
  std::string other = FeedFile("other.xml", Rss({{"o1", "其他媒体的新闻", "https://other.example/1", Lead("其他")}}));
  std::string path = dir_.path() + "/newsmirror.toml";
  ASSERT_TRUE(WriteFileAtomic(path, "[archive]\nimage_proxy = \"\"\n[fetch]\nretries = 0\ntimeout = 20\n"
                                    "page_spacing_ms = 0\n[[source]]\nname = \"页面\"\nurl = \"" +
                                        server.Url("/feed") + "\"\nfull_text = \"page\"\n[[source]]\nname = \"其他\"\n"
                                        "url = \"" + other + "\"\n").ok());
  nlohmann::json first = Run(path);
  const nlohmann::json& pages = Source(first, "页面");
  EXPECT_EQ(pages["new"], 4);
  EXPECT_EQ(pages["pages"]["fetched"], 4) << pages.dump();
  EXPECT_EQ(Source(first, "其他")["new"], 1);
  for (const Shape& shape : DeepShapes("")) {
    EXPECT_TRUE(Warns(pages, "the page of \"页面" + shape.name + "\" is nested deeper than 512 levels"))
        << pages["warnings"].dump();
    std::string file = ArticleHolding("页面", server.Url("/a/" + shape.name + ".html"));
    ASSERT_NE(file, "");
    EXPECT_NE(Slurp(file).find("页面的报道正文。"), std::string::npos);
  }
  nlohmann::json second = Run(path);
  EXPECT_EQ(Source(second, "页面")["unchanged"], 4) << second.dump();
  EXPECT_EQ(Source(second, "其他")["unchanged"], 1);
}

TEST_F(BoundedWorkTest, AddArchivesAPageNestedAMegabyteDeep) {
  TestHttpServer server;
  std::vector<std::string> urls;
  for (const Shape& shape : DeepShapes("深处的文字")) {
    server.Serve("/a/" + shape.name + ".html", 200, Page("请求" + shape.name, Lead("请求") + shape.html),
                 {{"Content-Type", "text/html; charset=utf-8"}});
    urls.push_back(server.Url("/a/" + shape.name + ".html"));
  }
  std::vector<std::string> args = {"add", "--allow-private", "--out", mirror_, "--json"};
  args.insert(args.end(), urls.begin(), urls.end());
  CliResult r = RunNewsmirror(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["pages"].size(), 4u);
  for (const nlohmann::json& page : j["pages"]) {
    EXPECT_NE(page["warnings"].dump().find("nested deeper than 512 levels"), std::string::npos) << page.dump();
  }
  EXPECT_EQ(Articles("127.0.0.1").size(), 4u);
  // The archive they went into takes the next add too.
  server.Serve("/a/plain.html", 200, Page("普通请求", Lead("普通")), {{"Content-Type", "text/html; charset=utf-8"}});
  r = RunNewsmirror({"add", "--allow-private", "--out", mirror_, server.Url("/a/plain.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Articles("127.0.0.1").size(), 5u);
}

// The readers on an archive holding such articles: site, search, serve.
TEST_F(BoundedWorkTest, SiteSearchAndServeReadAnArchiveHoldingDeepArticles) {
  std::vector<TestArticle> articles;
  int64_t t = 1704067200000;
  for (const Shape& shape : DeepShapes("深处的文字")) {
    articles.push_back({"deep-" + shape.name, "深层文章" + shape.name, t += 60000, Lead("深层") + shape.html});
  }
  articles.push_back({"plain", "普通文章", t += 60000, Lead("普通")});
  AddToMirror(mirror_, "深层", articles);

  std::string site = dir_.path() + "/site";
  CliResult built = RunNewsmirror({"site", "--archive", mirror_, "--out", site});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  int deep_pages = 0;
  for (auto& e : fs::directory_iterator(site + "/outlets/深层")) {
    std::string page = Slurp(e.path().string());
    if (page.find("深层文章") != std::string::npos && page.find("深层的报道正文。") != std::string::npos) ++deep_pages;
  }
  EXPECT_EQ(deep_pages, 4);

  CliResult found = RunNewsmirror({"search", "--archive", mirror_, "--json", "深处的文字"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(nlohmann::json::parse(found.out).size(), 4u) << found.out;
  found = RunNewsmirror({"search", "--archive", mirror_, "--json", "普通的报道正文"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(nlohmann::json::parse(found.out).size(), 1u) << found.out;

  ServeProcess serve = StartServe(mirror_);
  ASSERT_GT(serve.port, 0) << serve.first_line;
  pid_t pid = serve.pid;
  httplib::Client client("127.0.0.1", serve.port);
  client.set_read_timeout(30, 0);
  int served = 0;
  for (int64_t id = 1048574; id > 1048574 - 5; --id) {
    auto res = client.Get("/outlets/" + EncodeUriComponent("深层") + "/" + std::to_string(id) + ".html");
    ASSERT_TRUE(res) << id;
    EXPECT_EQ(res->status, 200);
    if (res->body.find("的报道正文。") != std::string::npos) ++served;
  }
  EXPECT_EQ(served, 5);
  // A hostile reader's id too long for a number names no article.
  auto huge = client.Get("/outlets/" + EncodeUriComponent("深层") + "/" + std::string(40, '9') + ".html");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 404);
  auto search = client.Get("/search.html?q=" + EncodeUriComponent("深处的文字"));
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_NE(search->body.find("深层文章"), std::string::npos);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "serve died of signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Within the bounds, an entry whose <p><b id=…> pairs make the HTML parser
// reopen 16 formatting elements in every paragraph goes past the parser's
// memory budget wherever it is read. It is archived as written; each reader
// says it cannot show it, and shows everything else; the next run goes on.
TEST_F(BoundedWorkTest, AnEntryOverTheParsersMemoryBudgetIsArchivedAndReadersShowTheCause) {
  std::string heavy = Lead("沉重");
  for (int i = 0; i < 25000; ++i) heavy += "<p><b id=" + std::to_string(i) + ">重</p>";
  std::string config = Config({{"沉重", FeedFile("heavy.xml", Rss({{"h1", "沉重的条目", "https://news.example/heavy", heavy},
                                                                   {"p1", "普通条目", "https://news.example/plain",
                                                                    Lead("普通")}}))}});
  nlohmann::json first = Run(config);
  EXPECT_EQ(Source(first, "沉重")["new"], 2) << first.dump();
  std::string atom = Slurp(mirror_ + "/feeds/沉重.xml");
  EXPECT_NE(atom.find("the article cannot be shown: out of memory"), std::string::npos);
  EXPECT_NE(atom.find("普通的报道正文。"), std::string::npos);

  std::string site = dir_.path() + "/site";
  CliResult built = RunNewsmirror({"site", "--archive", mirror_, "--out", site});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  int notices = 0, plain = 0;
  for (auto& e : fs::directory_iterator(site + "/outlets/沉重")) {
    std::string page = Slurp(e.path().string());
    notices += page.find("the article cannot be shown: out of memory") != std::string::npos;
    plain += page.find("普通的报道正文。") != std::string::npos;
  }
  EXPECT_EQ(notices, 1);
  EXPECT_EQ(plain, 1);
  CliResult found = RunNewsmirror({"search", "--archive", mirror_, "--json", "沉重的条目"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(nlohmann::json::parse(found.out).size(), 1u) << found.out;  // by its title

  nlohmann::json second = Run(config);
  EXPECT_EQ(Source(second, "沉重")["unchanged"], 2) << second.dump();
}

// Markup nested 100,000 deep as XML (not CDATA) in a feed: libxml2 stops
// reading a document at depth 256, which would lose every entry after it.
TEST_F(BoundedWorkTest, EntriesAfterOneNestedDeepInXmlAreRead) {
  std::string deep = Repeat("<div>", kDepth) + "深处的文字" + Repeat("</div>", kDepth);
  std::string atom = "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
                     "<entry><id>e1</id><title>深层</title><link href=\"https://news.example/1\"/>"
                     "<updated>2024-01-01T00:00:00Z</updated><content type=\"xhtml\"><div "
                     "xmlns=\"http://www.w3.org/1999/xhtml\">" + deep + "</div></content></entry>"
                     "<entry><id>e2</id><title>后面的条目</title><link href=\"https://news.example/2\"/>"
                     "<updated>2024-01-01T01:00:00Z</updated><content type=\"html\">&lt;p&gt;后文&lt;/p&gt;</content>"
                     "</entry></feed>";
  std::string rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>深层</title>"
                    "<link>https://news.example/1</link><description>" + deep + "</description></item><item>"
                    "<title>后面的条目</title><link>https://news.example/2</link><description>后文</description>"
                    "</item></channel></rss>";
  for (const auto& [name, xml] : {std::pair<std::string, std::string>{"atom.xml", atom}, {"rss.xml", rss}}) {
    SCOPED_TRACE(name);
    std::string path = dir_.path() + "/" + name;
    ASSERT_TRUE(WriteFileAtomic(path, xml).ok());
    CliResult r = RunNewsmirror({"parse", "--json", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json feed = nlohmann::json::parse(r.out);
    ASSERT_EQ(feed["entries"].size(), 2u) << r.out.substr(0, 500);
    EXPECT_EQ(feed["entries"][1]["title"], "后面的条目");
    EXPECT_NE(feed["entries"][0]["content"].get<std::string>().find("深处的文字"), std::string::npos);
    EXPECT_NE(feed["warnings"].dump().find("elements nested deeper than 250"), std::string::npos) << feed["warnings"];
  }
  std::string config = Config({{"原子", FeedFile("atom-feed.xml", atom)}, {"简易", FeedFile("rss-feed.xml", rss)}});
  nlohmann::json run = Run(config);
  EXPECT_EQ(Source(run, "原子")["new"], 2) << run.dump();
  EXPECT_EQ(Source(run, "简易")["new"], 2) << run.dump();
  EXPECT_NE(ArticleHolding("原子", "后面的条目"), "");
}

// An entry that cannot be archived (here an allocation that fails, made to
// happen by the test) is quarantined: named in --json, the rest archived;
// tried again by the next runs up to the bound, then skipped; tried afresh
// once it changes.
TEST_F(BoundedWorkTest, APoisonEntryIsQuarantinedAndNotRetriedForEver) {
  std::vector<Item> items = {{"a1", "第一条", "https://news.example/ok-1", Lead("第一")},
                             {"p1", "有毒的条目", "https://news.example/poison", Lead("有毒")},
                             {"a2", "第二条", "https://news.example/ok-2", Lead("第二")}};
  std::string feed = FeedFile("feed.xml", Rss(items));
  std::string config = Config({{"有毒", feed},
                               {"其他", FeedFile("other.xml", Rss({{"o1", "其他媒体的新闻", "https://other.example/1",
                                                                     Lead("其他")}}))}});
  const std::vector<std::string> poison = {"NEWSMIRROR_TEST_FAIL_AT=merge:/poison"};

  for (int attempt = 1; attempt <= 3; ++attempt) {
    SCOPED_TRACE(attempt);
    nlohmann::json run = Run(config, poison);
    EXPECT_TRUE(run["ok"].get<bool>()) << run.dump();
    const nlohmann::json& s = Source(run, "有毒");
    EXPECT_EQ(s["new"], attempt == 1 ? 2 : 0);
    ASSERT_EQ(s["quarantined"].size(), 1u) << s.dump();
    const nlohmann::json& q = s["quarantined"][0];
    EXPECT_EQ(q["title"], "有毒的条目");
    EXPECT_EQ(q["link"], "https://news.example/poison");
    EXPECT_EQ(q["id"], "p1");
    EXPECT_EQ(q["attempts"], attempt);
    EXPECT_TRUE(q["tried"].get<bool>());
    EXPECT_EQ(q["retried_next_run"].get<bool>(), attempt < 3);
    EXPECT_NE(q["reason"].get<std::string>().find("out of memory"), std::string::npos) << q.dump();
    EXPECT_TRUE(Warns(s, "could not archive \"有毒的条目\" (https://news.example/poison)")) << s.dump();
    EXPECT_EQ(Source(run, "其他")["new"], attempt == 1 ? 1 : 0);
  }
  EXPECT_EQ(Articles("有毒").size(), 2u);
  EXPECT_EQ(ArticleHolding("有毒", "https://news.example/poison"), "");
  EXPECT_NE(Slurp(mirror_ + "/state/有毒/feed.tsv").find("@quarantine\t"), std::string::npos);

  // The bound is reached: skipped without trying, also when it would now work.
  for (const std::vector<std::string>& env : {poison, std::vector<std::string>{}}) {
    nlohmann::json run = Run(config, env);
    const nlohmann::json& s = Source(run, "有毒");
    ASSERT_EQ(s["quarantined"].size(), 1u) << s.dump();
    EXPECT_FALSE(s["quarantined"][0]["tried"].get<bool>());
    EXPECT_EQ(s["quarantined"][0]["attempts"], 3);
    EXPECT_TRUE(Warns(s, "skipped \"有毒的条目\" (https://news.example/poison): quarantined after 3 failed attempts"));
    EXPECT_TRUE(run["written"].empty()) << run["written"].dump();
  }
  EXPECT_EQ(ArticleHolding("有毒", "https://news.example/poison"), "");

  // Changed, it is tried afresh: archived, and its record goes.
  items[1].content = Lead("改过的");
  FeedFile("feed.xml", Rss(items));
  nlohmann::json run = Run(config);
  const nlohmann::json& s = Source(run, "有毒");
  EXPECT_TRUE(s["quarantined"].empty()) << s.dump();
  EXPECT_EQ(s["new"], 1);
  EXPECT_NE(ArticleHolding("有毒", "https://news.example/poison"), "");
  EXPECT_EQ(Slurp(mirror_ + "/state/有毒/feed.tsv").find("@quarantine"), std::string::npos);

  // A record whose entry left the feed is forgotten.
  items.push_back({"p2", "又一条有毒的", "https://news.example/poison-2", Lead("又有毒")});
  FeedFile("feed.xml", Rss(items));
  Run(config, poison);
  EXPECT_NE(Slurp(mirror_ + "/state/有毒/feed.tsv").find("@quarantine"), std::string::npos);
  items.pop_back();
  FeedFile("feed.xml", Rss(items));
  Run(config);
  EXPECT_EQ(Slurp(mirror_ + "/state/有毒/feed.tsv").find("@quarantine"), std::string::npos);
}

}  // namespace
}  // namespace nm

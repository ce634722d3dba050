// End to end: what a hostile feed's titles, links and text become in the
// mirror, on the git host (rendered by GitHub's cmark-gfm), in the site and on
// the operator's terminal; and that credentials in a feed's URL are never
// published.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "archive/article.h"
#include "support/cli.h"
#include "support/commonmark.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "url/url.h"
#include "util/fs.h"

namespace nm {
namespace {

namespace fs = std::filesystem;

const std::string kOutlet = "敌对";

// Titles (with JSON escapes: a JSON Feed can carry any character) and links.
struct HostileItem {
  std::string json_title;  // as written in the feed
  std::string path;        // the link's path on the feed's host
};
const HostileItem kItems[] = {
    {"](javascript:alert(1))", "/a/1"},
    {"[x](https://phish.example/) 点这里", "/a/2)(3"},
    {"<img src=x onerror=alert(1)> *粗* `码`", "/a/4?q=&amp;lt;"},
    {"&amp;lt;script&amp;gt; &lt;b&gt;", "/wiki/Foo_(bar)"},
    {"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202etxt.exe 标题", "/a/5"},
};

bool HasTerminalControl(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return true;
    }
    if (s.compare(i, 3, "\xE2\x80\xAE") == 0) return true;
  }
  return false;
}


class EscapeE2eTest : public ::testing::Test {
 protected:
  // A JSON Feed of kItems whose links are relative to the feed, on a host
  // the URL names with a user name and password; one item has no date (its
  // warning prints the title), each content holds a relative image that
  // fails (its retry is stored with the article's link).
  void ServeFeed() {
    std::string feed = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"t\", \"items\": [";
    for (size_t i = 0; i < std::size(kItems); ++i) {
      if (i) feed += ",";
      feed += "{\"id\": \"g" + std::to_string(i) + "\", \"url\": \"" + kItems[i].path + "\", \"title\": \"" +
              kItems[i].json_title + "\", \"content_html\": \"<p>正文" + std::to_string(i) +
              "</p><img src=\\\"/img/missing" + std::to_string(i) + ".png\\\">\"" +
              (i + 1 < std::size(kItems) ? ", \"date_published\": \"2023-01-0" + std::to_string(i + 1) + "T12:00:00Z\"" : "") +
              "}";
    }
    feed += "]}";
    server_.Serve("/feed.json", 200, feed, {{"Content-Type", "application/feed+json"}, {"ETag", "\"v1\""}});
    server_.Serve("/img/missing0.png", 404, "no");
  }
  std::string WriteConfig() {
    std::string url = "http://reader:s3cr3tpw@127.0.0.1:" + std::to_string(server_.port()) + "/feed.json";
    std::string text = "[archive]\nimages = \"local\"\n[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = 10\n"
                       "[[source]]\nname = \"" + kOutlet + "\"\nurl = \"" + url + "\"\n";
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--config", WriteConfig(), "--out", mirror_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }
  std::string FeedHostLink(const std::string& path) {
    return ArchiveLink("http://127.0.0.1:" + std::to_string(server_.port()) + path);
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
};

TEST_F(EscapeE2eTest, EveryMarkdownFileShowsEachTitleAsOneLinkToItsEntry) {
  ServeFeed();
  CliResult r = Run();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> files = ReadTree(mirror_);
  size_t articles = 0;
  std::map<std::string, std::string> title_of_file;
  for (const auto& [path, text] : files) {
    if (path.rfind("articles/", 0) != 0) continue;
    ++articles;
    auto doc = ParseArticle(text);
    ASSERT_TRUE(doc.ok()) << path;
    test::Rendered md = test::RenderMarkdown(text);
    ASSERT_EQ(md.links.size(), 1u) << path << "\n" << text << md.html;
    EXPECT_EQ(md.images, 0) << path;
    EXPECT_EQ(md.links[0].text, doc->title) << path;
    EXPECT_TRUE(md.links[0].text_only) << path << md.html;
    EXPECT_EQ(md.links[0].destination, doc->link) << path;
    // Its link is its entry's, as stored: on the feed's host, parentheses encoded.
    bool known = false;
    for (const HostileItem& item : kItems) known = known || doc->link == FeedHostLink(item.path);
    EXPECT_TRUE(known) << path << ": " << doc->link;
    EXPECT_EQ(doc->link.find_first_of("()"), std::string::npos) << doc->link;
    title_of_file[fs::path(path).filename().string()] = doc->title;
  }
  EXPECT_EQ(articles, std::size(kItems));
  // The list, the monthly pages, the README: one link per line, the title as its text, no HTML.
  size_t listed = 0;
  for (const auto& [path, text] : files) {
    if (path != "README.md" && path.rfind("lists/", 0) != 0) continue;
    test::Rendered md = test::RenderMarkdown(text);
    EXPECT_EQ(md.raw_html, 0) << path << md.html;
    EXPECT_EQ(md.images, 0) << path;
    for (const test::RenderedLink& l : md.links) {
      EXPECT_TRUE(l.text_only) << path << md.html;
      // Only the mirror's own pages and files are linked (a file's name may hold the title's words).
      ASSERT_FALSE(l.destination.empty()) << path;
      EXPECT_EQ(l.destination[0], '/') << path << ": " << l.destination;
      std::string prefix = "/articles/" + kOutlet + "/";
      if (l.destination.rfind(prefix, 0) != 0 || path != "lists/" + kOutlet + ".md") continue;
      ++listed;
      // The link reaches the file whose title it shows.
      std::string file = test::PercentDecoded(l.destination.substr(prefix.size()));
      ASSERT_TRUE(title_of_file.count(file)) << l.destination;
      EXPECT_EQ(l.text, title_of_file[file]);
    }
  }
  EXPECT_EQ(listed, std::size(kItems));
}

TEST_F(EscapeE2eTest, CredentialsInTheFeedsUrlAreNeverPublished) {
  ServeFeed();
  CliResult r = Run({"--json", "--commit"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The feed was fetched with them; nothing of the mirror holds them.
  EXPECT_FALSE(server_.LastRequestHeader("/feed.json", "authorization").empty());
  std::map<std::string, std::string> files = ReadTree(mirror_);
  ASSERT_TRUE(files.count("state/" + kOutlet + "/feed.tsv"));
  ASSERT_TRUE(files.count("state/" + kOutlet + ".complete.txt"));
  EXPECT_NE(files["state/" + kOutlet + ".complete.txt"].find("retry"), std::string::npos);
  ASSERT_TRUE(files.count("feeds/all.xml"));
  for (const auto& [path, text] : files) {
    EXPECT_EQ(text.find("s3cr3tpw"), std::string::npos) << path << "\n" << text;
    EXPECT_EQ(text.find("reader:"), std::string::npos) << path;
    EXPECT_EQ(text.find("reader@"), std::string::npos) << path;
  }
  EXPECT_EQ(r.out.find("s3cr3tpw"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("s3cr3tpw"), std::string::npos) << r.err;
  // The validators still serve the next run: the stored URL is the
  // configured one without its credentials.
  EXPECT_NE(files["state/" + kOutlet + "/feed.tsv"].find("http://127.0.0.1:" + std::to_string(server_.port()) + "/feed.json"),
            std::string::npos);

  // The site and its Jekyll posts, built from this mirror.
  std::string site = dir_.path() + "/site";
  CliResult s = RunNewsmirror({"site", "--archive", mirror_, "--out", site, "--jekyll-posts"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  size_t posts = 0;
  for (const auto& [path, text] : ReadTree(site)) {
    EXPECT_EQ(text.find("s3cr3tpw"), std::string::npos) << path;
    if (path.rfind("_posts/", 0) != 0) continue;
    ++posts;
    std::string front = text.substr(0, text.find("\n---\n", 4));
    // No title becomes markup in a layout: the front matter holds HTML-escaped text.
    EXPECT_EQ(front.find('<'), std::string::npos) << front;
  }
  EXPECT_EQ(posts, std::size(kItems));
}

TEST_F(EscapeE2eTest, FeedTextReachesTheTerminalWithoutControlCharacters) {
  ServeFeed();
  // -v prints every warning (one holds the undated entry's title).
  CliResult r = Run({"-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("txt.exe 标题"), std::string::npos) << r.err;
  EXPECT_FALSE(HasTerminalControl(r.err)) << r.err;

  CliResult json = Run({"--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_FALSE(HasTerminalControl(json.out)) << json.out;
  // The same JSON value: the controls are \u escapes.
  auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["sources"][0]["name"], kOutlet);

  CliResult search = RunNewsmirror({"search", "--archive", mirror_, "标题"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_NE(search.out.find("txt.exe"), std::string::npos) << search.out;
  EXPECT_FALSE(HasTerminalControl(search.out)) << search.out;
  CliResult search_json = RunNewsmirror({"search", "--archive", mirror_, "--json", "标题"});
  ASSERT_EQ(search_json.exit_code, 0) << search_json.err;
  EXPECT_FALSE(HasTerminalControl(search_json.out)) << search_json.out;
  auto hits = nlohmann::json::parse(search_json.out);
  ASSERT_FALSE(hits.empty());

  CliResult parse = RunNewsmirror({"parse", "http://127.0.0.1:" + std::to_string(server_.port()) + "/feed.json"});
  ASSERT_EQ(parse.exit_code, 0) << parse.err;
  EXPECT_NE(parse.out.find("txt.exe"), std::string::npos) << parse.out;
  EXPECT_FALSE(HasTerminalControl(parse.out)) << parse.out;
}

TEST_F(EscapeE2eTest, AddedPagesKeepNoCredentialsAndAnswerInEscapedMarkdown) {
  std::string title = "](javascript:alert(1)) [x](https://phish.example/) <b>*粗*</b>";
  std::string body;
  for (int i = 0; i < 6; ++i) {
    body += "<p>日本首相岸田文雄星期三表示，由于地区紧张局势的升高，日本将根据新出炉的安全和防卫战略，"
            "深化与美国的安全与防卫同盟关系。岸田是在参访日本中部的伊势神宫后举行的记者会上作上述表示的。</p>";
  }
  std::string escaped = "](javascript:alert(1)) [x](https://phish.example/) &lt;b&gt;*粗*&lt;/b&gt;";
  std::string page = "<html><head><meta charset=\"utf-8\"><title>" + escaped + "</title><meta property=\"og:title\" content=\"" +
                     escaped + "\"></head><body><article><h1>" + escaped + "</h1>" + body + "</article></body></html>";
  server_.Serve("/a/page(1).html", 200, page, {{"Content-Type", "text/html; charset=utf-8"}});
  std::string url = "http://reader:s3cr3tpw@127.0.0.1:" + std::to_string(server_.port()) + "/a/page(1).html";
  CliResult r = RunNewsmirror({"add", url, "--allow-private", "--out", mirror_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find("s3cr3tpw"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("s3cr3tpw"), std::string::npos) << r.err;
  for (const auto& [path, text] : ReadTree(mirror_)) EXPECT_EQ(text.find("s3cr3tpw"), std::string::npos) << path;
  auto json = nlohmann::json::parse(r.out);
  const auto& p = json["pages"][0];
  ASSERT_TRUE(p["ok"].get<bool>()) << r.out;
  std::string path = p["path"];
  auto doc = ParseArticle(*ReadFile(mirror_ + "/" + path));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->title, title);
  EXPECT_EQ(doc->link, FeedHostLink("/a/page(1).html"));
  // What archive-issue.yml writes on the issue: one link, to the file, with the title as its text.
  std::string answer = "- " + std::string(p["url"]) + "\n  archived: [" + std::string(p["title_markdown"]) +
                       "](https://github.com/o/r/blob/main/" + std::string(p["path_markdown"]) + ")";
  test::Rendered md = test::RenderMarkdown(answer);
  ASSERT_EQ(md.links.size(), 2u) << answer << md.html;  // the requested URL (autolinked) and the file
  EXPECT_EQ(md.links[1].text, title) << md.html;
  EXPECT_TRUE(md.links[1].text_only) << md.html;
  std::string dest = md.links[1].destination;
  ASSERT_EQ(dest.rfind("https://github.com/o/r/blob/main/articles/127.0.0.1/", 0), 0u) << dest;
  EXPECT_EQ(md.raw_html, 0) << md.html;
}

}  // namespace
}  // namespace nm

#include "layout/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace nm::layout {
namespace {

namespace fs = std::filesystem;

TEST(LayoutTest, OutletNamesOfRealOutletsAreAccepted) {
  for (const char* name : {"美国之音", "BBC 中文", "news.example", "德国之声", "读者推荐", "RFI", "a.b-c_d", "Ärzte",
                           // BBC Persian: a zero-width non-joiner inside a word is part of the spelling.
                           "\xD8\xA8\xDB\x8C\xE2\x80\x8C\xD8\xA8\xDB\x8C\xE2\x80\x8C\xD8\xB3\xDB\x8C",
                           "COM10", "console", "auxiliary", "nul-news", "all-news"}) {
    EXPECT_TRUE(CheckOutletName(name).ok()) << name << ": " << CheckOutletName(name).message();
  }
}

TEST(LayoutTest, OutletNamesThatCannotBeFoldersEverywhereAreRefused) {
  struct Case {
    std::string name;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {".", "\".\""},
      {"..", "\"..\""},
      {".git", "starts with a dot"},
      {"a/b", "'/'"},
      {"a\\b", "'\\'"},
      {std::string("a\0b", 3), "NUL"},
      {"a\x01" "b", "control character (U+0001)"},
      {"a\x7f", "control character"},
      {"a\xC2\x85" "b", "control character (U+0085)"},
      {"a:b", "':'"},
      {"a|b", "'|'"},
      {"x.", "ends with a space or a dot"},
      {"x ", "ends with a space or a dot"},
      {"CON", "device name"},
      {"con", "device name"},
      {"Nul.md", "device name"},
      {"aux.tar.gz", "device name"},
      {"COM1", "device name"},
      {"lpt9.txt", "device name"},
      {"COM\xC2\xB9", "device name"},
      {"CONIN$", "device name"},
      {"\xC2\xA0", "no visible character"},                      // U+00A0
      {"\xE3\x80\x80", "no visible character"},                  // U+3000
      {"\xE2\x80\x8B", "no visible character"},                  // U+200B
      {"\xC2\xA0\xE3\x80\x80\xE2\x80\x8B", "no visible character"},
      {"\xE2\xA0\x80\xE3\x85\xA4", "no visible character"},     // braille blank, Hangul filler
      {"\xE2\x80\xAE" "cba", "bidirectional override or isolate (U+202E)"},
      {"ab\xE2\x81\xA6" "c", "bidirectional override or isolate (U+2066)"},
      {" BBC", "starts with an invisible character (U+0020)"},
      {"BBC\xE3\x80\x80", "ends with an invisible character (U+3000)"},
      {"\xE2\x80\x8B" "BBC", "starts with an invisible character (U+200B)"},
      {"all", "feeds/all.xml"},
      {"a\xEF\xBC\x8F" "b", "folded as a file system may fold it (\"a/b\"), it contains '/'"},  // a／b
      {"\xEF\xBC\x8E" "git", "starts with a dot"},                                                 // ．git
      {"\xEF\xBC\xA3\xEF\xBC\xAF\xEF\xBC\xAE", "device name"},                               // ＣＯＮ
      {"ALL", "feeds/all.xml"},
      {"e\xCC\x81", "normalization form C"},                    // NFD é
      {"\xFF" "abc", "not valid UTF-8"},
      {"\xED\xA0\x80", "not valid UTF-8"},                      // a surrogate
      {"a\xEF\xBF\xBE", "noncharacter"},
      {std::string(121, 'a'), "longer than 120 bytes"},
  };
  for (const Case& c : cases) {
    Status s = CheckOutletName(c.name);
    ASSERT_FALSE(s.ok()) << "accepted: " << c.name;
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument);
    EXPECT_NE(s.message().find(c.why), std::string::npos) << c.name << ": " << s.message();
  }
}

TEST(LayoutTest, NormalizationGivesTheNfcFormAndIsIdempotent) {
  auto nfc = NormalizeOutletName("Caf" "e\xCC\x81");  // NFD
  ASSERT_TRUE(nfc.ok()) << nfc.status().message();
  EXPECT_EQ(*nfc, "Caf\xC3\xA9");
  EXPECT_TRUE(CheckOutletName(*nfc).ok());
  auto again = NormalizeOutletName(*nfc);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *nfc);
  // Normalizing never makes a bad name good.
  EXPECT_FALSE(NormalizeOutletName("..").ok());
  EXPECT_FALSE(NormalizeOutletName("\xE2\x80\xAE" "x").ok());
  EXPECT_FALSE(NormalizeOutletName("\xFF").ok());
}

TEST(LayoutTest, FileNamesOfTheMirrorAreAcceptedAndEscapesRefused) {
  for (const char* name : {"1048574_标题.md", "1048574.md", "feed.tsv", "10485.tsv", "0f3a.jpg", "2024-01.md",
                           "index.html", "_posts", "1048574_Cafe\xCC\x81.md", "1_\xE2\x80\xAE" "x.md"}) {
    EXPECT_TRUE(CheckFileName(name).ok()) << name << ": " << CheckFileName(name).message();
  }
  EXPECT_TRUE(CheckFileName(std::string(252, 'a') + ".md").ok());
  for (const std::string& name : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                                  std::string("..\\x"), std::string(".hidden"), std::string("x."),
                                  std::string("x "), std::string("a\nb"), std::string("CON.md"),
                                  std::string(253, 'a') + ".md", std::string("a\0b", 3)}) {
    EXPECT_FALSE(CheckFileName(name).ok()) << "accepted: " << name;
  }
}

TEST(LayoutTest, OutletsWhosePathsMeetAreRefusedBeforeAnythingIsWritten) {
  struct Case {
    std::string first, second, path;
  };
  const std::vector<Case> cases = {
      // The .md top-level domain: lists/news.example.md is a list page and a folder.
      {"news.example", "news.example.md", "lists/news.example.md"},
      {"news.example.md", "news.example", "lists/news.example.md"},
      {"x", "x.complete.txt", "state/x.complete.txt"},
      {"x.complete.txt", "x", "state/x.complete.txt"},
      {"x", "x.tsv", "state/x.tsv"},
      {"BBC", "bbc", "articles/bbc"},                              // case-insensitive file systems
      {"\xEF\xBC\xA2\xEF\xBC\xA2\xEF\xBC\xA3", "BBC", "articles/BBC"},  // full-width ＢＢＣ
      {"a\xE2\x80\x8B" "b", "ab", "articles/ab"},                  // a zero-width space
      {"Stra\xC3\x9F" "e", "STRASSE", "articles/STRASSE"},         // ß folds to ss
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(CheckOutletName(c.first).ok()) << c.first;
    ASSERT_TRUE(CheckOutletName(c.second).ok()) << c.second;
    OutletNameSet set;
    ASSERT_TRUE(set.Add(c.first).ok());
    Status s = set.Add(c.second);
    ASSERT_FALSE(s.ok()) << c.first << " beside " << c.second;
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument);
    EXPECT_NE(s.message().find("'" + c.second + "' cannot be an outlet beside '" + c.first + "'"), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find(c.path), std::string::npos) << s.message();
    EXPECT_FALSE(set.Contains(c.second));
  }
  // The site's images are in images/{outlet}: the site's own files in
  // assets/ (site.css, search.js) meet no outlet's path.
  OutletNameSet set;
  EXPECT_TRUE(set.Add("site.css").ok());
  EXPECT_TRUE(set.Add("search.js").ok());
}

TEST(LayoutTest, TheMirrorsOwnStateFilesAreNoOutletsStateFolder) {
  // state/pushes.txt and state/mail.txt belong to the whole mirror: an outlet
  // whose state folder would be one of them (in any case) is refused.
  for (const char* name : {"pushes.txt", "mail.txt", "Mail.TXT"}) {
    ASSERT_TRUE(CheckOutletName(name).ok()) << name;
    OutletNameSet set;
    Status s = set.Add(name);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_NE(s.message().find("the mirror's own files"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("state/"), std::string::npos) << s.message();
  }
  OutletNameSet set;
  EXPECT_TRUE(set.Add("pushes").ok());
  EXPECT_TRUE(set.Add("mail.txt.example").ok());
  EXPECT_EQ(PushRecordPath(), "state/pushes.txt");
  EXPECT_EQ(MailStatePath(), "state/mail.txt");
  ASSERT_TRUE(ParseMirrorPath(PushRecordPath()));
  EXPECT_EQ(ParseMirrorPath(PushRecordPath())->kind, MirrorFile::Kind::kPushRecord);
  ASSERT_TRUE(ParseMirrorPath(MailStatePath()));
  EXPECT_EQ(ParseMirrorPath(MailStatePath())->kind, MirrorFile::Kind::kMailState);
  for (const char* path : {"state/mail.md", "state/x/mail.txt", "mail.txt", "state/Pushes.txt"}) {
    EXPECT_FALSE(ParseMirrorPath(path)) << path;
  }
}

TEST(LayoutTest, FilesTheUsersKeepInTheMirrorAreNamedInsideIt) {
  for (const char* path : {"bundles/2024-01-01.epub", "recipients.txt", "离线/全部.zip"}) {
    EXPECT_TRUE(CheckUserFilePath(path).ok()) << path << ": " << CheckUserFilePath(path).message();
  }
  for (const char* path : {"../x", "/etc/passwd", "a/../../x", ".git/config", ".newsmirror/journal", "a//b", "",
                           "a\\b", "x\n"}) {
    EXPECT_FALSE(CheckUserFilePath(path).ok()) << path;
  }
}

TEST(LayoutTest, OutletsThatDoNotMeetLiveTogether) {
  OutletNameSet set;
  for (const char* name : {"news.example", "news.example.org", "news.example.mdx", "x", "x.complete", "美国之音",
                           "BBC", "BBC 中文", "all-news"}) {
    Status s = set.Add(name);
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }
  EXPECT_TRUE(set.Add("news.example").ok());  // the same name again
  EXPECT_TRUE(set.Contains("x"));
  EXPECT_FALSE(set.Contains("y"));
}

TEST(LayoutTest, EveryNamedPathOfAnOutletParsesBack) {
  using Kind = MirrorFile::Kind;
  const std::string o = "美国之音";
  struct Case {
    std::string path;
    Kind kind;
    std::string file;
  };
  const std::vector<Case> cases = {
      {ArticlePath(o, "1048574_标题.md"), Kind::kArticle, "1048574_标题.md"},
      {ListPagePath(o), Kind::kListPage, ""},
      {MonthPagePath(o, "2024-01"), Kind::kMonthPage, "2024-01.md"},
      {OutletFeedStatePath(o), Kind::kStateFile, "feed.tsv"},
      {OutletStateChunkPath(o, 10485), Kind::kStateFile, "10485.tsv"},
      {LegacyOutletStatePath(o), Kind::kLegacyState, ""},
      {CompletionStatePath(o), Kind::kCompletionState, ""},
      {AssetPath(o, "0f3a.jpg"), Kind::kAsset, "0f3a.jpg"},
      {OutletFeedPath(o), Kind::kOutletFeed, ""},
      {BundlePath(o, "2024-01-05.epub"), Kind::kBundle, "2024-01-05.epub"},
      {BundlePath(o, "2024-01.html"), Kind::kBundle, "2024-01.html"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseMirrorPath(c.path);
    ASSERT_TRUE(parsed) << c.path;
    EXPECT_EQ(parsed->kind, c.kind) << c.path;
    EXPECT_EQ(parsed->outlet, o) << c.path;
    EXPECT_EQ(parsed->file, c.file) << c.path;
  }
  EXPECT_EQ(ParseMirrorPath(ReadmePath())->kind, Kind::kReadme);
  EXPECT_EQ(ParseMirrorPath(GitignorePath())->kind, Kind::kGitignore);
  EXPECT_EQ(ParseMirrorPath(AllFeedPath())->kind, Kind::kAllFeed);
  EXPECT_EQ(ParseMirrorPath(BundleIndexPath())->kind, Kind::kBundleIndex);
  EXPECT_EQ(ParseMirrorPath(BundlePath("all", "2024-01.epub"))->outlet, "all");
  EXPECT_EQ(BundlePath("x", "2024-01.epub"), "bundles/x/2024-01.epub");
  EXPECT_EQ(BundleIndexPath(), "bundles/index.tsv");
  EXPECT_EQ(ArticlePath("x", "1.md"), "articles/x/1.md");
  EXPECT_EQ(MonthPagePath("美国之音", "2023-01"), "lists/美国之音/2023-01.md");
  EXPECT_EQ(OutletStateChunkPath("x", 10485), "state/x/10485.tsv");
  EXPECT_EQ(KeyCachePath("x"), ".newsmirror/keys/x.bin");
  EXPECT_EQ(LockPath(), ".newsmirror/lock");
}

TEST(LayoutTest, PathsNewsmirrorNeverWritesDoNotParse) {
  for (const char* path : {"../victim.txt", "/README.md", "articles/../x/1.md", "articles/x", "articles/x/sub/1.md",
                           "articles/x/1.txt", "articles/.x/1.md", "articles/x/.1.md", "articles/CON/1.md",
                           "articles/x//1.md", ".git/config", ".git/hooks/post-commit", ".newsmirror/lock",
                           ".newsmirror/journal", "lists/x.txt", "lists/.md", "state/x", "state/x/feed.txt",
                           "state/../../x.tsv", "feeds/x.rss", "feeds/all", "assets/x/../../y", "README.md/x",
                           "", "x", "articles/x/1.md/", "bundles/x", "bundles/x/2024-01.txt", "bundles/../x/1.epub",
                           "bundles/.x/2024-01.epub", "bundles/x/.2024-01.epub", "bundles/x/y/2024-01.epub",
                           "bundles/index.txt", "bundles/x/index.tsv"}) {
    EXPECT_FALSE(ParseMirrorPath(path)) << path;
  }
}

TEST(LayoutTest, SitePathsStayInsideTheSite) {
  for (const char* path : {"index.html", "outlets/美国之音/1048574.html", "_posts/2024-01-01-x-1.html",
                           "search/t/12.json", "feeds/all.xml", "text/index.html", "text/美国之音/page-2.html",
                           "text/美国之音/1048574-3.html"}) {
    EXPECT_TRUE(CheckSitePath(path).ok()) << path << ": " << CheckSitePath(path).message();
  }
  EXPECT_EQ(SiteTextHomePath(), "text/index.html");
  EXPECT_EQ(SiteTextOutletDir("美国之音") + "/1.html", "text/美国之音/1.html");
  for (const char* path : {"../victim.txt", "/etc/passwd", "outlets/../../victim.txt", "a//b", ".newsmirror-site.tsv",
                           "outlets/x/..", "", "x/./y", ".git/config",
                           "text/../victim.txt", "text/.x/1.html"}) {
    EXPECT_FALSE(CheckSitePath(path).ok()) << path;
  }
}

TEST(LayoutTest, TheSiteFolderIsNeitherTheMirrorNorAroundIt) {
  TempDir dir;
  std::string mirror = dir.path() + "/mirror";
  fs::create_directories(mirror + "/articles");
  fs::create_symlink(mirror, dir.path() + "/link-to-mirror");
  struct Case {
    std::string out;
    const char* why;
  };
  for (const Case& c : std::vector<Case>{{"/", "the file system's root"},
                                         {mirror, "itself"},
                                         {mirror + "/", "itself"},
                                         {mirror + "/../mirror", "itself"},
                                         {dir.path() + "/link-to-mirror", "itself"},
                                         {mirror + "/site", "inside the mirror"},
                                         {mirror + "/articles/x", "inside the mirror"},
                                         {dir.path(), "holds the mirror"}}) {
    Status s = CheckSiteFolder(mirror, c.out);
    ASSERT_FALSE(s.ok()) << c.out;
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument);
    EXPECT_NE(s.message().find(c.why), std::string::npos) << c.out << ": " << s.message();
  }
  EXPECT_TRUE(CheckSiteFolder(mirror, dir.path() + "/site").ok());
  EXPECT_TRUE(CheckSiteFolder(mirror, mirror + "-site").ok());  // a sibling whose name starts alike
  EXPECT_TRUE(CheckSiteFolder(mirror, dir.path() + "/new/site").ok());
}

TEST(LayoutTest, TheOutletsOfAMirrorAreFoundWhereverTheyHaveAPath) {
  TempDir dir;
  const std::string& root = dir.path();
  for (const char* folder : {"articles/a", "lists/c", "state/d", "assets/g", "articles/.hidden", "state/CON",
                             "lists/x.md"}) {
    fs::create_directories(root + "/" + folder);
  }
  for (const char* file : {"lists/b.md", "state/e.tsv", "state/f.complete.txt", "feeds/h.xml", "feeds/all.xml",
                           "lists/notes.txt"}) {
    fs::create_directories(fs::path(root + "/" + file).parent_path());
    std::ofstream(root + "/" + file) << "x";
  }
  fs::create_directory_symlink(root + "/articles/a", root + "/articles/l");
  std::vector<std::string> expected = {"a", "b", "c", "d", "e", "f", "g", "h", "x.md"};
  EXPECT_EQ(OutletsInMirror(root), expected);
  EXPECT_TRUE(OutletsInMirror(root + "/missing").empty());
}

TEST(LayoutTest, AnOutletsPathsMustBeWhatTheLayoutSays) {
  TempDir dir;
  const std::string& root = dir.path();
  fs::create_directories(root + "/articles/x");
  fs::create_directories(root + "/state/x");
  std::ofstream(root + "/state/x.complete.txt") << "x";
  EXPECT_TRUE(CheckOutletPaths(root, "x").ok());
  EXPECT_TRUE(CheckOutletPaths(root, "never-seen").ok());
  fs::create_directory_symlink(root + "/articles/x", root + "/articles/y");
  Status s = CheckOutletPaths(root, "y");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("articles/y is a symbolic link"), std::string::npos) << s.message();
  fs::create_directories(root + "/lists/z.md");  // a folder where the list page belongs
  s = CheckOutletPaths(root, "z");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lists/z.md is not a file"), std::string::npos) << s.message();
  fs::remove_all(root + "/assets");
  fs::create_directory_symlink(root + "/state", root + "/assets");
  s = CheckOutletPaths(root, "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("assets is a symbolic link"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace nm::layout

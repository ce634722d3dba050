#include "url/url.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace nm {
namespace {

// Expected values are WHATWG URL `href` serializations (checked against a
// browser-grade URL parser while writing the table). One deliberate
// difference from older parsers: '^' in a path is percent-encoded, as the
// current WHATWG path percent-encode set requires.
constexpr const char* kInvalid = nullptr;

struct NormalizeCase {
  const char* input;
  const char* expected;  // kInvalid for nullopt
};

class NormalizeTest : public testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeTest, MatchesWhatwgHref) {
  const NormalizeCase& c = GetParam();
  std::optional<std::string> got = NormalizeUrl(c.input);
  if (c.expected == kInvalid) {
    EXPECT_FALSE(got.has_value()) << "input: " << c.input << " got: " << got.value_or("");
  } else {
    ASSERT_TRUE(got.has_value()) << "input: " << c.input;
    EXPECT_EQ(*got, c.expected) << "input: " << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeTest,
    testing::Values(
        // Scheme and host lower-cased, default ports dropped, "/" for an empty path.
        NormalizeCase{"HTTPS://Example.COM:443", "https://example.com/"},
        NormalizeCase{"http://example.com", "http://example.com/"},
        NormalizeCase{"HTTP://A.B.C:8080", "http://a.b.c:8080/"},
        NormalizeCase{"http://example.com:80/", "http://example.com/"},
        NormalizeCase{"ftp://Example.com:21/x", "ftp://example.com/x"},
        NormalizeCase{"ws://a:80/", "ws://a/"},
        NormalizeCase{"wss://a:443/", "wss://a/"},
        NormalizeCase{"http://a.com:443/", "http://a.com:443/"},
        NormalizeCase{"https://a:0443/", "https://a/"},
        NormalizeCase{"http://a:0080/", "http://a/"},
        NormalizeCase{"http://a:/", "http://a/"},
        NormalizeCase{"http://example.com?q", "http://example.com/?q"},
        NormalizeCase{"http://example.com#f", "http://example.com/#f"},
        NormalizeCase{"http://a/?", "http://a/?"},
        NormalizeCase{"http://a/#", "http://a/#"},
        // Trimming and tab/newline removal.
        NormalizeCase{"   http://example.com/a  ", "http://example.com/a"},
        NormalizeCase{"\x01\x1f http://example.com/a \x02", "http://example.com/a"},
        NormalizeCase{"http://exa\tmple.com/a\n/b\r", "http://example.com/a/b"},
        // Dot segments, including percent-encoded dots.
        NormalizeCase{"http://example.com/a/./b/../c", "http://example.com/a/c"},
        NormalizeCase{"http://example.com/a/b/..", "http://example.com/a/"},
        NormalizeCase{"http://example.com/a/.", "http://example.com/a/"},
        NormalizeCase{"http://example.com/..", "http://example.com/"},
        NormalizeCase{"http://example.com/a/%2e%2E/b", "http://example.com/b"},
        NormalizeCase{"http://a/b//c/../d", "http://a/b//d"},
        // Backslashes are slashes in special schemes, but not in query or fragment.
        NormalizeCase{"http:\\\\example.com\\a\\b?x\\y#z\\w", "http://example.com/a/b?x\\y#z\\w"},
        // Any number of slashes after a special scheme.
        NormalizeCase{"http:example.com/x", "http://example.com/x"},
        NormalizeCase{"http:/example.com/x", "http://example.com/x"},
        NormalizeCase{"http:///example.com/x", "http://example.com/x"},
        // Percent-encoding of path, query and fragment; existing escapes kept.
        NormalizeCase{"http://例子.测试/路径 a?q=中 文#frag",
                      "http://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84%20a?q=%E4%B8%AD%20%E6%96%87#frag"},
        NormalizeCase{"http://example.com/a b?c d#e f", "http://example.com/a%20b?c%20d#e%20f"},
        NormalizeCase{"http://a/😀?😀#😀",
                      "http://a/%F0%9F%98%80?%F0%9F%98%80#%F0%9F%98%80"},
        NormalizeCase{"http://example.com/%7Efoo%20bar%7e", "http://example.com/%7Efoo%20bar%7e"},
        NormalizeCase{"http://example.com/100%", "http://example.com/100%"},
        NormalizeCase{"http://example.com/a%zz", "http://example.com/a%zz"},
        NormalizeCase{"http://example.com/a|b{c}d\"e`f<g>h^i[j]",
                      "http://example.com/a|b%7Bc%7Dd%22e%60f%3Cg%3Eh%5Ei[j]"},
        NormalizeCase{"http://example.com/?a|b{c}d\"e`f<g>h^i[j]'k",
                      "http://example.com/?a|b{c}d%22e`f%3Cg%3Eh^i[j]%27k"},
        NormalizeCase{"http://example.com/#a|b{c}d\"e`f<g>h^i[j]'k#l",
                      "http://example.com/#a|b{c}d%22e%60f%3Cg%3Eh^i[j]'k#l"},
        NormalizeCase{"http://a/b?c?d", "http://a/b?c?d"},
        NormalizeCase{"http://a/b;c=1/d", "http://a/b;c=1/d"},
        // Hosts: IDN to punycode, percent-decoded, trailing dot kept, forbidden
        // code points rejected.
        NormalizeCase{"http://Bücher.example/", "http://xn--bcher-kva.example/"},
        NormalizeCase{"http://ＥＸＡＭＰＬＥ.com/", "http://example.com/"},
        NormalizeCase{"http://ex%61mple.com/", "http://example.com/"},
        NormalizeCase{"http://example.com./", "http://example.com./"},
        NormalizeCase{"http://例子.测试./", "http://xn--fsqu00a.xn--0zwm56d./"},
        NormalizeCase{"http://a_b.example.com/", "http://a_b.example.com/"},
        NormalizeCase{"http://a b/", kInvalid},
        NormalizeCase{"http://a<b/", kInvalid},
        NormalizeCase{"http://ex%2Fample.com/", kInvalid},
        // Userinfo: parsed as a browser does, never written (credentials are
        // not published).
        NormalizeCase{"http://user:pass@Example.com/", "http://example.com/"},
        NormalizeCase{"http://us er:p@ss@example.com/", "http://example.com/"},
        NormalizeCase{"http://用户:密码@example.com/", "http://example.com/"},
        NormalizeCase{"http://user:@example.com/", "http://example.com/"},
        NormalizeCase{"http://user@example.com:8080/x", "http://example.com:8080/x"},
        NormalizeCase{"http://@example.com/", "http://example.com/"},
        NormalizeCase{"https://a%40b:c%3Ad@example.com/p?q#f", "https://example.com/p?q#f"},
        // IP addresses.
        NormalizeCase{"http://192.168.0.1/", "http://192.168.0.1/"},
        NormalizeCase{"http://0x7f.1/", "http://127.0.0.1/"},
        NormalizeCase{"http://3232235521/", "http://192.168.0.1/"},
        NormalizeCase{"http://1.2.3.4./", "http://1.2.3.4/"},
        NormalizeCase{"http://256.0.0.1/", kInvalid},
        NormalizeCase{"http://1.2.3.4.5/", kInvalid},
        NormalizeCase{"http://[2001:DB8::1]/", "http://[2001:db8::1]/"},
        NormalizeCase{"http://[2001:db8:0:0:1:0:0:1]:8080/", "http://[2001:db8::1:0:0:1]:8080/"},
        NormalizeCase{"http://[::ffff:1.2.3.4]/", "http://[::ffff:102:304]/"},
        NormalizeCase{"http://[v1.x]/", kInvalid},
        // Non-special schemes: trimmed, scheme lower-cased, otherwise as given.
        NormalizeCase{"mailto:Someone@Example.COM", "mailto:Someone@Example.COM"},
        NormalizeCase{" MAILTO:a@b.c ", "mailto:a@b.c"},
        NormalizeCase{"JavaScript:alert(1)", "javascript:alert(1)"},
        NormalizeCase{"data:image/png;base64,AAAA", "data:image/png;base64,AAAA"},
        // Not absolute or not valid.
        NormalizeCase{"not a url", kInvalid},
        NormalizeCase{"/relative/path", kInvalid},
        NormalizeCase{"", kInvalid},
        NormalizeCase{"http://", kInvalid},
        NormalizeCase{"http:///", kInvalid},
        NormalizeCase{"http://a:65536/", kInvalid},
        NormalizeCase{"http://a:8a/", kInvalid}));

struct ResolveCase {
  const char* base;
  const char* ref;
  const char* expected;  // kInvalid for nullopt
};

class ResolveTest : public testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveTest, MatchesWhatwgHref) {
  const ResolveCase& c = GetParam();
  std::optional<std::string> got = ResolveUrl(c.base, c.ref);
  if (c.expected == kInvalid) {
    EXPECT_FALSE(got.has_value()) << c.base << " + " << c.ref << " got: " << got.value_or("");
  } else {
    ASSERT_TRUE(got.has_value()) << c.base << " + " << c.ref;
    EXPECT_EQ(*got, c.expected) << c.base << " + " << c.ref;
  }
}

constexpr const char* kRfcBase = "http://a/b/c/d;p?q";

INSTANTIATE_TEST_SUITE_P(
    Table, ResolveTest,
    testing::Values(
        // The RFC 3986 examples, which WHATWG agrees with for http.
        ResolveCase{kRfcBase, "g", "http://a/b/c/g"},
        ResolveCase{kRfcBase, "./g", "http://a/b/c/g"},
        ResolveCase{kRfcBase, "g/", "http://a/b/c/g/"},
        ResolveCase{kRfcBase, "/g", "http://a/g"},
        ResolveCase{kRfcBase, "//g", "http://g/"},
        ResolveCase{kRfcBase, "?y", "http://a/b/c/d;p?y"},
        ResolveCase{kRfcBase, "g?y", "http://a/b/c/g?y"},
        ResolveCase{kRfcBase, "#s", "http://a/b/c/d;p?q#s"},
        ResolveCase{kRfcBase, "g#s", "http://a/b/c/g#s"},
        ResolveCase{kRfcBase, "", "http://a/b/c/d;p?q"},
        ResolveCase{kRfcBase, ".", "http://a/b/c/"},
        ResolveCase{kRfcBase, "..", "http://a/b/"},
        ResolveCase{kRfcBase, "../g", "http://a/b/g"},
        ResolveCase{kRfcBase, "../..", "http://a/"},
        ResolveCase{kRfcBase, "../../../g", "http://a/g"},
        ResolveCase{kRfcBase, "/./g", "http://a/g"},
        ResolveCase{kRfcBase, "g.", "http://a/b/c/g."},
        ResolveCase{kRfcBase, "..g", "http://a/b/c/..g"},
        ResolveCase{kRfcBase, "g;x=1/../y", "http://a/b/c/y"},
        // Same special scheme without slashes is relative; another scheme is not.
        ResolveCase{kRfcBase, "http:g", "http://a/b/c/g"},
        ResolveCase{kRfcBase, "http:/g", "http://a/g"},
        ResolveCase{kRfcBase, "https:g", "https://g/"},
        // Scheme-relative, with backslashes and extra slashes.
        ResolveCase{"https://a/b/c", "//cdn.example.com/x.jpg", "https://cdn.example.com/x.jpg"},
        ResolveCase{"https://a/b/c", "\\\\cdn.example.com\\x.jpg", "https://cdn.example.com/x.jpg"},
        ResolveCase{"https://a/b/c", "///cdn.example.com/x.jpg", "https://cdn.example.com/x.jpg"},
        ResolveCase{"https://a/", "//", kInvalid},
        // Encoding applies to the reference too.
        ResolveCase{"https://a/b/c", " /x y.jpg ", "https://a/x%20y.jpg"},
        ResolveCase{"https://a/b/c", "图片/一.jpg", "https://a/b/%E5%9B%BE%E7%89%87/%E4%B8%80.jpg"},
        ResolveCase{"https://a/", "?a b'c", "https://a/?a%20b%27c"},
        ResolveCase{"https://a/b/c", "1a:b", "https://a/b/1a:b"},
        // Query, fragment and empty references against a base with both.
        ResolveCase{"https://a/b/c?q#f", "", "https://a/b/c?q"},
        ResolveCase{"https://a/b/c?q#f", "#g", "https://a/b/c?q#g"},
        ResolveCase{"https://a/b/c?q#f", "?r", "https://a/b/c?r"},
        // Dot segments in the base count too, encoded or not.
        ResolveCase{"https://a/b/%2e%2e/c/d", "../x", "https://a/x"},
        ResolveCase{"https://user:pw@a:8080/b", "c", "https://a:8080/c"},
        ResolveCase{"https://a/b", "//user:pw@other/c", "https://other/c"},
        // Absolute references ignore the base.
        ResolveCase{"https://a/b/c", "HTTP://OTHER.com", "http://other.com/"},
        ResolveCase{"https://a/b/c", "mailto:x@y", "mailto:x@y"},
        ResolveCase{"https://a/", "javascript:alert(1)", "javascript:alert(1)"},
        ResolveCase{"not a url", "https://a/b", "https://a/b"},
        // An empty base leaves the reference as it is.
        ResolveCase{"", "https://a/b", "https://a/b"},
        ResolveCase{"", "b", kInvalid},
        ResolveCase{"not a url", "b", kInvalid},
        // Only a fragment resolves against an opaque base.
        ResolveCase{"mailto:x@y", "#f", "mailto:x@y#f"},
        ResolveCase{"mailto:x@y", "z", kInvalid},
        // A real feed link.
        ResolveCase{"https://www.voachinese.com/",
                    "/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/6903827.html",
                    "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-"
                    "defense-20230104/6903827.html"}));

TEST(IsSafeLinkScheme, AcceptsHttpHttpsAndReferences) {
  EXPECT_TRUE(IsSafeLinkScheme("http://a/"));
  EXPECT_TRUE(IsSafeLinkScheme("HTTPS://a/"));
  EXPECT_TRUE(IsSafeLinkScheme("/a/b"));
  EXPECT_TRUE(IsSafeLinkScheme("a/b:c"));
  EXPECT_TRUE(IsSafeLinkScheme("//host/x"));
  EXPECT_TRUE(IsSafeLinkScheme("#top"));
  EXPECT_TRUE(IsSafeLinkScheme("1a:b"));  // not a scheme, so a relative path
}

TEST(IsSafeLinkScheme, RejectsScriptAndDataEvenWhenObfuscated) {
  EXPECT_FALSE(IsSafeLinkScheme("javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkScheme(" JaVaScRiPt:alert(1)"));
  EXPECT_FALSE(IsSafeLinkScheme("java\tscript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkScheme("\x01javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkScheme("data:text/html,<b>"));
  EXPECT_FALSE(IsSafeLinkScheme("vbscript:msgbox"));
}

TEST(UrlHost, ReturnsLowerCasedHost) {
  EXPECT_EQ(UrlHost("https://Images.Weserv.NL?url={url_noscheme}"), "images.weserv.nl");
  EXPECT_EQ(UrlHost("http://user:pw@Example.com:8080/x"), "example.com");
  EXPECT_EQ(UrlHost("http://Bücher.example/"), "xn--bcher-kva.example");
  EXPECT_EQ(UrlHost("http://[2001:DB8::1]:80/"), "[2001:db8::1]");
  EXPECT_EQ(UrlHost("/relative"), "");
  EXPECT_EQ(UrlHost("mailto:a@b.c"), "");
  EXPECT_EQ(UrlHost("not a url"), "");
}

TEST(EncodeUriComponent, MatchesJavaScript) {
  EXPECT_EQ(EncodeUriComponent("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
  EXPECT_EQ(EncodeUriComponent("https://a/b?c=d&e=f#g h+i%"),
            "https%3A%2F%2Fa%2Fb%3Fc%3Dd%26e%3Df%23g%20h%2Bi%25");
  EXPECT_EQ(EncodeUriComponent("中"), "%E4%B8%AD");
  EXPECT_EQ(EncodeUriComponent(""), "");
}

// RFC 3986 section 5.4's examples, plus the bytes JoinUrl must not change.
TEST(JoinUrl, FollowsRfc3986AndKeepsBytes) {
  const std::string base = "http://a/b/c/d;p?q";
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"},       {"./g", "http://a/b/c/g"},      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},          {"//g", "http://g"},            {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},   {"#s", "http://a/b/c/d;p?q#s"}, {"", ""},
      {".", "http://a/b/c/"},        {"..", "http://a/b/"},          {"../g", "http://a/b/g"},
      {"../../../g", "http://a/g"},  {"g;x=1/../y", "http://a/b/c/y"},
  };
  for (const auto& [ref, want] : cases) EXPECT_EQ(JoinUrl(base, ref), want) << ref;
  EXPECT_EQ(JoinUrl("http://any.test/", "À"), "http://any.test/À");
  EXPECT_EQ(JoinUrl("http://x.test/", "http://item.TEST/%7ebob"), "http://item.TEST/%7ebob");
  EXPECT_EQ(JoinUrl("http://x.test", "a"), "http://x.test/a");
  EXPECT_EQ(JoinUrl("", "/a"), "/a");
}

}  // namespace
}  // namespace nm

namespace nm {
namespace {

TEST(ArchiveLinkTest, TheStoredFormOfAnEntryLink) {
  // As DESIGN.md's "link": normalized, http(s) only, no credentials, ( ) < > \ percent-encoded.
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/6903827.html",
       "https://www.voachinese.com/a/japan-s-pm-kishida-vows-deeper-alliance-with-us-on-defense-20230104/6903827.html"},
      {"HTTPS://User:Secret@News.Example:443/a b", "https://news.example/a%20b"},
      {"http://user@news.example/", "http://news.example/"},
      {"https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_%28bar%29"},
      {"https://x.example/a)b", "https://x.example/a%29b"},
      {"https://x.example/?q=a)](javascript:alert(1))", "https://x.example/?q=a%29]%28javascript:alert%281%29%29"},
      {"https://x.example/?q=\\)#f\\(", "https://x.example/?q=%5C%29#f%5C%28"},
      {"https://x.example/?q=<b>", "https://x.example/?q=%3Cb%3E"},
      {"javascript:alert(1)", ""},
      {"data:text/html,<b>", ""},
      {"ftp://x.example/", ""},
      {"file:///etc/passwd", ""},
      {"/relative/path", ""},
      {"https://", ""},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(ArchiveLink(c.in), c.out) << c.in;
}

TEST(ArchiveLinkTest, IsIdempotent) {
  for (const char* in : {"https://u:p@x.example/a(b)?c=<d>\\e#(f)", "http://例子.测试/路径?查询#片段"}) {
    std::string once = ArchiveLink(in);
    ASSERT_FALSE(once.empty()) << in;
    EXPECT_EQ(ArchiveLink(once), once) << in;
  }
}

TEST(WithoutCredentialsTest, DropsTheUserinfoOnly) {
  EXPECT_EQ(WithoutCredentials("https://user:secret@feeds.example/rss?a=b@c"), "https://feeds.example/rss?a=b@c");
  EXPECT_EQ(WithoutCredentials("https://a@b:pw@feeds.example:8443/x"), "https://feeds.example:8443/x");
  EXPECT_EQ(WithoutCredentials("https://feeds.example/x@y"), "https://feeds.example/x@y");
  EXPECT_EQ(WithoutCredentials("file:feeds/voa.xml"), "file:feeds/voa.xml");
  EXPECT_EQ(WithoutCredentials("mailto:a@b.example"), "mailto:a@b.example");
}

}  // namespace
}  // namespace nm

#include "mail/message.h"

#include <gtest/gtest.h>

#include <regex>

#include "feed/adapters.h"

namespace nm {
namespace {

// The text of a header value: unfolded, each encoded-word decoded (the
// whitespace between two encoded-words dropped, as RFC 2047 says).
std::string DecodeHeader(std::string value) {
  std::string unfolded;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value.compare(i, 3, "\r\n ") == 0) {
      unfolded += ' ';
      i += 2;
    } else {
      unfolded += value[i];
    }
  }
  std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  std::string out;
  auto begin = std::sregex_iterator(unfolded.begin(), unfolded.end(), word);
  size_t last = 0;
  bool previous_word = false;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    std::string between = unfolded.substr(last, it->position() - last);
    if (!(previous_word && between.find_first_not_of(' ') == std::string::npos)) out += between;
    out += DecodeBase64((*it)[1].str());
    last = it->position() + it->length();
    previous_word = true;
  }
  return out + unfolded.substr(last);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "every line ends in CRLF";
    if (end == std::string::npos) break;
    out.push_back(s.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

TEST(MailAddressTest, ReadsTheUsualForms) {
  auto a = ParseMailAddress("  新闻 镜像 <digest@mirror.example>  ");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->name, "新闻 镜像");
  EXPECT_EQ(a->address, "digest@mirror.example");
  auto b = ParseMailAddress("\"Reader, A.\" <a.reader+news@x.example>");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name, "Reader, A.");
  auto c = ParseMailAddress("root@localhost");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "");
  EXPECT_EQ(c->address, "root@localhost");
}

TEST(MailAddressTest, RefusesWhatCouldInjectOrMisroute) {
  for (std::string bad : {"a@b.example\r\nBcc: evil@x.example", "a@b.example\nX: y", "Name\r <a@b.example>",
                          "a b@c.example", "\"q\"@c.example", "a@b.example>", "<a@b.example", "a@", "@b.example",
                          "noat", "a@b..example", "a@-b_c.example", "用户@例子.example", "a@b.example, c@d.example",
                          "<a@b.example> <c@d.example>"}) {
    EXPECT_FALSE(ParseMailAddress(bad).ok()) << bad;
  }
}

TEST(MailAddressTest, MaskedKeepsTheDomainOnly) {
  EXPECT_EQ(MaskedAddress("reader@example.org"), "r***@example.org");
  EXPECT_EQ(MaskedAddress("nonsense"), "***");
}

TEST(HeaderTextTest, PlainAsciiStaysAndEverythingElseIsEncodedWords) {
  EXPECT_EQ(EncodeHeaderText("Daily digest", 9), "Daily digest");
  std::string title = "newsmirror：日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟 等 3 篇";
  std::string encoded = EncodeHeaderText(title, 9);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  EXPECT_EQ(DecodeHeader(encoded), title);
  // Folded onto lines of at most 78 characters (the first after "Subject: ").
  std::string with_name = "Subject: " + encoded + "\r\n";
  for (const std::string& line : Lines(with_name)) EXPECT_LE(line.size(), 78u) << line;
  // Text that looks like an encoded-word is encoded itself.
  EXPECT_EQ(DecodeHeader(EncodeHeaderText("=?UTF-8?B?eA==?=", 9)), "=?UTF-8?B?eA==?=");
}

TEST(HeaderTextTest, LineBreaksInTheTextNeverReachTheHeader) {
  for (std::string evil : {std::string("title\r\nBcc: evil@x.example"), std::string("标题\nBcc: evil@x.example"),
                           std::string("a\rb"), std::string("x\xE2\x80\xA8y"), std::string("nul\0x", 5)}) {
    std::string encoded = EncodeHeaderText(evil, 9);
    for (size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '\r' || encoded[i] == '\n') {
        // Only the folding "\r\n " is there.
        ASSERT_EQ(encoded.compare(i - (encoded[i] == '\n'), 3, "\r\n "), 0) << encoded;
      }
    }
    std::string decoded = DecodeHeader(encoded);
    EXPECT_EQ(decoded.find_first_of(std::string("\r\n\0", 3)), std::string::npos) << decoded;
  }
}

MailMessage Sample() {
  MailMessage m;
  m.from = {"新闻镜像 \r\nBcc: evil@x.example", "digest@mirror.example"};
  m.to = {"", "reader@example.org"};
  m.subject = "newsmirror：\r\nBcc: evil@x.example 拜登";
  m.date_ms = 1672843145000;
  m.message_id = "0123abcd@mirror.example";
  m.text = "第一行\n第二行\n";
  m.html = "<p>第一行</p>";
  return m;
}

// The header block: every line a "Name: value" or a folded continuation,
// none longer than 78.
std::vector<std::string> HeaderLines(const std::string& message) {
  std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  std::vector<std::string> lines = Lines(head);
  for (const std::string& line : lines) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_TRUE(line[0] == ' ' || std::regex_search(line, std::regex("^[A-Za-z-]+: "))) << line;
  }
  return lines;
}

TEST(MailMessageTest, HeadersAreBuiltFromFieldsAndCannotBeInjected) {
  std::string message = FormatMessage(Sample());
  std::vector<std::string> lines = HeaderLines(message);
  std::vector<std::string> names;
  for (const std::string& line : lines) {
    if (line[0] != ' ') names.push_back(line.substr(0, line.find(':')));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                              "Auto-Submitted", "Content-Type"}));
  EXPECT_NE(message.find("Date: Wed, 04 Jan 2023 14:39:05 +0000\r\n"), std::string::npos);
  EXPECT_NE(message.find("To: reader@example.org\r\n"), std::string::npos);
  EXPECT_NE(message.find("Message-ID: <0123abcd@mirror.example>\r\n"), std::string::npos);
  EXPECT_NE(message.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(message.find("<digest@mirror.example>"), std::string::npos);
  // The injected text is still there, as text of the subject and the name.
  std::string subject;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("Subject: ", 0) != 0) continue;
    subject = lines[i].substr(9);
    for (size_t k = i + 1; k < lines.size() && lines[k][0] == ' '; ++k) subject += "\r\n" + lines[k];
  }
  EXPECT_EQ(DecodeHeader(subject), "newsmirror：  Bcc: evil@x.example 拜登");
}

TEST(MailMessageTest, BodiesAndAttachmentsAreBase64InTheirParts) {
  MailMessage m = Sample();
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes.push_back(static_cast<char>(i * 7 % 256));
  m.attachments.push_back({"bundles/all/2023-01-03 离线.epub", "", bytes});
  std::string message = FormatMessage(m);
  HeaderLines(message);
  EXPECT_NE(message.find("Content-Type: multipart/mixed;\r\n boundary=\"=_nm_m"), std::string::npos);
  EXPECT_NE(message.find("Content-Type: multipart/alternative;\r\n boundary=\"=_nm_a"), std::string::npos);
  EXPECT_NE(message.find("Content-Type: application/epub+zip;"), std::string::npos);
  // A non-ASCII file name goes in RFC 2231 form, its last segment only.
  EXPECT_NE(message.find("filename*=UTF-8''2023-01-03%20%E7%A6%BB%E7%BA%BF.epub"), std::string::npos) << message;
  EXPECT_EQ(message.find("bundles/all"), std::string::npos);
  // The attachment's base64 decodes to its bytes; no line is longer than 76.
  size_t at = message.find("\r\n\r\n", message.find("Content-Disposition: attachment"));
  size_t end = message.find("\r\n--=_nm_m", at);
  std::string b64 = message.substr(at + 4, end - at - 4);
  for (const std::string& line : Lines(b64 + "\r\n")) EXPECT_LE(line.size(), 76u);
  std::string joined;
  for (char c : b64) {
    if (c != '\r' && c != '\n') joined += c;
  }
  EXPECT_EQ(DecodeBase64(joined), bytes);
  EXPECT_EQ(message.substr(message.size() - 2), "\r\n");
}

TEST(MailMessageTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ContentTypeOfFile("a.EPUB"), "application/epub+zip");
  EXPECT_EQ(ContentTypeOfFile("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeOfFile("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace nm

// ReadXml hands the text to libxml2's push parser in pieces (so that its
// buffer stays small): the tree and the warnings must be those of the whole
// document given at once, wherever the cuts fall — inside a multi-byte
// character, a tag, an attribute holding '>', a reference, a CDATA section,
// a comment, between CR and LF, in broken markup the parser recovers from.
#include <gtest/gtest.h>

#include <libxml/tree.h>

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "decode/charset.h"
#include "feed/xml_doc.h"
#include "util/fs.h"

namespace nm {
namespace {

constexpr size_t kWhole = std::numeric_limits<size_t>::max();

// Every node of the tree with what the adapters read of it: type, name,
// namespace, content, attributes (with their namespaces), in order.
void Describe(const xmlNode* n, int depth, std::string& out) {
  for (; n; n = n->next) {
    out.append(static_cast<size_t>(depth), ' ');
    out += std::to_string(n->type) + " ";
    if (n->name) out += reinterpret_cast<const char*>(n->name);
    if (n->ns && n->ns->href) out += std::string(" {") + reinterpret_cast<const char*>(n->ns->href) + "}";
    if (n->type == XML_ELEMENT_NODE) {
      for (const xmlAttr* a = n->properties; a; a = a->next) {
        out += std::string(" @") + reinterpret_cast<const char*>(a->name);
        if (a->ns && a->ns->href) out += std::string("{") + reinterpret_cast<const char*>(a->ns->href) + "}";
        xmlChar* v = xmlNodeListGetString(a->doc, a->children, 0);
        out += "=[" + std::string(v ? reinterpret_cast<const char*>(v) : "") + "]";
        xmlFree(v);
      }
    } else if (n->content) {
      out += " [" + std::string(reinterpret_cast<const char*>(n->content)) + "]";
    }
    out += "\n";
    if (n->type != XML_ENTITY_REF_NODE) Describe(n->children, depth + 1, out);
  }
}

// The tree and warnings of ReadXml with the given piece size, as text.
std::string Read(std::string_view utf8, size_t piece) {
  auto read = ReadXml(utf8, "https://feeds.example/feed.xml", piece);
  if (!read.ok()) return "error: " + read.status().message();
  std::string out;
  Describe(xmlDocGetRootElement(read->doc.get()), 0, out);
  for (const std::string& w : read->warnings) out += "warning: " + w + "\n";
  return out;
}

void ExpectSameForEveryCut(const std::string& name, std::string_view utf8, const std::vector<size_t>& pieces) {
  const std::string whole = Read(utf8, kWhole);
  for (size_t piece : pieces) {
    if (piece >= utf8.size()) continue;
    EXPECT_EQ(Read(utf8, piece), whole) << name << " read " << piece << " bytes at a time";
  }
}

// A feed with every construct a cut can fall into, repeated with shifting
// lengths so that each boundary lands at many offsets.
std::string Tricky(int items) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
      "<!DOCTYPE rss [<!ENTITY house \"中文 house\">]>\r\n"
      "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>通道 &amp; channel</title>\r\n";
  for (int i = 0; i < items; ++i) {
    std::string pad(static_cast<size_t>(i % 13), 'x');
    s += "<item><title>标题 " + std::to_string(i) + pad + " 😀 &#x4E2D;&amp;&house;</title>\r\n";
    s += "<link title=\"a > b 'q'\" href='https://site.example/" + std::to_string(i) + "?a=1&amp;b=2'>"
         "https://site.example/" + std::to_string(i) + "</link>\n";
    s += "<!-- a comment > with -- <tags> " + pad + " -->";
    s += "<?pi some > data ?>";
    s += "<description><![CDATA[<p>段落 " + pad + " ]] ]> & <b>粗</b></p>" + std::string(400 + i % 37, 'y') +
         "中文字符]]></description>\r\n";
    s += "<content:encoded>&lt;p&gt;转义 " + pad + "&lt;/p&gt;&#8212;&#x1F600;</content:encoded>";
    s += "<dc:creator>作者</dc:creator><pubDate>Wed, 04 Jan 2023 14:39:05 GMT</pubDate>";
    // Broken markup the repair and libxml2's recovery deal with.
    if (i % 5 == 0) s += "<category>未闭合<b>粗体</category>";
    if (i % 7 == 0) s += "</stray><br>&nbsp;&bare & text";
    s += "</item>\r\n";
  }
  return s + "</channel></rss>\r\ntrailing text";
}

TEST(ReadXmlTest, SameTreeHoweverTheTextIsCut) {
  const std::string doc = Tricky(40);
  ASSERT_GT(doc.size(), 20000u);
  ExpectSameForEveryCut("generated feed", doc, {1, 2, 3, 5, 7, 64, 299, 300, 301, 4096, 10007});
  // Sanity: the reference is a real tree of every item.
  EXPECT_NE(Read(doc, kWhole).find("标题 39"), std::string::npos);
}

TEST(ReadXmlTest, LargeFeedCutAtTheReadersPieceSize) {
  const std::string doc = Tricky(1500);
  ASSERT_GT(doc.size(), 3 * kXmlChunk);
  ExpectSameForEveryCut("large generated feed", doc, {kXmlChunk, 4096, 65536 + 3});
}

TEST(ReadXmlTest, SameTreeForEveryConformanceCaseAndTheSeedFeed) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(NEWSMIRROR_SHARED_DIR) +
                                                                      "/corpora/feedparser/cases")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  files.push_back(std::string(NEWSMIRROR_SHARED_DIR) + "/fixtures/seed-feed.xml");
  ASSERT_GT(files.size(), 600u);
  for (const auto& f : files) {
    auto bytes = ReadFile(f.string());
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    Decoded text = DecodeDocument(*bytes, "", DocumentKind::kXml);
    ExpectSameForEveryCut(f.filename().string(), text.Text(), {1, 2, 3, 7, 64, 301});
  }
}

}  // namespace
}  // namespace nm

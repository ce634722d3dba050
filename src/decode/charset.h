// Turns the bytes of a feed or an HTML page into UTF-8 and says which charset
// they were read in.
//
// The charset is chosen in the order of the standards: a byte order mark;
// the byte patterns of XML's appendix F (UTF-16/32 without a BOM, EBCDIC
// "<?xm" with the code page its declaration names); the HTTP Content-Type
// charset; the XML declaration (for HTML, <meta charset> or http-equiv in the
// first 1024 bytes); UTF-8. A candidate that does not decode the bytes
// cleanly gives way to the next one, and when none does, ICU's statistical
// detector picks the charset. Following RFC 7303 rather than RFC 3023, text/xml
// without a charset is US-ASCII only when the bytes are ASCII.
//
// Legacy labels are decoded with the supersets browsers use: GB2312 and GBK as
// GB18030, Big5 as Big5-HKSCS, ISO-8859-1 and US-ASCII as windows-1252. C1
// control characters in UTF-8 text (cp1252 bytes misread as Latin-1 upstream)
// become the cp1252 characters they stood for. Invalid bytes become U+FFFD and
// are counted; decoding never fails. Thread-safe; ICU converters only.
//
// A document that is not valid UTF-8 as a whole but holds valid UTF-8 text
// beside text in one legacy charset (concatenated feeds, a UTF-8 template
// filled with GB18030 or Big5, or the reverse) is decoded part by part
// (charset "utf-8+gb18030", source "mixed"): it is cut into pieces at '<' and
// after each line break, which no character of an ASCII-compatible stateless
// charset spans, and each piece is read in the charset that reads it. The
// legacy charset is the first the HTTP header, the declaration, the <meta>
// or a later XML declaration in the document names that reads those pieces
// without error, else the one ICU detects in them (given 32 bytes outside
// ASCII or more: a stray byte in UTF-8 stays U+FFFD). What is promised: a
// piece that is valid UTF-8 and could not be legacy text by chance (three
// or more multi-byte sequences, one of three bytes or more; against a
// single-byte charset any multi-byte sequence) is never read as the legacy
// charset, so no valid UTF-8 part of such length comes out as mojibake; a
// piece that UTF-8 cannot read but the legacy charset can is read in it.
// Shorter pieces that both read (a line of two Chinese characters) go with
// the pieces around them. When no legacy charset can be told, a document
// holding such certain UTF-8 is read as UTF-8 (the rest as U+FFFD); any
// other document with no piece of each kind is read in one charset, as above.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nm {

enum class DocumentKind { kXml, kHtml };

struct Decoded {
  std::string text;     // UTF-8 without a byte order mark
  // The charset the bytes were read in, lower-case, as the document or the
  // server labelled it ("utf-8", "iso-8859-1", "cp037"), except that GB2312
  // and GBK are named "gb18030" and UTF-16/32 carry their byte order
  // ("utf-16le").
  std::string charset;
  // What decided: "bom", "bytes" (appendix F patterns), "http", "declaration"
  // (XML declaration or HTML meta), "default", "detected" or "mixed" (two
  // charsets, part by part: `charset` is "utf-8+{legacy}").
  std::string source;
  size_t replaced = 0;  // invalid byte sequences replaced by U+FFFD
  std::vector<std::string> warnings;  // declared charsets that were unknown or wrong
  // Set when DecodeDocument was allowed to borrow and the text is the input
  // bytes themselves (UTF-8 needing no change, after a BOM): `text` stays
  // empty and `borrowed` points into the caller's bytes, saving a copy of
  // every large feed.
  bool is_borrowed = false;
  std::string_view borrowed;
  std::string_view Text() const { return is_borrowed ? borrowed : std::string_view(text); }
};

// Decodes `bytes` as described above; `content_type` is the HTTP header ("" when none).
// With `may_borrow`, the result may point into `bytes` (see Decoded::borrowed).
Decoded DecodeDocument(std::string_view bytes, std::string_view content_type, DocumentKind kind,
                       bool may_borrow = false);

// The charset parameter of a Content-Type header, lower-case, unquoted ("" when none).
std::string CharsetFromContentType(std::string_view content_type);

// The encoding name declared in an XML declaration, lower-case ("" when none).
std::string XmlDeclaredEncoding(std::string_view bytes);

// The charset an HTML page declares with <meta> in its first 1024 bytes ("" when none).
std::string HtmlMetaCharset(std::string_view bytes);

// The ICU converter to decode a charset label with (its superset where there
// is one), or "" when ICU has no converter for it.
std::string WidenCharset(std::string_view label);

// The windows-1252 character a C1 control code point (U+0080-U+009F) stands
// for in mislabelled text; `cp` itself for every other code point and for
// the five bytes cp1252 leaves undefined.
char32_t Windows1252ForC1(char32_t cp);

}  // namespace nm

// Which charset a document's bytes are in, before they are parsed.
//
// Declared legacy Chinese charsets are widened to their supersets, as
// browsers do: GB2312 and GBK are read as GB18030 (feeds labelled gb2312
// routinely carry GBK characters), Big5 as Big5-HKSCS.
#pragma once

#include <string>
#include <string_view>

namespace nm {

// The charset parameter of a Content-Type header ("" when none).
std::string CharsetFromContentType(std::string_view content_type);

// The encoding name declared in an XML declaration ("" when none).
std::string XmlDeclaredEncoding(std::string_view bytes);

// The superset to decode a declared charset with (lower-case input accepted).
std::string WidenCharset(std::string_view charset);

// The encoding the XML parser should be told to use instead of the document's
// own declaration, or "" to let it follow the document.
std::string XmlEncodingOverride(std::string_view bytes, std::string_view content_type);

}  // namespace nm

#include "decode/charset.h"

#include <algorithm>
#include <cctype>

namespace nm {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

std::string CharsetFromContentType(std::string_view ct) {
  std::string lower = Lower(ct);
  size_t p = lower.find("charset=");
  if (p == std::string::npos) return {};
  p += 8;
  size_t end = lower.find_first_of(";, \t", p);
  std::string v = lower.substr(p, end == std::string::npos ? std::string::npos : end - p);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
  return v;
}

std::string XmlDeclaredEncoding(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.substr(0, 5) != "<?xml") return {};
  size_t end = bytes.find("?>");
  std::string_view decl = bytes.substr(0, end);
  size_t p = decl.find("encoding");
  if (p == std::string_view::npos) return {};
  p = decl.find_first_of("\"'", p);
  if (p == std::string_view::npos) return {};
  size_t q = decl.find(decl[p], p + 1);
  if (q == std::string_view::npos) return {};
  return Lower(decl.substr(p + 1, q - p - 1));
}

std::string WidenCharset(std::string_view charset) {
  std::string c = Lower(charset);
  if (c == "gb2312" || c == "gbk" || c == "x-gbk" || c == "gb_2312-80" || c == "cp936" ||
      c == "euc-cn" || c == "csgb2312" || c == "windows-936") {
    return "GB18030";
  }
  if (c == "big5" || c == "x-x-big5" || c == "cn-big5" || c == "csbig5") return "BIG5-HKSCS";
  return c;
}

std::string XmlEncodingOverride(std::string_view bytes, std::string_view content_type) {
  // A byte order mark decides (libxml2 reads it itself).
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF" || bytes.substr(0, 2) == "\xFE\xFF" ||
      bytes.substr(0, 2) == "\xFF\xFE") {
    return {};
  }
  std::string http = CharsetFromContentType(content_type);
  std::string declared = XmlDeclaredEncoding(bytes);
  std::string chosen = !http.empty() ? http : declared;
  if (chosen.empty()) return {};
  std::string widened = WidenCharset(chosen);
  if (widened == Lower(declared)) return {};
  return widened == "utf-8" || widened == "utf8" ? std::string("UTF-8") : widened;
}

}  // namespace nm

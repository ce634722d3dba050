#include "url/url.h"

#include <idn2.h>
#include <uriparser/Uri.h>

#include <cstdint>
#include <vector>

#include "util/text.h"

namespace nm {
namespace {

// The plan: browsers accept bytes that RFC 3986 forbids (spaces, non-ASCII,
// backslashes, '|', '{', '"', a second '#', ...). So the input is first split
// the way a WHATWG parser would split it, every byte uriparser could reject is
// percent-encoded (and '%' itself becomes %25, so that after parsing *every*
// escape is ours and decodes back to the exact input byte), uriparser parses
// and resolves, and the result is decoded and serialized with WHATWG's
// percent-encode sets.

bool IsAsciiAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(unsigned char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
bool IsHexDigit(unsigned char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(unsigned char c) {
  if (IsAsciiDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void AppendPercent(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

// WHATWG: strip leading/trailing C0 controls and spaces, drop every tab and
// newline.
std::string CleanInput(std::string_view in) {
  size_t b = 0, e = in.size();
  while (b < e && static_cast<unsigned char>(in[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(in[e - 1]) <= 0x20) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    char c = in[i];
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

// Index of the ':' ending a valid scheme, or npos when `s` has no scheme.
size_t SchemeEnd(std::string_view s) {
  if (s.empty() || !IsAsciiAlpha(s[0])) return std::string_view::npos;
  for (size_t i = 1; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == ':') return i;
    if (!IsAsciiAlnum(c) && c != '+' && c != '-' && c != '.') break;
  }
  return std::string_view::npos;
}

int DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return -1;
}
bool IsSpecial(std::string_view scheme) { return DefaultPort(scheme) != -1 || scheme == "file"; }

// --- WHATWG percent-encode sets -------------------------------------------

enum class EncodeSet { kFragment, kSpecialQuery, kPath };

bool InEncodeSet(unsigned char c, EncodeSet set) {
  if (c <= 0x1F || c > 0x7E) return true;
  switch (c) {
    case ' ': case '"': case '<': case '>':
      return true;
    case '`':
      return set != EncodeSet::kSpecialQuery;
    case '#':
      return set != EncodeSet::kFragment;
    case '\'':
      return set == EncodeSet::kSpecialQuery;
    case '?': case '^': case '{': case '}':
      return set == EncodeSet::kPath;
    default:
      return false;
  }
}

std::string EncodeWith(std::string_view s, EncodeSet set) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (InEncodeSet(c, set)) {
      AppendPercent(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}


// --- Pre-encoding for uriparser --------------------------------------------

bool IsUnreservedOrSubDelim(unsigned char c) {
  if (IsAsciiAlnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

// Every byte outside `extra` and RFC 3986's unreserved and sub-delims becomes
// %XX, '%' included.
std::string PreEncode(std::string_view s, std::string_view extra) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (IsUnreservedOrSubDelim(c) || (c != '%' && extra.find(static_cast<char>(c)) != std::string_view::npos)) {
      out += static_cast<char>(c);
    } else {
      AppendPercent(out, c);
    }
  }
  return out;
}

// The host is percent-decoded by WHATWG anyway, so existing escapes pass
// through; a bracketed IPv6 literal is left for uriparser to validate.
std::string PreEncodeHostPort(std::string_view hostport) {
  std::string_view host = hostport, port;
  bool has_port = false;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return std::string(hostport);  // uriparser rejects it
    host = hostport.substr(0, close + 1);
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::string(hostport);
      port = rest.substr(1);
      has_port = true;
    }
    std::string out(host);
    if (has_port) out += ':' + std::string(port);
    return out;
  }
  size_t colon = hostport.find(':');
  if (colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    has_port = true;
  }
  std::string out;
  for (unsigned char c : host) {
    if (IsUnreservedOrSubDelim(c) || c == '%') {
      out += static_cast<char>(c);
    } else {
      AppendPercent(out, c);
    }
  }
  if (has_port) out += ':' + std::string(port);
  return out;
}

// Rewrites a cleaned special-scheme URL or relative reference into a string
// uriparser accepts with the same structure a WHATWG parser would see.
// `scheme` is the lower-cased scheme of `s` ("" for a relative reference);
// `base_scheme` is the scheme of the base it will be resolved against.
std::string PrepareSpecial(std::string_view s, const std::string& scheme,
                           const std::string& base_scheme) {
  std::string_view fragment, query;
  bool has_fragment = false, has_query = false;
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    fragment = s.substr(hash + 1);
    has_fragment = true;
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    query = s.substr(q + 1);
    has_query = true;
    s = s.substr(0, q);
  }
  std::string rest(s);
  if (!scheme.empty()) rest.erase(0, scheme.size() + 1);
  for (char& c : rest) {
    if (c == '\\') c = '/';
  }

  // Whether `rest` starts with an authority, and whether that authority is
  // known to be empty (file:/x, file:x).
  bool has_authority = false;
  bool empty_authority = false;
  bool emit_scheme = !scheme.empty();
  auto strip_slashes = [&rest] {
    size_t n = rest.find_first_not_of('/');
    rest.erase(0, n == std::string::npos ? rest.size() : n);
  };
  if (scheme == "file") {
    has_authority = true;
    if (rest.compare(0, 2, "//") == 0) {
      rest.erase(0, 2);
    } else {
      strip_slashes();
      rest.insert(0, "/");
      empty_authority = true;
    }
  } else if (!scheme.empty()) {
    // "http:foo" against an http base is relative; otherwise any run of
    // slashes (even none) introduces the authority.
    if (scheme != base_scheme || rest.compare(0, 2, "//") == 0) {
      strip_slashes();
      has_authority = true;
    } else {
      emit_scheme = false;
    }
  } else if (rest.compare(0, 2, "//") == 0) {
    strip_slashes();
    has_authority = true;
  }

  std::string out;
  if (emit_scheme) out += scheme + ":";
  std::string_view path = rest;
  if (has_authority) {
    out += "//";
    if (!empty_authority) {
      size_t slash = rest.find('/');
      std::string_view authority = std::string_view(rest).substr(0, slash);
      path = slash == std::string::npos ? std::string_view() : std::string_view(rest).substr(slash);
      size_t at = authority.rfind('@');
      if (at != std::string_view::npos) {
        out += PreEncode(authority.substr(0, at), ":");
        out += '@';
        authority = authority.substr(at + 1);
      }
      out += PreEncodeHostPort(authority);
    }
  }
  out += PreEncode(path, "@/");
  if (has_query) out += "?" + PreEncode(query, ":@/?");
  if (has_fragment) out += "#" + PreEncode(fragment, ":@/?");
  return out;
}

// --- Hosts -------------------------------------------------------------------

bool IsForbiddenDomainCodePoint(unsigned char c) {
  if (c <= 0x20 || c == 0x7F) return true;
  switch (c) {
    case '#': case '%': case '/': case ':': case '<': case '>': case '?': case '@':
    case '[': case '\\': case ']': case '^': case '|':
      return true;
    default:
      return false;
  }
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool EndsInANumber(std::string_view host) {
  std::vector<std::string_view> parts = SplitDots(host);
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  std::string_view last = parts.back();
  if (last.empty()) return false;
  bool all_digits = true;
  for (unsigned char c : last) all_digits = all_digits && IsAsciiDigit(c);
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (unsigned char c : last.substr(2)) {
      if (!IsHexDigit(c)) return false;
    }
    return true;
  }
  return false;
}

std::optional<uint64_t> ParseIpv4Number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int radix = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    radix = 8;
    s.remove_prefix(1);
  }
  uint64_t value = 0;
  for (unsigned char c : s) {
    int digit;
    if (radix == 16 && IsHexDigit(c)) digit = HexValue(c);
    else if (IsAsciiDigit(c) && c - '0' < radix) digit = c - '0';
    else return std::nullopt;
    value = value * radix + digit;
    if (value > 0xFFFFFFFFull * 256) return std::nullopt;  // far past any valid part
  }
  return value;
}

std::optional<std::string> ParseIpv4(std::string_view host) {
  std::vector<std::string_view> parts = SplitDots(host);
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4) return std::nullopt;
  std::vector<uint64_t> numbers;
  for (std::string_view p : parts) {
    std::optional<uint64_t> n = ParseIpv4Number(p);
    if (!n) return std::nullopt;
    numbers.push_back(*n);
  }
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255) return std::nullopt;
  }
  uint64_t limit = 1ull << (8 * (5 - numbers.size()));
  if (numbers.back() >= limit) return std::nullopt;
  uint64_t ipv4 = numbers.back();
  for (size_t i = 0; i + 1 < numbers.size(); ++i) ipv4 += numbers[i] << (8 * (3 - i));
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (!out.empty()) out += '.';
    out += std::to_string((ipv4 >> shift) & 0xFF);
  }
  return out;
}

std::string SerializeIpv6(const unsigned char* data) {
  uint16_t pieces[8];
  for (int i = 0; i < 8; ++i) pieces[i] = static_cast<uint16_t>(data[2 * i] << 8 | data[2 * i + 1]);
  // The first longest run of two or more zero pieces is compressed to "::".
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (pieces[i] != 0) { ++i; continue; }
    int j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best_len) { best = i; best_len = j - i; }
    i = j;
  }
  std::string out = "[";
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += i == 0 ? "::" : ":";
      i += best_len - 1;
      continue;
    }
    std::string piece;
    uint16_t v = pieces[i];
    do { piece.insert(piece.begin(), kHex[v & 0xF]); v >>= 4; } while (v);
    out += piece;
    if (i != 7) out += ':';
  }
  out += ']';
  return out;
}

// Domain to ASCII: percent-decoded, IDNA-mapped (lower-cased, punycode),
// checked for forbidden code points, and read as IPv4 when it ends in a number.
std::optional<std::string> SerializeDomain(std::string_view raw) {
  std::string domain = PercentDecode(raw);
  bool ascii = true;
  for (unsigned char c : domain) ascii = ascii && c < 0x80;
  std::string ascii_domain;
  if (ascii) {
    ascii_domain = AsciiLower(domain);
  } else {
    char* out = nullptr;
    int rc = idn2_to_ascii_8z(domain.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
      out = nullptr;
      rc = idn2_to_ascii_8z(domain.c_str(), &out, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    }
    if (rc != IDN2_OK || out == nullptr) return std::nullopt;
    ascii_domain = AsciiLower(out);
    idn2_free(out);
  }
  if (ascii_domain.empty()) return std::nullopt;
  for (unsigned char c : ascii_domain) {
    if (IsForbiddenDomainCodePoint(c)) return std::nullopt;
  }
  if (EndsInANumber(ascii_domain)) return ParseIpv4(ascii_domain);
  return ascii_domain;
}

// --- Serialization -----------------------------------------------------------

std::string_view Range(const UriTextRangeA& r) {
  if (r.first == nullptr || r.afterLast == nullptr) return {};
  return std::string_view(r.first, static_cast<size_t>(r.afterLast - r.first));
}
bool Present(const UriTextRangeA& r) { return r.first != nullptr; }

bool IsSingleDot(std::string_view s) { return s == "." || AsciiLower(s) == "%2e"; }
bool IsDoubleDot(std::string_view s) {
  std::string l = AsciiLower(s);
  return l == ".." || l == ".%2e" || l == "%2e." || l == "%2e%2e";
}

std::optional<std::string> Serialize(const UriUriA& uri) {
  std::string scheme = AsciiLower(Range(uri.scheme));
  std::string out = scheme + ":";
  if (!Present(uri.hostText) && scheme != "file") return std::nullopt;

  // A user name or password is never part of a URL newsmirror stores,
  // publishes or shows (url.h): the userinfo is dropped here, the one place
  // every normalized and resolved URL is written.
  out += "//";
  if (uri.hostData.ip6 != nullptr) {
    out += SerializeIpv6(uri.hostData.ip6->data);
  } else if (Present(uri.hostData.ipFuture)) {
    return std::nullopt;
  } else {
    std::string_view raw = Range(uri.hostText);
    if (raw.empty()) {
      if (scheme != "file") return std::nullopt;
    } else {
      std::optional<std::string> host = SerializeDomain(raw);
      if (!host) return std::nullopt;
      if (!(scheme == "file" && *host == "localhost")) out += *host;
    }
  }
  if (Present(uri.portText)) {
    std::string_view port = Range(uri.portText);
    if (!port.empty()) {
      if (scheme == "file") return std::nullopt;
      long value = 0;
      for (unsigned char c : port) {
        if (!IsAsciiDigit(c)) return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > 65535) return std::nullopt;
      }
      if (value != DefaultPort(scheme)) out += ":" + std::to_string(value);
    }
  }

  std::vector<std::string> segments;
  for (const UriPathSegmentA* seg = uri.pathHead; seg != nullptr; seg = seg->next) {
    segments.push_back(PercentDecode(Range(seg->text)));
  }
  std::vector<std::string> path;
  for (size_t i = 0; i < segments.size(); ++i) {
    bool last = i + 1 == segments.size();
    if (IsDoubleDot(segments[i])) {
      if (!path.empty()) path.pop_back();
      if (last) path.emplace_back();
    } else if (IsSingleDot(segments[i])) {
      if (last) path.emplace_back();
    } else {
      path.push_back(segments[i]);
    }
  }
  if (path.empty()) path.emplace_back();
  for (const std::string& seg : path) out += "/" + EncodeWith(seg, EncodeSet::kPath);

  if (Present(uri.query)) out += "?" + EncodeWith(PercentDecode(Range(uri.query)), EncodeSet::kSpecialQuery);
  if (Present(uri.fragment)) out += "#" + EncodeWith(PercentDecode(Range(uri.fragment)), EncodeSet::kFragment);
  return out;
}

// Owns a parsed uriparser URI; the text it points into must outlive it.
class ParsedUri {
 public:
  ParsedUri() = default;
  ParsedUri(const ParsedUri&) = delete;
  ParsedUri& operator=(const ParsedUri&) = delete;
  ~ParsedUri() {
    if (parsed_) uriFreeUriMembersA(&uri_);
  }
  bool Parse(const std::string& text) {
    const char* error_pos = nullptr;
    parsed_ = uriParseSingleUriExA(&uri_, text.data(), text.data() + text.size(), &error_pos) == URI_SUCCESS;
    return parsed_;
  }
  bool Resolve(const ParsedUri& ref, const ParsedUri& base) {
    parsed_ = uriAddBaseUriExA(&uri_, &ref.uri_, &base.uri_, URI_RESOLVE_STRICTLY) == URI_SUCCESS;
    return parsed_;
  }
  const UriUriA& get() const { return uri_; }

 private:
  UriUriA uri_{};
  bool parsed_ = false;
};

// A cleaned absolute URL: its lower-cased scheme and, for special schemes,
// the form prepared for uriparser.
struct Absolute {
  std::string cleaned;
  std::string scheme;
  std::string prepared;
};

std::optional<Absolute> ReadAbsolute(std::string_view input) {
  Absolute a;
  a.cleaned = CleanInput(input);
  size_t end = SchemeEnd(a.cleaned);
  if (end == std::string::npos) return std::nullopt;
  a.scheme = AsciiLower(std::string_view(a.cleaned).substr(0, end));
  if (IsSpecial(a.scheme)) a.prepared = PrepareSpecial(a.cleaned, a.scheme, "");
  return a;
}

std::string OpaqueForm(const Absolute& a) {
  return a.scheme + a.cleaned.substr(a.scheme.size());
}

}  // namespace

std::optional<std::string> NormalizeUrl(std::string_view url) {
  std::optional<Absolute> a = ReadAbsolute(url);
  if (!a) return std::nullopt;
  if (!IsSpecial(a->scheme)) return OpaqueForm(*a);
  ParsedUri uri;
  if (!uri.Parse(a->prepared)) return std::nullopt;
  return Serialize(uri.get());
}

std::optional<std::string> ResolveUrl(std::string_view base, std::string_view ref) {
  std::string cleaned_base = CleanInput(base);
  if (cleaned_base.empty()) return NormalizeUrl(ref);
  std::string cleaned_ref = CleanInput(ref);
  size_t ref_scheme_end = SchemeEnd(cleaned_ref);
  std::string ref_scheme =
      ref_scheme_end == std::string::npos ? "" : AsciiLower(cleaned_ref.substr(0, ref_scheme_end));
  if (!ref_scheme.empty() && !IsSpecial(ref_scheme)) return NormalizeUrl(cleaned_ref);

  std::optional<Absolute> b = ReadAbsolute(cleaned_base);
  if (!b) return ref_scheme.empty() ? std::nullopt : NormalizeUrl(cleaned_ref);
  if (!IsSpecial(b->scheme)) {
    // Only a fragment can be resolved against an opaque base such as mailto:.
    if (ref_scheme.empty() && !cleaned_ref.empty() && cleaned_ref[0] == '#') {
      std::string opaque = OpaqueForm(*b);
      return opaque.substr(0, opaque.find('#')) + cleaned_ref;
    }
    return ref_scheme.empty() ? std::nullopt : NormalizeUrl(cleaned_ref);
  }

  ParsedUri base_uri;
  if (!base_uri.Parse(b->prepared)) return ref_scheme.empty() ? std::nullopt : NormalizeUrl(cleaned_ref);
  std::string prepared_ref = PrepareSpecial(cleaned_ref, ref_scheme, b->scheme);
  ParsedUri ref_uri, resolved;
  if (!ref_uri.Parse(prepared_ref)) return std::nullopt;
  if (!resolved.Resolve(ref_uri, base_uri)) return std::nullopt;
  return Serialize(resolved.get());
}

namespace {

// RFC 3986 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") in.remove_prefix(3);
    else if (in.substr(0, 2) == "./") in.remove_prefix(2);
    else if (in.substr(0, 3) == "/./") in.remove_prefix(2);
    else if (in == "/.") in = "/";
    else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', 1);
      if (next == std::string_view::npos) next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

struct UriParts {
  std::string_view scheme, authority, path, query, fragment;
  bool has_authority = false, has_query = false, has_fragment = false;
};

// RFC 3986 appendix B.
UriParts SplitUri(std::string_view s, bool with_scheme) {
  UriParts p;
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = s.substr(hash + 1);
    p.has_fragment = true;
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    p.query = s.substr(q + 1);
    p.has_query = true;
    s = s.substr(0, q);
  }
  if (with_scheme) {
    size_t end = SchemeEnd(s);
    if (end != std::string_view::npos) {
      p.scheme = s.substr(0, end);
      s.remove_prefix(end + 1);
    }
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    size_t slash = s.find('/');
    if (slash == std::string_view::npos) slash = s.size();
    p.authority = s.substr(0, slash);
    p.has_authority = true;
    s.remove_prefix(slash);
  }
  p.path = s;
  return p;
}

}  // namespace

std::string JoinUrl(std::string_view base_in, std::string_view ref_in) {
  std::string ref = CleanInput(ref_in);
  if (ref.empty()) return ref;
  if (SchemeEnd(ref) != std::string::npos) return ref;
  std::string base = CleanInput(base_in);
  if (base.empty() || SchemeEnd(base) == std::string::npos) return ref;
  UriParts b = SplitUri(base, true), r = SplitUri(ref, false);
  std::string out(b.scheme);
  out += ':';
  std::string path;
  std::string_view query;
  bool has_query = false;
  if (r.has_authority) {
    out += "//";
    out += r.authority;
    path = RemoveDotSegments(r.path);
    query = r.query;
    has_query = r.has_query;
  } else {
    if (b.has_authority) {
      out += "//";
      out += b.authority;
    }
    if (r.path.empty()) {
      path = b.path;
      query = r.has_query ? r.query : b.query;
      has_query = r.has_query || b.has_query;
    } else {
      if (r.path[0] == '/') {
        path = RemoveDotSegments(r.path);
      } else {
        std::string merged;
        if (b.has_authority && b.path.empty()) {
          merged = "/" + std::string(r.path);
        } else {
          size_t slash = b.path.rfind('/');
          merged = std::string(slash == std::string_view::npos ? std::string_view() : b.path.substr(0, slash + 1));
          merged += r.path;
        }
        path = RemoveDotSegments(merged);
      }
      query = r.query;
      has_query = r.has_query;
    }
  }
  out += path;
  if (has_query) out += "?" + std::string(query);
  if (r.has_fragment) out += "#" + std::string(r.fragment);
  return out;
}

bool IsSafeLinkScheme(std::string_view url) {
  std::string cleaned = CleanInput(url);
  size_t end = SchemeEnd(cleaned);
  if (end == std::string::npos) return true;
  std::string scheme = AsciiLower(cleaned.substr(0, end));
  return scheme == "http" || scheme == "https";
}

std::string UrlHost(std::string_view url) {
  std::optional<std::string> normalized = NormalizeUrl(url);
  if (!normalized) return "";
  std::string_view s = *normalized;
  size_t colon = s.find(':');
  s.remove_prefix(colon + 1);
  if (s.substr(0, 2) != "//") return "";
  s.remove_prefix(2);
  s = s.substr(0, s.find_first_of("/?#"));
  if (size_t at = s.rfind('@'); at != std::string_view::npos) s.remove_prefix(at + 1);
  if (!s.empty() && s[0] == '[') {
    s = s.substr(0, s.find(']') + 1);
  } else {
    s = s.substr(0, s.find(':'));
  }
  return AsciiLower(s);
}

std::string ArchiveLink(std::string_view url) {
  std::optional<std::string> normalized = NormalizeUrl(url);
  if (!normalized || (normalized->rfind("http://", 0) != 0 && normalized->rfind("https://", 0) != 0)) return "";
  std::string out;
  out.reserve(normalized->size());
  for (unsigned char c : *normalized) {
    // Bytes that would end or escape a Markdown link destination; WHATWG's
    // sets leave them as they are in some components ('\\' in the query).
    if (c == '(' || c == ')' || c == '<' || c == '>' || c == '\\') AppendPercent(out, c);
    else out += static_cast<char>(c);
  }
  return out;
}

std::string WithoutCredentials(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t authority = scheme + 3;
  size_t end = url.find_first_of("/?#", authority);
  if (end == std::string_view::npos) end = url.size();
  size_t at = url.substr(authority, end - authority).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(authority + at + 1));
}

std::string EncodeUriComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool keep = IsAsciiAlnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' ||
                c == '*' || c == '\'' || c == '(' || c == ')';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      AppendPercent(out, c);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && IsHexDigit(s[i + 1]) && IsHexDigit(s[i + 2])) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace nm

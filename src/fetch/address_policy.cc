#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "url/url.h"
#include "util/text.h"

namespace nm {
namespace {

bool InV4Range(uint32_t a, uint32_t net, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr uint32_t V4(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

// The range a non-public IPv4 address lies in, or nullptr.
const char* NonPublicV4(uint32_t a) {
  static constexpr struct {
    uint32_t net;
    int bits;
    const char* what;
  } kRanges[] = {
      {V4(0, 0, 0, 0), 8, "a \"this network\" address (0.0.0.0 reaches this machine)"},
      {V4(10, 0, 0, 0), 8, "a private address"},
      {V4(100, 64, 0, 0), 10, "a carrier-grade NAT address"},
      {V4(127, 0, 0, 0), 8, "a loopback address"},
      {V4(169, 254, 0, 0), 16, "a link-local address"},  // cloud metadata lives here
      {V4(172, 16, 0, 0), 12, "a private address"},
      {V4(192, 0, 0, 0), 24, "an IETF protocol assignment address"},
      {V4(192, 0, 2, 0), 24, "a documentation address"},
      {V4(192, 88, 99, 0), 24, "a 6to4 relay anycast address"},
      {V4(192, 168, 0, 0), 16, "a private address"},
      {V4(198, 18, 0, 0), 15, "a benchmarking address"},
      {V4(198, 51, 100, 0), 24, "a documentation address"},
      {V4(203, 0, 113, 0), 24, "a documentation address"},
      {V4(224, 0, 0, 0), 4, "a multicast address"},
      {V4(240, 0, 0, 0), 4, "a reserved address"},
  };
  for (const auto& r : kRanges) {
    if (InV4Range(a, r.net, r.bits)) return r.what;
  }
  return nullptr;
}

uint32_t V4At(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string V4Text(uint32_t a) {
  in_addr in{};
  in.s_addr = htonl(a);
  char text[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &in, text, sizeof text);
  return text;
}

// An IPv4 address carried in an IPv6 one: refused when the IPv4 one is.
std::string Carried(uint32_t v4, const char* how) {
  const char* what = NonPublicV4(v4);
  if (!what) return "";
  return std::string(what) + " (" + V4Text(v4) + " " + how + ")";
}

std::string NonPublicV6(const uint8_t* b) {
  static const uint8_t kZero[16] = {0};
  if (std::memcmp(b, kZero, 16) == 0) return "the unspecified address (it reaches this machine)";
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return "a loopback address";
  // ::a.b.c.d (IPv4-compatible, deprecated): never a public address.
  if (std::memcmp(b, kZero, 12) == 0) return "an IPv4-compatible address (deprecated)";
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) return Carried(V4At(b + 12), "mapped into IPv6");
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765).
  static const uint8_t kTranslated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::memcmp(b, kTranslated, 12) == 0) return Carried(V4At(b + 12), "translated into IPv6");
  // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last four bytes.
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return Carried(V4At(b + 12), "inside NAT64");
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1) {
    return "a local-use NAT64 address";  // 64:ff9b:1::/48
  }
  // 2002::/16 (6to4) carries one in bytes 2–5.
  if (b[0] == 0x20 && b[1] == 0x02) return Carried(V4At(b + 2), "inside 6to4");
  if ((b[0] & 0xfe) == 0xfc) return "a unique local (private) address";   // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "a link-local address";  // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "a site-local address";  // fec0::/10
  if (b[0] == 0xff) return "a multicast address";
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "a documentation address";
  // 2001::/23: IETF protocol assignments (Teredo, benchmarking, ORCHID), no web servers.
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return "an IETF protocol assignment address";
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero, 6) == 0) return "a discard-only address";
  return "";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsHexOrDecimalNumber(std::string_view s) {
  if (s.empty()) return false;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    for (char c : s.substr(2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string SchemeOf(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == std::string_view::npos) return "";
  std::string scheme = AsciiLower(url.substr(0, colon));
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  return scheme;
}

struct CurlUrl {
  CURLU* u = curl_url();
  ~CurlUrl() { curl_url_cleanup(u); }
  std::string Get(CURLUPart part, unsigned flags = 0) const {
    char* v = nullptr;
    if (curl_url_get(u, part, &v, flags) != CURLUE_OK || !v) return "";
    std::string out = v;
    curl_free(v);
    return out;
  }
};

}  // namespace

std::string NonPublicAddressRule(const struct sockaddr* address) {
  if (!address) return "no address";
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    const char* what = NonPublicV4(ntohl(in->sin_addr.s_addr));
    return what ? what : "";
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    return NonPublicV6(in6->sin6_addr.s6_addr);
  }
  return "not an internet address";
}

bool IsNonPublicAddress(const struct sockaddr* address) { return !NonPublicAddressRule(address).empty(); }

std::string NonPublicHostRule(std::string_view raw) {
  std::string host(raw);
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed || host.find(':') != std::string::npos) {
    std::string inner = bracketed ? host.substr(1, host.size() - 2) : host;
    if (inner.find('%') != std::string::npos) return "an IPv6 address with a zone id (an address on a local link)";
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, inner.c_str(), &v6.sin6_addr) != 1) return "not an IPv6 address";
    return NonPublicAddressRule(reinterpret_cast<const sockaddr*>(&v6));
  }
  std::string name = AsciiLower(host);
  while (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) return "an empty host";
  // Every spelling of an IPv4 address that inet_aton reads (the resolver of a
  // proxy does): 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  if (name.find_first_of(" \t") == std::string::npos && inet_aton(name.c_str(), &v4.sin_addr) == 1) {
    std::string what = NonPublicAddressRule(reinterpret_cast<const sockaddr*>(&v4));
    if (what.empty()) return "";
    std::string canonical = V4Text(ntohl(v4.sin_addr.s_addr));
    return canonical == name ? what : canonical + ", " + what;
  }
  // A URL parser reads a host that ends in a number as IPv4 or rejects it.
  std::string_view last = std::string_view(name).substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
  if (IsHexOrDecimalNumber(last)) return "a number that is no valid IPv4 address";
  if (name == "localhost" || EndsWith(name, ".localhost")) return "a name for this machine";
  if (name.find('.') == std::string::npos) return "a name without a dot, which only a local resolver answers";
  for (std::string_view zone : {"local", "internal", "home.arpa", "localdomain"}) {
    if (name == zone || EndsWith(name, "." + std::string(zone))) {
      return "a name under ." + std::string(zone) + ", which only the local network answers";
    }
  }
  return "";
}

bool IsNonPublicIp(std::string_view host) {
  std::string text(host);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  in_addr v4{};
  in6_addr v6{};
  bool address = inet_aton(text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
  return address && !NonPublicHostRule(host).empty();
}

Result<std::string> OriginOf(std::string_view url) {
  CurlUrl u;
  std::string text(url);
  CURLUcode rc = curl_url_set(u.u, CURLUPART_URL, text.c_str(), 0);
  if (rc != CURLUE_OK) {
    return Status::InvalidArgument("not a usable URL: \"" + text + "\" (" + curl_url_strerror(rc) + ")");
  }
  std::string scheme = AsciiLower(u.Get(CURLUPART_SCHEME));
  if (scheme == "file") return std::string();
  return scheme + "://" + AsciiLower(u.Get(CURLUPART_HOST)) + ":" + u.Get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

bool IsTrustedOrigin(std::string_view url, std::string_view trusted_origin) {
  if (url.empty() || trusted_origin.empty()) return false;
  Result<std::string> a = OriginOf(url);
  Result<std::string> b = OriginOf(trusted_origin);
  return a.ok() && b.ok() && !a->empty() && *a == *b;
}

std::string RefusalReason(std::string_view url, std::string_view trusted_origin, bool allow_non_public) {
  std::string scheme = SchemeOf(url);
  if (scheme == "file") {
    if (!trusted_origin.empty() && url == trusted_origin) return "";
    return "a file: URL is read only as a configured feed";
  }
  if (scheme != "http" && scheme != "https") return "only http and https URLs are fetched";
  Result<std::string> origin = OriginOf(url);
  if (!origin.ok()) return origin.status().message();
  if (allow_non_public || IsTrustedOrigin(url, trusted_origin)) return "";
  // The host as libcurl sends it (to the server, or to a proxy that resolves
  // it), and as a browser reads it; both must pass.
  CurlUrl u;
  std::string text(url);
  curl_url_set(u.u, CURLUPART_URL, text.c_str(), 0);
  std::string curl_host = u.Get(CURLUPART_HOST);
  if (!u.Get(CURLUPART_ZONEID).empty()) {
    return curl_host + " has an IPv6 zone id (an address on a local link)";
  }
  if (std::string rule = NonPublicHostRule(curl_host); !rule.empty()) return curl_host + " is " + rule;
  std::string browser_host = UrlHost(url);
  if (browser_host.empty()) return "its host " + curl_host + " is not one a browser reads";
  if (std::string rule = NonPublicHostRule(browser_host); !rule.empty()) return browser_host + " is " + rule;
  return "";
}

Status CheckRequestUrl(std::string_view url, std::string_view trusted_origin, bool allow_non_public) {
  std::string why = RefusalReason(url, trusted_origin, allow_non_public);
  if (why.empty()) return Status::Ok();
  return Status::InvalidArgument("refused to fetch " + std::string(url) + ": " + why);
}

}  // namespace nm

#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace nm {
namespace {

bool InV4Range(uint32_t a, uint32_t net, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr uint32_t V4(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

bool NonPublicV4(uint32_t a) {
  static constexpr struct {
    uint32_t net;
    int bits;
  } kRanges[] = {
      {V4(0, 0, 0, 0), 8},        // "this network"
      {V4(10, 0, 0, 0), 8},       // private
      {V4(100, 64, 0, 0), 10},    // carrier-grade NAT
      {V4(127, 0, 0, 0), 8},      // loopback
      {V4(169, 254, 0, 0), 16},   // link-local (cloud metadata lives here)
      {V4(172, 16, 0, 0), 12},    // private
      {V4(192, 0, 0, 0), 24},     // IETF protocol assignments
      {V4(192, 0, 2, 0), 24},     // documentation
      {V4(192, 88, 99, 0), 24},   // 6to4 relay anycast
      {V4(192, 168, 0, 0), 16},   // private
      {V4(198, 18, 0, 0), 15},    // benchmarking
      {V4(198, 51, 100, 0), 24},  // documentation
      {V4(203, 0, 113, 0), 24},   // documentation
      {V4(224, 0, 0, 0), 4},      // multicast
      {V4(240, 0, 0, 0), 4},      // reserved and broadcast
  };
  for (const auto& r : kRanges) {
    if (InV4Range(a, r.net, r.bits)) return true;
  }
  return false;
}

uint32_t V4At(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool NonPublicV6(const uint8_t* b) {
  static const uint8_t kZero[16] = {0};
  // :: and ::1, and IPv4-compatible ::a.b.c.d
  if (std::memcmp(b, kZero, 12) == 0) return true;
  // ::ffff:a.b.c.d (mapped)
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) return NonPublicV4(V4At(b + 12));
  // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last four bytes.
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return NonPublicV4(V4At(b + 12));
  // 2002::/16 (6to4) carries one in bytes 2–5.
  if (b[0] == 0x20 && b[1] == 0x02) return NonPublicV4(V4At(b + 2));
  if ((b[0] & 0xfe) == 0xfc) return true;                 // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true; // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true; // fec0::/10 old site-local
  if (b[0] == 0xff) return true;                           // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // documentation
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero, 6) == 0) return true;  // discard-only
  return false;
}

}  // namespace

bool IsNonPublicAddress(const struct sockaddr* address) {
  if (!address) return true;
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return NonPublicV4(ntohl(in->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    return NonPublicV6(in6->sin6_addr.s6_addr);
  }
  // Unix sockets and anything else are never the open internet.
  return true;
}

bool IsNonPublicIp(std::string_view ip) {
  std::string text(ip);
  sockaddr_in v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return IsNonPublicAddress(reinterpret_cast<const sockaddr*>(&v4));
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return IsNonPublicAddress(reinterpret_cast<const sockaddr*>(&v6));
  }
  return false;
}

}  // namespace nm

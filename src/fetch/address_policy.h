// Which network addresses a fetch on someone else's behalf may connect to.
//
// `newsmirror add` fetches URLs that arrive from outside (an issue on the
// mirror's repository), so it must not become a way into the machine's own
// network. IsNonPublicAddress is true for loopback, private (RFC 1918, ULA),
// link-local, carrier-grade NAT, unspecified, multicast, reserved and
// documentation ranges, in IPv4 and IPv6, including IPv4 addresses carried
// inside IPv6 (mapped, compatible, NAT64, 6to4). The fetcher checks every
// address it connects to, so a name that resolves to several addresses and a
// redirect into such a range are refused alike. Thread-safe.
#pragma once

#include <string_view>

struct sockaddr;

namespace nm {

bool IsNonPublicAddress(const struct sockaddr* address);
// The same for a numeric address in text ("10.0.0.1", "::1"); false for text
// that is not one.
bool IsNonPublicIp(std::string_view ip);

}  // namespace nm

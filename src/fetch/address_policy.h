// Which hosts and addresses newsmirror's requests may reach: one policy for
// every request (feeds, article pages, images, `add`, `parse`) and for every
// redirect hop, applied by the fetcher (http_client.h) and nowhere else.
//
// A feed, a page or an `add` request can name any URL; none of them may make
// the mirror read the machine's own network (a router, a cloud metadata
// service) into a public repository. So a request reaches public addresses
// only. Not public: loopback, private (RFC 1918, unique local), link-local,
// carrier-grade NAT, "this network", multicast, reserved, documentation and
// benchmarking ranges, in IPv4 and IPv6, and IPv4 carried inside IPv6
// (mapped, compatible, translated, NAT64, 6to4). A URL's host is refused by
// its text alone, whatever it would resolve to, when it is such an address in
// any spelling a URL parser or inet_aton reads (2130706433, 0x7f.1,
// 0177.0.0.1, 127.1, [::ffff:127.0.0.1]), an IPv6 address with a zone id,
// localhost or a name under .localhost, a name without a dot, or a name under
// .local, .internal, .home.arpa or .localdomain (a trailing dot changes
// nothing). These literal rules hold on every hop, with or without a proxy;
// without one the fetcher also checks every address it connects to.
//
// Two exceptions, both the operator's: a request's trusted origin (the
// configured feed's exact scheme://host:port, reached at whatever address,
// loopback in tests; a redirect away from it is checked like any hop), and
// FetchOptions::allow_non_public (`add --allow-private`). A refusal is a
// Status of kind kInvalidArgument that names the URL and the rule broken.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

struct sockaddr;

namespace nm {

// Why `address` is not public ("a loopback address", …), "" when it is.
// Anything but IPv4 and IPv6 (Unix sockets, …) is not public.
std::string NonPublicAddressRule(const struct sockaddr* address);
bool IsNonPublicAddress(const struct sockaddr* address);

// Why a URL's host may not be requested whatever it resolves to (the literal
// rules above), "" when it may. `host` as in a URL: IPv6 in brackets.
std::string NonPublicHostRule(std::string_view host);
// True for a host that NonPublicHostRule refuses as an address ("10.0.0.1",
// "::1", "2130706433"); false for names and for text that is no address.
bool IsNonPublicIp(std::string_view host);

// "scheme://host:port" as libcurl reads `url` (lower case, the scheme's port
// when none is given), "" for file: URLs; kInvalidArgument naming the URL when
// libcurl cannot read it. Two URLs are of one origin when these are equal.
Result<std::string> OriginOf(std::string_view url);

// Ok when a request may fetch `url` (the first URL or a redirect hop): an
// http(s) URL whose origin is `trusted_origin`'s (a URL, "" for none), a
// file: URL equal to `trusted_origin`, or an http(s) URL whose host breaks no
// literal rule (every host allowed with allow_non_public). Otherwise
// kInvalidArgument: "refused to fetch {url}: {host} is a loopback address".
Status CheckRequestUrl(std::string_view url, std::string_view trusted_origin, bool allow_non_public);
// The reason alone ("127.0.0.1 is a loopback address"), "" when allowed; for
// messages that name a redirect's two ends.
std::string RefusalReason(std::string_view url, std::string_view trusted_origin, bool allow_non_public);

// Whether `url` is of `trusted_origin`'s origin (false when either is empty
// or unreadable): such a hop needs no address check.
bool IsTrustedOrigin(std::string_view url, std::string_view trusted_origin);

}  // namespace nm

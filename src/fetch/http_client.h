// Fetches many URLs concurrently with libcurl's multi interface.
//
// FetchAll runs every request to completion on the calling thread: at most
// `jobs` transfers at once and one connection per host at a time; connect and
// total timeouts; at most `max_redirects` redirects; gzip/deflate/brotli
// decoding with a cap on the decoded size; proxies from the options or the
// usual environment variables (http_proxy, https_proxy, all_proxy, no_proxy;
// HTTP and SOCKS5); conditional GET with a stored ETag / Last-Modified;
// bounded retries with exponential back-off on timeouts, connection failures
// and 5xx, obeying Retry-After. http(s):// and file:// URLs are accepted.
// Each result reports its own failure; one failing URL never affects another.
//
// Failures, each message naming the URL: kHttpError for a final status other
// than 2xx and 304 (the message has the code), kNetworkError for transport
// failures (curl's reason, timeouts, refused connections, redirect loops, a
// body cut short), kTooLarge when the decoded body passes max_bytes (the
// transfer is aborted there, so nothing larger is ever held), kNotFound for an
// unreadable file:// path. Retried: timeouts, connection failures, cut-short
// bodies, HTTP 5xx, 408 and 429, waiting base * 2^n or the server's
// Retry-After; a Retry-After above max_retry_after_ms fails at once. While a
// retry waits the other transfers go on. Requests to one host wait in
// newsmirror's own queue, so timeouts count only time spent on the wire.
// A SOCKS5 proxy that resolves names itself is "socks5h://host:port".
// With host_spacing_ms a host gets a pause between requests (politeness for
// article pages and images). With refuse_non_public every address a transfer
// connects to is checked (kInvalidArgument, never retried); a request's own
// public_only does the same for that request alone. Through a proxy (the
// configured one, or http_proxy / https_proxy / all_proxy in the environment)
// the proxy resolves the name, so only a URL whose host is itself such an
// address (or "localhost") can be refused.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace nm {

struct FetchOptions {
  int jobs = 8;                         // transfers at once
  long connect_timeout_ms = 15000;
  long timeout_ms = 60000;              // whole transfer, per attempt
  long low_speed_limit_bytes = 64;      // abort when slower than this …
  long low_speed_time_s = 20;           // … for this long
  int max_redirects = 5;
  int64_t max_bytes = 20 * 1024 * 1024; // cap on the decoded body
  int retries = 2;                      // extra attempts after the first
  long retry_base_delay_ms = 1000;      // back-off: base * 2^attempt
  long max_retry_after_ms = 60000;      // Retry-After longer than this is not waited for
  std::string proxy;                    // "" = environment; e.g. "socks5h://127.0.0.1:1080"
  std::string user_agent;               // "" = "newsmirror/VERSION (+https://…)"
  long host_spacing_ms = 0;             // pause between the end of one request to a host and the next
  bool refuse_non_public = false;       // refuse to connect to loopback, private, link-local
                                        // addresses (address_policy.h), after redirects too;
                                        // file:// is refused as well
};

struct FetchRequest {
  std::string url;
  std::string etag;                     // sent as If-None-Match when not empty
  std::string last_modified;            // sent as If-Modified-Since when not empty
  std::string referer;
  std::map<std::string, std::string> headers;  // extra request headers
  bool public_only = false;             // refuse_non_public for this request alone
};

struct FetchResponse {
  Status status;                        // ok when a usable answer arrived (2xx or 304)
  long http_code = 0;                   // 0 for file:// and for transport failures
  bool not_modified = false;            // 304: the stored validators still hold
                                        // (etag / last_modified: the 304's, else the request's)
  std::string effective_url;            // after redirects
  std::string content_type;             // Content-Type header, as sent
  std::string content_location;
  std::string etag;
  std::string last_modified;
  std::string body;                     // decoded (gunzipped) bytes
  int attempts = 0;
  double seconds = 0;                   // from the first attempt's start, waits included
};

// Called on the fetching thread after each request finishes (for progress).
// The callback may take the body (std::move it, or clear it once used), so
// that a caller handling each response here never holds every body at once;
// the result FetchAll returns keeps whatever the callback left.
using FetchProgress = std::function<void(size_t index, FetchResponse&)>;

// Fetches every request; result i belongs to request i.
std::vector<FetchResponse> FetchAll(const std::vector<FetchRequest>& requests,
                                    const FetchOptions& options,
                                    const FetchProgress& progress = nullptr);

// One request (same rules as FetchAll).
FetchResponse Fetch(const FetchRequest& request, const FetchOptions& options);

// The default User-Agent.
std::string DefaultUserAgent();

}  // namespace nm

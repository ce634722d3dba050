// Fetches many URLs concurrently with libcurl's multi interface.
//
// FetchAll runs every request to completion on the calling thread: at most
// `jobs` transfers at once and one connection per host at a time; connect and
// total timeouts; at most `max_redirects` redirects, each hop checked before
// it is requested and queued under its own host; gzip/deflate/brotli
// decoding with a cap on the decoded size; proxies from the options or the
// usual environment variables (http_proxy, https_proxy, all_proxy, no_proxy;
// HTTP and SOCKS5); conditional GET with a stored ETag / Last-Modified;
// bounded retries with exponential back-off on timeouts, connection failures
// and 5xx, obeying Retry-After. http(s):// URLs are fetched, and a file:// URL
// that is the request's trusted_origin (a configured feed). Each result
// reports its own failure; one failing URL never affects another, and one
// server's bad answer never another's: a conditional request's connection is
// not reused (a 304 with a body would leave it for the next request), and a
// request that fails on a reused connection is sent once more on a new one.
//
// Failures, each message naming the URL: kHttpError for a final status other
// than 2xx and 304 (the message has the code), kNetworkError for transport
// failures (curl's reason, timeouts, refused connections, redirect loops, a
// body cut short), kTooLarge when the decoded body passes max_bytes (the
// transfer is aborted there, so nothing larger is ever held), kNotFound for an
// unreadable file:// path, kInvalidArgument for an unusable URL and for every
// refusal of the address policy (never retried). Retried: timeouts,
// connection failures, cut-short bodies, HTTP 5xx, 408 and 429, waiting
// base * 2^n or the server's Retry-After; a Retry-After above
// max_retry_after_ms fails at once. A retry starts again from the request's
// own URL. While a retry waits the other transfers go on. Requests to one host
// wait in newsmirror's own queue, so timeouts count only time spent on the
// wire (an attempt's redirect hops share its timeout).
// A SOCKS5 proxy that resolves names itself is "socks5h://host:port".
// With host_spacing_ms a host gets a pause between requests (politeness for
// article pages and images).
//
// Every URL a request fetches — its own and each redirect's — passes the one
// address policy (address_policy.h) before it is requested: public addresses
// only, except the request's trusted_origin (the configured feed's exact
// scheme://host:port) and everything with allow_non_public. The host's text
// is checked on every hop (IP literals in every spelling, localhost, names
// without a dot, …), and every connection a request is sent on, new or
// reused, must be to a public address or to the proxy. Through a proxy that
// resolves names (HTTP, HTTPS, socks4a, socks5h; configured, or http_proxy /
// https_proxy / all_proxy in the environment) nothing is resolved here;
// through socks4:// or socks5://, which leave names to the client, each name
// is resolved here, every address checked, and libcurl held to them.
// Redirects to other schemes than http and https are refused.
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
  bool allow_non_public = false;        // every address allowed (`add --allow-private`, and tests
                                        // that serve several origins on loopback)
  std::vector<std::string> resolve;     // "host:port:address" pins, as curl's --resolve
};

struct FetchRequest {
  std::string url;
  std::string etag;                     // sent as If-None-Match when not empty
  std::string last_modified;            // sent as If-Modified-Since when not empty
  std::string referer;
  std::map<std::string, std::string> headers;  // extra request headers
  std::string trusted_origin;           // a URL, usually the configured feed's: its exact
                                        // scheme://host:port is reached at any address
                                        // ("" = none; a file: URL only as the request's own)
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

// The HTTP/1.1 front of the local reader, built for clients that misbehave.
//
// One thread multiplexes every connection (epoll), so a slow, idle or
// stalled connection costs a buffer, never a thread; a fixed pool of workers
// only computes responses. Each request head must arrive whole within
// `header_timeout` of its first byte (of the connection, for the first
// request): a client that trickles its head is answered 408 and cut off. A
// head is at most kMaxHeadBytes (431 beyond). Only GET and HEAD, without a
// body (405, 413). Pipelined requests on one connection are answered one
// after another, in order. A connection that lets `idle_timeout` pass
// without a request, or without reading its response, is closed. At
// `max_connections` a new connection displaces the longest-waiting one that
// has no request at a worker. Thread-safe: Shutdown() from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace nm {

struct HttpRequest {
  std::string method;                                      // "GET" or "HEAD"
  std::string target;                                      // as sent: path and query
  std::string path;                                        // target before '?', still percent-encoded
  std::string query;                                       // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  // The value of header `name` (lower case), "" when absent.
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;                                            // 0 = any free port
  int workers = 4;
  int max_connections = 512;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
};

inline constexpr size_t kMaxHeadBytes = 16 * 1024;

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Listens, then serves on its own threads until Shutdown().
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler);
  virtual int port() const = 0;
  virtual void Wait() = 0;                                 // until Shutdown()
  virtual void Shutdown() = 0;                             // stops; returns at once
};

// The value of `name` in an application/x-www-form-urlencoded query ("" when
// absent): '+' is a space, %XX escapes decoded.
std::string QueryParam(std::string_view query, std::string_view name);

}  // namespace nm

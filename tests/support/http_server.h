// A tiny HTTP/1.1 server on 127.0.0.1 for tests.
//
// TestHttpServer binds a free loopback port and answers in background threads
// (one accept loop, one thread per connection; every fixed answer closes the
// connection). A path gets either fixed answers (Serve, ServeSequence) or a
// raw handler that writes whatever bytes it likes to the socket (ServeRaw: for
// truncated bodies, slow trickles, broken encodings). Unknown paths get 404.
// Requests are matched on the exact target first, then on the path without
// its query; a request in absolute form ("GET http://host/x", as sent to a
// proxy) is matched on its path. Every method is thread-safe; the destructor
// interrupts slow handlers (their writes fail, WaitStopping returns true) and
// joins every thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace nm {

class TestHttpServer {
 public:
  struct Reply {
    Reply(int status = 200, std::string body = "", std::map<std::string, std::string> headers = {},
          int delay_ms = 0)
        : status(status), body(std::move(body)), headers(std::move(headers)), delay_ms(delay_ms) {}
    int status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
    int delay_ms = 0;  // wait this long before answering
  };
  using RawHandler = std::function<void(int fd, const std::string& raw_request)>;

  TestHttpServer();
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(std::string_view path) const;
  // The same with another host name for the loopback address, e.g. "localhost"
  // (clients count it as a second host).
  std::string UrlOnHost(std::string_view host, std::string_view path) const;

  // A fixed answer for `path`; replaces whatever was served there.
  void Serve(const std::string& path, int status, std::string body,
             std::map<std::string, std::string> headers = {});
  // Answers in turn; the last one repeats.
  void ServeSequence(const std::string& path, std::vector<Reply> replies);
  // The handler owns the connection until it returns; the server then closes it.
  void ServeRaw(const std::string& path, RawHandler handler);

  // Requests that reached `path` (as registered).
  int Hits(const std::string& path) const;
  // A header of the last request for `path` ("" when absent); name is case-insensitive.
  std::string LastRequestHeader(const std::string& path, const std::string& name) const;
  // The request line of the last request for `path`, e.g. "GET /x HTTP/1.1".
  std::string LastRequestLine(const std::string& path) const;
  // The most requests handled at the same moment so far. A request counts from
  // the moment its head was read until just before a fixed answer is written,
  // or until a raw handler returns.
  int MaxConcurrentRequests() const;

  // For raw handlers: sleeps up to `d`; true when the server is shutting down.
  bool WaitStopping(std::chrono::milliseconds d);

  // Writes all of `data` (no SIGPIPE); false when the peer is gone.
  static bool WriteAll(int fd, std::string_view data);
  // For raw handlers that keep their connection open (no Connection: close):
  // appends the next request's head, and a body announced by Content-Length,
  // to `out`; false when the peer closed or sent nothing for 5 s.
  static bool ReadRequest(int fd, std::string* out);
  // A complete response with Content-Length and Connection: close.
  static std::string FormatResponse(int status, std::string_view body,
                                    const std::map<std::string, std::string>& headers = {});

 private:
  struct Route {
    std::vector<Reply> replies;
    RawHandler raw;
    size_t next = 0;
  };
  struct Record {
    int hits = 0;
    std::string request_line;
    std::map<std::string, std::string> headers;  // lower-case names
  };
  struct Connection {
    std::thread thread;
    int fd = -1;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void AcceptLoop();
  void HandleConnection(int fd);
  void ReapFinished();  // with mu_ held

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::map<std::string, Route> routes_;
  std::map<std::string, Record> records_;
  std::vector<Connection> connections_;
  std::set<int> open_fds_;
  int active_requests_ = 0;
  int max_active_requests_ = 0;
};

// A loopback port where nothing listens (for "connection refused").
int UnusedLoopbackPort();

}  // namespace nm

#include "site/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "url/url.h"
#include "util/text.h"

namespace nm {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
// Bytes read ahead of the request being answered (pipelined requests); past
// this the connection is not read until its queue drains.
constexpr size_t kMaxBuffered = 64 * 1024;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string Serialize(const HttpResponse& r, bool head_only, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (!head_only) out += r.body;
  return out;
}

HttpResponse Plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// One request head out of `in`, or why it cannot be one.
struct Parsed {
  enum class Kind { kIncomplete, kRequest, kError } kind = Kind::kIncomplete;
  HttpRequest request;
  size_t consumed = 0;
  bool keep_alive = true;
  int error_status = 400;
  std::string error;
};

Parsed ParseHead(const std::string& in) {
  Parsed p;
  // Blank lines before a request line are ignored (RFC 9112 2.2).
  size_t start = 0;
  while (start < in.size() && (in[start] == '\r' || in[start] == '\n')) ++start;
  size_t end = in.find("\r\n\r\n", start);
  size_t sep = 4;
  size_t lf = in.find("\n\n", start);
  if (lf != std::string::npos && (end == std::string::npos || lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end == std::string::npos) {
    if (in.size() - start > kMaxHeadBytes) {
      p.kind = Parsed::Kind::kError;
      p.error_status = 431;
      p.error = "431: the request head is larger than " + std::to_string(kMaxHeadBytes) + " bytes\n";
    }
    if (start == in.size()) p.consumed = start;  // only blank lines so far
    return p;
  }
  if (end - start > kMaxHeadBytes) {
    p.kind = Parsed::Kind::kError;
    p.error_status = 431;
    p.error = "431: the request head is larger than " + std::to_string(kMaxHeadBytes) + " bytes\n";
    return p;
  }
  p.consumed = end + sep;
  std::string_view head(in.data() + start, end - start);
  auto fail = [&](int status, std::string why) {
    p.kind = Parsed::Kind::kError;
    p.error_status = status;
    p.error = std::to_string(status) + ": " + why + "\n";
    return p;
  };
  size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t s1 = line.find(' ');
  size_t s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos || line.find(' ', s2 + 1) != std::string_view::npos) {
    return fail(400, "not an HTTP request line");
  }
  HttpRequest& r = p.request;
  r.method = std::string(line.substr(0, s1));
  r.target = std::string(line.substr(s1 + 1, s2 - s1 - 1));
  std::string_view version = line.substr(s2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(400, "not HTTP/1.0 or HTTP/1.1");
  if (r.target.empty() || r.target[0] != '/') return fail(400, "the target must be a path");
  for (unsigned char c : r.target) {
    if (c <= 0x20 || c == 0x7F) return fail(400, "control characters in the target");
  }
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
  size_t hash = r.query.find('#');
  if (hash != std::string::npos) r.query.erase(hash);
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view h = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!h.empty() && h.back() == '\r') h.remove_suffix(1);
    if (h.empty()) continue;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0 || h[0] == ' ' || h[0] == '\t') {
      return fail(400, "a malformed header line");
    }
    r.headers.emplace_back(AsciiLower(h.substr(0, colon)), Trim(h.substr(colon + 1)));
  }
  std::string connection = AsciiLower(r.Header("connection"));
  p.keep_alive = version == "HTTP/1.1" ? connection.find("close") == std::string::npos
                                       : connection.find("keep-alive") != std::string::npos;
  if (!r.Header("transfer-encoding").empty()) {
    p.keep_alive = false;
    return fail(501, "request bodies are not accepted");
  }
  std::string length = r.Header("content-length");
  if (!length.empty() && length != "0") {
    p.keep_alive = false;
    return fail(413, "request bodies are not accepted");
  }
  p.kind = Parsed::Kind::kRequest;
  return p;
}

struct Connection {
  int fd = -1;
  std::string in;
  std::string out;
  size_t out_sent = 0;
  bool busy = false;            // a request is at a worker
  bool head_only = false;       // the request at the worker is a HEAD
  bool keep_alive = true;       // of the request at the worker
  bool close_after_write = false;
  bool reading_head = false;    // bytes of a request head have arrived
  bool peer_closed = false;     // the client sent its last byte (it may still read)
  Clock::time_point deadline;
  Clock::time_point waiting_since;
  uint32_t events = 0;          // epoll interest registered
};

class Server : public HttpServer {
 public:
  Server(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  ~Server() override {
    Shutdown();
    Wait();
    {
      std::lock_guard<std::mutex> hold(jobs_mu_);
      stopping_workers_ = true;
    }
    jobs_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
    for (auto& [id, c] : conns_) ::close(c.fd);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  Status Init() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    std::string port = std::to_string(options_.port);
    std::string where = options_.bind + ":" + port;
    if (::getaddrinfo(options_.bind.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
      return Status::IoError("cannot listen on " + where + " (not an address of this machine)");
    }
    int err = 0;
    for (addrinfo* a = found; a && listen_fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
        listen_fd_ = fd;
      } else {
        err = errno;
        ::close(fd);
      }
    }
    ::freeaddrinfo(found);
    if (listen_fd_ < 0) {
      return Status::IoError("cannot listen on " + where + ": " + std::strerror(err) +
                             " (in use, or not an address of this machine)");
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) return Status::IoError(std::string("epoll: ") + std::strerror(errno));
    // Never more connections than descriptors: past the limit the oldest gives way instead.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
      long room = static_cast<long>(files.rlim_cur) - 64;
      options_.max_connections = static_cast<int>(std::max(8L, std::min<long>(options_.max_connections, room)));
    }
    Watch(listen_fd_, kListenId, EPOLLIN, EPOLL_CTL_ADD);
    Watch(wake_fd_, kWakeId, EPOLLIN, EPOLL_CTL_ADD);
    for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
    loop_ = std::thread([this] { Loop(); });
    return Status::Ok();
  }

  int port() const override { return port_; }

  void Wait() override {
    std::lock_guard<std::mutex> hold(wait_mu_);
    if (loop_.joinable()) loop_.join();
  }

  void Shutdown() override {
    stopping_ = true;
    uint64_t one = 1;
    if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
  }

 private:
  void Watch(int fd, uint64_t id, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd_, op, fd, &ev);
  }

  void Loop() {
    std::vector<epoll_event> events(256);
    while (!stopping_) {
      int wait_ms = accept_paused_until_ ? 100 : 1000;
      auto now = Clock::now();
      for (auto& [id, c] : conns_) {
        if (c.busy) continue;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count() + 1;
        wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, wait_ms));
      }
      int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), wait_ms);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        uint64_t id = events[i].data.u64;
        if (id == kListenId) {
          Accept();
        } else if (id == kWakeId) {
          uint64_t count;
          (void)!::read(wake_fd_, &count, sizeof count);
        } else {
          auto it = conns_.find(id);
          if (it == conns_.end()) continue;
          if (events[i].events & (EPOLLHUP | EPOLLERR)) {
            Close(id);  // gone both ways: a response in the making is dropped
            continue;
          }
          if (events[i].events & EPOLLIN) Read(id, it->second);
          else if (events[i].events & EPOLLOUT) Pump(id);
        }
      }
      TakeResponses();
      Expire();
      if (accept_paused_until_ && Clock::now() >= *accept_paused_until_) {
        accept_paused_until_.reset();
        Watch(listen_fd_, kListenId, EPOLLIN, EPOLL_CTL_MOD);
      }
    }
  }

  void Accept() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0 && (errno == EMFILE || errno == ENFILE) && Displace()) continue;
      if (fd < 0 && errno == EINTR) continue;
      if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        // Out of descriptors with nothing to displace: the backlog keeps the rest for a moment.
        Watch(listen_fd_, kListenId, 0, EPOLL_CTL_MOD);
        accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
        return;
      }
      if (fd < 0) return;
      if (conns_.size() >= static_cast<size_t>(std::max(1, options_.max_connections)) && !Displace()) {
        ::close(fd);
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      uint64_t id = next_id_++;
      Connection& c = conns_[id];
      c.fd = fd;
      c.waiting_since = Clock::now();
      c.deadline = c.waiting_since + options_.header_timeout;
      Update(id, c, /*add=*/true);
    }
  }

  // Makes room for a new connection: closes the one that has waited longest
  // without a request at a worker. False when every connection is busy.
  bool Displace() {
    uint64_t oldest = 0;
    Clock::time_point since = Clock::time_point::max();
    for (auto& [id, c] : conns_) {
      if (!c.busy && c.waiting_since < since) {
        since = c.waiting_since;
        oldest = id;
      }
    }
    if (oldest == 0) return false;
    Close(oldest);
    return true;
  }

  // The epoll interest a connection needs now.
  void Update(uint64_t id, Connection& c, bool add = false) {
    uint32_t want = 0;
    bool pending_out = c.out_sent < c.out.size();
    if (!c.close_after_write && !c.peer_closed && c.in.size() < kMaxBuffered) want |= EPOLLIN;
    if (pending_out) want |= EPOLLOUT;
    if (add || want != c.events) {
      Watch(c.fd, id, want, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD);
      c.events = want;
    }
  }

  void Close(uint64_t id) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
    ::close(it->second.fd);
    conns_.erase(it);
  }

  void Read(uint64_t id, Connection& c) {
    char buf[16384];
    while (c.in.size() < kMaxBuffered + sizeof buf) {
      ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
      if (got > 0) {
        c.in.append(buf, static_cast<size_t>(got));
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c.peer_closed = true;
      break;
    }
    Pump(id);
  }

  // Moves a connection on as far as it can go now: writes what is pending,
  // then takes the next request from the buffer (pipelining: one at a time,
  // in order). A client that has sent its last byte is closed once nothing
  // more can come of it.
  void Pump(uint64_t id) {
    for (;;) {
      auto it = conns_.find(id);
      if (it == conns_.end()) return;
      Connection& c = it->second;
      while (c.out_sent < c.out.size()) {
        ssize_t sent = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
        if (sent > 0) {
          c.out_sent += static_cast<size_t>(sent);
          c.deadline = Clock::now() + options_.idle_timeout;  // progress
          continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Update(id, c);
        return Close(id);
      }
      c.out.clear();
      c.out_sent = 0;
      if (c.close_after_write) {
        ::shutdown(c.fd, SHUT_WR);
        return Close(id);
      }
      if (c.busy) return Update(id, c);
      Parsed p = ParseHead(c.in);
      if (p.consumed) c.in.erase(0, p.consumed);
      if (p.kind == Parsed::Kind::kIncomplete) {
        if (c.peer_closed) return Close(id);
        if (!c.in.empty() && !c.reading_head) {
          // The first byte of a head: its deadline starts now, and more bytes do not move it.
          c.reading_head = true;
          c.deadline = Clock::now() + options_.header_timeout;
        }
        return Update(id, c);
      }
      c.reading_head = false;
      if (p.kind == Parsed::Kind::kError) {
        Respond(c, Plain(p.error_status, p.error), false, false);
        continue;
      }
      HttpRequest& r = p.request;
      if (r.method != "GET" && r.method != "HEAD") {
        HttpResponse res = Plain(405, "405: only GET and HEAD\n");
        res.headers.emplace_back("Allow", "GET, HEAD");
        Respond(c, res, false, p.keep_alive);
        continue;
      }
      c.busy = true;
      c.head_only = r.method == "HEAD";
      c.keep_alive = p.keep_alive;
      {
        std::lock_guard<std::mutex> hold(jobs_mu_);
        jobs_.push_back({id, std::move(r)});
      }
      jobs_cv_.notify_one();
      return Update(id, c);
    }
  }

  void Respond(Connection& c, const HttpResponse& res, bool head_only, bool keep_alive) {
    c.out += Serialize(res, head_only, keep_alive);
    if (!keep_alive) c.close_after_write = true;
    c.waiting_since = Clock::now();
    c.deadline = c.waiting_since + options_.idle_timeout;
  }

  void TakeResponses() {
    std::deque<std::pair<uint64_t, HttpResponse>> done;
    {
      std::lock_guard<std::mutex> hold(done_mu_);
      done.swap(done_);
    }
    for (auto& [id, res] : done) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      Connection& c = it->second;
      c.busy = false;
      Respond(c, res, c.head_only, c.keep_alive);
      Pump(id);
    }
  }

  void Expire() {
    auto now = Clock::now();
    std::vector<uint64_t> late;
    for (auto& [id, c] : conns_) {
      if (!c.busy && now >= c.deadline) late.push_back(id);
    }
    for (uint64_t id : late) {
      Connection& c = conns_[id];
      if (c.reading_head && c.out_sent >= c.out.size()) {
        // Told why, in one attempt that does not wait.
        std::string msg = Serialize(Plain(408, "408: the request head did not arrive in time\n"), false, false);
        (void)!::send(c.fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      Close(id);
    }
  }

  void Work() {
    for (;;) {
      std::pair<uint64_t, HttpRequest> job;
      {
        std::unique_lock<std::mutex> hold(jobs_mu_);
        jobs_cv_.wait(hold, [this] { return stopping_workers_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      HttpResponse res;
      try {
        res = handler_(job.second);
      } catch (const std::exception& e) {
        res = Plain(500, std::string("500: ") + e.what() + "\n");
      }
      {
        std::lock_guard<std::mutex> hold(done_mu_);
        done_.emplace_back(job.first, std::move(res));
      }
      uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof one);
    }
  }

  HttpServerOptions options_;
  HttpHandler handler_;
  int listen_fd_ = -1, epoll_fd_ = -1, wake_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread loop_;
  std::mutex wait_mu_;
  std::unordered_map<uint64_t, Connection> conns_;  // the loop's own
  uint64_t next_id_ = 2;
  std::optional<Clock::time_point> accept_paused_until_;
  std::vector<std::thread> workers_;
  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<std::pair<uint64_t, HttpRequest>> jobs_;
  bool stopping_workers_ = false;
  std::mutex done_mu_;
  std::deque<std::pair<uint64_t, HttpResponse>> done_;
};

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

std::string QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    if (key == name) return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
  }
  return {};
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  auto server = std::make_unique<Server>(options, std::move(handler));
  if (Status s = server->Init(); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace nm

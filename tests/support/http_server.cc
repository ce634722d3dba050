#include "support/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace nm {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

// With a deadline, so that a silent client cannot hold a thread forever.
bool TestHttpServer::ReadRequest(int fd, std::string* out) {
  constexpr size_t kMaxHead = 64 * 1024;
  char buf[4096];
  size_t head_end = std::string::npos;
  while (head_end == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
    head_end = out->find("\r\n\r\n");
    if (head_end == std::string::npos && out->size() > kMaxHead) return false;
  }
  size_t body_len = 0;
  std::string lower = Lower(out->substr(0, head_end));
  size_t cl = lower.find("\r\ncontent-length:");
  if (cl != std::string::npos) body_len = std::strtoul(lower.c_str() + cl + 17, nullptr, 10);
  size_t want = head_end + 4 + std::min<size_t>(body_len, 1 << 20);
  while (out->size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
  }
  return true;
}

TestHttpServer::TestHttpServer() {
  // A client that hangs up must not kill the test process.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { signal(SIGPIPE, SIG_IGN); });

  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    close(listen_fd_);
    throw std::runtime_error("bind/listen on 127.0.0.1 failed");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    close(listen_fd_);
    throw std::runtime_error("pipe failed");
  }
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    // Blocked reads and writes of open connections fail at once.
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  stop_cv_.notify_all();
  char c = 0;
  (void)!write(wake_pipe_[1], &c, 1);
  accept_thread_.join();
  std::vector<Connection> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connections.swap(connections_);
  }
  for (auto& conn : connections) conn.thread.join();
  close(listen_fd_);
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

std::string TestHttpServer::Url(std::string_view path) const {
  return UrlOnHost("127.0.0.1", path);
}

std::string TestHttpServer::UrlOnHost(std::string_view host, std::string_view path) const {
  return "http://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
}

void TestHttpServer::Serve(const std::string& path, int status, std::string body,
                           std::map<std::string, std::string> headers) {
  ServeSequence(path, {Reply(status, std::move(body), std::move(headers))});
}

void TestHttpServer::ServeSequence(const std::string& path, std::vector<Reply> replies) {
  std::lock_guard<std::mutex> lock(mu_);
  Route& route = routes_[path];
  route.replies = std::move(replies);
  route.raw = nullptr;
  route.next = 0;
}

void TestHttpServer::ServeRaw(const std::string& path, RawHandler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  Route& route = routes_[path];
  route.replies.clear();
  route.raw = std::move(handler);
  route.next = 0;
}

int TestHttpServer::Hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(path);
  return it == records_.end() ? 0 : it->second.hits;
}

std::string TestHttpServer::LastRequestHeader(const std::string& path,
                                              const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(path);
  if (it == records_.end()) return "";
  auto h = it->second.headers.find(Lower(name));
  return h == it->second.headers.end() ? "" : h->second;
}

std::string TestHttpServer::LastRequestLine(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = records_.find(path);
  return it == records_.end() ? "" : it->second.request_line;
}

int TestHttpServer::MaxConcurrentRequests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_active_requests_;
}

bool TestHttpServer::WaitStopping(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return stop_cv_.wait_for(lock, d, [this] { return stopping_; });
}

bool TestHttpServer::WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string TestHttpServer::FormatResponse(int status, std::string_view body,
                                           const std::map<std::string, std::string>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    if (Lower(name) == "content-length") has_length = true;
    out += name + ": " + value + "\r\n";
  }
  if (!has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out.append(body);
  return out;
}

void TestHttpServer::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    ReapFinished();
    open_fds_.insert(fd);
    Connection conn;
    conn.fd = fd;
    conn.done = std::make_shared<std::atomic<bool>>(false);
    auto done = conn.done;
    conn.thread = std::thread([this, fd, done] {
      HandleConnection(fd);
      {
        std::lock_guard<std::mutex> lock(mu_);
        open_fds_.erase(fd);
        close(fd);
      }
      done->store(true);
    });
    connections_.push_back(std::move(conn));
  }
}

void TestHttpServer::ReapFinished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void TestHttpServer::HandleConnection(int fd) {
  std::string raw;
  if (!ReadRequest(fd, &raw)) return;

  size_t line_end = raw.find("\r\n");
  std::string request_line = raw.substr(0, line_end);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string::npos || sp2 <= sp1) {
    WriteAll(fd, FormatResponse(400, "bad request line\n"));
    return;
  }
  std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string::npos ? "/" : target.substr(slash);
  }
  std::map<std::string, std::string> headers;
  size_t head_end = raw.find("\r\n\r\n");
  size_t pos = line_end + 2;
  while (pos < head_end) {
    size_t eol = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      headers[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    }
    pos = eol + 2;
  }

  std::string key;
  Reply reply;
  RawHandler raw_handler;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = routes_.find(target);
    if (it == routes_.end()) it = routes_.find(target.substr(0, target.find('?')));
    key = it != routes_.end() ? it->first : target.substr(0, target.find('?'));
    Record& rec = records_[key];
    rec.hits++;
    rec.request_line = request_line;
    rec.headers = headers;
    if (it != routes_.end()) {
      found = true;
      Route& route = it->second;
      if (route.raw) {
        raw_handler = route.raw;
      } else if (!route.replies.empty()) {
        reply = route.replies[std::min(route.next, route.replies.size() - 1)];
        route.next++;
      } else {
        found = false;
      }
    }
    active_requests_++;
    max_active_requests_ = std::max(max_active_requests_, active_requests_);
  }
  auto end_request = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    active_requests_--;
  };

  if (raw_handler) {
    raw_handler(fd, raw);
    end_request();
    return;
  }
  if (!found) {
    end_request();
    WriteAll(fd, FormatResponse(404, "not found\n"));
    return;
  }
  if (reply.delay_ms > 0 && WaitStopping(std::chrono::milliseconds(reply.delay_ms))) {
    end_request();
    return;
  }
  // Counted as finished before the answer leaves, so a client that starts its
  // next request the moment this answer arrives is never seen as overlapping.
  end_request();
  WriteAll(fd, FormatResponse(reply.status, reply.body, reply.headers));
}

int UnusedLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind on 127.0.0.1 failed");
  }
  // Bound but never listening, then released: connecting is refused, and the
  // kernel hands out ephemeral ports in sequence, so it is not reused soon.
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace nm

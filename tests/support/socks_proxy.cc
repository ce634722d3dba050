#include "support/socks_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "support/http_server.h"

namespace nm {
namespace {

bool ReadAll(int fd, unsigned char* buf, size_t n) {
  while (n > 0) {
    ssize_t got = ::recv(fd, buf, n, 0);
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool WriteAll(int fd, const unsigned char* buf, size_t n) {
  return TestHttpServer::WriteAll(fd, std::string_view(reinterpret_cast<const char*>(buf), n));
}

}  // namespace

TestSocksProxy::TestSocksProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("bind/listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TestSocksProxy::~TestSocksProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard<std::mutex> hold(mu_);
    connections.swap(connections_);
  }
  for (std::thread& t : connections) t.join();
}

std::string TestSocksProxy::Url() const { return "socks5h://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> TestSocksProxy::Requests() const {
  std::lock_guard<std::mutex> hold(mu_);
  return requests_;
}

void TestSocksProxy::AcceptLoop() {
  while (!stopping_) {
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard<std::mutex> hold(mu_);
    connections_.emplace_back([this, client] { Serve(client); });
  }
}

void TestSocksProxy::Serve(int client) {
  unsigned char buf[512];
  int upstream = -1;
  auto done = [&] {
    if (upstream >= 0) ::close(upstream);
    ::close(client);
  };
  // Greeting: version 5 and the methods offered; "no authentication" chosen.
  if (!ReadAll(client, buf, 2) || buf[0] != 5 || !ReadAll(client, buf + 2, buf[1])) return done();
  const unsigned char choice[2] = {5, 0};
  if (!WriteAll(client, choice, 2)) return done();
  // Request: version, CONNECT, reserved, address type, address, port.
  if (!ReadAll(client, buf, 4) || buf[0] != 5 || buf[1] != 1) return done();
  std::string host;
  if (buf[3] == 1) {
    if (!ReadAll(client, buf, 4)) return done();
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, buf, text, sizeof text);
    host = text;
  } else if (buf[3] == 3) {
    if (!ReadAll(client, buf, 1)) return done();
    size_t n = buf[0];
    if (!ReadAll(client, buf, n)) return done();
    host.assign(reinterpret_cast<char*>(buf), n);
  } else if (buf[3] == 4) {
    if (!ReadAll(client, buf, 16)) return done();
    char text[INET6_ADDRSTRLEN];
    ::inet_ntop(AF_INET6, buf, text, sizeof text);
    host = "[" + std::string(text) + "]";
  } else {
    return done();
  }
  if (!ReadAll(client, buf, 2)) return done();
  int port = (buf[0] << 8) | buf[1];
  {
    std::lock_guard<std::mutex> hold(mu_);
    requests_.push_back(host + ":" + std::to_string(port));
  }
  upstream = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  target.sin_port = htons(static_cast<uint16_t>(target_port_));
  bool connected = upstream >= 0 && ::connect(upstream, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0;
  // Reply: succeeded (0) or connection refused (5), bound address 0.0.0.0:0.
  const unsigned char reply[10] = {5, static_cast<unsigned char>(connected ? 0 : 5), 0, 1, 0, 0, 0, 0, 0, 0};
  if (!WriteAll(client, reply, sizeof reply) || !connected) return done();
  // Relay both ways until either side closes.
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  while (!stopping_) {
    if (::poll(fds, 2, 200) < 0) break;
    bool closed = false;
    for (int i = 0; i < 2 && !closed; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::recv(fds[i].fd, buf, sizeof buf, 0);
      if (got <= 0 || !WriteAll(fds[1 - i].fd, buf, static_cast<size_t>(got))) closed = true;
    }
    if (closed) break;
  }
  done();
}

}  // namespace nm

// A SOCKS5 proxy on 127.0.0.1 for tests (RFC 1928, CONNECT, no authentication).
//
// Operators who cannot reach an outlet directly run newsmirror through a
// proxy, usually "socks5h://…" so that the proxy also resolves the names.
// TestSocksProxy relays every CONNECT to one loopback port, whatever host it
// names, and remembers the host and port each request asked for, so a test
// can use host names that do not resolve on this machine and see that they
// reached the proxy as names.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nm {

class TestSocksProxy {
 public:
  // Relays every connection to 127.0.0.1:target_port.
  explicit TestSocksProxy(int target_port);
  ~TestSocksProxy();
  TestSocksProxy(const TestSocksProxy&) = delete;
  TestSocksProxy& operator=(const TestSocksProxy&) = delete;

  int port() const { return port_; }
  // "socks5h://127.0.0.1:PORT"
  std::string Url() const;
  // "host:port" of each CONNECT, in order; a name stays a name, an address
  // is written in dotted form (IPv4) or in brackets (IPv6).
  std::vector<std::string> Requests() const;

 private:
  void AcceptLoop();
  void Serve(int client);

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::vector<std::thread> connections_;
};

}  // namespace nm

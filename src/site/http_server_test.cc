#include "site/http_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <thread>

namespace nm {
namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void Send(int fd, const std::string& data) {
  ASSERT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
}

// Everything the server sends until it closes or `timeout` passes.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout, bool* closed = nullptr) {
  std::string out;
  auto end = Clock::now() + timeout;
  if (closed) *closed = false;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Reads until `count` responses (by their status lines) have arrived.
std::string ReadResponses(int fd, size_t count, std::chrono::milliseconds timeout) {
  std::string out;
  auto end = Clock::now() + timeout;
  auto complete = [&] {
    size_t seen = 0, at = 0;
    while ((at = out.find("HTTP/1.1 ", at)) != std::string::npos) {
      size_t head_end = out.find("\r\n\r\n", at);
      size_t cl = out.find("Content-Length: ", at);
      if (head_end == std::string::npos || cl == std::string::npos) return false;
      size_t len = std::stoul(out.substr(cl + 16));
      if (out.size() < head_end + 4 + len) return false;
      at = head_end + 4 + len;
      ++seen;
    }
    return seen >= count;
  };
  while (Clock::now() < end && !complete()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options, std::chrono::milliseconds handler_delay = std::chrono::milliseconds(0)) {
    auto server = HttpServer::Start(options, [handler_delay](const HttpRequest& req) {
      if (handler_delay.count()) std::this_thread::sleep_for(handler_delay);
      HttpResponse res;
      res.body = req.method + " " + req.path + " q=" + QueryParam(req.query, "q") + "\n";
      return res;
    });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    for (int fd : open_) ::close(fd);
  }
  int Open() {
    int fd = Connect(server_->port());
    EXPECT_GE(fd, 0);
    open_.push_back(fd);
    return fd;
  }

  std::unique_ptr<HttpServer> server_;
  std::vector<int> open_;
};

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  Start({});
  int fd = Open();
  // Three requests in one write; the last asks to close.
  Send(fd,
       "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
       "HEAD /second HTTP/1.1\r\nHost: x\r\n\r\n"
       "GET /third?q=%E5%B2%B8+%E7%94%B0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  std::string all = ReadUntilClosed(fd, std::chrono::seconds(10), &closed);
  EXPECT_TRUE(closed) << all;
  size_t first = all.find("GET /first q=\n");
  size_t second = all.find("HTTP/1.1 200", first);
  size_t third = all.find("GET /third q=岸 田\n");
  ASSERT_NE(first, std::string::npos) << all;
  ASSERT_NE(second, std::string::npos) << all;
  ASSERT_NE(third, std::string::npos) << all;
  EXPECT_LT(first, third);
  EXPECT_EQ(all.find("HEAD /second"), std::string::npos) << "a HEAD response has no body";
  size_t status_lines = 0;
  for (size_t at = 0; (at = all.find("HTTP/1.1 200 OK", at)) != std::string::npos; ++at) ++status_lines;
  EXPECT_EQ(status_lines, 3u) << all;
  EXPECT_NE(all.rfind("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, PipelinedRequestsSentByteByByteAreAllAnswered) {
  Start({});
  int fd = Open();
  std::string two = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
  for (char c : two) Send(fd, std::string(1, c));
  std::string got = ReadResponses(fd, 2, std::chrono::seconds(10));
  EXPECT_NE(got.find("GET /a q="), std::string::npos) << got;
  EXPECT_NE(got.find("GET /b q="), std::string::npos) << got;
}

TEST_F(HttpServerTest, ASlowHeadIsCutOffAtTheDeadline) {
  HttpServerOptions options;
  options.header_timeout = std::chrono::milliseconds(400);
  Start(options);
  int fd = Open();
  auto t0 = Clock::now();
  Send(fd, "GET / HTTP/1.1\r\n");
  // A header byte every 50 ms would hold an inactivity timeout open for ever.
  bool closed = false;
  std::string got;
  for (int i = 0; i < 100 && !closed; ++i) {
    if (::send(fd, "X", 1, MSG_NOSIGNAL) != 1) break;
    got += ReadUntilClosed(fd, std::chrono::milliseconds(50), &closed);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_NE(got.find("408"), std::string::npos) << got;
  EXPECT_LT(seconds, 3.0) << "cut off near its 0.4 s deadline, not after 5 s of trickling";
  // The server still answers others.
  int other = Open();
  Send(other, "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(ReadUntilClosed(other, std::chrono::seconds(5)).find("GET /ok"), std::string::npos);
}

TEST_F(HttpServerTest, ManySlowConnectionsDoNotStarveANormalRequest) {
  HttpServerOptions options;
  options.workers = 2;
  options.header_timeout = std::chrono::seconds(20);  // the slow ones stay for the whole test
  Start(options);
  // 200 connections: half idle, half in the middle of a head they never finish.
  for (int i = 0; i < 200; ++i) {
    int fd = Open();
    ASSERT_GE(fd, 0) << i;
    if (i % 2) Send(fd, "GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int round = 0; round < 3; ++round) {
    auto t0 = Clock::now();
    int fd = Open();
    Send(fd, "GET /normal HTTP/1.1\r\nConnection: close\r\n\r\n");
    std::string got = ReadUntilClosed(fd, std::chrono::seconds(10));
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    EXPECT_NE(got.find("GET /normal"), std::string::npos) << got;
    // Generous for a busy machine; the old server (8 workers, one per
    // connection, no header deadline) did not answer at all.
    EXPECT_LT(seconds, 2.0);
  }
}

TEST_F(HttpServerTest, SlowHandlersQueueInsteadOfRefusing) {
  HttpServerOptions options;
  options.workers = 2;
  Start(options, std::chrono::milliseconds(50));
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) {
    fds.push_back(Open());
    Send(fds.back(), "GET /n" + std::to_string(i) + " HTTP/1.1\r\nConnection: close\r\n\r\n");
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_NE(ReadUntilClosed(fds[i], std::chrono::seconds(10)).find("GET /n" + std::to_string(i) + " "),
              std::string::npos)
        << i;
  }
}

TEST_F(HttpServerTest, AtTheConnectionLimitTheLongestWaitingGivesWay) {
  HttpServerOptions options;
  options.max_connections = 8;
  Start(options);
  int oldest = Open();
  for (int i = 0; i < 7; ++i) Open();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int fd = Open();
  Send(fd, "GET /new HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(ReadUntilClosed(fd, std::chrono::seconds(5)).find("GET /new"), std::string::npos);
  bool closed = false;
  ReadUntilClosed(oldest, std::chrono::seconds(2), &closed);
  EXPECT_TRUE(closed) << "the idle connection that waited longest was closed for the new one";
}

TEST_F(HttpServerTest, RefusesBodiesOtherMethodsAndOversizedHeads) {
  Start({});
  struct Case {
    std::string request;
    std::string status;
  } cases[] = {
      {"POST / HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 405"},
      {"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "HTTP/1.1 413"},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 501"},
      {"GET / HTTP/1.1\r\nX: " + std::string(kMaxHeadBytes + 10, 'a') + "\r\n\r\n", "HTTP/1.1 431"},
      {"GET / HTTP/1.1\r\nX: " + std::string(kMaxHeadBytes + 10, 'a'), "HTTP/1.1 431"},
      {"GET http://evil.example/ HTTP/1.1\r\n\r\n", "HTTP/1.1 400"},
      {"GARBAGE\r\n\r\n", "HTTP/1.1 400"},
      {"GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 400"},
  };
  for (const Case& c : cases) {
    int fd = Open();
    Send(fd, c.request);
    std::string got = ReadUntilClosed(fd, std::chrono::seconds(5));
    EXPECT_EQ(got.rfind(c.status, 0), 0u) << c.request.substr(0, 60) << " → " << got.substr(0, 80);
  }
}

TEST(QueryParamTest, DecodesFormValues) {
  EXPECT_EQ(QueryParam("q=%E5%B2%B8%E7%94%B0&page=2", "q"), "岸田");
  EXPECT_EQ(QueryParam("q=%E5%B2%B8%E7%94%B0&page=2", "page"), "2");
  EXPECT_EQ(QueryParam("a=1&q=G7+%E5%B3%B0%E4%BC%9A", "q"), "G7 峰会");
  EXPECT_EQ(QueryParam("q", "q"), "");
  EXPECT_EQ(QueryParam("x=1", "q"), "");
  EXPECT_EQ(QueryParam("q=100%", "q"), "100%");
}

}  // namespace
}  // namespace nm

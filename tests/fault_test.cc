// Faults end to end: a full disk (RLIMIT_FSIZE), read-only output (a
// read-only bind mount in a private mount namespace), a source that trickles
// byte by byte, a name that does not resolve, a TLS server with a self-signed
// certificate, and feeds that change between conditional GETs. Each run must
// fail clearly or carry on with the healthy sources, leave nothing
// half-written, and the next normal run must bring the mirror back.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "state/outlet_state.h"
#include "support/cli.h"
#include "support/http_server.h"
#include "support/mirror_check.h"
#include "support/temp_dir.h"
#include "util/fs.h"

namespace nm {
namespace {


std::string Rss(const std::string& prefix, int items, const std::string& version = "v1") {
  std::string filler;
  for (int k = 0; k < 200; ++k) filler += "<p>第" + std::to_string(k) + "段。</p>";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>";
  for (int n = 0; n < items; ++n) {
    xml += "<item><title>" + prefix + "标题" + std::to_string(n) + "</title><link>https://news.example/" + prefix +
           std::to_string(n) + "</link><guid>" + prefix + std::to_string(n) + "</guid><pubDate>Wed, 03 Jan 2024 1" +
           std::to_string(n % 10) + ":00:00 GMT</pubDate><description><![CDATA[<p>" + version + "</p>" + filler +
           "]]></description></item>";
  }
  return xml + "</channel></rss>";
}

class FaultTest : public ::testing::Test {
 protected:
  std::string Config(const std::vector<std::pair<std::string, std::string>>& sources, int timeout_s = 10) {
    std::string text = "[fetch]\nretries = 0\nconnect_timeout = 5\ntimeout = " + std::to_string(timeout_s) + "\n";
    for (const auto& [name, url] : sources) text += "[[source]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\n";
    std::string path = dir_.path() + "/newsmirror.toml";
    EXPECT_TRUE(WriteFileAtomic(path, text).ok());
    return path;
  }
  CliResult Run(const std::string& config, std::vector<std::string> extra = {"--commit"}) {
    std::vector<std::string> args = {"run", "--config", config, "--out", mirror_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNewsmirror(args, TestGitEnv());
  }
  // The same run through bash, with `prelude` run first (limits, mounts).
  CliResult RunWrapped(const std::string& prelude, const std::string& config) {
    std::string cmd = "GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=Test "
                      "GIT_COMMITTER_EMAIL=t@example.invalid " +
                      prelude + " exec '" + NEWSMIRROR_BINARY + "' run --config '" + config + "' --out '" + mirror_ +
                      "' --commit";
    CliResult r;
    r.err = Shell("/bin/bash -c \"" + cmd + "\" 2>&1", &r.exit_code);
    return r;
  }
  void ExpectRecovered(const std::string& config) {
    CliResult again = Run(config);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    auto problems = MirrorProblems(mirror_, expect_);
    EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
  }
  void Expect(const std::string& outlet, const std::string& prefix, int items) {
    for (int n = 0; n < items; ++n) expect_.guids[outlet].insert(prefix + std::to_string(n));
  }

  TempDir dir_;
  std::string mirror_ = dir_.path() + "/mirror";
  TestHttpServer server_;
  MirrorExpectation expect_;
};

TEST_F(FaultTest, DiskFullFailsNamingTheFileWritesNothingAndTheNextRunRecovers) {
  server_.Serve("/a", 200, Rss("a", 8));
  std::string config = Config({{"甲", server_.Url("/a")}});
  Expect("甲", "a", 8);
  // Files may not grow past 16 KiB: the run's journal cannot be written.
  // SIGXFSZ ignored, so writes fail with EFBIG as on a full disk.
  CliResult r = RunWrapped("trap '' XFSZ; ulimit -f 16;", config);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("/.newsmirror/journal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(mirror_ + "/articles")) << "nothing half-written";
  EXPECT_FALSE(std::filesystem::exists(mirror_ + "/state"));
  ExpectRecovered(config);
}

bool CanMountReadOnly(const std::string& dir) {
  int rc = -1;
  Shell("unshare -m sh -c \"mount --bind '" + dir + "' '" + dir + "' && mount -o remount,bind,ro '" + dir + "' '" +
            dir + "'\" 2>/dev/null",
        &rc);
  return rc == 0;
}

TEST_F(FaultTest, ReadOnlyOutputFailsClearlyAndTheJournalCompletesTheNextRun) {
  server_.Serve("/a", 200, Rss("a", 3));
  std::string config = Config({{"甲", server_.Url("/a")}});
  Expect("甲", "a", 3);
  ASSERT_EQ(Run(config).exit_code, 0);
  if (!CanMountReadOnly(mirror_)) GTEST_SKIP() << "no private mount namespace here (needs unshare -m)";

  // The whole mirror read-only: nothing can start, and the error names the file.
  std::string ro = "unshare -m sh -c \\\"mount --bind '" + mirror_ + "' '" + mirror_ +
                   "' && mount -o remount,bind,ro '" + mirror_ + "' '" + mirror_ + "' && ";
  server_.Serve("/a", 200, Rss("a", 5));
  Expect("甲", "a", 5);
  std::string cmd = "GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@e.invalid GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@e.invalid " +
                    ro + "exec '" + NEWSMIRROR_BINARY + "' run --config '" + config + "' --out '" + mirror_ +
                    "' --commit\\\"";
  int rc = -1;
  std::string err = Shell("/bin/bash -c \"" + cmd + "\" 2>&1", &rc);
  EXPECT_EQ(rc, 3) << err;
  EXPECT_NE(err.find("Read-only file system"), std::string::npos) << err;
  EXPECT_NE(err.find(mirror_ + "/.newsmirror/"), std::string::npos) << err;

  // Only the articles folder read-only: the journal is written, the article
  // write fails naming its file, and the next run completes the journal.
  std::string folder = mirror_ + "/articles/甲";
  server_.Serve("/a", 200, Rss("a", 7));
  Expect("甲", "a", 7);
  cmd = "GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@e.invalid GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@e.invalid "
        "unshare -m sh -c \\\"mount --bind '" + folder + "' '" + folder + "' && mount -o remount,bind,ro '" + folder +
        "' '" + folder + "' && exec '" + NEWSMIRROR_BINARY + "' run --config '" + config + "' --out '" + mirror_ +
        "' --commit\\\"";
  err = Shell("/bin/bash -c \"" + cmd + "\" 2>&1", &rc);
  EXPECT_EQ(rc, 3) << err;
  EXPECT_NE(err.find(folder + "/"), std::string::npos) << err;
  EXPECT_NE(err.find("next run completes it"), std::string::npos) << err;
  CliResult again = Run(config);
  EXPECT_NE(again.err.find("completed an interrupted run"), std::string::npos) << again.err;
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
}

TEST_F(FaultTest, ByteByByteSourceTimesOutAndTheOthersAreArchived) {
  server_.Serve("/a", 200, Rss("a", 2));
  std::string body = Rss("slow", 2);
  server_.ServeRaw("/slow", [&, body](int fd, const std::string&) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!TestHttpServer::WriteAll(fd, head)) return;
    for (char c : body) {
      if (!TestHttpServer::WriteAll(fd, std::string_view(&c, 1)) ||
          server_.WaitStopping(std::chrono::milliseconds(50))) {
        return;
      }
    }
  });
  std::string config = Config({{"慢", server_.Url("/slow")}, {"甲", server_.Url("/a")}}, /*timeout_s=*/1);
  Expect("甲", "a", 2);
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("慢: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(mirror_ + "/state/慢"));
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
}

TEST_F(FaultTest, UnresolvableHostFailsThatSourceOnly) {
  server_.Serve("/a", 200, Rss("a", 2));
  std::string config = Config({{"无名", "http://feeds.newsmirror-test.invalid/rss.xml"}, {"甲", server_.Url("/a")}});
  Expect("甲", "a", 2);
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("无名: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("feeds.newsmirror-test.invalid"), std::string::npos) << r.err;
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
}

// openssl s_server with a certificate made here, which nobody trusts.
class SelfSignedTlsServer {
 public:
  explicit SelfSignedTlsServer(const std::string& dir) : port_(UnusedLoopbackPort()) {
    int rc = -1;
    Shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout '" + dir +
              "/key.pem' -out '" + dir + "/cert.pem' >/dev/null 2>&1",
          &rc);
    if (rc != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_), cert = dir + "/cert.pem", key = dir + "/key.pem";
      ::freopen("/dev/null", "w", stdout);
      ::freopen("/dev/null", "w", stderr);
      ::execlp("openssl", "openssl", "s_server", "-quiet", "-www", "-accept", ("127.0.0.1:" + port).c_str(), "-cert",
               cert.c_str(), "-key", key.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !Listening(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ~SelfSignedTlsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool Listening() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST_F(FaultTest, SelfSignedCertificateFailsThatSourceWithTheTlsCause) {
  SelfSignedTlsServer tls(dir_.path());
  ASSERT_TRUE(tls.Listening()) << "openssl s_server did not start";
  server_.Serve("/a", 200, Rss("a", 2));
  std::string config =
      Config({{"加密", "https://127.0.0.1:" + std::to_string(tls.port()) + "/feed.xml"}, {"甲", server_.Url("/a")}});
  Expect("甲", "a", 2);
  CliResult r = Run(config);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("加密: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("certificate"), std::string::npos) << r.err;
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
}

TEST_F(FaultTest, FeedChangingBetweenConditionalGetsIsFollowed) {
  using Reply = TestHttpServer::Reply;
  server_.ServeSequence("/a", {Reply(200, Rss("a", 3, "v1"), {{"ETag", "\"one\""}}),
                               // Changed: new ETag, one more item, every text edited.
                               Reply(200, Rss("a", 4, "v2"), {{"ETag", "\"two\""}}),
                               // A server that answers 304 although "two" is not its ETag.
                               Reply(304, "", {{"ETag", "\"three\""}})});
  std::string config = Config({{"甲", server_.Url("/a")}});
  Expect("甲", "a", 4);
  ASSERT_EQ(Run(config).exit_code, 0);
  CliResult second = Run(config, {"--commit", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server_.LastRequestHeader("/a", "If-None-Match"), "\"one\"");
  EXPECT_NE(second.out.find("\"new\": 1"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("\"updated\": 3"), std::string::npos) << second.out;
  auto before = ReadOutletState(mirror_, "甲");
  ASSERT_TRUE(before.ok());
  std::string before_text = SerializeOutletState(*before);

  CliResult third = Run(config, {"--commit", "--json"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(server_.LastRequestHeader("/a", "If-None-Match"), "\"two\"");
  EXPECT_NE(third.out.find("not_modified"), std::string::npos) << third.out;
  // Not modified means nothing to do: the archive and its validators stay.
  auto state = ReadOutletState(mirror_, "甲");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(SerializeOutletState(*state), before_text);
  EXPECT_EQ(state->validators.etag, "\"two\"");
  auto problems = MirrorProblems(mirror_, expect_);
  EXPECT_TRUE(problems.empty()) << JoinProblems(problems);
  // Every article holds the second version's text.
  for (const ArticleRecord& rec : state->records) {
    auto text = ReadFile(mirror_ + "/articles/甲/" + rec.file);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("<p>v2</p>"), std::string::npos) << rec.file;
  }
}

}  // namespace
}  // namespace nm

// Sends messages over SMTP with libcurl, one transaction per recipient.
//
// The server is "smtps://host[:port]" (TLS from the first byte) or
// "smtp://host[:port]", for which STARTTLS is required: a server that does not
// offer it gets nothing, so a message and the credentials never cross the
// network in the clear. The certificate is checked against the system's
// authorities, or `ca_file`. User and password come from the caller (which
// reads them from the environment); they are handed to libcurl only, never
// written or put into a message. One SmtpClient keeps its connection for
// the next recipient when the server allows. Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "util/status.h"

namespace nm {

struct SmtpOptions {
  std::string server;       // smtps://host[:port] or smtp://host[:port]
  std::string user;         // "" = no authentication
  std::string password;
  std::string ca_file;      // "" = the system's certificate authorities
  long connect_timeout_ms = 15000;
  long timeout_ms = 60000;  // one whole transaction
};

struct SmtpOutcome {
  Status status;
  // The failure is the server's, not the recipient's (no connection, TLS,
  // authentication, MAIL FROM): the same server would refuse the next
  // recipient too.
  bool server_failed = false;
  long reply = 0;           // the last SMTP reply code (0 when none came)
};

class SmtpClient {
 public:
  explicit SmtpClient(SmtpOptions options);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Sends `message` (FormatMessage's text) from `from` to `to` (bare
  // addresses). The status names the server and the reply, never the
  // credentials.
  SmtpOutcome Send(const std::string& from, const std::string& to, const std::string& message);

 private:
  SmtpOptions options_;
  void* curl_ = nullptr;
};

}  // namespace nm

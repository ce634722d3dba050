// newsmirror serve: the local reader. Serves the same pages as the static
// site (SitePages, same sanitizing) straight from the archive, and answers
// search.html?q= on the server from the full-text index, so reading and
// searching work without JavaScript.
//
// The archive is read again when its state files change (checked at most
// every two seconds), so a run in the background shows up on the next page.
// Only GET; paths outside the site are 404. Start() returns once the socket
// listens; Stop() ends it. Requests are served on a thread pool.
#pragma once

#include <memory>
#include <string>

#include "site/pages.h"
#include "util/status.h"

namespace nm {

struct ServeOptions {
  std::string archive;
  std::string bind = "127.0.0.1";
  int port = 8080;               // 0 = any free port
  SiteOptions site;
};

class ReaderServer {
 public:
  virtual ~ReaderServer() = default;
  static Result<std::unique_ptr<ReaderServer>> Start(const ServeOptions& options);
  virtual int port() const = 0;
  virtual void Wait() = 0;       // until Stop() or Shutdown()
  virtual void Stop() = 0;       // Shutdown() and Wait()
  // Stops listening without waiting (safe from a signal handler while
  // another thread is in Wait()).
  virtual void Shutdown() = 0;
};

}  // namespace nm

// newsmirror serve: the local reader. Serves the same pages as the static
// site (SitePages, same sanitizing) straight from the archive, and answers
// search.html?q= on the server from the full-text index, so reading and
// searching work without JavaScript.
//
// The archive is read again when its state files change (checked at most
// every two seconds), so a run in the background shows up on the next page.
// Only GET and HEAD; paths outside the site are 404. Images stored in the
// mirror are served at images/{outlet}/{file} from assets/{outlet}/{file}:
// only stored images' names, never through a symbolic link, with the type
// their name says. Search answers a page of kSearchPageSize results with
// the true count and links to the other pages. The archive is only read (it
// may be read-only: the index then lives outside it, search_index.h), and a
// folder that is not a mirror is refused (InvalidArgument). Start() returns
// once the socket listens; Stop() ends it. Connections are handled by
// HttpServer (http_server.h): a header deadline, slow clients cost no
// thread, pipelined requests answered in order.
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
  int workers = 4;               // threads rendering pages
  int max_connections = 512;
  int header_timeout_ms = 10000; // a request head must arrive within this
  int idle_timeout_ms = 30000;   // a kept-alive connection waits this long for a request
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

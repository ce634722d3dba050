// Archiving single pages on request (`newsmirror add URL…`).
//
// AddPages fetches each page, extracts and composes its article exactly as a
// feed entry's page is (complete.h), and merges it into the outlet's archive
// with the same dedupe: a page already archived (same link or title) is not
// archived twice. The outlet is the named source (its selector, rewrite rules
// and image mode apply) or, without one, the page's host. Pages arrive from
// outside (an issue on the mirror's repository), so unless allow_private is
// set every request — the page, each redirect, its images — passes the
// address policy with no trusted origin (fetch/address_policy.h): public
// addresses only; through a proxy the proxy resolves the names and the
// literal rules refuse what names this machine. A refused page fails alone.
// The files are written as one atomic step under the run lock, then
// committed and pushed when asked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "publish/git_repo.h"
#include "util/status.h"

namespace nm {

struct AddOptions {
  std::vector<std::string> urls;
  std::string source;             // "" = the page's host
  bool allow_private = false;
  std::string out_dir;
  bool commit = false;
  bool push = false;
  int64_t now_ms = 0;             // 0 = the clock
};

struct AddedPage {
  std::string url;
  Status status;                  // why this page was not archived
  std::string outlet;
  std::string path;               // articles/{outlet}/{file}, relative to the mirror
  std::string title;
  bool already_archived = false;
  std::vector<std::string> warnings;
};

struct AddReport {
  Status status;                  // not ok: nothing was written
  std::vector<AddedPage> pages;
  bool committed = false;
  std::string commit;
  Status commit_status;
  std::vector<PushOutcome> pushes;

  bool AllSucceeded() const;
};

AddReport AddPages(const Config& config, const AddOptions& options);

}  // namespace nm

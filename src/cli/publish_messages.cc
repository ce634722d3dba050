#include "cli/publish_messages.h"

#include "cli/output.h"

#include <cstdio>

namespace nm::cli {

int ReportPublishFailures(const Status& commit_status, const std::vector<PushOutcome>& pushes) {
  if (!commit_status.ok()) {
    Print(stderr, "newsmirror: commit failed: %s\n", commit_status.message().c_str());
    return -1;
  }
  int failed = 0;
  for (const PushOutcome& p : pushes) {
    if (!p.status.ok()) {
      ++failed;
      Print(stderr, "newsmirror: push to %s failed: %s\n", p.remote.c_str(), p.status.message().c_str());
    }
  }
  return failed;
}

}  // namespace nm::cli

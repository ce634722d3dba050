// What the commands that publish (run, add) say when publishing fails.
#pragma once

#include <vector>

#include "publish/git_repo.h"
#include "util/status.h"

namespace nm::cli {

// Prints on stderr why the commit or each push failed. Returns the number of
// failed pushes, or -1 when the commit itself failed (nothing was pushed).
int ReportPublishFailures(const Status& commit_status, const std::vector<PushOutcome>& pushes);

}  // namespace nm::cli

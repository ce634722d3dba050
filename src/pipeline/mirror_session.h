// The frame of every command that writes a mirror (run, add): open the
// mirror before writing, publish it after.
//
// OpenMirror creates the folder, takes its run lock (kBusy while another run
// holds it), replays the journal of a killed run when `recover` is set, and
// makes the git repository when a commit will follow. Publish commits with
// `message` and pushes to each remote on its own; a failed commit is not
// pushed.
#pragma once

#include <string>
#include <vector>

#include "pipeline/run_lock.h"
#include "publish/git_repo.h"
#include "util/status.h"

namespace nm {

Result<RunLock> OpenMirror(const std::string& root, bool recover, bool create_repository, int* recovered);

struct Publication {
  bool committed = false;
  std::string commit;              // commit id when committed
  Status commit_status;
  std::vector<PushOutcome> pushes;
};

Publication Publish(const std::string& root, const std::string& message, bool commit, bool push,
                    const std::vector<std::string>& remotes);

}  // namespace nm

// The frame of every command that writes a mirror (run, add): open the
// mirror before writing, publish it after.
//
// OpenMirror creates the folder, refuses a sparse checkout that leaves out
// state/, lists/ or feeds/ or is not in cone mode (kInvalidArgument), takes
// its run lock (kBusy while another run holds it), replays the journal of a
// killed run when `recover` is set, and makes the git repository when a
// commit will follow. Publish commits with
// `message` and pushes to each remote on its own; a failed commit is not
// pushed. It commits exactly the files written since the last commit
// (journal.h, UncommittedFiles) — so its cost follows the new work, not the
// archive's size, a sharded run never commits another shard's files, and
// files the user staged stay staged — removes git lock files older than
// `lock` (left by a killed run), and finishes a commit a killed run left
// half done (.newsmirror/commit, git_repo.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/run_lock.h"
#include "publish/git_repo.h"
#include "util/status.h"

namespace nm {

Result<RunLock> OpenMirror(const std::string& root, bool recover, bool create_repository, int* recovered);

// What earlier runs wrote and left uncommitted (a run killed before its
// commit, or one without --commit), which the next commit takes along: per
// outlet, the article files new to the repository, changed, and removed.
// Read from .newsmirror/uncommitted once the mirror is open (journal
// replayed), before the run writes anything, and compared with HEAD.
struct CarriedArticles {
  int added = 0;
  int updated = 0;
  int removed = 0;
};
using CarriedOver = std::map<std::string, CarriedArticles>;
Result<CarriedOver> CarriedOverArticles(const std::string& root);

// For a commit message: "100000 new, 3 updated articles" of all outlets
// ("" when there are none), and one line per outlet.
std::string CarriedOverSummary(const CarriedOver& carried);
std::string CarriedOverLines(const CarriedOver& carried);

struct Publication {
  bool committed = false;
  std::string commit;              // commit id when committed
  Status commit_status;
  std::vector<std::string> notes;  // for the operator; nothing failed
  std::vector<PushOutcome> pushes;
};

// `removed`: paths the commit takes out of the tree even where a sparse
// checkout leaves them out (CommitOptions::removed).
Publication Publish(const std::string& root, const RunLock& lock, const std::string& message, bool commit,
                    bool push, const std::vector<std::string>& remotes,
                    const std::vector<std::string>& removed = {});

}  // namespace nm

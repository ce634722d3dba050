// Commits the mirror and pushes it.
//
// The repository may be a full checkout, or shallow (a depth-1 clone),
// partial (a blob-less clone, its blobs on a promisor remote) and sparse (a
// cone-mode sparse checkout, with or without a sparse index), all at once.
//
// Commit() with a list of files builds the new commit from HEAD's trees
// (libgit2, in process): only the trees on the paths of those files are read
// and written again, and no index is read for it, so its cost follows the
// run's files and the folders they are in, not the archive. It moves the
// branch only if it still points at the commit the trees were built from,
// then removes the committed files that lie outside a sparse checkout from
// the work tree (so the checkout stays as sparse as it was), and brings the
// user's index up to date for those paths alone (`git read-tree -m`, which
// understands sparse indexes): files the user staged elsewhere stay staged
// and uncommitted, and `git status` shows the run's files clean. A Commit()
// killed at any step is finished by the next one (CommitOptions::pending_file).
// Without a list the whole work tree is staged through libgit2's index, as
// for the first commit of a new mirror; in a sparse checkout `git
// sparse-checkout reapply` then takes out of the work tree (and, with a
// sparse index, out of the index's entries) what the checkout leaves out.
//
// Push() runs `git push` to each named remote on its own (git, not libgit2,
// because libgit2 1.5 cannot push from a shallow clone): a fast-forward
// pushes from a depth-1 clone. A push the remote rejects because it has
// commits this repository lacks is reported as `rejected`, so the caller can
// fetch, merge and push again. Credentials are those the user's git would
// use — the SSH agent, credential helpers, actions/checkout's header — and for
// HTTPS a token from NEWSMIRROR_GIT_TOKEN, GITHUB_TOKEN or GH_TOKEN, which
// takes the place of the helpers (or a user and password in the remote URL).
// One failing remote never stops the others. Not thread-safe across one
// repository. Commit() needs git only for the index; Push() always: git is a
// runtime dependency.
//
// Environment: GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and
// GIT_COMMITTER_EMAIL override the configured identity, as they do for git.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace nm {

struct CommitInfo {
  bool committed = false;   // false: nothing had changed
  std::string oid;          // hex id of the new commit (or of HEAD when nothing changed)
  // Something to tell the operator that did not stop the commit (the index
  // could not be brought up to date; the next Commit tries again).
  std::string note;
};

struct PushOutcome {
  std::string remote;
  Status status;
  // The remote refused a non-fast-forward: it has commits this repository
  // lacks (another run pushed first). Fetch, merge and push again.
  bool rejected = false;
};

// Opens the repository at `dir`, creating it (with branch "main") if there is none.
Status EnsureRepository(const std::string& dir);

struct CommitOptions {
  // Commit exactly these files (relative to the work tree), each as the work
  // tree has it: a regular file is committed with its bytes; a missing one is
  // removed from the tree when the checkout holds its path, and left as HEAD
  // has it when a sparse checkout leaves the path out (a file committed
  // before and removed from the work tree since). A path through a symbolic
  // link is refused. An empty list commits nothing. Without a list the whole
  // work tree is staged (honouring .gitignore) through libgit2's index: only
  // for a full checkout. A repository without commits is always staged whole:
  // its first commit takes everything there.
  std::optional<std::vector<std::string>> files;
  // Paths of `files` that are removed from the tree when the work tree lacks
  // them even where a sparse checkout leaves them out (articles moved to an
  // archive repository, pipeline/rollover.h).
  std::vector<std::string> removed;
  // Git lock files (index.lock, HEAD.lock, the branch's ref lock, packed-refs.lock)
  // last modified before this time (nanoseconds since the Unix epoch) were
  // left by a killed process and are removed; 0 = never remove one. Only a
  // caller that holds its own lock on the repository (the run lock) and
  // started after the lock file was written may pass this.
  int64_t remove_locks_before_ns = 0;
  // A file (relative to the work tree, outside the repository's tracked
  // files, reached without links: util/fs.h) where Commit() notes the commit
  // it is moving the branch to, until the index and the work tree follow; a
  // Commit() that finds it finishes that one first. Empty: none.
  std::string pending_file;
};

// Commits (see CommitOptions) with `message` when the tree differs from
// HEAD's. The author and committer come from git's configuration
// (user.name/user.email) and default to "newsmirror <newsmirror@localhost>".
// A lock file in the way is kBusy, and the message names it.
Result<CommitInfo> Commit(const std::string& dir, const std::string& message,
                          const CommitOptions& options = {});

// For each of `paths` (relative to the work tree), whether HEAD's tree holds
// it; all false when there is no repository or no commit yet.
Result<std::vector<bool>> PathsInHead(const std::string& dir, const std::vector<std::string>& paths);

// Pushes the current branch to every remote in `remotes`, each on its own.
std::vector<PushOutcome> Push(const std::string& dir, const std::vector<std::string>& remotes);

// `url` with any password or token in it replaced by "***", for messages and
// logs. An HTTP(S) user name without a password is hidden too, since hosts
// accept a bare token there.
std::string RedactUrl(const std::string& url);

}  // namespace nm

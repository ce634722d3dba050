// Commits the mirror and pushes it, with libgit2.
//
// Commit() stages every change under the repository's work tree (new,
// modified and deleted files, honouring .gitignore), and creates a commit on
// the current branch only when the tree differs from HEAD's. Push() pushes the
// current branch to each named remote on its own, with the credentials the
// user's git would use: the SSH agent for ssh:// and scp-like URLs, and for
// HTTPS a token from NEWSMIRROR_GIT_TOKEN, GITHUB_TOKEN or GH_TOKEN (or the
// user and password in the remote URL). One failing remote never stops the
// others. Not thread-safe across one repository.
//
// Environment: GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and
// GIT_COMMITTER_EMAIL override the configured identity, as they do for git.
// libgit2 1.5 has no network timeouts: a remote that accepts the connection
// and then stalls holds Push() until the operating system gives up.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace nm {

struct CommitInfo {
  bool committed = false;   // false: nothing had changed
  std::string oid;          // hex id of the new commit (or of HEAD when nothing changed)
};

struct PushOutcome {
  std::string remote;
  Status status;
};

// Opens the repository at `dir`, creating it (with branch "main") if there is none.
Status EnsureRepository(const std::string& dir);

struct CommitOptions {
  // Stage exactly these files (relative to the work tree): added or updated
  // when present, removed from the index when missing. Without a list, the
  // whole work tree is scanned — which costs a stat (and, for files that git
  // marked racily clean, a read) of every file; with one, the cost follows
  // the list. An empty list stages nothing and reuses the index as it is.
  // The commit is then HEAD's tree with only these paths changed: what else
  // is staged (by the user, by hand) stays staged and out of the commit.
  // A repository without commits is always staged whole: its first commit
  // takes everything there.
  std::optional<std::vector<std::string>> files;
  // Git lock files (index.lock, HEAD.lock, the branch's ref lock, packed-refs.lock)
  // last modified before this time (nanoseconds since the Unix epoch) were
  // left by a killed process and are removed; 0 = never remove one. Only a
  // caller that holds its own lock on the repository (the run lock) and
  // started after the lock file was written may pass this.
  int64_t remove_locks_before_ns = 0;
};

// Stages the changes (see CommitOptions::paths) and commits with `message`
// when the tree differs from HEAD's. The author and committer come from git's
// configuration (user.name/user.email) and default to
// "newsmirror <newsmirror@localhost>". A lock file in the way is kBusy, and
// the message names it.
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

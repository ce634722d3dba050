// Runs the `git` command on a mirror, for what only git itself does well:
// pushing from a shallow clone, fetching the blobs a partial clone lacks,
// and updating an index that may be sparse.
//
// Every command runs in `dir` with git's repository discovery pinned to it
// (GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE of the caller's environment are
// dropped), in the C locale (messages newsmirror can read), never asking for
// a password on a terminal (GIT_TERMINAL_PROMPT=0; ssh is the user's, with
// its agent), and with the credentials newsmirror promises for HTTPS
// (git_repo.h): a token in NEWSMIRROR_GIT_TOKEN, GITHUB_TOKEN or GH_TOKEN is
// offered through a credential helper that reads it from the environment —
// never from the command line — in place of the user's own helpers.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"
#include "util/subprocess.h"

namespace nm {

// Runs `git ARGS…` in `dir` with `input` on its standard input. Fails only
// when git cannot be started (not installed: the message says to install it).
Result<ProcessResult> RunGit(const std::string& dir, const std::vector<std::string>& args,
                             const std::string& input = "");

// The first line of git's error output that says what went wrong ("fatal: …",
// "error: …"), without the prefix; else its whole output, trimmed.
std::string GitErrorText(const ProcessResult& result);

}  // namespace nm

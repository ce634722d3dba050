// Runs another program and waits for it: arguments passed as they are (no
// shell), standard input given, standard output and error collected.
//
// The child dies with the calling thread's process (PR_SET_PDEATHSIG), so a
// killed newsmirror never leaves a git command working on in its mirror.
// Fails only when the program cannot be started; its exit status is the
// caller's to judge. The first call makes the process ignore SIGPIPE (a write
// to a closed pipe fails with EPIPE instead), so a child that exits without
// reading its input cannot kill the caller.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace nm {

struct ProcessOptions {
  std::string cwd;                 // "" = the caller's
  // "NAME=value" entries added to (or replacing in) the caller's environment;
  // a bare "NAME" removes that variable.
  std::vector<std::string> env;
  std::string input;               // written to the child's standard input, which is then closed
};

struct ProcessResult {
  int exit_code = -1;              // 128 + signal number when a signal ended it
  std::string out;
  std::string err;
};

// `argv[0]` is looked up in PATH.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace nm

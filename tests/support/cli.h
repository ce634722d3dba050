// Runs the newsmirror binary the way an operator does, for end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace nm {

struct CliResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs build/newsmirror with `args` (each passed as one argument) and waits.
// `env` entries ("NAME=value") are added to the environment.
CliResult RunNewsmirror(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// GIT_AUTHOR_* / GIT_COMMITTER_* for a test identity, as `env` entries.
const std::vector<std::string>& TestGitEnv();

// `newsmirror serve --archive ARCHIVE --port 0` in the background: its pid,
// the first line it printed (the address it listens on) and that port (0 when
// it did not start). The caller stops it (kill, waitpid).
struct ServeProcess {
  int pid = -1;
  int port = 0;
  std::string first_line;
};
ServeProcess StartServe(const std::string& archive);

// Runs a shell command and returns its standard output (for git inspections).
std::string Shell(const std::string& command, int* exit_code = nullptr);

}  // namespace nm

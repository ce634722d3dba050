#include "publish/git_command.h"

#include <cstdlib>

namespace nm {

namespace {

const char* NonEmptyEnv(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// Answers git's "get" with the token of the environment; the user name is the
// one git asks with (from the URL), else the one GitHub documents for tokens.
constexpr char kTokenHelper[] =
    "!f() { test \"$1\" = get || exit 0; u=x-access-token; "
    "while IFS= read -r l; do case \"$l\" in username=*) u=\"${l#username=}\";; esac; done; "
    "printf 'username=%s\\npassword=%s\\n' \"$u\" \"${NEWSMIRROR_GIT_TOKEN:-${GITHUB_TOKEN:-$GH_TOKEN}}\"; }; f";

}  // namespace

Result<ProcessResult> RunGit(const std::string& dir, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {"git"};
  if (NonEmptyEnv("NEWSMIRROR_GIT_TOKEN") || NonEmptyEnv("GITHUB_TOKEN") || NonEmptyEnv("GH_TOKEN")) {
    argv.insert(argv.end(), {"-c", "credential.helper=", "-c", std::string("credential.helper=") + kTokenHelper});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.cwd = dir;
  options.input = input;
  options.env = {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX"};
  auto r = RunProcess(argv, options);
  if (!r.ok() && r.status().kind() == Status::Kind::kNotFound) {
    return Status::NotFound("cannot run git: it is not installed (newsmirror needs the git command: apt-get install git)");
  }
  return r;
}

std::string GitErrorText(const ProcessResult& result) {
  const std::string& text = result.err.empty() ? result.out : result.err;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    for (const char* prefix : {"fatal: ", "error: "}) {
      if (line.rfind(prefix, 0) == 0) return line.substr(std::string(prefix).size());
    }
    start = end + 1;
  }
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  return trimmed.empty() ? "git exited with status " + std::to_string(result.exit_code) : trimmed;
}

}  // namespace nm

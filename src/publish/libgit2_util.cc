#include "publish/libgit2_util.h"

#include <mutex>

namespace nm {

void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Strict creation checks every entry of every tree written against the
    // object database: for an outlet's articles folder, thousands of object
    // reads per commit, and in a partial clone the blobs are not even there.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    const char* extensions[] = {"worktreeconfig", "partialclone"};
    git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, sizeof extensions / sizeof extensions[0]);
  });
}

Result<RepoPtr> OpenRepository(const std::string& dir) {
  InitLibgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) return Status::NotFound("no git repository at " + dir);
  if (rc < 0) return Status::IoError("cannot open the git repository at " + dir + ": " + LastGitError());
  return RepoPtr(raw);
}

std::string LastGitError() {
  const git_error* e = git_error_last();
  if (e && e->message && *e->message) return e->message;
  return "unknown libgit2 error";
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

bool ParseOid(const std::string& hex, git_oid* out) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstrn(out, hex.data(), hex.size()) == 0;
}

}  // namespace nm

#include "util/hash.h"

#include <git2.h>

#include <mutex>

namespace nm {

std::string GitBlobId(std::string_view data) {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
  git_oid oid;
  if (git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB) != 0) return {};
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace nm

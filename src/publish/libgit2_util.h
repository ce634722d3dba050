// libgit2 as newsmirror uses it: initialized once, repositories opened
// without searching upwards and with the extensions that sparse and partial
// clones carry, owned by unique_ptr. For publish/ only.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "util/status.h"

namespace nm {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using RefPtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config, git_config_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitFree<git_signature, git_signature_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitFree<git_odb, git_odb_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, GitFree<git_odb_object, git_odb_object_free>>;

// Initializes libgit2 once (never shut down: the process ends soon after the
// last use, and shutting down while another thread still uses it would be
// worse). libgit2 1.5 refuses repositories with extensions it does not know;
// those of git's sparse checkouts (extensions.worktreeConfig) and partial
// clones (extensions.partialClone) change nothing libgit2 does for
// newsmirror — it reads objects and trees, writes objects and refs, and
// leaves the index and the work tree of such repositories to git — so they
// are declared supported. (libgit2 then does not read config.worktree, which
// git uses for the sparse-checkout settings that checkout.cc reads itself.)
void InitLibgit2();

// The repository at `dir` (kNotFound when there is none); no search upwards,
// so a mirror kept inside another checkout never uses the enclosing one.
Result<RepoPtr> OpenRepository(const std::string& dir);

std::string LastGitError();
std::string OidHex(const git_oid& oid);
// False when `hex` is not a full hex object id.
bool ParseOid(const std::string& hex, git_oid* out);

}  // namespace nm

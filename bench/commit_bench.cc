// The libgit2 ways of committing a run's files, for bench/commit_bench.sh:
//
//   newsmirror_commit_bench MODE REPO PATHS_FILE
//
// PATHS_FILE lists the files the run wrote (relative to REPO's work tree, one
// a line; a missing file is a removal). MODE:
//   libgit2-index  stage the paths in libgit2's index, write its tree, commit
//                  (newsmirror's Commit before it built trees from HEAD's)
//   libgit2-tree   blobs from the files, git_tree_create_updated from HEAD's
//                  tree (no index), commit; the script then brings the index
//                  up to date with `git read-tree -m -i OLD NEW`
//   newsmirror     nm::Commit (src/publish/git_repo.h) as a run calls it
// Prints the new commit's id.
#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "publish/git_repo.h"

namespace {

int Fail(const char* what) {
  const git_error* e = git_error_last();
  std::fprintf(stderr, "%s: %s\n", what, e && e->message ? e->message : "?");
  return 1;
}

std::string Hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

int Commit(git_repository* repo, const git_oid& tree_id) {
  git_tree* tree = nullptr;
  git_commit* parent = nullptr;
  git_oid head;
  if (git_reference_name_to_id(&head, repo, "HEAD") < 0 || git_commit_lookup(&parent, repo, &head) < 0) {
    return Fail("HEAD");
  }
  if (git_tree_lookup(&tree, repo, &tree_id) < 0) return Fail("tree");
  git_signature* sig = nullptr;
  git_signature_now(&sig, "bench", "bench@localhost");
  const git_commit* parents[] = {parent};
  git_oid id;
  if (git_commit_create(&id, repo, "HEAD", sig, sig, nullptr, "run\n", tree, 1, parents) < 0) return Fail("commit");
  std::printf("%s\n", Hex(id).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s libgit2-index|libgit2-tree|newsmirror REPO PATHS_FILE\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1], dir = argv[2];
  std::vector<std::string> paths;
  std::ifstream in(argv[3]);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) paths.push_back(line);
  }
  if (mode == "newsmirror") {
    nm::CommitOptions options;
    options.files = paths;
    // As a run notes its commit: a path relative to the work tree, outside
    // its tracked files (nm::layout::CommitPendingPath for a mirror).
    options.pending_file = ".newsmirror-bench-pending";
    auto c = nm::Commit(dir, "run\n", options);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().message().c_str());
      return 1;
    }
    std::printf("%s\n", c->oid.c_str());
    return 0;
  }

  git_libgit2_init();
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
  const char* extensions[] = {"worktreeconfig"};
  git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, 1);
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) return Fail("open");

  if (mode == "libgit2-index") {
    git_index* index = nullptr;
    if (git_repository_index(&index, repo) < 0) return Fail("index");
    for (const std::string& p : paths) {
      struct stat st;
      int rc = ::lstat((dir + "/" + p).c_str(), &st) == 0 ? git_index_add_bypath(index, p.c_str())
                                                           : git_index_remove_bypath(index, p.c_str());
      if (rc < 0) return Fail(p.c_str());
    }
    git_oid tree_id;
    if (git_index_write_tree(&tree_id, index) < 0) return Fail("write tree");
    if (git_index_write(index) < 0) return Fail("write index");
    return Commit(repo, tree_id);
  }
  if (mode == "libgit2-tree") {
    std::vector<git_tree_update> updates(paths.size());
    for (size_t i = 0; i < paths.size(); ++i) {
      git_tree_update& u = updates[i];
      u.path = paths[i].c_str();
      u.filemode = GIT_FILEMODE_BLOB;
      struct stat st;
      if (::lstat((dir + "/" + paths[i]).c_str(), &st) == 0) {
        u.action = GIT_TREE_UPDATE_UPSERT;
        std::ifstream file(dir + "/" + paths[i], std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        if (git_blob_create_from_buffer(&u.id, repo, data.data(), data.size()) < 0) return Fail(paths[i].c_str());
      } else {
        u.action = GIT_TREE_UPDATE_REMOVE;
      }
    }
    git_object* head_tree = nullptr;
    if (git_revparse_single(&head_tree, repo, "HEAD^{tree}") < 0) return Fail("HEAD^{tree}");
    git_oid tree_id;
    if (git_tree_create_updated(&tree_id, repo, reinterpret_cast<git_tree*>(head_tree), updates.size(),
                                updates.data()) < 0) {
      return Fail("tree update");
    }
    return Commit(repo, tree_id);
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}

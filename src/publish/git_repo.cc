#include "publish/git_repo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "publish/checkout.h"
#include "publish/git_command.h"
#include "publish/libgit2_util.h"
#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {
namespace {

constexpr char kDefaultName[] = "newsmirror";
constexpr char kDefaultEmail[] = "newsmirror@localhost";
constexpr char kInitialBranch[] = "main";

const char* NonEmptyEnv(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// ---- Identity ---------------------------------------------------------------

std::string ConfigString(git_config* cfg, const char* key) {
  if (!cfg) return "";
  git_buf buf = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_string_buf(&buf, cfg, key) == 0) out.assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return out;
}

struct Identity {
  std::string name;
  std::string email;
};

// The identity git would use: environment first, then configuration, then
// newsmirror's own, each of name and email on its own.
Identity ResolveIdentity(git_config* cfg, const char* name_env, const char* email_env) {
  Identity id;
  const char* env_name = NonEmptyEnv(name_env);
  const char* env_email = NonEmptyEnv(email_env);
  id.name = env_name ? env_name : ConfigString(cfg, "user.name");
  id.email = env_email ? env_email : ConfigString(cfg, "user.email");
  if (id.name.empty()) id.name = kDefaultName;
  if (id.email.empty()) id.email = kDefaultEmail;
  return id;
}

Result<SignaturePtr> MakeSignature(const Identity& id, const char* role) {
  git_signature* raw = nullptr;
  if (git_signature_now(&raw, id.name.c_str(), id.email.c_str()) < 0) {
    return Status::InvalidArgument(std::string("invalid git ") + role + " \"" + id.name + " <" + id.email +
                                   ">\": " + LastGitError() +
                                   " (check user.name/user.email or the GIT_* environment variables)");
  }
  return SignaturePtr(raw);
}

// ---- Locks ------------------------------------------------------------------

Status LockedError(const std::string& what, const std::string& lock_file, const std::string& dir) {
  return Status::Busy(what + ": the lock file " + lock_file +
                      " exists. Another git command may be working in " + dir +
                      "; if none is, an earlier run was killed: remove " + lock_file + " and run again");
}

// libgit2 names the lock file in its message ("failed to lock file '…' for
// writing"); pass it on, pointing at the cure.
Status LockedErrorFromGit(const std::string& what, const std::string& dir) {
  std::string msg = LastGitError();
  std::string lock_file = "a *.lock file under " + dir + "/.git";
  size_t open = msg.find('\'');
  size_t close = open == std::string::npos ? open : msg.find('\'', open + 1);
  if (close != std::string::npos) lock_file = msg.substr(open + 1, close - open - 1);
  return LockedError(what, lock_file, dir);
}

// A killed git process (or a killed run inside libgit2) leaves its lock files
// behind, and every later commit fails on them. Those written before
// `before_ns` cannot belong to anyone still working under the caller's lock.
Status RemoveStaleLocks(git_repository* repo, int64_t before_ns) {
  std::string git_dir = git_repository_path(repo);  // ends in '/'
  std::vector<std::string> locks = {"index.lock", "HEAD.lock", "packed-refs.lock"};
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") == 0) {
    RefPtr head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
      locks.push_back(std::string(git_reference_symbolic_target(head.get())) + ".lock");
    }
  }
  for (const std::string& name : locks) {
    std::string path = git_dir + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (mtime_ns >= before_ns) continue;
    if (::unlink(path.c_str()) != 0) {
      return Status::IoError("cannot remove the stale lock file " + path + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

// ---- Committing the whole work tree (a new mirror) ---------------------------

Status StageAll(git_index* index, const std::string& dir) {
  char star[] = "*";
  char* patterns[] = {star};
  git_strarray pathspec = {patterns, 1};
  if (git_index_add_all(index, &pathspec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) < 0) {
    return Status::IoError("cannot stage the files in " + dir + ": " + LastGitError());
  }
  // add_all only adds and updates; deleted files leave the index here.
  if (git_index_update_all(index, nullptr, nullptr, nullptr) < 0) {
    return Status::IoError("cannot stage deletions in " + dir + ": " + LastGitError());
  }
  // A mirror holds no symbolic links (util/fs.h never follows one): a link in
  // the work tree (articles/x -> elsewhere) is not part of the archive and is
  // never committed in its place.
  std::vector<std::string> links;
  for (size_t i = 0, n = git_index_entrycount(index); i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    if (e && e->mode == GIT_FILEMODE_LINK) links.emplace_back(e->path);
  }
  for (const std::string& link : links) {
    if (git_index_remove(index, link.c_str(), 0) < 0) {
      return Status::IoError("cannot leave the link " + link + " out of the commit in " + dir + ": " + LastGitError());
    }
  }
  return Status::Ok();
}

// ---- Committing a list of files: trees from HEAD's ---------------------------

// One folder of the change: its files (a blob id, or nullopt to remove) and
// the subfolders with changes, by name.
struct FolderChange {
  std::map<std::string, std::optional<git_oid>> files;
  std::map<std::string, FolderChange> folders;
};

// git's order of tree entries: by name, a folder's name as if it ended in '/'.
bool TreeOrderLess(std::string_view a, bool a_folder, std::string_view b, bool b_folder) {
  size_t n = std::min(a.size(), b.size());
  int c = std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0;
  unsigned char ca = a.size() > n ? static_cast<unsigned char>(a[n]) : a_folder ? '/' : 0;
  unsigned char cb = b.size() > n ? static_cast<unsigned char>(b[n]) : b_folder ? '/' : 0;
  return ca < cb;
}

struct RawEntry {
  std::string_view name;
  bool folder;
  const unsigned char* oid;  // 20 bytes
  size_t begin, end;         // the entry's bytes in the tree
};

// The entries of a raw tree object, in their order.
Result<std::vector<RawEntry>> ParseRawTree(std::string_view data) {
  std::vector<RawEntry> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t space = data.find(' ', pos);
    size_t nul = space == std::string_view::npos ? space : data.find('\0', space);
    if (nul == std::string_view::npos || nul + 1 + GIT_OID_RAWSZ > data.size()) {
      return Status::Corruption("a tree object is damaged");
    }
    std::string_view mode = data.substr(pos, space - pos);
    RawEntry e{data.substr(space + 1, nul - space - 1), mode == "40000",
               reinterpret_cast<const unsigned char*>(data.data() + nul + 1), pos, nul + 1 + GIT_OID_RAWSZ};
    out.push_back(e);
    pos = e.end;
  }
  return out;
}

void AppendEntry(std::string& out, const char* mode, std::string_view name, const git_oid& oid) {
  out += mode;
  out += ' ';
  out.append(name);
  out += '\0';
  out.append(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

// Writes the folder `change` makes of the tree `old` (nullptr: a new folder),
// copying the old tree's bytes around the changed entries. nullopt: the
// folder ends up empty (git has no empty folders). *changed is false when the
// result is `old` itself (nothing was written).
Result<std::optional<git_oid>> WriteFolder(git_odb* odb, const git_oid* old, const FolderChange& change,
                                           const std::string& where, bool* changed) {
  *changed = false;
  OdbObjectPtr old_obj;
  std::string_view old_data;
  std::vector<RawEntry> entries;
  if (old) {
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb, old) < 0 || git_odb_object_type(raw) != GIT_OBJECT_TREE) {
      if (raw) git_odb_object_free(raw);
      return Status::Corruption("cannot read the tree of " + (where.empty() ? "the root" : where) + ": " +
                                LastGitError());
    }
    old_obj.reset(raw);
    old_data = std::string_view(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
    auto parsed = ParseRawTree(old_data);
    if (!parsed.ok()) return parsed.status().With(where);
    entries = std::move(parsed).value();
  }
  // The new entries of this folder, in tree order: (name, folder, oid); a
  // name listed with no oid is removed.
  struct NewEntry {
    std::string name;
    bool folder;
    std::optional<git_oid> oid;
  };
  std::vector<NewEntry> news;
  // The old entry of a name, file or folder (they sort apart).
  auto find = [&](const std::string& name, bool folder) -> const RawEntry* {
    auto it = std::lower_bound(entries.begin(), entries.end(), 0, [&](const RawEntry& e, int) {
      return TreeOrderLess(e.name, e.folder, name, folder);
    });
    return it != entries.end() && it->name == name && it->folder == folder ? &*it : nullptr;
  };
  auto old_of = [&](const std::string& name) -> const RawEntry* {
    const RawEntry* e = find(name, false);
    return e ? e : find(name, true);
  };
  for (const auto& [name, oid] : change.files) {
    if (change.folders.count(name)) {
      return Status::Corruption("\"" + (where.empty() ? name : where + "/" + name) +
                                "\" is to be committed both as a file and as a folder");
    }
    const RawEntry* e = old_of(name);
    if (e && !e->folder && oid && std::memcmp(e->oid, oid->id, GIT_OID_RAWSZ) == 0) continue;
    if (!e && !oid) continue;
    news.push_back({name, false, oid});
  }
  for (const auto& [name, sub] : change.folders) {
    const RawEntry* e = old_of(name);
    git_oid old_sub;
    if (e && e->folder) git_oid_fromraw(&old_sub, e->oid);
    bool sub_changed = false;
    auto written = WriteFolder(odb, e && e->folder ? &old_sub : nullptr, sub, where.empty() ? name : where + "/" + name,
                               &sub_changed);
    if (!written.ok()) return written.status();
    if (!sub_changed && e && e->folder) continue;
    if (!*written && !e) continue;
    news.push_back({name, true, *written});
  }
  if (news.empty()) {
    if (old) return std::optional<git_oid>(*old);
    return std::optional<git_oid>();
  }
  *changed = true;
  std::sort(news.begin(), news.end(),
            [](const NewEntry& a, const NewEntry& b) { return TreeOrderLess(a.name, a.folder, b.name, b.folder); });
  // Old entries replaced or removed by a new one of the same name.
  std::vector<bool> dropped(entries.size(), false);
  for (const NewEntry& n : news) {
    if (const RawEntry* e = old_of(n.name)) dropped[static_cast<size_t>(e - entries.data())] = true;
  }
  std::string out;
  out.reserve(old_data.size() + news.size() * 128);
  size_t k = 0;
  size_t run_begin = std::string::npos, run_end = 0;  // old bytes waiting to be copied
  auto flush = [&] {
    if (run_begin != std::string::npos) out.append(old_data.substr(run_begin, run_end - run_begin));
    run_begin = std::string::npos;
  };
  auto emit_new = [&](const NewEntry& n) {
    if (!n.oid) return;
    flush();
    AppendEntry(out, n.folder ? "40000" : "100644", n.name, *n.oid);
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    const RawEntry& e = entries[i];
    while (k < news.size() && TreeOrderLess(news[k].name, news[k].folder, e.name, e.folder)) emit_new(news[k++]);
    if (dropped[i]) {
      flush();
      continue;
    }
    if (run_begin == std::string::npos) run_begin = e.begin;
    run_end = e.end;
  }
  flush();
  while (k < news.size()) emit_new(news[k++]);
  if (out.empty() && !where.empty()) return std::optional<git_oid>();
  git_oid id;
  if (git_odb_write(&id, odb, out.data(), out.size(), GIT_OBJECT_TREE) < 0) {
    return Status::IoError("cannot write the tree of " + (where.empty() ? "the root" : where) + ": " + LastGitError());
  }
  return std::optional<git_oid>(id);
}

// A path newsmirror may commit: relative, no empty, "." or ".." component,
// nothing inside .git.
bool CommittablePath(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.back() == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string_view part(p.data() + start, end - start);
    if (part.empty() || part == "." || part == ".." || part == ".git") return false;
    start = end + 1;
  }
  return true;
}

// The bytes of work-tree file `rel` as a blob written to `odb`; nullopt when
// the file is missing. A path through a symbolic link, or to anything but a
// regular file, is refused: newsmirror commits only files it wrote.
Result<std::optional<git_oid>> WriteBlobOf(git_odb* odb, const std::string& dir, const std::string& rel) {
  // Read through the same path as every other file of the mirror (util/fs.h):
  // a link on the way or in the file's place is refused, never followed.
  auto kind = KindBelow(dir, rel);
  if (!kind.ok()) return kind.status().With("cannot commit " + rel);
  if (*kind == PathKind::kMissing) return std::optional<git_oid>();
  if (*kind != PathKind::kFile) return RefusedEntry(dir, rel, *kind).With("cannot commit " + rel);
  auto bytes = ReadFileBelow(dir, rel);
  if (!bytes.ok()) return bytes.status();
  git_oid id;
  if (git_odb_write(&id, odb, bytes->data(), bytes->size(), GIT_OBJECT_BLOB) < 0) {
    return Status::IoError("cannot store " + dir + "/" + rel + " in the repository: " + LastGitError());
  }
  return std::optional<git_oid>(id);
}

// The record of a commit under way: "OLD NEW\n".
struct Pending {
  std::string old_commit, new_commit;
};

std::optional<Pending> ReadPending(const std::string& dir, const std::string& rel) {
  if (rel.empty()) return std::nullopt;
  auto text = ReadFileBelow(dir, rel);
  if (!text.ok()) return std::nullopt;
  size_t space = text->find(' ');
  if (space != GIT_OID_HEXSZ || text->size() < 2 * GIT_OID_HEXSZ + 1) return std::nullopt;
  return Pending{text->substr(0, GIT_OID_HEXSZ), text->substr(space + 1, GIT_OID_HEXSZ)};
}

void ForgetPending(const std::string& dir, const std::string& rel) {
  if (!rel.empty()) (void)RemoveFileBelow(dir, rel);
}

// Removes from the work tree the committed files that the sparse checkout
// leaves out — only those whose bytes are what `committed` says was
// committed — and then their folders, once empty, up to the checkout.
void RemoveOutsideCheckout(const std::string& dir, const Checkout& checkout, const std::vector<std::string>& files,
                           const std::function<std::optional<git_oid>(const std::string&)>& committed) {
  if (!checkout.sparse()) return;
  std::set<std::string> folders;
  for (const std::string& rel : files) {
    if (checkout.Holds(rel)) continue;
    if (!FileExistsBelow(dir, rel)) continue;
    std::optional<git_oid> want = committed(rel);
    auto bytes = ReadFileBelow(dir, rel);
    git_oid have;
    if (!want || !bytes.ok() || git_odb_hash(&have, bytes->data(), bytes->size(), GIT_OBJECT_BLOB) < 0 ||
        !git_oid_equal(&have, &*want)) {
      continue;
    }
    if (RemoveFileBelow(dir, rel).ok()) {
      for (size_t slash = rel.rfind('/'); slash != std::string::npos && slash > 0; slash = rel.rfind('/', slash - 1)) {
        folders.insert(rel.substr(0, slash));
      }
    }
  }
  // Deepest first; a folder that still holds something stays.
  std::vector<std::string> order(folders.begin(), folders.end());
  std::sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& f : order) {
    if (!checkout.Holds(f + "/x")) ::rmdir((dir + "/" + f).c_str());
  }
}

// What a commit did to one path: its new blob, or nullopt when removed.
using PathChange = std::pair<std::string, std::optional<git_oid>>;

// Brings the index's entries of `changes` to what commit `fresh` has, leaving
// every other entry (the user's staged changes) as it is. Returns a note for
// the operator when it could not.
std::string SyncIndex(const std::string& dir, const Checkout& checkout, const std::string& old,
                      const std::string& fresh, const std::vector<PathChange>& changes) {
  if (changes.empty()) return "";
  std::string cause;
  if (checkout.sparse_index()) {
    // Two-way merge, index only: an entry equal to OLD's becomes NEW's, one
    // the user staged differently stays; the folders the checkout leaves out
    // stay single entries (git would expand them for anything else).
    auto r = RunGit(dir, {"read-tree", "-m", "-i", old, fresh});
    if (r.ok() && r->exit_code == 0) return "";
    cause = r.ok() ? GitErrorText(*r) : r.status().message();
    // A path the run wrote that the user also staged (or conflicts in the
    // index): those paths take the commit's version.
    std::string paths;
    for (const auto& [path, oid] : changes) paths += path + '\0';
    auto reset = RunGit(dir, {"--literal-pathspecs", "reset", "-q", fresh, "--pathspec-from-file=-",
                              "--pathspec-file-nul"},
                        paths);
    if (reset.ok() && (reset->exit_code == 0 || reset->exit_code == 1)) return "";
  } else {
    // The entries themselves, by blob id (nothing hashed again); then those a
    // sparse checkout leaves out are marked so, as git marks them.
    std::string info, outside;
    for (const auto& [path, oid] : changes) {
      info += (oid ? "100644 " + OidHex(*oid) : "0 " + std::string(GIT_OID_HEXSZ, '0')) + "\t" + path;
      info += '\0';
      if (oid && !checkout.Holds(path)) outside += path + '\0';
    }
    auto r = RunGit(dir, {"update-index", "-z", "--index-info"}, info);
    if (r.ok() && r->exit_code == 0 && !outside.empty()) {
      r = RunGit(dir, {"update-index", "-z", "--skip-worktree", "--stdin"}, outside);
    }
    if (r.ok() && r->exit_code == 0) return "";
    cause = r.ok() ? GitErrorText(*r) : r.status().message();
  }
  return "committed, but the git index of " + dir + " could not be brought up to date (" + cause +
         "); the next commit tries again";
}

Result<std::string> ResolveHead(git_repository* repo, const std::string& dir) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, "HEAD") < 0) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }
  return OidHex(oid);
}

// The blobs of one commit's tree by path, each folder's tree read once.
class TreeAt {
 public:
  TreeAt(git_repository* repo, const std::string& commit) : repo_(repo) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, (commit + "^{tree}").c_str()) == 0) {
      folders_[""] = TreePtr(reinterpret_cast<git_tree*>(obj));
    }
  }
  std::optional<git_oid> Blob(const std::string& rel) {
    size_t slash = rel.rfind('/');
    git_tree* folder = Folder(slash == std::string::npos ? "" : rel.substr(0, slash));
    const git_tree_entry* e = folder ? git_tree_entry_byname(folder, rel.substr(slash + 1).c_str()) : nullptr;
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
    return *git_tree_entry_id(e);
  }

 private:
  git_tree* Folder(const std::string& path) {
    auto it = folders_.find(path);
    if (it != folders_.end()) return it->second.get();
    size_t slash = path.rfind('/');
    git_tree* parent = Folder(slash == std::string::npos ? "" : path.substr(0, slash));
    const git_tree_entry* e =
        parent ? git_tree_entry_byname(parent, path.substr(slash == std::string::npos ? 0 : slash + 1).c_str())
               : nullptr;
    git_tree* tree = nullptr;
    if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE) git_tree_lookup(&tree, repo_, git_tree_entry_id(e));
    folders_[path] = TreePtr(tree);
    return tree;
  }
  git_repository* repo_;
  std::map<std::string, TreePtr> folders_;
};

// What the commit of a killed Commit() did to the listed paths.
std::vector<PathChange> ChangesIn(git_repository* repo, const Pending& p, const std::vector<std::string>& files) {
  TreeAt before(repo, p.old_commit), after(repo, p.new_commit);
  std::vector<PathChange> changes;
  for (const std::string& rel : files) {
    std::optional<git_oid> was = before.Blob(rel), is = after.Blob(rel);
    if (was.has_value() != is.has_value() || (was && !git_oid_equal(&*was, &*is))) changes.emplace_back(rel, is);
  }
  return changes;
}

// Finishes a commit a killed Commit() had moved the branch to.
std::string FinishPending(git_repository* repo, const std::string& dir, const Checkout& checkout,
                          const std::vector<std::string>& files, const std::string& pending_file) {
  std::optional<Pending> p = ReadPending(dir, pending_file);
  if (!p) return "";
  auto head = ResolveHead(repo, dir);
  std::string note;
  if (head.ok() && *head == p->new_commit) {
    // Committed then: the bytes the new commit has at each path.
    TreeAt committed(repo, p->new_commit);
    RemoveOutsideCheckout(dir, checkout, files, [&](const std::string& rel) { return committed.Blob(rel); });
    note = SyncIndex(dir, checkout, p->old_commit, p->new_commit, ChangesIn(repo, *p, files));
    if (!note.empty()) return note;
  }
  ForgetPending(dir, pending_file);
  return "";
}

std::string Subject(const std::string& message) {
  std::string s = message.substr(0, message.find('\n'));
  return s;
}

Result<CommitInfo> CommitFiles(git_repository* repo, const std::string& dir, const std::string& message,
                               const std::vector<std::string>& files, const CommitOptions& options) {
  auto checkout = CheckoutOf(dir);
  if (!checkout.ok()) return checkout.status();
  std::string note = FinishPending(repo, dir, *checkout, files, options.pending_file);
  // The index must follow the last commit before the next one is made.
  if (!note.empty()) return Status::IoError(note);
  auto head_hex = ResolveHead(repo, dir);
  if (!head_hex.ok()) return head_hex.status();
  if (files.empty()) return CommitInfo{false, *head_hex, ""};
  // The index is brought up to date after the branch moves: a lock in the
  // way stops the commit before that.
  std::string index_lock = std::string(git_repository_path(repo)) + "index.lock";
  struct stat st;
  if (::lstat(index_lock.c_str(), &st) == 0) return LockedError("cannot update the git index", index_lock, dir);

  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) < 0) return Status::IoError("cannot open the objects of " + dir);
  OdbPtr odb(raw_odb);
  FolderChange root;
  std::map<std::string, git_oid> committed;
  std::vector<PathChange> changes;
  const std::set<std::string> removed(options.removed.begin(), options.removed.end());
  for (const std::string& rel : files) {
    if (!CommittablePath(rel)) return Status::Corruption("refusing to commit the path \"" + rel + "\" in " + dir);
    auto blob = WriteBlobOf(odb.get(), dir, rel);
    if (!blob.ok()) return blob.status();
    // A missing file the checkout leaves out was committed before and
    // removed from the work tree since: HEAD keeps it.
    if (!*blob && !checkout->Holds(rel) && !removed.count(rel)) continue;
    FolderChange* folder = &root;
    size_t start = 0;
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', start)) {
      folder = &folder->folders[rel.substr(start, slash - start)];
      start = slash + 1;
    }
    folder->files[rel.substr(start)] = *blob;
    if (*blob) committed[rel] = **blob;
    changes.emplace_back(rel, *blob);
  }
  CommitPtr parent;
  {
    git_oid head_oid;
    ParseOid(*head_hex, &head_oid);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &head_oid) < 0) {
      return Status::Corruption("HEAD in " + dir + " does not point at a commit: " + LastGitError());
    }
    parent.reset(raw);
  }
  bool changed = false;
  auto tree_id = WriteFolder(odb.get(), git_commit_tree_id(parent.get()), root, "", &changed);
  if (!tree_id.ok()) return tree_id.status();
  auto removable = [&](const std::string& rel) -> std::optional<git_oid> {
    auto it = committed.find(rel);
    if (it == committed.end()) return std::nullopt;
    return it->second;
  };
  if (!changed) {
    RemoveOutsideCheckout(dir, *checkout, files, removable);
    return CommitInfo{false, *head_hex, ""};
  }
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &**tree_id) < 0) {
    return Status::Corruption("cannot read the tree just written in " + dir + ": " + LastGitError());
  }
  TreePtr tree(raw_tree);

  git_config* raw_cfg = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw_cfg, repo) == 0 ? raw_cfg : nullptr);
  Identity committer_id = ResolveIdentity(cfg.get(), "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL");
  auto author = MakeSignature(ResolveIdentity(cfg.get(), "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"), "author");
  if (!author.ok()) return author.status();
  auto committer = MakeSignature(committer_id, "committer");
  if (!committer.ok()) return committer.status();
  const git_commit* parents[] = {parent.get()};
  git_oid commit_id;
  if (git_commit_create(&commit_id, repo, nullptr, author->get(), committer->get(), nullptr, message.c_str(),
                        tree.get(), 1, parents) < 0) {
    return Status::IoError("cannot create the commit in " + dir + ": " + LastGitError());
  }
  std::string commit_hex = OidHex(commit_id);
  if (!options.pending_file.empty()) {
    Status s = WriteFileBelow(dir, options.pending_file, *head_hex + " " + commit_hex + "\n", /*sync=*/true);
    if (!s.ok()) return s.With("cannot note the commit under way");
  }
  TestPausePoint("commit-written");

  // The branch moves only from the commit the trees were built on.
  git_reference* raw_head = nullptr;
  if (git_reference_lookup(&raw_head, repo, "HEAD") < 0) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }
  RefPtr head_ref(raw_head);
  std::string target = git_reference_type(head_ref.get()) == GIT_REFERENCE_SYMBOLIC
                           ? git_reference_symbolic_target(head_ref.get())
                           : "HEAD";
  // The reflog's identity is the committer's, as git's.
  git_repository_set_ident(repo, committer_id.name.c_str(), committer_id.email.c_str());
  git_reference* moved = nullptr;
  int rc = git_reference_create_matching(&moved, repo, target.c_str(), &commit_id, 1, git_commit_id(parent.get()),
                                         ("commit: " + Subject(message)).c_str());
  if (rc == 0) git_reference_free(moved);
  if (rc == GIT_ELOCKED) {
    ForgetPending(dir, options.pending_file);
    return LockedErrorFromGit("cannot move the branch to the new commit", dir);
  }
  if (rc < 0) {
    ForgetPending(dir, options.pending_file);
    return Status::IoError("cannot move " + target + " in " + dir + " to the new commit: " + LastGitError());
  }
  TestPausePoint("branch-moved");
  RemoveOutsideCheckout(dir, *checkout, files, removable);
  std::string sync_note = SyncIndex(dir, *checkout, *head_hex, commit_hex, changes);
  TestPausePoint("index-written");
  if (sync_note.empty()) ForgetPending(dir, options.pending_file);
  return CommitInfo{true, commit_hex, sync_note};
}

// ---- Pushing --------------------------------------------------------------

struct UrlParts {
  size_t userinfo_begin = std::string::npos;  // npos: the URL has no userinfo
  size_t userinfo_end = 0;                    // index of the '@'
  std::string scheme;
};

UrlParts SplitUrl(const std::string& url) {
  UrlParts p;
  size_t sep = url.find("://");
  if (sep == std::string::npos) return p;  // a path or an scp-like "user@host:path"
  p.scheme = url.substr(0, sep);
  for (char& c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t begin = sep + 3;
  size_t end = url.find_first_of("/?#", begin);
  if (end == std::string::npos) end = url.size();
  size_t at = url.rfind('@', end - 1);
  if (at == std::string::npos || at < begin) return p;
  p.userinfo_begin = begin;
  p.userinfo_end = at;
  return p;
}

bool IsHttp(const std::string& scheme) { return scheme == "http" || scheme == "https"; }

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The folder a remote URL names when it is an absolute path or a file:// URL.
std::optional<std::string> LocalPath(const std::string& url) {
  if (url.rfind("file://", 0) == 0) return PercentDecode(url.substr(7));
  if (!url.empty() && url[0] == '/') return url;
  return std::nullopt;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// git's output with the secrets newsmirror knows of taken out.
std::string Scrub(std::string text, const std::string& url) {
  ReplaceAll(text, url, RedactUrl(url));
  UrlParts parts = SplitUrl(url);
  if (parts.userinfo_begin != std::string::npos) {
    std::string info = url.substr(parts.userinfo_begin, parts.userinfo_end - parts.userinfo_begin);
    size_t colon = info.find(':');
    if (colon != std::string::npos && colon + 1 < info.size()) {
      ReplaceAll(text, info.substr(colon + 1), "***");
      ReplaceAll(text, PercentDecode(info.substr(colon + 1)), "***");
    }
  }
  for (const char* name : {"NEWSMIRROR_GIT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"}) {
    if (const char* token = NonEmptyEnv(name)) ReplaceAll(text, token, "***");
  }
  return text;
}

// The branch HEAD points at, e.g. "refs/heads/main".
Result<std::string> CurrentBranch(git_repository* repo, const std::string& dir) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") < 0) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }
  RefPtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return Status::InvalidArgument("HEAD in " + dir + " is detached: check out a branch to push");
  }
  std::string branch = git_reference_symbolic_target(head.get());
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, branch.c_str()) < 0) {
    return Status::NotFound("nothing to push from " + dir + ": " + branch + " has no commits yet");
  }
  return branch;
}

PushOutcome PushOne(git_repository* repo, const std::string& dir, const std::string& remote_name,
                    const std::string& branch) {
  PushOutcome outcome;
  outcome.remote = remote_name;
  git_config* raw_cfg = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw_cfg, repo) == 0 ? raw_cfg : nullptr);
  std::string url = ConfigString(cfg.get(), ("remote." + remote_name + ".pushurl").c_str());
  if (url.empty()) url = ConfigString(cfg.get(), ("remote." + remote_name + ".url").c_str());
  if (url.empty()) {
    outcome.status = Status::NotFound("remote '" + remote_name + "' is not configured: add it with `git remote add " +
                                      remote_name + " URL`");
    return outcome;
  }
  std::string where = "push to remote '" + remote_name + "' (" + RedactUrl(url) + ")";
  if (std::optional<std::string> path = LocalPath(url); path && !std::filesystem::exists(*path)) {
    outcome.status = Status::NotFound(where + " failed: there is no repository at " + *path);
    return outcome;
  }
  auto r = RunGit(dir, {"push", "--porcelain", "--quiet", remote_name, branch + ":" + branch});
  if (!r.ok()) {
    outcome.status = r.status().With(where + " failed");
    return outcome;
  }
  // --porcelain: one line per ref, "FLAG\tFROM:TO\tSUMMARY (REASON)"; "!" is
  // a ref the remote did not take.
  std::vector<std::string> refused;
  size_t start = 0;
  const std::string& out = r->out;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(start, end - start);
    start = end + 1;
    if (line.size() < 2 || line[0] != '!' || line[1] != '\t') continue;
    std::string ref = line.substr(2, line.find('\t', 2) - 2);
    std::string summary = line.substr(std::min(line.size(), 3 + ref.size()));
    ref = ref.substr(ref.find(':') + 1);
    if (summary.rfind("[rejected]", 0) == 0) outcome.rejected = true;
    refused.push_back(ref + " " + summary);
  }
  if (r->exit_code == 0 && refused.empty()) return outcome;
  std::string cause;
  for (const std::string& f : refused) cause += (cause.empty() ? "" : ", ") + f;
  if (outcome.rejected) {
    cause += " (the remote has commits this repository lacks, e.g. another run pushed first: fetch, merge and push "
             "again)";
  }
  if (cause.empty()) cause = GitErrorText(*r);
  outcome.status = Status::NetworkError(Scrub(where + (refused.empty() ? " failed: " : " was rejected: ") + cause, url));
  return outcome;
}

}  // namespace

Status EnsureRepository(const std::string& dir) {
  auto opened = OpenRepository(dir);
  if (opened.ok()) return Status::Ok();
  if (opened.status().kind() != Status::Kind::kNotFound) return opened.status();

  git_repository_init_options opts;
  git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  // Named here so that git's own default (master, or init.defaultBranch)
  // does not decide the branch readers see.
  opts.initial_head = kInitialBranch;
  git_repository* raw = nullptr;
  if (git_repository_init_ext(&raw, dir.c_str(), &opts) < 0) {
    return Status::IoError("cannot create a git repository at " + dir + ": " + LastGitError());
  }
  git_repository_free(raw);
  return Status::Ok();
}

Result<CommitInfo> Commit(const std::string& dir, const std::string& message, const CommitOptions& options) {
  auto opened = OpenRepository(dir);
  if (!opened.ok()) return opened.status();
  git_repository* repo = opened->get();
  if (git_repository_is_bare(repo)) {
    return Status::InvalidArgument("the git repository at " + dir + " is bare: it has no files to commit");
  }
  if (options.remove_locks_before_ns > 0) {
    if (Status s = RemoveStaleLocks(repo, options.remove_locks_before_ns); !s.ok()) return s;
  }
  bool unborn = git_repository_head_unborn(repo) == 1;
  if (options.files && !unborn) return CommitFiles(repo, dir, message, *options.files, options);

  // The whole work tree: the first commit of a new mirror (an archive being
  // taken over is there before newsmirror wrote anything), or no list given.
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) < 0) {
    return Status::Corruption("cannot read the git index in " + dir + ": " + LastGitError());
  }
  IndexPtr index(raw_index);
  if (Status s = StageAll(index.get(), dir); !s.ok()) return s;
  git_oid tree_id;
  if (git_index_write_tree(&tree_id, index.get()) < 0) {
    return Status::IoError("cannot write the tree in " + dir + ": " + LastGitError());
  }
  // Written before the commit so that a stale lock stops the run before HEAD
  // moves, and `git status` afterwards shows a clean work tree.
  if (int rc = git_index_write(index.get()); rc < 0) {
    if (rc == GIT_ELOCKED) {
      return LockedError("cannot write the git index", std::string(git_repository_path(repo)) + "index.lock", dir);
    }
    return Status::IoError("cannot write the git index in " + dir + ": " + LastGitError());
  }
  TestPausePoint("index-written");
  CommitPtr parent;
  git_reference* raw_head = nullptr;
  int rc = git_repository_head(&raw_head, repo);
  if (rc == 0) {
    RefPtr head(raw_head);
    git_object* peeled = nullptr;
    if (git_reference_peel(&peeled, head.get(), GIT_OBJECT_COMMIT) < 0) {
      return Status::Corruption("HEAD in " + dir + " does not point at a commit: " + LastGitError());
    }
    parent.reset(reinterpret_cast<git_commit*>(peeled));
    if (git_oid_equal(git_commit_tree_id(parent.get()), &tree_id)) {
      return CommitInfo{false, OidHex(*git_commit_id(parent.get()))};
    }
  } else if (rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &tree_id) < 0) {
    return Status::Corruption("cannot read the tree just written in " + dir + ": " + LastGitError());
  }
  TreePtr tree(raw_tree);
  git_config* raw_cfg = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw_cfg, repo) == 0 ? raw_cfg : nullptr);
  auto author = MakeSignature(ResolveIdentity(cfg.get(), "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"), "author");
  if (!author.ok()) return author.status();
  auto committer =
      MakeSignature(ResolveIdentity(cfg.get(), "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"), "committer");
  if (!committer.ok()) return committer.status();
  const git_commit* parents[] = {parent.get()};
  git_oid commit_id;
  rc = git_commit_create(&commit_id, repo, "HEAD", author->get(), committer->get(), nullptr, message.c_str(),
                         tree.get(), parent ? 1 : 0, parents);
  if (rc == GIT_ELOCKED) return LockedErrorFromGit("cannot move the branch to the new commit", dir);
  if (rc < 0) return Status::IoError("cannot create the commit in " + dir + ": " + LastGitError());
  // libgit2's index holds every file as present: in a sparse checkout, git
  // marks the files it leaves out and takes them out of the work tree (and
  // collapses their folders when the index is sparse), as a clone would have.
  std::string note;
  auto checkout = CheckoutOf(dir);
  if (checkout.ok() && checkout->sparse()) {
    auto r = RunGit(dir, {"sparse-checkout", "reapply"});
    if (!r.ok() || r->exit_code != 0) {
      note = "committed, but the sparse checkout of " + dir + " could not be applied again (" +
             (r.ok() ? GitErrorText(*r) : r.status().message()) + "): run git sparse-checkout reapply";
    }
  }
  return CommitInfo{true, OidHex(commit_id), note};
}

std::vector<PushOutcome> Push(const std::string& dir, const std::vector<std::string>& remotes) {
  std::vector<PushOutcome> outcomes;
  auto fail_all = [&](const Status& s) {
    for (const auto& r : remotes) outcomes.push_back({r, s.With("push to remote '" + r + "'")});
    return outcomes;
  };
  auto opened = OpenRepository(dir);
  if (!opened.ok()) return fail_all(opened.status());
  auto branch = CurrentBranch(opened->get(), dir);
  if (!branch.ok()) return fail_all(branch.status());
  for (const auto& remote : remotes) outcomes.push_back(PushOne(opened->get(), dir, remote, *branch));
  return outcomes;
}

std::string RedactUrl(const std::string& url) {
  UrlParts p = SplitUrl(url);
  if (p.userinfo_begin == std::string::npos) return url;
  std::string info = url.substr(p.userinfo_begin, p.userinfo_end - p.userinfo_begin);
  size_t colon = info.find(':');
  std::string redacted;
  if (colon != std::string::npos) {
    redacted = info.substr(0, colon) + ":***";
  } else if (IsHttp(p.scheme)) {
    redacted = "***";
  } else {
    return url;  // an ssh user name is no secret
  }
  return url.substr(0, p.userinfo_begin) + redacted + url.substr(p.userinfo_end);
}

Result<std::vector<bool>> PathsInHead(const std::string& dir, const std::vector<std::string>& paths) {
  std::vector<bool> in_head(paths.size(), false);
  auto opened = OpenRepository(dir);
  if (!opened.ok()) {
    if (opened.status().kind() == Status::Kind::kNotFound) return in_head;
    return opened.status();
  }
  git_repository* repo = opened->get();
  if (git_repository_head_unborn(repo) == 1) return in_head;
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, "HEAD^{tree}") < 0) {
    return Status::Corruption("cannot read HEAD's tree in " + dir + ": " + LastGitError());
  }
  TreePtr tree(reinterpret_cast<git_tree*>(raw));
  for (size_t i = 0; i < paths.size(); ++i) {
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree.get(), paths[i].c_str()) == 0) {
      in_head[i] = true;
      git_tree_entry_free(entry);
    }
  }
  return in_head;
}

}  // namespace nm
